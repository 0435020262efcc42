"""Search that finds, in a real browser (issue 10, point 15): part of a skill's name in any case, skills
suggested as you type (from the app, no CDN), and filters that say what is wrong instead of "0 mentors"."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from mentors.models import MentorProfile, Skill

WIDTHS = (390, 1280)


def watch(page) -> list[str]:
    """Every console error, uncaught exception and failed request the page produces from now on."""
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


def snapshot(page, name: str, part=None) -> None:
    """Screenshots for a person to look at (of the page, or of one ``part`` of it), when SCREENSHOT_DIR names
    where."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        if part is None:
            page.screenshot(path=f"{folder}/{name}.png", full_page=True)
        else:
            part.screenshot(path=f"{folder}/{name}.png")


def mentor(email: str, name: str, skills: list[str], price: int) -> MentorProfile:
    user = User.objects.create_user(email=email, password="a-long-and-unusual-passphrase", full_name=name,
                                    role="mentor")
    profile = MentorProfile.objects.create(user=user, title="Engineer", description="Helps people grow.",
                                           price_per_hour=price, status="approved")
    profile.skills.set(Skill.objects.get_or_create(slug=s.lower(), defaults={"name": s})[0] for s in skills)
    return profile


@pytest.fixture
def catalogue(transactional_db):
    return {
        "python": mentor("petra@example.com", "Petra Python", ["Python", "Django"], 3000),
        "go": mentor("gordon@example.com", "Gordon Go", ["Go", "Kubernetes"], 6000),
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("box", ["Search", "Skill"])
def test_typing_part_of_a_skill_suggests_it_and_finds_its_mentor(page, catalogue, width, box):
    problems = watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/mentors/")
    field = page.get_by_label(f"{box}:", exact=True)

    field.press_sequentially("pyth", delay=40)

    suggestions = page.locator(f"#{field.get_attribute('list')} option")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_have_attribute("value", "Python")
    snapshot(page, f"search-suggest-{box.lower()}-{width}")
    field.press("Enter")
    page.wait_for_url("**/mentors/?*pyth*")
    cards = page.get_by_test_id("mentor-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Petra Python")
    snapshot(page, f"search-results-{box.lower()}-{width}")
    no_sideways_scroll(page)
    assert problems == []


def test_a_suggestion_completes_the_last_of_several_skills(page, catalogue):
    problems = watch(page)
    page.goto("/mentors/")
    field = page.get_by_label("Skill:", exact=True)
    field.press_sequentially("Kubernetes, pyt", delay=30)
    expect(page.locator("#skill-suggestions option").first).to_have_attribute("value", "Kubernetes, Python")
    field.press("Enter")
    expect(page.get_by_test_id("mentor-card")).to_have_count(2)
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_min_price_above_the_max_says_what_is_wrong(page, catalogue, width):
    problems = watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/mentors/")
    page.get_by_label("Min price / h").fill("5000")
    page.get_by_label("Max price / h").fill("1000")
    page.get_by_role("button", name="Apply filters").click()

    errors = page.get_by_test_id("search-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("max price is below the min price (5000)")
    expect(page.get_by_test_id("mentor-card")).to_have_count(0)
    expect(page.get_by_text("No mentors match")).to_have_count(0)
    expect(page.get_by_label("Max price / h")).to_have_value("1000")  # the filters are kept to fix them
    snapshot(page, f"search-price-error-{width}")
    no_sideways_scroll(page)
    assert problems == []


def test_a_past_date_says_what_is_wrong(page, catalogue):
    problems = watch(page)
    page.goto("/mentors/")
    page.get_by_label("Available on").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("search-errors")).to_contain_text("has passed")
    expect(page.get_by_test_id("mentor-card")).to_have_count(0)
    assert problems == []
