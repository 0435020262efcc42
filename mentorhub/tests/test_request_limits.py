"""Hostile bodies: JSON nested too deeply is a 400, a body past the documented limit is a 413, never a 500."""

import json

import pytest
from django.test import Client
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator

from mentorhub.api.parsers import too_deep
from mentorhub.tests.test_error_shape import assert_error_shape
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


HOSTILE = {
    "past the interpreter's recursion limit": nested(100_000),
    "objects past the interpreter's recursion limit": nested_objects(50_000),
    "deeper than the API accepts": nested_objects(40),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/register", "/api/auth/login"])
def test_deeply_nested_json_to_login_and_register_is_a_400(api, path, body):
    response = api().post(path, data=body, content_type="application/json")
    body = assert_error_shape(response, 400)
    assert "nested" in body["detail"]


def test_json_nested_as_deep_as_the_api_accepts_is_read(api, mentee):
    response = api(mentee).patch("/api/v1/users/me", data='{"bio": "ok", "x": ' + nested(30) + "}",
                                 content_type="application/json")
    assert response.status_code == 200


def _json_operations():
    """Every operation of the API that takes a JSON body, from the OpenAPI schema (path parameters set to 1)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                concrete = "/".join("1" if part.startswith("{") else part for part in path.split("/"))
                yield method, concrete


def test_deeply_nested_json_is_a_4xx_on_every_json_endpoint(api, mentee, mentor):
    MentorProfileFactory(user=mentor)
    get_resolver()  # the schema generator needs the URLconf loaded
    operations = list(_json_operations())
    assert len(operations) > 30
    failures = []
    for user in (None, mentee, mentor):
        client = api(user)
        for method, path in operations:
            response = getattr(client, method)(path, data=nested(100_000), content_type="application/json")
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
            elif response.status_code == 400 and path.startswith("/session/"):  # spec 001's own error shape
                assert response.json() == {"success": False, "message": too_deep()}
            elif response.status_code == 400:
                assert_error_shape(response, 400)
    assert failures == []


# --- the body size limit ----------------------------------------------------------------------------------


def test_an_api_body_past_the_limit_is_a_413_in_the_error_shape(api, settings):
    limit = settings.MAX_REQUEST_BODY_BYTES
    body = '{"email": "' + "a" * limit + '@example.com", "password": "x"}'
    response = api().post("/api/v1/auth/login", data=body, content_type="application/json")
    payload = assert_error_shape(response, 413)
    assert str(limit) in payload["detail"]


def test_an_api_body_within_the_limit_is_read(api, settings):
    settings.MAX_REQUEST_BODY_BYTES = 2000
    body = '{"email": "nobody@example.com", "password": "' + "x" * 100 + '"}'
    response = api().post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 401


def test_the_limit_is_a_setting(api, settings):
    settings.MAX_REQUEST_BODY_BYTES = 100
    body = '{"email": "nobody@example.com", "password": "' + "x" * 100 + '"}'
    assert_error_shape(api().post("/api/v1/auth/login", data=body, content_type="application/json"), 413)


def test_a_page_form_past_the_limit_is_a_413_page(settings):
    settings.MAX_REQUEST_BODY_BYTES = 100
    response = Client().post("/accounts/login/", {"login": "a@example.com", "password": "x" * 200})
    assert response.status_code == 413
    assert b"too large" in response.content


def test_a_webhook_body_over_two_and_a_half_megabytes_is_a_413(api):
    body = '{"id": "evt_1", "type": "payment_intent.succeeded", "pad": "' + "x" * 2_700_000 + '"}'
    response = api().post("/api/v1/payments/webhook", data=body, content_type="application/json",
                          HTTP_STRIPE_SIGNATURE="t=1,v1=abc")
    assert_error_shape(response, 413)


def _asgi_post(path: str, body: bytes):
    from asgiref.sync import async_to_sync
    from channels.testing import HttpCommunicator

    from mentorhub.asgi import application

    async def send():
        headers = [(b"host", b"localhost"), (b"content-type", b"application/json")]
        return await HttpCommunicator(application, "POST", path, body=body, headers=headers).get_response()

    return async_to_sync(send)()


def test_under_asgi_a_body_without_a_length_is_cut_off_at_the_limit(settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = _asgi_post("/api/v1/auth/login", b"x" * 5000)
    assert response["status"] == 413
    assert json.loads(response["body"])["status_code"] == 413


def test_under_asgi_a_body_within_the_limit_reaches_the_app(settings):
    settings.MAX_REQUEST_BODY_BYTES = 1000
    response = _asgi_post("/api/v1/no-such-endpoint", b"{}")
    assert response["status"] == 404
