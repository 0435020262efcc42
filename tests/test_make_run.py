"""`make run`'s processes (scripts/run.py) run the beat sweeps on the embedded default, with no Redis:
an overdue hold expires and a due reminder goes out while no request touches either booking, and
stopping the runner stops the web server and the worker with it. The site is served in production mode:
the app's own error pages, hashed static files from WhiteNoise, the generated key, WebSockets on Daphne."""

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from stat import S_IMODE

import pytest

from mentorhub.testing import post_login_form, websocket_close_code

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 90
# What a fresh machine has: nothing of this suite's settings (its PostgreSQL, Redis, eager tasks, test
# settings module) reaches the runner.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")

SEED = textwrap.dedent("""
    from datetime import timedelta

    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from bookings.models import Booking
    from mentors.models import MentorProfile, Slot

    now = timezone.now()
    mentor = User.objects.create_user(email="rui@example.com", password="x" * 20, full_name="Rui Runner",
                                      role="mentor")
    mentee = User.objects.create_user(email="ria@example.com", password="x" * 20, full_name="Ria Runner")
    profile = MentorProfile.objects.create(user=mentor, title="Runner", price_per_hour=0, status="approved",
                                           requires_confirmation=True)
    held = Slot.objects.create(mentor=profile, start=now + timedelta(days=2), end=now + timedelta(days=2, hours=1),
                               seats_taken=1)
    hold = Booking.objects.create(slot=held, mentee=mentee, status="requested", payment_status="not_required",
                                  price=0, currency="RUB", hold_expires_at=now - timedelta(minutes=1))
    soon = Slot.objects.create(mentor=profile, start=now + timedelta(minutes=45),
                               end=now + timedelta(minutes=105), seats_taken=1)
    due = Booking.objects.create(slot=soon, mentee=mentee, status="scheduled", payment_status="not_required",
                                 price=0, currency="RUB")
    print(hold.pk, due.pk, mentee.pk)
""")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as error:  # a 404 is an answer too
        return error


def _assert_served_in_production_mode(port: int, tmp_path: Path) -> None:
    site = f"http://127.0.0.1:{port}"
    missing = _get(f"{site}/no-such-page/")
    page = missing.read().decode()
    assert missing.status == 404
    assert 'class="error-page"' in page and "Page not found" in page  # templates/errors/404.html
    assert "DEBUG = True" not in page and "URLconf" not in page  # never Django's technical 404
    # Stylesheets under their content-hashed names, from WhiteNoise, cacheable forever.
    home = _get(f"{site}/").read().decode()
    stylesheets = re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home)
    assert stylesheets, home[:2000]
    css = _get(f"{site}{stylesheets[0]}")
    assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "immutable" in css.headers["Cache-Control"]
    # Plain HTTP: no redirect to HTTPS, and cookies a browser keeps over http:// (CSRF passes, the form answers).
    assert post_login_form(site).status == 200
    # The key generated into VAR_DIR, readable by its owner only.
    key_file = tmp_path / "var" / "secret_key"
    assert len(key_file.read_text().strip()) >= 50 and S_IMODE(key_file.stat().st_mode) == 0o600
    # Daphne answers WebSockets on the same port: a socket without a token is accepted, then closed with 4401.
    assert websocket_close_code(f"ws://127.0.0.1:{port}/ws/notifications") == 4401


def _readiness(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def embedded_env(tmp_path):
    env = {key: os.environ[key] for key in KEPT if key in os.environ}
    env.update({
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        # The embedded default's SQLite, in a file of this test's own rather than the checkout's db.sqlite3.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "BEAT_INTERVAL_SECONDS": "2",
        # Beat's heartbeat counts as stale after three missed beats (6 s here); a loaded machine may lag more.
        "BEAT_STALE_SECONDS": "60",
        "READINESS_CACHE_SECONDS": "0",  # each probe below checks afresh
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    })
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    return env


@pytest.mark.slow
def test_make_run_expires_an_overdue_hold_and_sends_a_due_reminder_with_no_request(embedded_env, tmp_path):
    seeded = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=embedded_env, check=True, timeout=120,
                            capture_output=True, text=True)
    hold_id, due_id, mentee_id = map(int, seeded.stdout.split()[-3:])
    database = sqlite3.connect(tmp_path / "db.sqlite3", timeout=20)

    port = _free_port()
    processes: set[int] = set()
    with open(tmp_path / "run.log", "w+") as log:
        runner = subprocess.Popen([sys.executable, "scripts/run.py", "--port", str(port)], cwd=ROOT,
                                  env=embedded_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            link = f"http://127.0.0.1:{port}/bookings/{due_id}/"
            expired = reminded = noticed = mailed = False
            # The sweep records the reminder, then a task of its own (queued when the sweep commits) writes the
            # notices and mails them: wait for what the user sees, not only for the sweep's row.
            while time.monotonic() < deadline and not (expired and reminded and noticed and mailed):
                assert runner.poll() is None, "the runner stopped early"
                time.sleep(1)
                [(status,)] = database.execute("SELECT status FROM bookings_booking WHERE id = ?", [hold_id])
                expired = status == "expired"
                reminded = database.execute(
                    "SELECT COUNT(*) FROM notifications_reminder WHERE booking_id = ? AND kind = '1h'",
                    [due_id]).fetchone()[0] == 1
                notices = [title for (title,) in database.execute(
                    "SELECT title FROM notifications_notification WHERE user_id = ?", [mentee_id])]
                noticed = any(title.startswith("Reminder: session with Rui Runner") for title in notices)
                log.seek(0)
                output = log.read()
                # The reminder e-mail (console backend: the worker's output) links to the port being served.
                mailed = link in output
            assert expired and reminded and noticed and mailed, (
                f"expired={expired} reminded={reminded} noticed={noticed} mailed={mailed}\n{notices}\n"
                f"{output[-4000:]}")
            assert any("expired" in title for title in notices), notices
            # The web server came up with them, and stops with them.
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5).status == 200
            # Readiness sees the worker's beat through the heartbeat it writes to the shared database (the
            # heartbeat may queue behind the sweeps' first run: "not running" until it has run once).
            readiness, beat_deadline = _readiness(port), time.monotonic() + 30
            while readiness["checks"]["beat"] == "not running" and time.monotonic() < beat_deadline:
                time.sleep(1)
                readiness = _readiness(port)
            assert readiness["status"] == "ok", readiness
            assert readiness["checks"]["beat"] == "ok", readiness
            _assert_served_in_production_mode(port, tmp_path)
            processes = _descendants(runner.pid)
            assert len(processes) >= 2, processes  # the worker (with beat's process) and the web server
        finally:
            runner.terminate()
            runner.wait(timeout=60)
            database.close()
    assert runner.returncode == 0
    deadline = time.monotonic() + 5  # a signal is delivered at once, but not necessarily acted on
    while [pid for pid in processes if _alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in processes if _alive(pid)]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)


