"""Markers for tests that need a real service (they skip, with the reason, where it is absent), and a Daphne
server process for tests of sockets."""

import contextlib
import os
import shutil
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


def database_url() -> str:
    """The test database as a DATABASE_URL, for a server or script started in another process."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Daphne:
    """A Daphne process serving mentorhub.asgi (HTTP and WebSocket) on the test database; restartable.

    pytest-django's live server speaks WSGI only, so tests of sockets start one of these. It sees committed
    rows only: use it with ``transactional_db``. ``extra_env`` adds or overrides settings for the process.
    """

    START_SECONDS = 30

    def __init__(self, log, **extra_env: str):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log  # a file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks Daphne
        self.env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings",
                    "DEBUG": "true", "ALLOWED_HOSTS": "127.0.0.1,localhost", "CELERY_TASK_ALWAYS_EAGER": "true",
                    **extra_env}
        self.process = None

    def launch(self) -> None:
        """Start the process without waiting for it (start several, then wait for each)."""
        self.process = subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                                         "mentorhub.asgi:application"], cwd=ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=self.log)

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
        pytest.fail(f"Daphne on port {self.port} did not come up:\n{self.log.read().decode(errors='replace')}")

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


def websocket_close_code(url: str) -> int:
    """The code a server closes ``url``'s socket with, right after accepting it (a refusal of a token-less one).

    Its event loop runs in a thread of its own: a browser test earlier in the run may leave one running in this
    thread, where neither asyncio.run nor async_to_sync may start another."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from mentorhub import ws_client

    async def close_code() -> int:
        socket_ = await ws_client.connect(url)
        assert await socket_.receive(timeout=10) is ws_client.CLOSED
        return socket_.close_code

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, close_code()).result(timeout=30)


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
