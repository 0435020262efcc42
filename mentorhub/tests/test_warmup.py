"""A web process does its first requests' one-time work while it starts (mentorhub.warmup), and starting
never waits for the database or Redis: it opens no connection."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, socket, sys
tried = []
def connect(self, address):
    tried.append(repr(address))
    raise ConnectionRefusedError(address)
socket.socket.connect = connect
import {module}
from mentorhub.celery import app
print(json.dumps({{"finalized": app.finalized, "tasks": "bookings.tasks.expire_overdue_holds" in app.tasks,
                  "modules": [m for m in {wanted!r} if m in sys.modules], "connections": tried}}))
"""
VIEWS = ["bookings.api.views", "payments.api.views"]
# With Redis the broker and result backend are Redis's; the embedded default keeps the queue in files.
SERVICES = {
    "PostgreSQL and Redis": ({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "REDIS_URL": "redis://127.0.0.1:1/0"},
                             ["celery.backends.redis", "kombu.transport.redis"]),
    "embedded": ({"DATABASE_URL": "", "REDIS_URL": ""}, ["kombu.transport.filesystem"]),
}


@pytest.mark.parametrize("services", list(SERVICES))
@pytest.mark.parametrize("module", ["mentorhub.wsgi", "mentorhub.asgi"])
def test_a_web_process_starts_warm_without_reaching_the_database_or_redis(module, services, tmp_path):
    addresses, transport = SERVICES[services]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mentorhub.settings", "DEBUG": "false", "SECRET_KEY": "k" * 50,
           "ALLOWED_HOSTS": "mentorhub.example", "SECURE_SSL_REDIRECT": "false", "PAYMENTS_OFFLINE_ALLOWED": "true",
           "VAR_DIR": str(tmp_path), **addresses}
    wanted = VIEWS + transport
    result = subprocess.run([sys.executable, "-c", PROBE.format(module=module, wanted=wanted)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"finalized": True, "tasks": True,
                                                                   "modules": wanted, "connections": []}
