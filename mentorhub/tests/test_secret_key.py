"""No published key ever signs anything: the embedded default makes its own and keeps it out of git."""

import os
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mentorhub.config import PUBLIC_SECRET_KEYS, instance_secret_key

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED_KEY = next(iter(PUBLIC_SECRET_KEYS))


def _embedded_default_key(key_file: Path, **settings_env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECRET_KEY_GENERATE")}
    environment.update(DJANGO_SETTINGS_MODULE="mentorhub.settings", SECRET_KEY_FILE=str(key_file), **settings_env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.SECRET_KEY)"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )


def test_the_embedded_default_signs_with_a_private_key_made_on_the_first_run(tmp_path):
    key_file = tmp_path / "data" / "secret_key"
    first = _embedded_default_key(key_file)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert key not in PUBLIC_SECRET_KEYS and len(key) >= 50
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = _embedded_default_key(key_file)
    assert second.stdout.strip() == key, "the key must survive restarts, or every session would end"


def test_production_mode_signs_with_the_generated_key_only_when_told_to(tmp_path):
    # `make run` and `make stack` set SECRET_KEY_GENERATE; a deployment that forgot SECRET_KEY does not start.
    production = {"DEBUG": "false", "PAYMENTS_OFFLINE_ALLOWED": "true"}
    forgot = _embedded_default_key(tmp_path / "forgot", **production)
    assert forgot.returncode != 0 and "SECRET_KEY is unset" in forgot.stderr
    assert not (tmp_path / "forgot").exists()
    told = _embedded_default_key(tmp_path / "told", SECRET_KEY_GENERATE="true", **production)
    assert told.returncode == 0, told.stderr
    assert told.stdout.strip() == (tmp_path / "told").read_text().strip()


def test_two_instances_get_different_keys(tmp_path):
    assert instance_secret_key(tmp_path / "a") != instance_secret_key(tmp_path / "b")


def test_a_damaged_key_file_is_refused_with_what_to_do(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("short\n")
    with pytest.raises(ImproperlyConfigured, match="Delete it"):
        instance_secret_key(key_file)


def test_the_default_key_file_is_ignored_by_git():
    default = settings.BASE_DIR / "var" / "secret_key"
    result = subprocess.run(["git", "check-ignore", "-q", str(default.relative_to(ROOT))], cwd=ROOT)
    assert result.returncode == 0


def test_the_test_suite_signs_with_a_generated_key():
    assert settings.SECRET_KEY not in PUBLIC_SECRET_KEYS and len(settings.SECRET_KEY) >= 50


def test_a_token_forged_with_the_published_key_gets_nothing(api, staff):
    now = int(time.time())
    forged = jwt.encode({"token_type": "access", "user_id": str(staff.pk), "jti": uuid.uuid4().hex,
                         "iat": now, "exp": now + 600}, PUBLISHED_KEY, algorithm="HS256")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert client.get("/api/v1/users/me").status_code == 401
