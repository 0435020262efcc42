"""Markers for tests that need a real service (they skip, with the reason, where it is absent), and real
processes on the test database (Daphne, Gunicorn, Celery worker and beat) for tests that cross process
boundaries."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

IS_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)

requires_postgresql = pytest.mark.skipif(
    not IS_POSTGRESQL, reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
requires_redis = pytest.mark.skipif(not HAS_REDIS, reason="needs Redis: set REDIS_URL=redis://... to run")
requires_chromium = pytest.mark.skipif(
    not HAS_CHROMIUM, reason="needs Chromium: apt-get install chromium (or set CHROMIUM_PATH)"
)


@contextlib.contextmanager
def redis_packets():
    """What this process writes to Redis meanwhile, one entry per packet (a pipeline is one round trip)."""
    from unittest import mock

    from redis.connection import Connection

    sent: list[str] = []
    send = Connection.send_packed_command

    def recording(self, *args, **kwargs):
        sent.append(repr(args))
        return send(self, *args, **kwargs)

    with mock.patch.object(Connection, "send_packed_command", recording):
        yield sent


def database_url() -> str:
    """The test database as a DATABASE_URL, for a server or script started in another process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A web server process on the test database and a free port; restartable. Subclasses name the program.

    pytest-django's live server is one thread of the test process; tests that need real, separate processes
    start these. They see committed rows only: use them with ``transactional_db``. ``extra_env`` adds or
    overrides settings for the process.
    """

    START_SECONDS = 30
    NAME = "server"

    def __init__(self, log, **extra_env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log  # a file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks it
        self.env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings",
                    "DEBUG": "true", "ALLOWED_HOSTS": "127.0.0.1,localhost", "CELERY_TASK_ALWAYS_EAGER": "true",
                    **extra_env}
        self.process = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def launch(self) -> None:
        """Start the process without waiting for it (start several, then wait for each)."""
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=self.log)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + self.START_SECONDS
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/health", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.log.seek(0)
        pytest.fail(f"{self.NAME} on port {self.port} did not come up:\n{self.log.read().decode(errors='replace')}")

    def start(self) -> None:
        self.launch()
        self.wait_until_up()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


class Daphne(Server):
    """Daphne serving mentorhub.asgi (HTTP and WebSocket): the server for tests of sockets."""

    NAME = "Daphne"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "mentorhub.asgi:application"]


class Gunicorn(Server):
    """Gunicorn serving mentorhub.wsgi as deployed: ``workers`` processes of ``threads`` threads each."""

    NAME = "Gunicorn"

    def __init__(self, log, *, workers: int = 2, threads: int = 4, **extra_env: str):
        super().__init__(log, **extra_env)
        self.workers, self.threads = workers, threads

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "mentorhub.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--threads", str(self.threads), "--worker-class", "gthread",
                "--graceful-timeout", "5"]


@contextlib.contextmanager
def servers(kind: type[Server], count: int, **options):
    """``count`` started servers of ``kind`` for the length of a ``with`` block, started in parallel, each
    with its log in a temporary file."""
    with contextlib.ExitStack() as stack:
        started = [kind(stack.enter_context(tempfile.TemporaryFile()), **options) for _ in range(count)]
        try:
            for server in started:
                server.launch()
            for server in started:
                server.wait_until_up()
            yield started
        finally:
            for server in started:
                if server.process is not None:
                    server.stop()


class Celery:
    """A Celery worker or beat (``python -m celery -A mentorhub worker|beat ...``) as deployed: the production
    settings, tasks from the broker (not eager), on the test database and the suite's Redis, on ``queue`` so that
    nothing else on that Redis feeds it. Its own process group: ``kill`` ends it with its pool, as a crash does.
    """

    READY_SECONDS = 60

    def __init__(self, log, *args: str, queue: str, var_dir, **extra_env: str):
        from django.conf import settings

        self.args, self.log = args, log
        Path(var_dir).mkdir(parents=True, exist_ok=True)  # beat keeps its schedule there
        self.env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
                    "DEBUG": "true", "SECRET_KEY": settings.SECRET_KEY, "VAR_DIR": str(var_dir),
                    "CELERY_TASK_ALWAYS_EAGER": "false", "CELERY_QUEUE": queue, "PYTHONUNBUFFERED": "1",
                    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", **extra_env}
        self.process = None

    def start(self) -> "Celery":
        self.process = subprocess.Popen([sys.executable, "-m", "celery", "-A", "mentorhub", *self.args], cwd=ROOT,
                                        env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def wait_for(self, text: str) -> None:
        """Wait until the process logs ``text`` (a worker logs "ready." once it consumes)."""
        deadline = time.monotonic() + self.READY_SECONDS
        while text not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"celery {' '.join(self.args)} did not log {text!r}:\n{self.output()[-4000:]}")
            time.sleep(0.2)

    def pool(self) -> list[int]:
        """The worker's pool processes (its children), from each process's parent in /proc."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """SIGKILL to the whole process group: no warm shutdown, no acknowledgement, no cleanup."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the main process only: a warm shutdown, its pool finishing what it runs
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@contextlib.contextmanager
def daphne(**extra_env: str):
    """A started Daphne for the length of a ``with`` block (a fixture's body), its log in a temporary file."""
    with tempfile.TemporaryFile() as log:
        server = Daphne(log, **extra_env)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def post_login_form(site: str):
    """A browser's failed sign-in at ``site`` (a server in another process): the form's CSRF token and cookie
    (which a cookie jar keeps from a plain-HTTP page only if it is not Secure) and an Origin header. The
    response: 200, the form again with its error, when CSRF passes; 403 when it does not."""
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{site}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": "nobody@example.com",
                                   "password": "not-the-password"}).encode()
    try:
        return opener.open(urllib.request.Request(f"{site}/accounts/login/", data=body, headers={"Origin": site}),
                           timeout=10)
    except urllib.error.HTTPError as error:
        return error


def run_in_own_loop(coroutine, *, timeout: float = 120):
    """``asyncio.run(coroutine)`` in a thread of its own, returning its result or raising its error.

    A browser test earlier in the run may leave an event loop running in this thread (Playwright's sync API),
    where neither asyncio.run nor async_to_sync may start another."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result(timeout=timeout)


def websocket_close_code(url: str) -> int:
    """The code a server closes ``url``'s socket with, right after accepting it (a refusal of a token-less one)."""
    from mentorhub import ws_client

    async def close_code() -> int:
        socket_ = await ws_client.connect(url)
        assert await socket_.receive(timeout=10) is ws_client.CLOSED
        return socket_.close_code

    return run_in_own_loop(close_code(), timeout=30)


def socket_for(path: str, *, user=None, token: str | None = None):
    """A Channels test communicator on the site's socket routes, signed in with ``user``'s access token (or
    ``token``, or nobody), through the same token middleware as the deployed app. Not yet connected."""
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser
    from rest_framework_simplejwt.tokens import AccessToken

    from mentorhub.routing import websocket_urlpatterns
    from mentorhub.ws_auth import JWTQueryStringAuthMiddleware

    if user is not None:
        token = str(AccessToken.for_user(user))
    query = f"?token={token}" if token else ""
    communicator = WebsocketCommunicator(JWTQueryStringAuthMiddleware(URLRouter(websocket_urlpatterns)),
                                         f"{path}{query}")
    communicator.scope["user"] = AnonymousUser()
    return communicator
