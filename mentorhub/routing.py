"""WebSocket routes of every app (video signalling; chat and live notifications later)."""

from django.urls import path

from sessions_app.consumers import MeetingConsumer

websocket_urlpatterns: list = [
    path("ws/meetings/<str:room_name>/", MeetingConsumer.as_asgi()),
]
