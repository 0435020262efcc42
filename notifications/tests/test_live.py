"""``/ws/notifications``: new notices and the unread count reach every open socket of their user, after commit."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from mentorhub.testing import database_url, requires_redis, socket_for
from notifications import services
from notifications.api.serializers import NotificationOutput
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


async def connect(user=None, *, path="/ws/notifications", token: str | None = None):
    """A socket signed in with ``user``'s access token (or ``token``); the first message read off when accepted."""
    communicator = socket_for(path, user=user, token=token)
    connected, code = await communicator.connect()
    first = await communicator.receive_output() if connected else None
    if first and first["type"] == "websocket.send":
        first = json.loads(first["text"])
    return communicator, connected, code, first


send = database_sync_to_async(services.notification_send)


@pytest.mark.parametrize("path", ["/ws/notifications", "/ws/notifications/"])
def test_a_token_signs_the_socket_in_and_it_is_told_the_unread_count_first(mentee, other_user, path):
    NotificationFactory.create_batch(2, user=mentee)
    NotificationFactory(user=mentee, read_at="2031-01-01T00:00:00Z")
    NotificationFactory(user=other_user)

    async def scenario():
        ws, connected, _, first = await connect(mentee, path=path)
        assert connected and first == {"type": "unread_count", "unread_count": 2}
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no token", "a bad token"])
def test_an_anonymous_socket_is_closed_with_4401_before_it_hears_anything(token):
    async def scenario():
        _, connected, _, first = await connect(token=token)
        # Accepted, then closed: a browser sees the code (a refused handshake would show it only 1006).
        assert connected and first == {"type": "websocket.close", "code": 4401}

    async_to_sync(scenario)()


def test_the_site_session_cookie_signs_the_socket_in_through_the_deployed_app(client, mentee):
    from mentorhub.asgi import application as deployed

    client.force_login(mentee)
    NotificationFactory(user=mentee)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()

    async def scenario():
        ws = WebsocketCommunicator(deployed, "/ws/notifications", headers=[
            (b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)])
        connected, _ = await ws.connect()
        assert connected
        assert await ws.receive_json_from() == {"type": "unread_count", "unread_count": 1}
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_new_notification_reaches_every_open_socket_of_its_user_and_no_one_else(mentee, other_user):
    NotificationFactory(user=mentee)

    async def scenario():
        first_tab, *_ = await connect(mentee)
        second_tab, *_ = await connect(mentee)
        outsider, *_ = await connect(other_user)
        notice = await send(user=mentee, kind="booking.scheduled", title="Session booked", body="Tue 10:00",
                            link="/sessions/", email=False)
        expected = {"type": "notification", "notification": json.loads(json.dumps(NotificationOutput(notice).data)),
                    "unread_count": 2}
        assert await first_tab.receive_json_from() == expected
        assert await second_tab.receive_json_from() == expected
        assert await outsider.receive_nothing(timeout=0.3)
        for ws in (first_tab, second_tab, outsider):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_a_batch_of_notices_reaches_each_users_sockets_with_their_own_unread_count(mentee, other_user):
    NotificationFactory(user=mentee)

    async def scenario():
        mine, *_ = await connect(mentee)
        theirs, *_ = await connect(other_user)
        await database_sync_to_async(services.notifications_send_many)(notices=[
            services.Notice(user=mentee, kind="reminder.1h", title="Soon", key="r:1"),
            services.Notice(user=other_user, kind="reminder.1h", title="Soon too", key="r:1")])
        to_me, to_them = await mine.receive_json_from(), await theirs.receive_json_from()
        assert (to_me["notification"]["title"], to_me["unread_count"]) == ("Soon", 2)
        assert (to_them["notification"]["title"], to_them["unread_count"]) == ("Soon too", 1)
        for ws in (mine, theirs):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_marking_notices_read_tells_every_tab_the_new_unread_count(mentee, other_user):
    first, second, third = NotificationFactory.create_batch(3, user=mentee)
    NotificationFactory(user=other_user)

    async def scenario():
        tab, *_ = await connect(mentee)
        outsider, *_ = await connect(other_user)
        await database_sync_to_async(services.notification_mark_read)(user=mentee, notification_id=first.pk)
        assert await tab.receive_json_from() == {"type": "unread_count", "unread_count": 2}
        # Reading it again changes nothing, so nothing is sent.
        await database_sync_to_async(services.notification_mark_read)(user=mentee, notification_id=first.pk)
        assert await tab.receive_nothing(timeout=0.2)
        assert await database_sync_to_async(services.notification_mark_all_read)(user=mentee) == 2
        assert await tab.receive_json_from() == {"type": "unread_count", "unread_count": 0}
        assert await database_sync_to_async(services.notification_mark_all_read)(user=mentee) == 0
        assert await tab.receive_nothing(timeout=0.2)
        assert await outsider.receive_nothing(timeout=0.1)
        await tab.disconnect()
        await outsider.disconnect()

    async_to_sync(scenario)()


def test_marking_read_over_the_api_reaches_the_socket(api, mentee):
    notice = NotificationFactory(user=mentee)
    client = api(mentee)

    async def scenario():
        tab, *_ = await connect(mentee)
        response = await database_sync_to_async(client.post)(f"/api/v1/notifications/{notice.pk}/read")
        assert response.status_code == 200
        assert await tab.receive_json_from() == {"type": "unread_count", "unread_count": 0}
        await tab.disconnect()

    async_to_sync(scenario)()


def test_a_rolled_back_notification_pushes_nothing(mentee):
    class Undo(Exception):
        pass

    def send_then_fail():
        with pytest.raises(Undo), transaction.atomic():
            services.notification_send(user=mentee, kind="x", title="Never happened", email=False)
            raise Undo

    async def scenario():
        tab, *_ = await connect(mentee)
        await database_sync_to_async(send_then_fail)()
        assert await tab.receive_nothing(timeout=0.3)
        await tab.disconnect()

    async_to_sync(scenario)()
    assert not Notification.objects.exists()


def test_what_the_client_sends_is_answered_with_an_error_and_the_socket_stays_open(mentee):
    async def scenario():
        tab, *_ = await connect(mentee)
        await tab.send_to(text_data="hello")
        assert (await tab.receive_json_from())["type"] == "error"
        await send(user=mentee, kind="x", title="Still here", email=False)
        assert (await tab.receive_json_from())["notification"]["title"] == "Still here"
        await tab.disconnect()

    async_to_sync(scenario)()


@requires_redis
def test_a_notification_created_in_another_process_reaches_the_socket_over_redis(mentee):
    script = ("import django; django.setup()\n"
              "from accounts.models import User\n"
              "from notifications.services import notification_send\n"
              f"notification_send(user=User.objects.get(pk={mentee.pk}), kind='x', title='From a worker',"
              " email=False)\n")
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "mentorhub.test_settings"}

    async def scenario():
        tab, *_ = await connect(mentee)
        await database_sync_to_async(subprocess.run)([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                                                     timeout=60)
        message = await tab.receive_json_from(timeout=5)
        assert (message["notification"]["title"], message["unread_count"]) == ("From a worker", 1)
        await tab.disconnect()

    async_to_sync(scenario)()