@pytest.mark.parametrize(("target", "variables", "site_url", "runner_args"), [
    ("run", {"PORT": "9123"}, "http://127.0.0.1:9123", "--host 127.0.0.1 --port 9123"),
    ("run", {"PORT": "9123", "HOST": "0.0.0.0"}, "http://127.0.0.1:9123", "--host 0.0.0.0 --port 9123"),
    ("run", {"PORT": "9123", "SITE_URL": "https://mentors.example.org"}, "https://mentors.example.org",
     "--host 127.0.0.1 --port 9123"),
    ("dev", {"PORT": "9124"}, "http://127.0.0.1:9124", "--dev --host 127.0.0.1 --port 9124"),
])
def test_make_run_and_make_dev_point_links_at_the_port_they_serve_unless_site_url_says_otherwise(
        tmp_path, target, variables, site_url, runner_args):
    # make run with a stand-in for the virtualenv's python that records what each step was given.
    calls = tmp_path / "calls"
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$SITE_URL $*" >> {calls}\n')
    python.chmod(0o755)
    (tmp_path / "venv" / ".installed-runtime").touch()  # newer than requirements.txt: nothing to install
    env = {key: os.environ[key] for key in KEPT if key in os.environ}
    if "SITE_URL" in variables:
        env["SITE_URL"] = variables.pop("SITE_URL")
    subprocess.run(["make", "-s", target, f"VENV={tmp_path / 'venv'}", *(f"{k}={v}" for k, v in variables.items())],
                   cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    assert calls.read_text().splitlines() == [
        f"{site_url} manage.py migrate --noinput",  # which makes the Site (account e-mails) follow it
        f"{site_url} manage.py seed_demo",
        f"{site_url} scripts/run.py {runner_args}",
    ]


def test_make_dev_serves_debug_pages_and_make_run_the_production_profile():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    served = run.environment({}, "127.0.0.1", 8000)
    assert served["DEBUG"] == "false" and served["SECRET_KEY_GENERATE"] == "true"
    assert served["SECURE_SSL_REDIRECT"] == served["SECURE_COOKIES"] == "false" and served["SECURE_HSTS_SECONDS"] == "0"
    assert run.commands("127.0.0.1", 8000, dev=False, reload=True)["web"][1:3] == ["-m", "daphne"]
    developed = run.environment({"DEBUG": "false"}, "127.0.0.1", 8000, dev=True)
    assert developed["DEBUG"] == "false", "what the environment says wins"
    assert run.environment({}, "127.0.0.1", 8000, dev=True)["DEBUG"] == "true"
    assert "SECRET_KEY_GENERATE" not in run.environment({}, "127.0.0.1", 8000, dev=True)
    assert "runserver" in run.commands("127.0.0.1", 8000, dev=True, reload=True)["web"]


@pytest.mark.parametrize(("variables", "from_environment", "runner_args"), [
    ({}, {}, "--host 127.0.0.1 --port 8080"),
    ({"PORT": "9123"}, {}, "--host 127.0.0.1 --port 9123"),
    ({}, {"PORT": "9124"}, "--host 127.0.0.1 --port 9124"),
])
def test_make_stack_serves_on_8080_unless_port_is_given(tmp_path, variables, from_environment, runner_args):
    calls = tmp_path / "calls"
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n')
    python.chmod(0o755)
    (tmp_path / "venv" / ".installed-runtime").touch()
    env = {**{key: os.environ[key] for key in KEPT if key in os.environ}, **from_environment}
    subprocess.run(["make", "-s", "stack", f"VENV={tmp_path / 'venv'}", *(f"{k}={v}" for k, v in variables.items())],
                   cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    assert calls.read_text().splitlines() == [f"scripts/stack.py {runner_args}"]
