import os
import subprocess
import sys
from pathlib import Path

import pytest

from mentorhub.config import DEVELOPMENT_SECRET_KEY, is_local_host, unsafe_configuration_problems

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 50


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "app.localhost", "testserver"])
def test_loopback_names_are_local(host):
    assert is_local_host(host)


@pytest.mark.parametrize("host", ["example.com", "*", "10.0.0.5", ".mentorhub.ru"])
def test_other_hosts_are_public(host):
    assert not is_local_host(host)


def test_the_laptop_default_is_safe():
    assert unsafe_configuration_problems(
        secret_key=DEVELOPMENT_SECRET_KEY, debug=True, allowed_hosts=["localhost", "127.0.0.1"]
    ) == []


def test_production_with_a_real_key_is_safe():
    assert unsafe_configuration_problems(secret_key=STRONG_KEY, debug=False, allowed_hosts=["mentorhub.ru"]) == []


@pytest.mark.parametrize("key", ["", DEVELOPMENT_SECRET_KEY, "short"])
def test_production_refuses_a_missing_default_or_short_secret_key(key):
    problems = unsafe_configuration_problems(secret_key=key, debug=False, allowed_hosts=["mentorhub.ru"])
    assert len(problems) == 1 and "SECRET_KEY" in problems[0]


def test_debug_with_a_public_host_is_refused():
    problems = unsafe_configuration_problems(secret_key=STRONG_KEY, debug=True, allowed_hosts=["mentorhub.ru"])
    assert len(problems) == 1 and "DEBUG" in problems[0] and "mentorhub.ru" in problems[0]


def _start_django(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")}
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
    result = _start_django(DEBUG="false", ALLOWED_HOSTS="mentorhub.ru", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = _start_django(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
