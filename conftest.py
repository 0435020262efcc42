"""Fixtures shared by every app's tests: the people, API clients, and suite-wide rules."""

import os

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import MentorUserFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters, cached reads and counts waiting to be pushed must not leak into the next test.
    from analytics.services import pending_counts
    from mentorhub.api.throttles import past_limit

    cache.clear()
    pending_counts.clear()
    past_limit.clear()
    yield
    cache.clear()
    pending_counts.clear()
    past_limit.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request in Russian leaves Russian active on the test's thread (Django resets it per request, not
    # after one): a later test calling a service directly would otherwise get Russian messages.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each test runs its sockets on a new event loop, and channels_redis keeps locks bound to the loop
    # that first used its (cached) layer: on a loaded machine a later test then failed with "asyncio Lock
    # is bound to a different event loop". A layer per test shares nothing between tests.
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch):
    # The message limit counts per calendar minute; a test whose sends straddle a minute boundary
    # would see two half-empty windows and no 429. Tests run in one window unless they move it.
    monkeypatch.setattr("messaging.services.rate_window", lambda: 29_000_000)


@pytest.fixture
def mentee(db):
    return UserFactory(full_name="Mia Mentee")


@pytest.fixture
def mentor(db):
    return MentorUserFactory(full_name="Marcus Mentor")


@pytest.fixture
def other_user(db):
    return UserFactory(full_name="Olga Outsider")


@pytest.fixture
def staff(db):
    return StaffFactory(full_name="Sam Staff")


def bearer_for(user) -> str:
    return f"Bearer {RefreshToken.for_user(user).access_token}"


@pytest.fixture
def api():
    """``api()`` is anonymous; ``api(user)`` sends that user's JWT access token."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=bearer_for(user))
        return client

    return make


# --- Skips are allowed only where the environment says so (CI forbids them) ---------
_skipped: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.skipped and isinstance(report.longrepr, tuple):
        _skipped.append((report.nodeid, str(report.longrepr[2])))


def pytest_sessionfinish(session, exitstatus):
    allowed = os.environ.get("MENTORHUB_ALLOWED_SKIPS")
    if allowed is None:
        return  # a laptop: skips with a stated reason are fine
    prefixes = tuple(p.strip() for p in allowed.split(",") if p.strip())
    forbidden = [
        (node, reason) for node, reason in _skipped if not reason.removeprefix("Skipped: ").startswith(prefixes)
    ]
    if forbidden:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"\n{len(forbidden)} test(s) skipped where nothing may skip:", red=True)
        for node, reason in forbidden:
            reporter.write_line(f"  {node}: {reason}", red=True)
        session.exitstatus = 1
