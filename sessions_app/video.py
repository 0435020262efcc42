"""Video rooms behind one interface: the built-in WebRTC room, or Jitsi Meet."""

import time
from dataclasses import dataclass

import jwt
from django.conf import settings

from sessions_app.models import Meeting


@dataclass(frozen=True)
class Room:
    provider: str
    room_name: str
    room_url: str
    signalling_url: str | None  # built-in rooms: the WebSocket that relays offers, answers and ICE candidates
    ice_servers: list
    jitsi_domain: str | None = None
    jitsi_jwt: str | None = None


def room_for(meeting: Meeting, *, booking_id: int, user) -> Room:
    if meeting.provider == "jitsi":
        return Room("jitsi", meeting.room_name, f"https://{settings.JITSI_DOMAIN}/{meeting.room_name}", None, [],
                    settings.JITSI_DOMAIN, _jitsi_token(meeting, user))
    return Room("builtin", meeting.room_name, f"{settings.SITE_URL}/sessions/{booking_id}/room/",
                f"/ws/meetings/{meeting.room_name}/", settings.WEBRTC_ICE_SERVERS)


def _jitsi_token(meeting: Meeting, user) -> str | None:
    """A Jitsi JWT (when the deployment has an app secret), valid for this room only."""
    if not settings.JITSI_APP_SECRET:
        return None
    now = int(time.time())
    claims = {"aud": "jitsi", "iss": settings.JITSI_APP_ID, "sub": settings.JITSI_DOMAIN, "room": meeting.room_name,
              "iat": now, "exp": now + 4 * 3600,
              "context": {"user": {"name": user.display_name, "email": user.email}}}
    return jwt.encode(claims, settings.JITSI_APP_SECRET, algorithm="HS256")
