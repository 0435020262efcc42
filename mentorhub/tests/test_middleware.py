"""The two library middlewares with per-request work cut (mentorhub/middleware.py) answer as the libraries do."""

import pytest
from csp.constants import NONCE, SELF
from csp.utils import build_policy
from django.contrib import messages
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from mentorhub.middleware import CSPMiddleware, LazyMessageMiddleware

pytestmark = pytest.mark.django_db


def test_an_api_answer_carries_the_policy_the_library_builds_from_settings(api):
    response = api().get("/api/v1/courses")
    assert response["Content-Security-Policy"] == build_policy()


def test_a_view_that_replaces_part_of_the_policy_still_gets_its_own(client):
    page = client.get("/redoc")
    assert page.status_code == 200
    assert "'unsafe-inline'" in page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"]


def test_the_policy_follows_a_change_of_settings(api, settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "img-src": [SELF, "https://cdn.test"]}}
    assert "img-src 'self' https://cdn.test" in api().get("/api/v1/courses")["Content-Security-Policy"]


def test_a_nonce_used_by_the_response_is_in_its_header(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
    request = RequestFactory().get("/")

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    response = CSPMiddleware(view)(request)
    assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_after_the_header_went_out_is_refused():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/")
    CSPMiddleware(lambda request: HttpResponse("ok"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_request_that_never_touches_messages_leaves_no_storage_behind(client):
    request = RequestFactory().get("/")
    request.session = client.session
    response = LazyMessageMiddleware(lambda request: HttpResponse("ok"))(request)
    assert request._messages._wrapped is empty and "messages" not in response.cookies


def test_a_message_added_by_a_view_is_shown_on_the_next_request(client):
    def view(request):
        messages.success(request, "Saved.")
        return HttpResponse("ok")

    def next_view(request):
        return HttpResponse(" ".join(str(m) for m in messages.get_messages(request)))

    first = RequestFactory().get("/")
    first.session = client.session
    response = LazyMessageMiddleware(view)(first)

    second = RequestFactory().get("/", HTTP_COOKIE=f"messages={response.cookies['messages'].value}")
    second.session = client.session
    assert LazyMessageMiddleware(next_view)(second).content == b"Saved."
