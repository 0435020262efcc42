"""WebSocket routes of every app (video signalling, live notifications, chat).

Apps add their routes to ``websocket_urlpatterns``; ``router()`` serves them
and closes a handshake to any other path with code 4404, so a stray or
probing client gets a clean refusal rather than an exception in the server.
"""

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import URLRouter
from django.conf import settings
from django.urls import path, re_path

from messaging.consumers import ChatConsumer
from messaging.presence import PresenceMixin
from notifications.consumers import NotificationConsumer
from sessions_app.consumers import MeetingConsumer

NOT_FOUND = 4404


class NotificationSocket(PresenceMixin, NotificationConsumer):
    """``/ws/notifications`` counting its user as present (messaging): composed here because
    notifications, a leaf, imports no domain app."""


websocket_urlpatterns: list = [
    path("ws/meetings/<str:room_name>/", MeetingConsumer.as_asgi()),
    re_path(r"^ws/notifications/?$", NotificationSocket.as_asgi()),
    re_path(r"^ws/chat/?$", ChatConsumer.as_asgi()),
]


class UnknownPathConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.close(code=NOT_FOUND)


def router() -> URLRouter:
    routes = list(websocket_urlpatterns)
    if settings.BENCH_ENDPOINTS:  # `make bench`'s baseline only, never by default
        from mentorhub.bench import RelayConsumer

        routes.insert(0, path("ws/bench/relay", RelayConsumer.as_asgi()))
    return URLRouter([*routes, re_path(r"", UnknownPathConsumer.as_asgi())])
