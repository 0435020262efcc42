"""One rule for the client's address: the socket address unless NUM_PROXIES trusted proxies sit in front."""

import pytest
from django.test import RequestFactory
from freezegun import freeze_time

from mentorhub.addresses import client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def window_start():
    with freeze_time("2026-11-23 10:00:00", tick=True):
        yield


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
        }

    return set_rates


def request_from(remote_addr, forwarded_for=None, **extra):
    headers = {"REMOTE_ADDR": remote_addr, **extra}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_proxies_the_socket_address_is_the_client(settings):
    settings.NUM_PROXIES = 0
    assert client_ip(request_from("203.0.113.7", "10.9.8.7")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_last_entry_is_the_client(settings):
    settings.NUM_PROXIES = 2
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"


def test_a_proxy_without_the_header_falls_back_to_the_socket_address(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request_from("203.0.113.7")) == "203.0.113.7"


def test_garbage_in_the_header_falls_back_to_the_socket_address(settings):
    settings.NUM_PROXIES = 1
    assert client_ip(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_the_default_configuration_trusts_no_proxy(settings):
    assert settings.NUM_PROXIES == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_rotating_x_forwarded_for_does_not_escape_the_anonymous_limit(api, rates):
    rates(anon="3/hour", auth="100/minute")
    statuses = [
        api().get("/api/v1/mentors", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_rotating_x_forwarded_for_does_not_escape_the_api_login_limit(api, rates):
    rates(auth="2/minute")
    statuses = [
        api().post("/api/v1/auth/login", {"email": "a@b.co", "password": "x"},
                   HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_behind_a_proxy_each_real_client_has_its_own_budget(api, rates, settings):
    settings.NUM_PROXIES = 1
    rates(anon="1/hour")
    first = api().get("/api/v1/mentors", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    second = api().get("/api/v1/mentors", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    again = api().get("/api/v1/mentors", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 429)


def test_x_forwarded_proto_is_ignored_without_a_proxy(settings):
    assert settings.SECURE_PROXY_SSL_HEADER is None
    assert not request_from("203.0.113.7", HTTP_X_FORWARDED_PROTO="https").is_secure()
