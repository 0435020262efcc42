"""Messages, notices and the staff pages in Russian, in a browser: a Russian-speaking mentee chats live with an
English-speaking mentor, each in their own language (the chat's JavaScript included), and the pages fit 390 px
and 1280 px with no text running out of its box."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from mentorhub.testing import daphne
from mentors.models import MentorProfile
from notifications.models import Notification
from tests.browser.support import screenshot, sideways_overflow, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-and-unusual-passphrase"

# Buttons, links styled as buttons, headings and table cells whose text is wider than their box.
OVERFLOWING = (
    "() => [...document.querySelectorAll('main button, main .btn, main h1, main h2, main th, main td, main label, "
    "main .tabs a')].filter(el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'hidden')"
    ".map(el => el.outerHTML.slice(0, 120))"
)


@pytest.fixture
def site(transactional_db):
    with daphne(LIVE_NOTIFICATIONS="true") as server:
        yield server.url


def fits(page, name: str) -> None:
    assert sideways_overflow(page) == 0, name
    assert page.evaluate(OVERFLOWING) == [], name
    screenshot(page, name)


def test_a_russian_mentee_and_an_english_mentor_chat_each_in_their_own_language(browser, site):
    mentor = User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Mentor",
                                      role="mentor", language="en")
    MentorProfile.objects.create(user=mentor, title="Staff engineer", price_per_hour=0, status="approved")
    mentee = User.objects.create_user(email="mia@example.com", password=PASSWORD, full_name="Mia Mentee",
                                      language="ru")
    Notification.objects.create(user=mentee, kind="test", title="Сессия подтверждена", body="Вт, 10:00")

    mentee_context, mia, mentee_problems = signed_in(browser, site, PASSWORD, "mia@example.com", width=390)
    mentor_context, nora, mentor_problems = signed_in(browser, site, PASSWORD, "nora@example.com")

    mia.goto(f"/messages/new/{mentor.pk}/")
    expect(mia.locator("h1")).to_have_text("Новое сообщение: Nora Mentor")
    mia.get_by_test_id("chat-send").click()  # nothing written: refused in Russian
    expect(mia.get_by_test_id("chat-error")).to_have_text("Сначала напишите что-нибудь.")
    mia.get_by_test_id("chat-text").fill("Здравствуйте! Можно обсудить собеседования?")
    mia.get_by_test_id("chat-send").click()
    expect(mia.locator("[data-chat]")).to_have_attribute("data-live-state", "open")
    expect(mia.get_by_test_id("chat-text")).to_have_attribute("placeholder", "Напишите сообщение…")

    nora.goto("/messages/")
    expect(nora.locator("h1")).to_have_text("Messages")
    nora.get_by_test_id("conversation").click()
    expect(nora.locator("[data-chat]")).to_have_attribute("data-live-state", "open")
    # The receipt arrives live: chat.js writes it in the mentee's language.
    expect(mia.get_by_test_id("chat-message").first.locator("[data-seen]")).to_have_text(" · Прочитано")
    nora.get_by_test_id("chat-text").fill("Sure, Mia!")
    nora.get_by_test_id("chat-send").click()
    expect(mia.get_by_test_id("chat-message").filter(has_text="Sure, Mia!")).to_be_visible()
    mia.get_by_test_id("chat-text").fill("")
    mia.get_by_test_id("chat-send").click()  # the live form refuses it in the page, in Russian too
    expect(mia.get_by_test_id("chat-error")).to_have_text("Сначала напишите что-нибудь.")
    expect(mia.get_by_test_id("chat-block")).to_have_text("Заблокировать")
    fits(mia, "ru-chat-390")

    mia.goto("/messages/")
    expect(mia.locator("h1")).to_have_text("Сообщения")
    fits(mia, "ru-inbox-390")
    mia.goto("/notifications/")
    expect(mia.locator("h1")).to_have_text("Уведомления")
    expect(mia.get_by_test_id("mark-all-read")).to_have_text("Отметить все как прочитанные")
    fits(mia, "ru-notifications-390")
    for context, problems in ((mentee_context, mentee_problems), (mentor_context, mentor_problems)):
        context.close()
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_staff_dashboard_and_the_mentor_analytics_fit_in_russian(browser, live_server, width):
    User.objects.create_user(email="sam@example.com", password=PASSWORD, full_name="Sam Staff", is_staff=True,
                             language="ru")
    mentor = User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Mentor",
                                      role="mentor", language="ru")
    MentorProfile.objects.create(user=mentor, title="Staff engineer", price_per_hour=0, status="approved")

    context, staff, problems = signed_in(browser, live_server.url, PASSWORD, "sam@example.com", width=width)
    staff.goto("/staff/")
    expect(staff.locator("h1")).to_have_text("Панель администрации")
    fits(staff, f"ru-staff-{width}")
    context.close()
    context, nora, more_problems = signed_in(browser, live_server.url, PASSWORD, "nora@example.com", width=width)
    nora.goto("/mentor/analytics/")
    expect(nora.locator("h1")).to_have_text("Аналитика")
    fits(nora, f"ru-mentor-analytics-{width}")
    context.close()
    assert not problems + more_problems, "\n".join(problems + more_problems)
