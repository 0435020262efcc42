"""Which zone a page's times are in: the profile's, else the browser's (the ``tz`` cookie), else UTC."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def html(response) -> str:
    return response.content.decode()


def test_a_visitor_sees_the_browsers_zone_and_the_page_may_follow_the_browser(client):
    client.cookies["tz"] = "Asia%2FTokyo"
    page = html(client.get("/"))
    assert '<html lang="en" data-tz="Asia/Tokyo" data-tz-auto>' in page
    assert 'data-testid="viewer-tz">Asia/Tokyo<' in page
    assert page.index("js/timezone.js") < page.index("css/app.css")  # runs before the page is drawn


def test_a_visitor_without_a_usable_zone_sees_utc(client):
    client.cookies["tz"] = "..%2F..%2Fetc%2Fpasswd"
    assert 'data-tz="UTC" data-tz-auto>' in html(client.get("/"))


def test_a_signed_in_users_profile_zone_wins_over_the_browsers_and_the_page_does_not_reload(client, mentee):
    mentee.timezone = "America/New_York"
    mentee.save()
    client.force_login(mentee)
    client.cookies["tz"] = "Asia%2FTokyo"
    page = html(client.get("/"))
    assert '<html lang="en" data-tz="America/New_York">' in page
    assert 'form id="tz-offer"' in page and "data-tz-offer hidden" in page


def test_signing_up_keeps_the_zone_the_visitor_was_shown(client):
    client.cookies["tz"] = "Asia%2FTokyo"
    client.post("/accounts/signup/", {"full_name": "Nina Newcomer", "email": "nina@example.com",
                                      "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.get(email="nina@example.com").timezone == "Asia/Tokyo"


def test_signing_up_with_an_unknown_browser_zone_keeps_utc(client):
    client.cookies["tz"] = "Mars%2FOlympus"
    client.post("/accounts/signup/", {"full_name": "Nina Newcomer", "email": "nina@example.com",
                                      "password1": PASSWORD, "password2": PASSWORD})
    assert User.objects.get(email="nina@example.com").timezone == "UTC"


def test_using_the_browsers_zone_updates_the_profile_and_returns_to_the_page(client, mentee):
    client.force_login(mentee)
    response = client.post("/profile/timezone/", {"timezone": "Asia/Tokyo", "next": "/sessions/?tab=past"})
    assert response.status_code == 302 and response["Location"] == "/sessions/?tab=past"
    mentee.refresh_from_db()
    assert mentee.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "+03:00", "localtime", "Factory"])
def test_an_unknown_zone_is_refused_and_nothing_changes(client, mentee, zone):
    client.force_login(mentee)
    response = client.post("/profile/timezone/", {"timezone": zone, "next": "/"}, follow=True)
    mentee.refresh_from_db()
    assert mentee.timezone == "UTC"
    assert "known IANA time zone" in html(response) or "cannot be blank" in html(response)


def test_the_zone_form_never_sends_anyone_to_another_site(client, mentee):
    client.force_login(mentee)
    response = client.post("/profile/timezone/", {"timezone": "Asia/Tokyo", "next": "https://evil.example/"})
    assert response["Location"] == "/profile/"
