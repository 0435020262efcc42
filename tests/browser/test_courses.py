"""A mentee finds a course in the catalogue, enrols and pays at the offline checkout, completes two lessons and
sees the progress on "my learning"; the pages fit a 390 px phone."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from accounts.models import User
from courses.models import Course, Enrollment, Lesson
from mentors.models import MentorProfile
from tests.browser.support import screenshot, sideways_overflow, sign_in

PASSWORD = "a-long-and-unusual-passphrase"


def test_find_a_course_enrol_and_pay_complete_two_lessons_and_see_progress_on_my_learning(page):
    author = User.objects.create_user(email="cora@example.com", password=PASSWORD, full_name="Cora Coder",
                                      role="mentor", timezone="Europe/Moscow")
    profile = MentorProfile.objects.create(user=author, title="Data engineer", price_per_hour=3000,
                                           status="approved", timezone="Europe/Moscow")
    course = Course.objects.create(author=profile, title="Pandas for analysts", category="data", level="beginner",
                                   price=Decimal("4900"), currency="RUB", status="published",
                                   description="Clean, join and chart real data with pandas.")
    Course.objects.create(author=profile, title="Rust for experts", category="programming", level="advanced",
                          price=Decimal("9000"), currency="RUB", status="published")
    titles = ["Loading data", "Cleaning columns", "Joining tables", "Charts"]
    for position, title in enumerate(titles, start=1):
        Lesson.objects.create(course=course, position=position, title=title, estimated_minutes=30,
                              is_preview=position == 1,
                              body=f"## {title}\n\nUse `pd.read_csv()` and **check** the types.\n\n- one\n- two")
    User.objects.create_user(email="lu@example.com", password=PASSWORD, full_name="Lu Learner",
                             timezone="Europe/Moscow")
    sign_in(page, "lu@example.com", PASSWORD)

    # Find it in the catalogue: beginner courses about pandas.
    page.get_by_test_id("nav-courses").click()
    page.get_by_label("Search").fill("pandas")
    page.get_by_label("Level").select_option("beginner")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("course-card")).to_have_count(1)
    expect(page.get_by_test_id("course-card")).to_contain_text("RUB 4,900.00")
    page.get_by_role("link", name="Pandas for analysts").click()
    expect(page.get_by_test_id("outline")).to_contain_text("Charts")
    screenshot(page, "course-page")

    # Enrol and pay at the offline checkout.
    page.get_by_test_id("enrol").click()
    expect(page).to_have_url(re.compile(r"/payments/\d+/checkout/$"))
    page.get_by_role("button", name="Pay RUB 4,900.00 (succeed)").click()
    expect(page.get_by_test_id("payment-result")).to_contain_text("is open")
    page.get_by_test_id("to-course").click()

    # Two lessons, marked complete one after the other.
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("lesson-body")).to_contain_text("check the types")
    page.get_by_test_id("mark-complete").click()
    expect(page.get_by_role("heading", name="Cleaning columns", level=1)).to_be_visible()
    expect(page.get_by_test_id("progress-text")).to_contain_text("1 of 4 lessons done (25%)")
    page.get_by_test_id("mark-complete").click()
    expect(page.get_by_test_id("progress-text")).to_contain_text("2 of 4 lessons done (50%)")
    page.set_viewport_size({"width": 390, "height": 800})
    assert sideways_overflow(page) == 0
    screenshot(page, "lesson-390")

    # My learning shows where the learner is.
    page.get_by_role("button", name="Menu").click()
    page.get_by_test_id("nav-courses").click()
    page.get_by_test_id("nav-my-learning").click()
    expect(page.get_by_test_id("my-progress")).to_have_text("2 of 4 lessons · 50%")
    expect(page.get_by_test_id("next-lesson")).to_have_text("Joining tables")
    assert sideways_overflow(page) == 0
    screenshot(page, "my-learning-390")
    assert Enrollment.objects.get().status == "active"
    page.goto("/courses/")
    assert sideways_overflow(page) == 0
    screenshot(page, "courses-390")
