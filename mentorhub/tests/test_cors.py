"""CORS: listed origins may call the API (with credentials), nobody else, and pages never answer CORS."""

import json

import pytest

from mentorhub.tests.test_security_headers import _production
from scripts.run import DEV_FRONTEND_ORIGINS, environment

SPA = "https://app.example"
STRANGER = "https://evil.example"
MENTORS = "/api/v1/mentors"


@pytest.fixture(autouse=True)
def _listed_spa(settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]


def preflight(client, path, origin, method="POST", headers="authorization, content-type"):
    return client.options(path, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
                          HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers)


@pytest.mark.parametrize("path", ["/api/v1/booking/hold", "/api/booking/hold", "/api/v1/auth/refresh",
                                  "/session/api/addSession"])
def test_a_preflight_from_a_listed_origin_is_allowed_with_credentials_and_cached(client, path):
    response = preflight(client, path, SPA, headers="authorization, content-type, if-none-match")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SPA
    assert response["Access-Control-Allow-Credentials"] == "true"
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "if-none-match"} <= allowed
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= {m.strip() for m in
                                                          response["Access-Control-Allow-Methods"].split(",")}
    assert int(response["Access-Control-Max-Age"]) >= 600
    assert "origin" in response["Vary"].lower()


@pytest.mark.parametrize("origin", [STRANGER, "https://app.example.evil.example", "http://app.example", "null"])
def test_a_preflight_from_any_other_origin_gets_no_cors_headers(client, origin):
    response = preflight(client, "/api/v1/booking/hold", origin)
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.mark.django_db
def test_an_api_answer_to_a_listed_origin_allows_it_and_exposes_etag_and_retry_after(client):
    response = client.get(MENTORS, HTTP_ORIGIN=SPA)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SPA
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")} == {"etag",
                                                                                              "retry-after"}


@pytest.mark.django_db
def test_an_api_error_carries_the_cors_headers_too_so_the_spa_can_read_it(client):
    response = client.get("/api/v1/users/me", HTTP_ORIGIN=SPA)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == SPA


@pytest.mark.django_db
def test_an_unlisted_origin_gets_no_cors_headers_and_so_no_credentials(client):
    response = client.get(MENTORS, HTTP_ORIGIN=STRANGER)
    assert response.status_code == 200  # the answer is made; the browser keeps it from the page
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/mentors/", "/accounts/login/", "/health", "/admin/login/"])
def test_pages_never_answer_with_cors_headers_even_to_a_listed_origin(client, path):
    response = client.get(path, HTTP_ORIGIN=SPA)
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight_response = preflight(client, path, SPA)
    assert "Access-Control-Allow-Origin" not in preflight_response.headers


@pytest.mark.django_db
def test_with_no_origins_configured_nobody_gets_cors_headers(client, settings):
    settings.CORS_ALLOWED_ORIGINS = []
    assert "Access-Control-Allow-Origin" not in client.get(MENTORS, HTTP_ORIGIN=SPA).headers
    assert "Access-Control-Allow-Origin" not in preflight(client, MENTORS, SPA).headers


def test_credentials_are_never_combined_with_a_wildcard_origin():
    from django.conf import settings

    assert settings.CORS_ALLOW_CREDENTIALS is True
    assert not getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    assert not getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", [])
    assert "*" not in settings.CORS_ALLOWED_ORIGINS


def test_the_cors_list_does_not_loosen_csrf_for_forms(settings):
    from django.conf import settings as live

    assert SPA not in live.CSRF_TRUSTED_ORIGINS


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps([settings.CORS_ALLOWED_ORIGINS, settings.AUTH_REFRESH_COOKIE_SECURE,
                  settings.AUTH_REFRESH_COOKIE_SAMESITE]))
"""


def test_production_lists_no_origins_and_keeps_the_refresh_cookie_secure_by_default():
    result = _production("-c", SHOW_SETTINGS, CORS_ALLOWED_ORIGINS="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [[], True, "Lax"]
    listed = _production("-c", SHOW_SETTINGS, CORS_ALLOWED_ORIGINS="https://app.example, https://m.example")
    assert json.loads(listed.stdout.strip().splitlines()[-1])[0] == ["https://app.example", "https://m.example"]


def test_a_samesite_none_cookie_without_secure_is_refused_at_start():
    result = _production("-c", SHOW_SETTINGS, AUTH_REFRESH_COOKIE_SAMESITE="None", AUTH_REFRESH_COOKIE_SECURE="false")
    assert result.returncode != 0 and "AUTH_REFRESH_COOKIE_SAMESITE=None" in result.stderr


def test_make_run_lists_the_local_dev_servers_unless_told_otherwise():
    env = environment({}, "127.0.0.1", 8000)
    listed = env["CORS_ALLOWED_ORIGINS"].split(",")
    assert listed == DEV_FRONTEND_ORIGINS
    for port in (3000, 5173, 8080):
        assert {f"http://localhost:{port}", f"http://127.0.0.1:{port}"} <= set(listed)
    assert environment({"CORS_ALLOWED_ORIGINS": ""}, "127.0.0.1", 8000)["CORS_ALLOWED_ORIGINS"] == ""
