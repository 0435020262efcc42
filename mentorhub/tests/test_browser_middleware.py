"""BrowserMiddleware: sessions, CSRF, auth and messages for browsers; cookieless API calls skip the block."""

import pytest
from django.core.checks import Error
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from mentorhub.checks import browser_middleware_complete
from mentorhub.middleware import BrowserMiddleware

pytestmark = pytest.mark.django_db


def _seen_by_the_view(path: str, **headers) -> dict:
    """What a view behind the block finds on the request."""
    seen = {}

    def view(request):
        seen.update(session=hasattr(request, "session"), user=hasattr(request, "user"))
        return HttpResponse("ok")

    BrowserMiddleware(view)(RequestFactory().get(path, **headers))
    return seen


def test_a_cookieless_api_call_goes_straight_to_the_view():
    assert _seen_by_the_view("/api/v1/mentors", HTTP_COOKIE="") == {"session": False, "user": False}


def test_an_api_call_with_any_cookie_goes_through_sessions_and_auth():
    assert _seen_by_the_view("/api/v1/mentors", HTTP_COOKIE="theme=dark") == {"session": True, "user": True}


def test_a_page_request_without_cookies_goes_through_sessions_and_auth():
    assert _seen_by_the_view("/mentors/", HTTP_COOKIE="") == {"session": True, "user": True}


def test_a_token_client_is_served_and_signed_in_by_its_token(api, mentee):
    response = api(mentee).get("/api/v1/users/me")
    assert response.status_code == 200 and response.json()["email"] == mentee.email
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.get("Vary", "")


def test_a_session_signed_api_call_still_works_through_the_block(mentee):
    client = APIClient()
    client.force_login(mentee)
    response = client.get("/api/v1/users/me")
    assert response.status_code == 200 and response.json()["email"] == mentee.email


def test_a_session_signed_api_write_without_the_csrf_token_is_refused(mentee):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(mentee)
    response = client.patch("/api/v1/users/me", {"full_name": "Mallory"}, format="json")
    assert response.status_code == 403
    mentee.refresh_from_db()
    assert mentee.full_name != "Mallory"


def test_a_page_form_posted_without_the_csrf_token_is_refused(mentee):
    # CSRF's process_view runs from inside the block: a page POST without the token never reaches the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    response = client.post("/language/", {"language": "ru"})
    assert response.status_code == 403


def test_a_token_call_leaves_no_time_zone_behind_for_the_next_request(api, mentee):
    mentee.timezone = "Asia/Tokyo"
    mentee.save(update_fields=["timezone"])
    assert api(mentee).get("/api/v1/users/me").status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_checks_refuse_a_block_missing_sessions():
    listed = ["django.middleware.csrf.CsrfViewMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware",
              "mentorhub.middleware.LazyMessageMiddleware"]
    with override_settings(BROWSER_MIDDLEWARE=listed):
        [error] = browser_middleware_complete(None)
    assert isinstance(error, Error) and error.id == "mentorhub.E001" and "SessionMiddleware" in error.msg


def test_the_checks_refuse_auth_before_sessions():
    listed = ["django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "mentorhub.middleware.LazyMessageMiddleware"]
    with override_settings(BROWSER_MIDDLEWARE=listed):
        [error] = browser_middleware_complete(None)
    assert error.id == "mentorhub.E002"


def test_the_checks_accept_the_settings_as_shipped():
    assert browser_middleware_complete(None) == []
