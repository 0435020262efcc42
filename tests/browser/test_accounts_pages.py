from playwright.sync_api import expect

from accounts.models import User
from tests.browser.support import screenshot


def test_a_visitor_signs_up_is_asked_to_check_their_mail_logs_in_and_out(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("mentor")
    page.get_by_role("link", name="Get started").click()

    page.fill("input[name=full_name]", "Nina Newcomer")
    page.fill("input[name=email]", "Nina@Example.com")
    page.fill("input[name=password1]", "a-long-and-unusual-passphrase")
    page.fill("input[name=password2]", "a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign Up").click()

    # The same answer an address with an account would get, so sign-up reveals nobody's address.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify Your Email Address")
    expect(page.get_by_test_id("nav-user")).to_have_count(0)
    user = User.objects.get()
    assert (user.email, user.full_name, user.role) == ("nina@example.com", "Nina Newcomer", "student")

    # Verification is optional by default: the password works before the link is followed.
    page.get_by_role("link", name="Log in").click()
    page.fill("input[name=login]", "nina@example.com")
    page.fill("input[name=password]", "a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_test_id("nav-user")).to_contain_text("Nina Newcomer")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_test_id("nav-user")).to_have_count(0)


def test_a_wrong_password_is_refused_on_the_login_page(page):
    User.objects.create_user(email="kim@example.com", password="a-long-and-unusual-passphrase", full_name="Kim")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "kim@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.locator("body")).to_contain_text("not correct")
    expect(page.get_by_test_id("nav-user")).to_have_count(0)
    screenshot(page, "login-refused")


def test_a_signed_in_user_edits_their_profile_and_sees_times_in_their_zone(page):
    User.objects.create_user(email="lee@example.com", password="a-long-and-unusual-passphrase", full_name="Lee")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "lee@example.com")
    page.fill("input[name=password]", "a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign In").click()

    page.get_by_test_id("nav-user").click()
    page.fill("input[name=full_name]", "Lee Park")
    page.select_option("select[name=timezone]", "Asia/Tokyo")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".message.success")).to_contain_text("saved")
    expect(page.get_by_test_id("viewer-tz")).to_have_text("Asia/Tokyo")
    assert User.objects.get(email="lee@example.com").full_name == "Lee Park"


def test_an_anonymous_visitor_sees_times_in_their_browsers_zone(page):
    page.goto("/")
    page.reload()  # the first visit sets the time-zone cookie
    expect(page.get_by_test_id("viewer-tz")).to_have_text("Europe/Moscow")


def test_each_sign_up_error_sits_under_its_own_field_and_what_was_typed_stays(page):
    page.goto("/accounts/signup/")
    page.fill("input[name=full_name]", "Nina Newcomer")
    page.fill("input[name=email]", "not-an-email@x")
    page.fill("input[name=password1]", "123")
    page.fill("input[name=password2]", "123")
    # The browser's own check would stop an address it finds malformed; the server's is what is tested here.
    page.eval_on_selector("form", "form => form.noValidate = true")
    page.get_by_role("button", name="Sign Up").click()
    email_field = page.locator(".field", has=page.locator("input[name=email]"))
    expect(email_field.locator(".errorlist")).to_contain_text("valid email")
    expect(page.locator(".field", has=page.locator("input[name=full_name]")).locator(".errorlist")).to_have_count(0)
    expect(page.locator(".field", has=page.locator("input[name=password1]")).locator(".errorlist")).not_to_be_empty()
    expect(page.locator("input[name=full_name]")).to_have_value("Nina Newcomer")
    screenshot(page, "signup-errors")
    assert not User.objects.exists()
