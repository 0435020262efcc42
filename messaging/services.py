"""Messaging use cases: send a message, mark a conversation read, block and unblock it.

Who may write to whom: staff to anyone; anyone to an approved mentor; a mentor (or anyone) to a
person who booked them or whom they booked, or who already wrote to them in the conversation. The
mentor and booking rules are registered by mentors and bookings (messaging/contacts.py).
Nobody to themselves. A conversation blocked by either side refuses both sides' sends; a third
party never learns of it (their own conversations are separate). Sends are limited per user to
``MESSAGES_PER_MINUTE`` (REST and WebSocket count together).

Telling the recipient: the first unread message of a conversation gives one in-app notice; if they
stay away from the site (see ``presence_away``), one e-mail digest later lists every conversation
with unread messages (``message_digests_send``). Reading a conversation re-arms both.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from mentorhub.cache import count_in_window
from mentorhub.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from mentorhub.i18n import speaking_to
from messaging import contacts, live
from messaging.models import Conversation, Message, Presence


class RateLimited(DomainError):
    status_code = 429
    default_message = "You are sending messages too fast; wait a minute."


NOTICE_KIND = "message.unread"


def message_output(message: Message) -> dict:
    """The REST fields of a message (the spec's POST messages answer), plus nothing else."""
    from messaging.api.serializers import MessageOutput

    return dict(MessageOutput(message).data)


def rate_window() -> int:
    """The current minute, which names the send counter (a fixed window; tests pin it)."""
    return int(time.time() // 60)


def count_send(*, user_id: int) -> None:
    """Count one send against the user's ``MESSAGES_PER_MINUTE`` (conversations and session chats together).

    Raises RateLimited past the limit.
    """
    limit = settings.MESSAGES_PER_MINUTE
    window = rate_window()
    key = f"messages:sent:{user_id}:{window}"
    if count_in_window(key, timeout=61) > limit:
        raise RateLimited(_("You are sending messages too fast; wait a minute."))


def _may_start(sender: User, recipient: User, conversation: Conversation) -> bool:
    if sender.is_staff:
        return True
    if contacts.contact_allowed(sender, recipient):  # an approved mentor, a booking between them
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
        raise InvalidInput(_("Write something first."), field="text")
    if len(text) > settings.MESSAGE_MAX_LENGTH:
        raise InvalidInput(ngettext("At most %(count)d character.", "At most %(count)d characters.",
                                    settings.MESSAGE_MAX_LENGTH) % {"count": settings.MESSAGE_MAX_LENGTH},
                           field="text")
    if recipient_id == sender.pk:
        raise InvalidInput(_("You cannot message yourself."), field="recipient_id")
    count_send(user_id=sender.pk)
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        raise NotFound(_("No such user."), field="recipient_id")
    low, high = _pair(sender.pk, recipient.pk)
    Conversation.objects.get_or_create(user_low_id=low, user_high_id=high)
    conversation = Conversation.objects.select_for_update().get(user_low_id=low, user_high_id=high)
    mine, theirs = conversation.side(sender.pk), conversation.side(recipient.pk)
    if getattr(conversation, f"{mine}_blocked"):
        raise PermissionDenied(_("You blocked this conversation; unblock it to write."))
    if getattr(conversation, f"{theirs}_blocked"):
        raise PermissionDenied(_("This person does not accept your messages."))
    if not _may_start(sender, recipient, conversation):
        raise PermissionDenied(_("You cannot start a conversation with this person."), field="recipient_id")

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

    # In-app only: people away from the site get the e-mail digest instead (message_digests_send).
    with speaking_to(recipient):
        title = _("New message from %(name)s") % {"name": sender.display_name}
    notification_send(user=recipient, kind=NOTICE_KIND, title=title,
                      body=text[:200], link=_conversation_link(conversation), email=False)


def _conversation_link(conversation: Conversation) -> str:
    return reverse("messaging:conversation", args=[conversation.pk])


def _locked(user: User, conversation_id: int) -> Conversation:
    conversation = (Conversation.objects.select_for_update()
                    .filter(Q(user_low=user) | Q(user_high=user), pk=conversation_id).first())
    if conversation is None:
        raise NotFound(_("No such conversation."))
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
    armed = [f for f in (f"{side}_notified", f"{side}_digested_at") if getattr(conversation, f)]
    if armed and not (
            Message.objects.filter(conversation=conversation, read_at__isnull=True).exclude(sender=user).exists()):
        # Everything here is read: the next message is a new unread run, with its own notice and digest.
        setattr(conversation, f"{side}_notified", False)
        setattr(conversation, f"{side}_digested_at", None)
        conversation.save(update_fields=armed)
        if f"{side}_notified" in armed:
            # The notice that announced it is read too (the bell follows).
            from notifications.services import notifications_mark_read_for

            notifications_mark_read_for(user=user, kind=NOTICE_KIND, link=_conversation_link(conversation),
                                        now=now)
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
        raise NotFound(_("No such conversation."))
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
    # Saved once and read by both sides: written in the mentor's language (the one it tells).
    with speaking_to(booking.slot.mentor.user):
        start = timezone.localtime(booking.slot.start)
        when = formats.date_format(start, _("d M Y, H:i"))
        text = _("Booked a session for %(when)s.") % {"when": f"{when} {start:%Z}"}
    message = Message.objects.create(conversation=conversation, sender=user, text=text, booking=booking,
                                     kind=Message.Kind.SYSTEM, sent_at=now)
    conversation.last_message_at = now
    conversation.save(update_fields=["last_message_at"])
    event = {"type": "message", **message_output(message), "conversation_id": conversation.pk}
    live.chat_event_on_commit(user_ids=[mentor_user_id, user.pk], event=event)
    return message


# --- Presence ------------------------------------------------------------------------------------
# Kept in the database, not the cache: without Redis each process has its own cache, and the digest
# sweep runs in the worker, not in the web process that holds the sockets.

def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.PRESENCE_STALE_SECONDS)


@transaction.atomic
def presence_connect(*, user_id: int, now: datetime | None = None) -> None:
    """Count one more open socket of the user.

    A count not refreshed for ``PRESENCE_STALE_SECONDS`` belongs to sockets that are gone (a process
    died without disconnecting them), so it restarts from this one instead of growing for ever.
    """
    now = now or timezone.now()
    Presence.objects.get_or_create(user_id=user_id, defaults={"open_sockets": 0, "last_seen_at": now})
    Presence.objects.filter(user_id=user_id).update(
        open_sockets=Case(When(last_seen_at__lt=_stale_before(now), then=Value(1)), default=F("open_sockets") + 1),
        last_seen_at=now)


@transaction.atomic
def presence_disconnect(*, user_id: int, now: datetime | None = None) -> None:
    """Count one socket of the user fewer (never below zero); they were here until now."""
    Presence.objects.filter(user_id=user_id).update(
        open_sockets=Case(When(open_sockets__gt=0, then=F("open_sockets") - 1), default=Value(0)),
        last_seen_at=now or timezone.now())


@transaction.atomic
def presence_touch(*, user_id: int, now: datetime | None = None) -> None:
    """A socket of the user was heard from (any frame, or the pages' ping every minute)."""
    Presence.objects.filter(user_id=user_id).update(last_seen_at=now or timezone.now())


def presence_away(user_ref, *, since: datetime, now: datetime) -> Q:
    """A filter: the user ``user_ref`` (a field name or OuterRef) has had no live socket since ``since``.

    The rule: a user without a presence row never had a socket. Otherwise they are away since
    ``last_seen_at`` (a disconnect or the last frame) when no socket is open, or when the open count
    has not been refreshed for ``PRESENCE_STALE_SECONDS`` (its sockets stopped pinging or are gone).
    """
    here = Presence.objects.filter(user=user_ref).filter(
        Q(last_seen_at__gt=since) | Q(open_sockets__gt=0, last_seen_at__gt=_stale_before(now)))
    return ~Q(Exists(here))


# --- The e-mail digest of unread messages ------------------------------------------------------------

def _unread_for(side: str, *, sent_before: datetime | None = None):
    """Messages of the conversation (OuterRef) that ``side``'s user has not read: the other side's own words."""
    other = "high" if side == "low" else "low"
    unread = Message.objects.filter(conversation=OuterRef("pk"), sender=OuterRef(f"user_{other}"),
                                    read_at__isnull=True, kind=Message.Kind.USER)
    return unread.filter(sent_at__lte=sent_before) if sent_before else unread


def _digestible_for(side: str, *, now: datetime) -> Q:
    """Conversations whose ``side`` user is owed a digest: unread words not yet digested, nothing blocked."""
    after = now - timedelta(minutes=settings.MESSAGE_DIGEST_AFTER_MINUTES)
    return (Q(**{f"{side}_digested_at__isnull": True}, low_blocked=False, high_blocked=False)
            & Q(Exists(_unread_for(side, sent_before=after)))
            & presence_away(OuterRef(f"user_{side}"), since=after, now=now))


def message_digests_send(*, now: datetime | None = None) -> int:
    """The beat sweep: mail each user who is owed a digest one e-mail, each in its own transaction.

    Owed: an active user with an e-mail address, away from the site (``presence_away``) for
    ``MESSAGE_DIGEST_AFTER_MINUTES``, with a message unread for that long in a conversation nobody
    blocked and no digest has covered since they last read it. Returns how many e-mails were sent.
    Safe to run twice and in parallel: each digest is recorded on the conversations it covers.
    """
    now = now or timezone.now()
    user_ids: set[int] = set()
    for side in ("low", "high"):
        owed = (Conversation.objects.filter(_digestible_for(side, now=now))
                .filter(**{f"user_{side}__is_active": True}).exclude(**{f"user_{side}__email": ""}))
        user_ids.update(owed.values_list(f"user_{side}_id", flat=True))
    return sum(message_digest_send(user_id=pk, now=now) for pk in sorted(user_ids))


@transaction.atomic
def message_digest_send(*, user_id: int, now: datetime) -> bool:
    """Mail one user the digest of their unread conversations, if still owed (False if not).

    Every undigested conversation with unread messages goes in, also those too recent to have called
    for a digest on their own, so one e-mail covers all; each is marked digested for this user until
    they read it. Conversations another sweep is digesting right now are skipped, not waited for.
    """
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    mine = (Q(user_low=user) & Q(Exists(_unread_for("low"))) & Q(low_digested_at__isnull=True)
            | Q(user_high=user) & Q(Exists(_unread_for("high"))) & Q(high_digested_at__isnull=True))
    locked = list(Conversation.objects.select_for_update(skip_locked=True)
                  .filter(mine, low_blocked=False, high_blocked=False).order_by("pk"))
    due = (Q(user_low=user) & _digestible_for("low", now=now)) | (Q(user_high=user) & _digestible_for("high", now=now))
    if not locked or not Conversation.objects.filter(due, pk__in=[c.pk for c in locked]).exists():
        return False
    for side in ("low", "high"):
        Conversation.objects.filter(pk__in=[c.pk for c in locked if c.side(user.pk) == side]).update(
            **{f"{side}_digested_at": now})
    _mail_digest(user=user, conversations=locked)
    return True


def _mail_digest(*, user: User, conversations: list[Conversation]) -> None:
    from notifications.emails import send_after_commit, subject_line

    others = User.objects.in_bulk([c.other_id(user.pk) for c in conversations])
    counts = dict(Message.objects.filter(conversation__in=conversations, read_at__isnull=True,
                                         kind=Message.Kind.USER).exclude(sender=user)
                  .values_list("conversation").annotate(n=Count("pk")).values_list("conversation", "n"))
    items = []
    for conversation in sorted(conversations, key=lambda c: c.last_message_at or c.created_at, reverse=True):
        last = (Message.objects.filter(conversation=conversation, read_at__isnull=True, kind=Message.Kind.USER)
                .exclude(sender=user).order_by("-sent_at", "-id").first())
        text = " ".join(last.text.split())
        items.append({"sender": others[conversation.other_id(user.pk)].display_name,
                      "count": counts.get(conversation.pk, 0),
                      "excerpt": text if len(text) <= 140 else text[:139].rstrip() + "…",
                      "url": f"{settings.SITE_URL}{_conversation_link(conversation)}"})
    total = sum(item["count"] for item in items)
    # The digest goes to its recipient in their language, whoever wrote the messages.
    with speaking_to(user):
        names = items[0]["sender"]
        if len(items) > 1:
            more = len(items) - 1
            names = ngettext("%(name)s and %(count)d other", "%(name)s and %(count)d others", more) % {
                "name": names, "count": more}
        title = ngettext("%(count)d unread message from %(names)s", "%(count)d unread messages from %(names)s",
                         total) % {"count": total, "names": names}
        context = {"user": user, "title": title, "items": items,
                   "inbox_url": f"{settings.SITE_URL}{reverse('messaging:inbox')}"}
        message = EmailMultiAlternatives(subject_line(title),
                                         render_to_string("messaging/email/digest.txt", context), None, [user.email])
        message.attach_alternative(render_to_string("messaging/email/digest.html", context), "text/html")
    send_after_commit(message)
