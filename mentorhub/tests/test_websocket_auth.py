import pytest
from asgiref.sync import async_to_sync
from channels.generic.websocket import JsonWebsocketConsumer
from channels.testing import WebsocketCommunicator
from django.urls import path

from conftest import bearer_for
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware


class WhoAmI(JsonWebsocketConsumer):
    def connect(self):
        self.accept()
        user = self.scope["user"]
        self.send_json({"user_id": user.pk if user.is_authenticated else None})


def app():
    from channels.routing import URLRouter

    return JWTQueryStringAuthMiddleware(URLRouter([path("ws/whoami", WhoAmI.as_asgi())]))


async def who(query: str):
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(app(), f"/ws/whoami?{query}")
    communicator.scope["user"] = AnonymousUser()
    connected, _ = await communicator.connect()
    assert connected
    message = await communicator.receive_json_from()
    await communicator.disconnect()
    return message["user_id"]


@pytest.mark.django_db(transaction=True)
def test_a_valid_access_token_in_the_query_string_authenticates_the_socket(mentee):
    token = bearer_for(mentee).removeprefix("Bearer ")
    assert async_to_sync(who)(f"token={token}") == mentee.pk


@pytest.mark.django_db(transaction=True)
def test_a_bad_or_missing_token_leaves_the_socket_anonymous(mentee):
    assert async_to_sync(who)("token=forged") is None
    assert async_to_sync(who)("") is None
