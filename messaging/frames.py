"""The frame types ``/ws/chat`` answers, and the one rule for reading an id out of a frame.

messaging's own frames (message, read, typing) are in messaging/consumers.py and come first. An app
above messaging that speaks over the same socket registers its frame type here in its ``AppConfig.ready()``
(sessions_app: ``session_message``, the session chat), so messaging never imports it. A handler takes
``(user, frame, origin)`` and returns the ack to send back (or None); it raises ``DomainError`` to refuse.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _

from mentorhub.errors import InvalidInput

HANDLERS: dict[str, Callable] = {}


def register_frame(frame_type: str, handler: Callable) -> None:
    """Answer frames of ``frame_type`` with ``handler`` (registering the same pair again changes nothing)."""
    HANDLERS[frame_type] = handler


def frame_int(frame: dict, name: str, *, required: bool = True) -> int | None:
    """The positive whole number ``frame[name]``; InvalidInput otherwise (None if absent and not required)."""
    value = frame.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(_("Must be a positive whole number."), field=name)
    return value
