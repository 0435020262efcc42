import os
import subprocess
import sys
from pathlib import Path

import pytest

from mentorhub.config import PUBLIC_SECRET_KEYS, is_local_host, unsafe_configuration_problems

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 50
PUBLISHED_KEY = next(iter(PUBLIC_SECRET_KEYS))
PRODUCTION = {"debug": False, "allowed_hosts": ["mentorhub.ru"], "stripe_configured": True,
              "offline_payments_allowed": False, "num_proxies": 1}
LAPTOP = {"debug": True, "allowed_hosts": ["localhost", "127.0.0.1"], "stripe_configured": False,
          "offline_payments_allowed": True, "num_proxies": 0}


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "app.localhost", "testserver"])
def test_loopback_names_are_local(host):
    assert is_local_host(host)


@pytest.mark.parametrize("host", ["example.com", "*", "10.0.0.5", ".mentorhub.ru"])
def test_other_hosts_are_public(host):
    assert not is_local_host(host)


def test_the_laptop_default_with_a_private_key_is_safe():
    assert unsafe_configuration_problems(secret_key=STRONG_KEY, **LAPTOP) == []


def test_production_with_a_real_key_is_safe():
    assert unsafe_configuration_problems(secret_key=STRONG_KEY, **PRODUCTION) == []


@pytest.mark.parametrize("key", ["", PUBLISHED_KEY, "short"])
def test_production_refuses_a_missing_published_or_short_secret_key(key):
    problems = unsafe_configuration_problems(secret_key=key, **PRODUCTION)
    assert len(problems) == 1 and "SECRET_KEY" in problems[0]


def test_a_published_key_is_refused_on_a_laptop_too():
    problems = unsafe_configuration_problems(secret_key=PUBLISHED_KEY, **LAPTOP)
    assert len(problems) == 1 and "published" in problems[0]


def test_debug_with_a_public_host_is_refused():
    problems = unsafe_configuration_problems(secret_key=STRONG_KEY, **{**LAPTOP, "allowed_hosts": ["mentorhub.ru"]})
    assert len(problems) == 1 and "DEBUG" in problems[0] and "mentorhub.ru" in problems[0]


def test_production_refuses_offline_payments_unless_a_demo_says_so():
    offline = {**PRODUCTION, "stripe_configured": False}
    problems = unsafe_configuration_problems(secret_key=STRONG_KEY, **offline)
    assert len(problems) == 1 and "PAYMENTS_OFFLINE_ALLOWED" in problems[0]
    assert unsafe_configuration_problems(secret_key=STRONG_KEY, **{**offline, "offline_payments_allowed": True}) == []


def test_a_negative_proxy_count_is_refused():
    problems = unsafe_configuration_problems(secret_key=STRONG_KEY, **{**PRODUCTION, "num_proxies": -1})
    assert len(problems) == 1 and "NUM_PROXIES" in problems[0]


ENVIRONMENT_SET_BY_TESTS = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "STRIPE_SECRET_KEY", "PAYMENTS_OFFLINE_ALLOWED",
                            "NUM_PROXIES", "SECRET_KEY_FILE")


def _start_django(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT_SET_BY_TESTS}
    environment.update(env, DJANGO_SETTINGS_MODULE="mentorhub.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )


def test_the_process_refuses_to_start_in_production_mode_with_the_default_key_and_says_why():
    result = _start_django(DEBUG="false", ALLOWED_HOSTS="mentorhub.ru")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "SECRET_KEY" in result.stderr


def test_the_process_refuses_debug_on_a_public_host():
    result = _start_django(DEBUG="true", ALLOWED_HOSTS="mentorhub.ru", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_the_process_starts_with_a_safe_production_configuration():
    result = _start_django(DEBUG="false", ALLOWED_HOSTS="mentorhub.ru", SECRET_KEY=STRONG_KEY,
                           STRIPE_SECRET_KEY="sk_test_placeholder")
    assert result.returncode == 0, result.stderr


def test_production_without_stripe_refuses_to_start_and_says_how_to_run_a_demo():
    result = _start_django(DEBUG="false", ALLOWED_HOSTS="mentorhub.ru", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "PAYMENTS_OFFLINE_ALLOWED=true" in result.stderr


def test_a_production_demo_with_offline_payments_starts_when_it_says_so():
    result = _start_django(DEBUG="false", ALLOWED_HOSTS="mentorhub.ru", SECRET_KEY=STRONG_KEY,
                           PAYMENTS_OFFLINE_ALLOWED="true")
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = _start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
