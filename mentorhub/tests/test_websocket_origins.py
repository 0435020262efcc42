"""Which pages may open a WebSocket: this site's, the listed SPA origins, and clients with no Origin."""

import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.urls import path

from conftest import bearer_for
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware
from mentorhub.ws_origins import SiteOriginValidator

# Transactional, like every socket test: the consumers reach the database from other threads, and it keeps
# these tests ordered before the browser tests, whose event loop would forbid async_to_sync here.
pytestmark = pytest.mark.django_db(transaction=True)

SPA = "http://localhost:5173"
REFUSED_AT_HANDSHAKE = (False, 1000)


@pytest.fixture(autouse=True)
def _listed_spa(settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    settings.ALLOWED_HOSTS = ["mentorhub.example", "localhost"]


class WhoAmI(JsonWebsocketConsumer):
    def connect(self):
        self.accept()
        user = self.scope["user"]
        self.send_json({"user_id": user.pk if user.is_authenticated else None})


def app():
    return SiteOriginValidator(JWTQueryStringAuthMiddleware(URLRouter([path("ws/whoami", WhoAmI.as_asgi())])))


def handshake(origin: str | None, query: str = ""):
    async def scenario():
        headers = [(b"origin", origin.encode("latin1"))] if origin is not None else []
        communicator = WebsocketCommunicator(app(), f"/ws/whoami?{query}", headers=headers)
        communicator.scope["user"] = AnonymousUser()
        connected, code = await communicator.connect()
        if not connected:
            return connected, code, None
        user_id = (await communicator.receive_json_from())["user_id"]
        await communicator.disconnect()
        return connected, code, user_id

    return async_to_sync(scenario)()


@pytest.mark.parametrize("origin", ["https://mentorhub.example", "http://localhost:8000", SPA, "http://LOCALHOST:5173"])
def test_the_sites_own_pages_and_listed_spas_may_open_a_socket(origin):
    assert handshake(origin)[0] is True


@pytest.mark.parametrize("origin", [
    "https://evil.example",
    "https://mentorhub.example.evil.example",
    "http://127.0.0.1:5173",       # listed as localhost, not as this address
    "https://spa.example",
    "null",                        # sandboxed frames and file: pages
    "",
    "not a url",
])
def test_any_other_origin_is_refused_at_the_handshake(origin):
    assert handshake(origin)[:2] == REFUSED_AT_HANDSHAKE


def test_a_native_client_without_an_origin_is_let_in_and_known_by_its_token(mentee):
    token = bearer_for(mentee).removeprefix("Bearer ")
    assert handshake(None, f"token={token}") == (True, None, mentee.pk)


def test_a_native_client_without_an_origin_or_a_token_stays_anonymous():
    assert handshake(None, "token=forged")[2] is None


def test_a_listed_spa_is_known_by_its_token(mentee):
    token = bearer_for(mentee).removeprefix("Bearer ")
    assert handshake(SPA, f"token={token}")[2] == mentee.pk


def test_the_deployed_asgi_app_checks_origins_this_way():
    from mentorhub.asgi import application as deployed

    async def code_for(headers):
        communicator = WebsocketCommunicator(deployed, "/ws/nowhere/", headers=headers)
        connected, code = await communicator.connect()
        assert not connected
        return code

    # Past the origin check an unknown path is closed with 4404; a refused origin never gets that far.
    assert async_to_sync(code_for)([(b"origin", SPA.encode()), (b"host", b"localhost")]) == 4404
    assert async_to_sync(code_for)([(b"host", b"localhost")]) == 4404
    assert async_to_sync(code_for)([(b"origin", b"https://evil.example"), (b"host", b"localhost")]) == 1000
