"""schemathesis over /api/schema/, signed in as a mentee and as a mentor with a Bearer token, the way
clients authenticate: no 5xx, every response matches what the schema promises, and no operation that
declares authentication answers without it (``ignored_auth``)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import bearer_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture
def api_schema(db, settings):
    # Fuzzing sends far more requests than a person; the rate limits have their own tests.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("anon", "user", "premium", "auth"), "100000/minute"),
    }
    from mentorhub.wsgi import application

    # Requests go straight to the WSGI app, not through Django's test client, so
    # do what the client does: keep the request cycle from closing the test's
    # database connection (on PostgreSQL it would end the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def fuzz_users(db):
    """A mentor and a mentee with something of everything, so the fuzzer reaches past the 404s."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from bookings import services as bookings
    from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory

    profile = MentorProfileFactory(user__email="fuzz.mentor@example.com", skills=["Python"])
    ServiceFactory(mentor=profile)
    WeeklyRuleFactory(mentor=profile)
    start = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=3)
    mentee = UserFactory(email="fuzz.mentee@example.com")
    bookings.booking_hold(mentee=mentee, slot_id=slot.pk)
    return {"mentee": mentee, "mentor": profile.user}


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.mark.fuzz
@schema.parametrize()
@FUZZ_SETTINGS
def test_as_a_mentee_the_api_never_fails_keeps_its_schema_and_enforces_authentication(case, fuzz_users):
    case.call_and_validate(headers={"Authorization": bearer_for(fuzz_users["mentee"])}, checks=CHECKS)


@pytest.mark.fuzz
@schema.parametrize()
@FUZZ_SETTINGS
def test_as_a_mentor_the_api_never_fails_keeps_its_schema_and_enforces_authentication(case, fuzz_users):
    case.call_and_validate(headers={"Authorization": bearer_for(fuzz_users["mentor"])}, checks=CHECKS)
