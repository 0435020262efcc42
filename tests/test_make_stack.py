"""`make stack` (scripts/stack.py): on PostgreSQL and Redis, nginx routes pages to the two gunicorn servers in turn,
serves static files itself and hands /ws/ to Daphne; two Celery workers and a beat run; Ctrl+C stops it all."""


import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from mentorhub.testing import ROOT, post_login_form, requires_postgresql, requires_redis, websocket_close_code

pytestmark = [requires_postgresql, requires_redis, pytest.mark.slow]

START_SECONDS = 120
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")


def _free_ports() -> int:
    """A port P with P..P+3 free: nginx, the two gunicorn servers and Daphne."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 3 < 65536 and all(_bindable(port + offset) for offset in range(4)):
            return port
    pytest.fail("no four free ports in a row")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _maintenance(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))


@pytest.fixture
def stack_database():
    """A fresh database name beside the configured one (the stack creates it); dropped afterwards."""
    import psycopg
    from psycopg import sql

    configured = urlsplit(os.environ["DATABASE_URL"])
    name = f"{configured.path.lstrip('/') or 'mentorhub'}_stack_{secrets.token_hex(4)}"
    yield urlunsplit((configured.scheme, configured.netloc, f"/{name}", configured.query, ""))
    with psycopg.connect(_maintenance(os.environ["DATABASE_URL"]), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children.setdefault(int(stat.read_text().rsplit(")", 1)[1].split()[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                found[child] = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _get(url: str, timeout: float = 10):
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error


def _wait_for(condition, what: str, log, seconds: float = START_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    log.seek(0)
    pytest.fail(f"{what}: not within {seconds} s\n{log.read()[-6000:]}")


def _upstreams(log, request: str) -> set[str]:
    """Who answered ``request`` ("GET / ") according to nginx's access log (deploy/nginx.conf.template)."""
    log.seek(0)
    return set(re.findall(rf'proxy\.1\s+\| \S+ "{re.escape(request)}HTTP/1\.1" \d+ \d+ upstream=(\S+)', log.read()))


def _up(url: str) -> bool:
    try:
        return urllib.request.urlopen(url, timeout=2).status == 200
    except OSError:
        return False


def test_make_stack_runs_the_scaled_out_shape_behind_nginx_and_stops_it_all_on_ctrl_c(stack_database, tmp_path):
    port = _free_ports()
    site = f"http://127.0.0.1:{port}"
    env = {key: os.environ[key] for key in KEPT if key in os.environ}
    env.update({"DATABASE_URL": stack_database, "REDIS_URL": os.environ["REDIS_URL"],
                "VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static"),
                "WEB_CONCURRENCY": "1", "WORKER_CONCURRENCY": "1", "BEAT_INTERVAL_SECONDS": "2",
                "BEAT_STALE_SECONDS": "60", "READINESS_CACHE_SECONDS": "0"})
    processes: dict[int, str] = {}
    with open(tmp_path / "stack.log", "w+") as log:
        runner = subprocess.Popen([sys.executable, "scripts/stack.py", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            # Every server up first: nginx would otherwise pass a request on from a server still starting.
            servers = [site, *(f"http://127.0.0.1:{port + offset}" for offset in (1, 2, 3))]
            _wait_for(lambda: runner.poll() is None and all(_up(f"{url}/health") for url in servers),
                      "nginx, both gunicorn servers and Daphne answering", log)
            # Pages: from both gunicorn servers in turn (nginx's upstream), never from Daphne.
            for _ in range(4):
                page = _get(f"{site}/")
                assert page.status == 200
            home = page.read().decode()
            web = {f"127.0.0.1:{port + 1}", f"127.0.0.1:{port + 2}"}
            assert _wait_for(lambda: _upstreams(log, "GET / ") == web, "both gunicorn servers answering /", log)

            # Forms pass Django's CSRF origin check through the proxy: a wrong password is the form's own answer.
            signed_in = post_login_form(site)
            assert signed_in.status == 200, signed_in.read()[:2000]

            # Static files: hashed names, served by nginx itself (no upstream), even with every gunicorn stopped.
            [stylesheet] = set(re.findall(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', home))
            gunicorns = [pid for pid, command in _descendants(runner.pid).items() if "gunicorn" in command]
            assert len(gunicorns) == 4, _descendants(runner.pid)  # two servers, each a master and a worker
            for pid in gunicorns:
                os.kill(pid, signal.SIGSTOP)
            try:
                css = _get(f"{site}{stylesheet}", timeout=5)
                assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
                assert "immutable" in css.headers["Cache-Control"]
            finally:
                for pid in gunicorns:
                    os.kill(pid, signal.SIGCONT)
            assert _wait_for(lambda: _upstreams(log, f"GET {stylesheet} ") == {"-"}, "nginx serving static", log)

            # WebSockets: upgraded through nginx to Daphne (a socket without a token is accepted, then closed 4401).
            assert websocket_close_code(f"ws://127.0.0.1:{port}/ws/notifications") == 4401
            assert _wait_for(lambda: _upstreams(log, "GET /ws/notifications ") == {f"127.0.0.1:{port + 3}"},
                             "Daphne answering /ws/", log)

            # Two workers answer a ping; beat's heartbeat, run by a worker, reaches /health/ready. A worker may
            # still be starting (a ping nobody answers prints nothing on stdout), so ask again until both answer.
            def workers_answering() -> bool:
                ping = subprocess.run([sys.executable, "-m", "celery", "-A", "mentorhub", "inspect", "ping",
                                       "--json", "--timeout", "5"], cwd=ROOT, capture_output=True, text=True,
                                      timeout=60, env={**env, "DEBUG": "true"})
                lines = ping.stdout.splitlines()
                return bool(lines) and {name.split("@")[0] for name in json.loads(lines[-1])} == {"worker1", "worker2"}

            _wait_for(workers_answering, "both Celery workers answering a ping", log, seconds=60)

            def beat_ok():
                return json.loads(_get(f"{site}/health/ready").read())["checks"]["beat"] == "ok"

            _wait_for(beat_ok, "beat's heartbeat in /health/ready", log, seconds=60)
            processes = _descendants(runner.pid)
            commands = list(processes.values())
            assert sum(" worker " in command and "celery" in command for command in commands) >= 2, commands
            assert any(" beat " in command and "celery" in command for command in commands), commands
            assert any("nginx: master process" in command for command in commands), commands
            assert any("daphne" in command for command in commands), commands
        finally:
            runner.send_signal(signal.SIGINT)  # Ctrl+C
            try:
                runner.wait(timeout=20)
            except subprocess.TimeoutExpired:
                runner.kill()
                raise
        deadline = time.monotonic() + 5
        while [pid for pid in processes if _alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.1)
        log.seek(0)
        assert not [processes[pid] for pid in processes if _alive(pid)], log.read()[-3000:]
    assert not _up(f"{site}/health")
