"""schemathesis over /api/schema/: no 5xx, and every response matches what the schema promises."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
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
def fuzz_user(db):
    from accounts.tests.factories import UserFactory
    from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory

    user = UserFactory(email="fuzz@example.com")
    # A mentor with something of everything, so the fuzzer reaches past the 404s.
    profile = MentorProfileFactory(user=user, skills=["Python"])
    ServiceFactory(mentor=profile)
    WeeklyRuleFactory(mentor=profile)
    SlotFactory(mentor=profile, capacity=3)
    return user


@pytest.mark.fuzz
@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_never_fails_and_always_keeps_its_schema(case, fuzz_user):
    case.call_and_validate(headers={"Authorization": bearer_for(fuzz_user)}, checks=CHECKS)
