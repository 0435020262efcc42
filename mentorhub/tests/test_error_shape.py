"""Every API error, whatever raised it, has {"detail", "status_code", "errors": [{"field", "message"}]}."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status_code):
    assert response.status_code == status_code
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "status_code", "errors"}
    assert body["status_code"] == status_code
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    return body


def test_validation_errors_list_each_field(api):
    body = assert_error_shape(api().post("/api/v1/auth/register", {"email": "bad"}), 400)
    assert {e["field"] for e in body["errors"]} == {"email", "password"}
    assert "email" in body["detail"]


def test_a_malformed_json_body_is_a_400(api):
    response = api().post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert_error_shape(response, 400)


def test_missing_credentials_are_a_401(api):
    assert_error_shape(api().get("/api/v1/users/me"), 401)


def test_a_forged_token_is_a_401(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    assert_error_shape(client.get("/api/v1/users/me"), 401)


def test_a_session_write_without_csrf_is_a_403(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    response = client.patch("/api/v1/users/me", data={"bio": "x"}, content_type="application/json")
    body = assert_error_shape(response, 403)
    assert "CSRF" in body["detail"]


def test_an_unknown_api_path_is_a_json_404(api):
    assert_error_shape(api().get("/api/v1/no-such-thing"), 404)
    assert_error_shape(api().get("/api/no-such-thing/either"), 404)


def test_a_method_the_endpoint_does_not_take_is_a_405(api, mentee):
    assert_error_shape(api(mentee).delete("/api/v1/users/me"), 405)


def test_throttling_is_a_429_with_retry_after(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "1/minute"},
    }
    api().post("/api/v1/auth/login", {"email": "a@example.com", "password": "x"})
    response = api().post("/api/v1/auth/login", {"email": "a@example.com", "password": "x"})
    assert_error_shape(response, 429)
    assert int(response["Retry-After"]) > 0


@pytest.mark.urls("mentorhub.tests.urls")
def test_an_unexpected_crash_is_a_500_in_the_same_shape(api, caplog):
    body = assert_error_shape(api().get("/api/v1/test-crash/"), 500)
    assert "boom" not in body["detail"]  # internals stay in the log
    assert "boom" in caplog.text


def test_djangos_own_500_handler_answers_api_paths_in_json(rf):
    from mentorhub.views import server_error

    response = server_error(rf.get("/api/v1/anything"))
    assert response.status_code == 500
    assert json.loads(response.content)["status_code"] == 500


def test_pages_outside_the_api_keep_html_errors(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"Page not found" in response.content


def test_a_session_write_with_its_csrf_token_goes_through(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    client.get("/profile/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        "/api/v1/users/me", data={"bio": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_an_unknown_api_path_written_to_with_a_session_cookie_is_still_a_json_404(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    assert_error_shape(client.put("/api/v1/mentors/me/services/x/", data={}, content_type="application/json"), 404)


def test_a_csrf_failure_outside_drf_answers_api_paths_in_json(rf):
    from mentorhub.views import csrf_failure

    response = csrf_failure(rf.post("/api/v1/anything"), reason="CSRF cookie not set.")
    assert response.status_code == 403 and json.loads(response.content)["status_code"] == 403
