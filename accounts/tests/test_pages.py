import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_product_and_invites_sign_up(client):
    html = client.get("/").content.decode()
    assert "Learn faster with a mentor" in html
    assert 'href="/accounts/signup/"' in html
    assert "/static/css/app.css" in html


def test_navigation_reflects_a_signed_in_users_name_and_role(client, mentor):
    client.force_login(mentor)
    html = client.get("/").content.decode()
    assert mentor.full_name in html and "Mentor" in html
    assert "Log out" in html and 'href="/accounts/login/"' not in html
    assert 'href="/admin/"' not in html


def test_staff_see_the_admin_link(client, staff):
    client.force_login(staff)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_pages_use_only_assets_the_app_serves(client):
    html = client.get("/accounts/login/").content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_the_profile_page_needs_a_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_profile_page_saves_the_editable_fields(client, mentee):
    client.force_login(mentee)
    response = client.post(
        "/profile/",
        {"full_name": "Mia M.", "bio": "Learning Go", "phone": "+79150480249", "avatar_url": "",
         "timezone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.bio, mentee.phone, mentee.timezone) == (
        "Mia M.", "Learning Go", "+79150480249", "Asia/Tokyo",
    )


def test_the_profile_page_shows_field_errors_and_saves_nothing(client, mentee):
    client.force_login(mentee)
    response = client.post("/profile/", {"full_name": "X", "timezone": "Nowhere/City", "phone": "call me"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"timezone", "phone"}
    mentee.refresh_from_db()
    assert mentee.full_name == "Mia Mentee"


def test_times_on_pages_are_shown_in_the_users_zone(client, mentee):
    mentee.timezone = "America/New_York"
    mentee.save()
    client.force_login(mentee)
    assert 'data-testid="viewer-tz">America/New_York<' in client.get("/").content.decode()


def test_staff_can_open_the_user_admin(client, staff, mentee):
    client.force_login(staff)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{mentee.pk}/change/").status_code == 200


def test_seed_demo_is_idempotent_and_its_logins_work(client, api, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = User.objects.count()
    call_command("seed_demo", stdout=out)
    assert "ivan.student@mentorhub.local" in out.getvalue() and "mentorhub-demo" in out.getvalue()
    assert User.objects.count() == first >= 5
    assert User.objects.filter(is_staff=True).exists()
    assert User.objects.filter(role="mentor").count() >= 2 and User.objects.filter(role="student").count() >= 2
    response = api().post("/api/v1/auth/login", {"email": "ivan.student@mentorhub.local", "password": "mentorhub-demo"})
    assert response.status_code == 200


def test_the_factory_password_logs_in(client, mentee):
    assert client.login(email=mentee.email, password=TEST_PASSWORD)


def test_password_reset_mails_a_link(client, mentee, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": mentee.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [mentee.email]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_seed_demo_refuses_the_public_demo_password_when_debug_is_off_on_a_public_host(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["127.0.0.1", "mentors.example.org"]
    with pytest.raises(CommandError, match="public demo password .* mentors.example.org"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_seed_demo_takes_the_public_demo_password_with_debug_off_when_only_this_machine_is_served(settings):
    # `make run`: production mode, but answering to localhost names only.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.filter(email="ivan.student@mentorhub.local").exists()


def test_seed_demo_with_debug_off_takes_a_private_password(api, settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", "mentors.example.org"]
    call_command("seed_demo", "--password", "a-private-demo-passphrase", stdout=io.StringIO())
    login = {"email": "ivan.student@mentorhub.local"}
    assert api().post("/api/v1/auth/login", {**login, "password": "mentorhub-demo"}).status_code == 401
    assert api().post("/api/v1/auth/login", {**login, "password": "a-private-demo-passphrase"}).status_code == 200
