"""Messaging use cases: send a message, mark a conversation read, block and unblock it.

Who may write to whom: staff to anyone; anyone to an approved mentor; a mentor (or anyone) to a
person who booked them or whom they booked, or who already wrote to them in the conversation.
Nobody to themselves. A conversation blocked by either side refuses both sides' sends; a third
party never learns of it (their own conversations are separate). Sends are limited per user to
``MESSAGES_PER_MINUTE`` (REST and WebSocket count together).
"""

import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentorhub.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from messaging import live
from messaging.models import Conversation, Message


class RateLimited(DomainError):
    status_code = 429
    default_message = "You are sending messages too fast; wait a minute."


NOTICE_KIND = "message.unread"


def message_output(message: Message) -> dict:
    """The REST fields of a message (the spec's POST messages answer), plus nothing else."""
    from messaging.api.serializers import MessageOutput

    return dict(MessageOutput(message).data)


def count_send(*, user_id: int) -> None:
    """Count one send against the user's ``MESSAGES_PER_MINUTE`` (conversations and session chats together).

    Raises RateLimited past the limit.
    """
    limit = settings.MESSAGES_PER_MINUTE
    window = int(time.time() // 60)
    key = f"messages:sent:{user_id}:{window}"
    try:
        count = cache.incr(key)
    except ValueError:  # first send of the window (or the key was evicted)
        count = 1 if cache.add(key, 1, timeout=61) else cache.incr(key)
    if count > limit:
        raise RateLimited()


def _may_start(sender: User, recipient: User, conversation: Conversation) -> bool:
    from bookings.models import Booking
    from mentors.models import MentorProfile

    if sender.is_staff:
        return True
    if MentorProfile.objects.filter(user=recipient, status=MentorProfile.Status.APPROVED).exists():
        return True
    booked = (Q(mentee=recipient, slot__mentor__user=sender) | Q(mentee=sender, slot__mentor__user=recipient))
    if Booking.objects.filter(booked).exists():
        return True
    return conversation.pk is not None and conversation.messages.filter(sender=recipient).exists()


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@transaction.atomic
def message_send(*, sender: User, recipient_id: int, text: str, booking=None, origin: str | None = None,
                 now: datetime | None = None) -> Message:
    """Send ``text`` to a user, starting the conversation if there is none.

    The conversation row is locked while the block flags and the rules are read, so a block and a
    send never cross. After commit, both people's chat sockets hear of it (the sending socket,
    ``origin``, is answered by its caller instead) and the recipient gets one in-app notice per
    conversation until they read it.
    """
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Write something first.", field="text")
    if len(text) > settings.MESSAGE_MAX_LENGTH:
        raise InvalidInput(f"At most {settings.MESSAGE_MAX_LENGTH} characters.", field="text")
    if recipient_id == sender.pk:
        raise InvalidInput("You cannot message yourself.", field="recipient_id")
    count_send(user_id=sender.pk)
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        raise NotFound("No such user.", field="recipient_id")
    low, high = _pair(sender.pk, recipient.pk)
    Conversation.objects.get_or_create(user_low_id=low, user_high_id=high)
    conversation = Conversation.objects.select_for_update().get(user_low_id=low, user_high_id=high)
    mine, theirs = conversation.side(sender.pk), conversation.side(recipient.pk)
    if getattr(conversation, f"{mine}_blocked"):
        raise PermissionDenied("You blocked this conversation; unblock it to write.")
    if getattr(conversation, f"{theirs}_blocked"):
        raise PermissionDenied("This person does not accept your messages.")
    if not _may_start(sender, recipient, conversation):
        raise PermissionDenied("You cannot start a conversation with this person.", field="recipient_id")

    now = now or timezone.now()
    message = Message.objects.create(conversation=conversation, sender=sender, text=text, booking=booking,
                                     sent_at=now)
    conversation.last_message_at = now
    fields = ["last_message_at"]
    if not getattr(conversation, f"{theirs}_notified"):
        setattr(conversation, f"{theirs}_notified", True)
        fields.append(f"{theirs}_notified")
        _notify(recipient=recipient, sender=sender, text=text, conversation=conversation)
    conversation.save(update_fields=fields)

    event = {"type": "message", **message_output(message), "conversation_id": conversation.pk}
    live.chat_event_on_commit(user_ids=[recipient.pk, sender.pk], event=event, origin=origin)
    return message


def _notify(*, recipient: User, sender: User, text: str, conversation: Conversation) -> None:
    from notifications.services import notification_send

    # In-app only: the e-mail digest for people away from the site is not built yet.
    notification_send(user=recipient, kind=NOTICE_KIND, title=f"New message from {sender.display_name}",
                      body=text[:200], link=_conversation_link(conversation), email=False)


def _conversation_link(conversation: Conversation) -> str:
    return reverse("messaging:conversation", args=[conversation.pk])


def _locked(user: User, conversation_id: int) -> Conversation:
    conversation = (Conversation.objects.select_for_update()
                    .filter(Q(user_low=user) | Q(user_high=user), pk=conversation_id).first())
    if conversation is None:
        raise NotFound("No such conversation.")
    return conversation


@transaction.atomic
def conversation_mark_read(*, user: User, conversation_id: int, up_to_id: int | None = None,
                           origin: str | None = None, now: datetime | None = None) -> dict:
    """Mark the messages sent to me in one of my conversations read, up to ``up_to_id`` (all if None).

    Returns ``{"conversation_id", "up_to_id", "read_at", "marked"}``; when something changed, the
    other side gets it as a read receipt and my other sockets as well. Once nothing is unread, the
    next message notifies me again.
    """
    conversation = _locked(user, conversation_id)
    unread = Message.objects.filter(conversation=conversation, read_at__isnull=True).exclude(sender=user)
    if up_to_id is not None:
        unread = unread.filter(id__lte=up_to_id)
    last = unread.order_by("-id").values_list("id", flat=True).first()
    now = now or timezone.now()
    marked = unread.update(read_at=now) if last is not None else 0
    side = conversation.side(user.pk)
    if getattr(conversation, f"{side}_notified") and not (
            Message.objects.filter(conversation=conversation, read_at__isnull=True).exclude(sender=user).exists()):
        setattr(conversation, f"{side}_notified", False)
        conversation.save(update_fields=[f"{side}_notified"])
        # Everything here is read, so the notice that announced it is too (the bell follows).
        from notifications.services import notifications_mark_read_for

        notifications_mark_read_for(user=user, kind=NOTICE_KIND, link=_conversation_link(conversation), now=now)
    receipt = {"conversation_id": conversation.pk, "up_to_id": last, "read_at": now, "marked": marked}
    if marked:
        event = {"type": "read", "conversation_id": conversation.pk, "up_to_id": last,
                 "read_at": now.isoformat().replace("+00:00", "Z"), "reader_id": user.pk}
        live.chat_event_on_commit(user_ids=[conversation.other_id(user.pk), user.pk], event=event, origin=origin)
    return receipt


@transaction.atomic
def conversation_block(*, user: User, conversation_id: int, blocked: bool = True) -> Conversation:
    """Block (or unblock) one of my conversations: while blocked, neither side can send in it."""
    conversation = _locked(user, conversation_id)
    field = f"{conversation.side(user.pk)}_blocked"
    if getattr(conversation, field) != blocked:
        setattr(conversation, field, blocked)
        conversation.save(update_fields=[field])
    return conversation


def typing_relayed(*, user: User, conversation_id: int) -> None:
    """Tell the other side of one of my conversations that I am typing (no database write)."""
    conversation = Conversation.objects.filter(Q(user_low=user) | Q(user_high=user), pk=conversation_id).first()
    if conversation is None:
        raise NotFound("No such conversation.")
    if conversation.low_blocked or conversation.high_blocked:
        return  # nobody is listening in a blocked conversation
    live.chat_event(user_ids=[conversation.other_id(user.pk)],
                    event={"type": "typing", "conversation_id": conversation.pk, "user_id": user.pk})


def message_may_write(*, sender: User, recipient: User) -> bool:
    """Whether ``sender`` may write to ``recipient`` now (for showing a "Message" button; the send decides)."""
    if not sender.is_authenticated or sender.pk == recipient.pk or not recipient.is_active:
        return False
    low, high = _pair(sender.pk, recipient.pk)
    conversation = (Conversation.objects.filter(user_low_id=low, user_high_id=high).first()
                    or Conversation(user_low_id=low, user_high_id=high))
    if conversation.low_blocked or conversation.high_blocked:
        return False
    return _may_start(sender, recipient, conversation)


@transaction.atomic
def conversation_link_booking(*, user: User, conversation_id: int, booking) -> Message | None:
    """Note in one of my conversations that I booked its other person: a system message linking the booking.

    Only when the booking is mine as mentee and its mentor is the conversation's other person;
    otherwise nothing happens (returns None). No rate limit or block check: it records a fact.
    """
    conversation = _locked(user, conversation_id)
    mentor_user_id = booking.slot.mentor.user_id
    if booking.mentee_id != user.pk or conversation.other_id(user.pk) != mentor_user_id:
        return None
    now = timezone.now()
    text = f"Booked a session for {timezone.localtime(booking.slot.start):%d %b %Y, %H:%M %Z}."
    message = Message.objects.create(conversation=conversation, sender=user, text=text, booking=booking,
                                     kind=Message.Kind.SYSTEM, sent_at=now)
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    event = {"type": "message", **message_output(message), "conversation_id": conversation.pk}
    live.chat_event_on_commit(user_ids=[mentor_user_id, user.pk], event=event)
    return message
