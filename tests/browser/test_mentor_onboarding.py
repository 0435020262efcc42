from playwright.sync_api import expect

from accounts.models import User
from mentors.models import MentorProfile

PASSWORD = "a-long-and-unusual-passphrase"


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_be_visible()


def test_apply_approve_set_hours_and_the_profile_shows_bookable_times(page, browser, live_server):
    User.objects.create_user(email="nora@example.com", password=PASSWORD, full_name="Nora Newmentor",
                             timezone="Europe/Moscow")
    User.objects.create_user(email="staff@example.com", password=PASSWORD, full_name="Sam Staff",
                             is_staff=True, is_superuser=True)

    # The applicant fills in "Become a mentor".
    sign_in(page, "nora@example.com")
    page.get_by_role("link", name="Become a mentor").click()
    page.fill("input[name=title]", "Kotlin Developer")
    page.fill("textarea[name=description]", "Android apps in Kotlin.")
    page.fill("input[name=skills]", "Kotlin, Android")
    page.fill("input[name=price_per_hour]", "2500")
    page.select_option("select[name=timezone]", "Europe/Moscow")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("mentor-status")).to_have_text("Pending review")

    # Staff approve it in the Django admin, from another browser.
    staff_context = browser.new_context(base_url=live_server.url)
    admin = staff_context.new_page()
    admin.goto("/admin/login/")
    admin.fill("input[name=username]", "staff@example.com")
    admin.fill("input[name=password]", PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto("/admin/mentors/mentorprofile/")
    admin.locator("input[name=_selected_action]").first.check()
    admin.select_option("select[name=action]", "approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Approved")
    staff_context.close()
    assert MentorProfile.objects.get().status == "approved"
    assert User.objects.get(email="nora@example.com").role == "mentor"

    # The mentor sets weekly hours on every day, using the editor's shortcut for Tue-Fri.
    page.goto("/mentor/dashboard/")
    expect(page.get_by_test_id("mentor-status")).to_have_text("Approved")
    page.get_by_label("Monday").fill("09:00-17:00")
    page.get_by_role("button", name="Copy Monday to Tue–Fri").click()
    page.get_by_label("Saturday").fill("09:00-17:00")
    page.get_by_label("Sunday").fill("09:00-17:00")
    page.get_by_role("button", name="Save hours").click()
    expect(page.locator(".message.success")).to_contain_text("Weekly hours saved")
    assert MentorProfile.objects.get().weekly_rules.count() == 7

    # Anyone now sees bookable times on the public profile, in their own zone.
    page.get_by_role("link", name="View public profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nora Newmentor")
    expect(page.get_by_test_id("week-tz")).to_have_text("Europe/Moscow")
    expect(page.get_by_test_id("bookable-time").first).to_be_visible()
    assert page.get_by_test_id("bookable-time").count() >= 8
    first = page.get_by_test_id("bookable-time").first.inner_text()
    assert "09:00" <= first[:5] <= "16:00"
