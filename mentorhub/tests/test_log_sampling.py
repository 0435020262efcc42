import logging

import pytest
from freezegun import freeze_time

from mentorhub.logs import SampledRefusals

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampler():
    """Empties the filter ``django.request`` really has (from settings.LOGGING) and puts it on a clock the test
    moves: ``sampler(seconds)`` moves it on."""
    found = [f for f in logging.getLogger("django.request").filters if isinstance(f, SampledRefusals)]
    assert len(found) == 1, "settings.LOGGING puts the sampler on django.request"
    sampler = found[0]
    sampler.clear()
    clock = {"now": 1000.0}
    real_clock, sampler.clock = sampler.clock, lambda: clock["now"]
    yield lambda seconds: clock.update(now=clock["now"] + seconds)
    sampler.clock = real_clock
    sampler.clear()


@pytest.fixture
def flood(api, settings):
    """``flood(n, address)``: n anonymous requests from ``address`` against a limit of one an hour."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1/hour"},
    }
    client = api()

    def send(count, address="203.0.113.7"):
        return [client.get("/api/v1/mentors", REMOTE_ADDR=address).status_code for _ in range(count)]

    return send


def refusal_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "django.request" and r.status_code == 429]


@freeze_time("2026-11-23 10:00:00", tick=True)
def test_a_flood_of_refusals_from_one_address_logs_one_line_a_minute(flood, sampler, caplog):
    assert flood(50) == [200] + [429] * 49
    assert refusal_lines(caplog) == ["Too Many Requests: /api/v1/mentors"]


@freeze_time("2026-11-23 10:00:00", tick=True)
def test_the_next_line_after_the_interval_says_how_many_refusals_were_held_back(flood, sampler, caplog):
    flood(10)
    sampler(61)
    flood(3)
    assert refusal_lines(caplog) == [
        "Too Many Requests: /api/v1/mentors",
        "Too Many Requests: /api/v1/mentors (and 8 more from 203.0.113.7 since its last line, not logged)",
    ]


@freeze_time("2026-11-23 10:00:00", tick=True)
def test_each_address_gets_its_own_line(flood, sampler, caplog):
    flood(5, "203.0.113.7")
    flood(5, "198.51.100.4")
    assert len(refusal_lines(caplog)) == 2


def test_other_error_answers_are_all_logged(api, sampler, caplog):
    for _ in range(5):
        assert api().get("/api/v1/no-such-thing").status_code == 404
    assert len([r for r in caplog.records if r.name == "django.request" and r.status_code == 404]) == 5


def test_the_samplers_memory_is_bounded_and_lets_lines_through_when_full():
    sampler = SampledRefusals(interval=60, max_addresses=2)

    def refusal(address):
        request = type("Request", (), {"META": {"REMOTE_ADDR": address}})()
        record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "%s: %s",
                                   ("Too Many Requests", "/api/v1/mentors"), None)
        record.status_code, record.request = 429, request
        return sampler.filter(record)

    assert [refusal("10.0.0.1"), refusal("10.0.0.1"), refusal("10.0.0.2")] == [True, False, True]
    # Full, and no address's interval has ended: a new address is logged every time rather than remembered.
    assert [refusal("10.0.0.3"), refusal("10.0.0.3")] == [True, True]
    assert len(sampler._seen) == 2
