"""Notification use cases: send a notice and mark notices read.

notifications is a leaf (docs/ARCHITECTURE.md, "Layers"): any app may call it, and it imports no domain
app; it knows users only as ``settings.AUTH_USER_MODEL``. What to say and when is the caller's decision
(the reminders before each session are bookings/reminders.py's).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.errors import NotFound
from notifications import live
from notifications.emails import render_notice, send_after_commit, send_batch, subject_line
from notifications.models import Notification
from notifications.sms import send_sms

logger = logging.getLogger(__name__)


@transaction.atomic
def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "",
                      email: bool = True, key: str = "") -> Notification | None:
    """Record an in-app notice; after commit, push it to the user's open sockets and mail the same text.

    With a ``key`` (what the notice announces), a second call with the same key for the same user does
    nothing and returns None: a task that runs again after a crash tells nobody twice.
    """
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil the caller's transaction
            notice = Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link, key=key,
                                                 delivered_at=timezone.now())
    except IntegrityError:
        if not key:
            raise
        return None
    live.notification_pushed_on_commit(notice=notice)
    if email and user.email:
        send_after_commit(_email(notice))
    return notice


def _email(notice: Notification) -> EmailMultiAlternatives:
    text, html = render_notice(user=notice.user, title=notice.title, body=notice.body, link=notice.link)
    message = EmailMultiAlternatives(subject_line(notice.title), text, None, [notice.user.email])
    message.attach_alternative(html, "text/html")
    return message


@dataclass(frozen=True)
class Notice:
    """One notice of a batch, before it is recorded (``notifications_send_many``); ``key`` is required there."""

    user: User
    kind: str
    title: str
    body: str = ""
    link: str = ""
    key: str = ""


def notifications_send_many(*, notices: Sequence[Notice], sms: bool = False) -> int:
    """Record many keyed notices in one insert; once committed, push, mail and (with ``sms``) text them here.

    For a worker telling thousands of people at once (the reminders). A notice whose key its user already
    has is not recorded again, and delivery claims each notice (``notifications_deliver``), so a task run
    twice tells nobody twice, and one that died between its commit and the delivery delivers when run
    again. Returns how many notices were new.
    """
    if any(not notice.key for notice in notices):
        raise ValueError("Every notice of a batch needs a key: it is what makes a batch safe to send twice.")
    keys, users = {notice.key for notice in notices}, {notice.user.pk for notice in notices}
    # By user and key: the (user, key) unique index answers both reads, however many notices exist.
    mine = Notification.objects.filter(user__in=users, key__in=keys)
    with transaction.atomic():
        had = set(mine.values_list("user_id", "key"))
        fresh = [Notification(user=n.user, kind=n.kind, title=n.title, body=n.body, link=n.link, key=n.key)
                 for n in notices if (n.user.pk, n.key) not in had]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)  # a parallel run may have just made one
        due = list(mine.filter(delivered_at__isnull=True).values_list("pk", flat=True))
        transaction.on_commit(lambda: notifications_deliver(notice_ids=due, sms=sms), robust=True)
    return len(fresh)


def sms_text(notice: Notification) -> str:
    return f"MentorHub: {notice.title}. {notice.body}".strip()


def notifications_deliver(*, notice_ids: Sequence[int], sms: bool = False, now: datetime | None = None) -> int:
    """Push, mail and (with ``sms``) text the given notices not yet delivered. Returns how many went out.

    Each notice is claimed first (``delivered_at``, under a row lock that a parallel run skips), and the
    claim commits before anything is sent: run twice, or by two workers at once, each notice goes out once.
    A failing mail server or SMS provider is logged and never undoes the claim (a notice is never sent twice).
    """
    with transaction.atomic():
        notices = list(Notification.objects.select_for_update(skip_locked=True, of=("self",)).select_related("user")
                       .filter(pk__in=list(notice_ids), delivered_at__isnull=True).order_by("pk"))
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(delivered_at=now or timezone.now())
    if not notices:
        return 0
    live.push_notifications(notices=notices)
    send_batch([_email(notice) for notice in notices if notice.user.email])
    if sms:
        for notice in notices:
            if getattr(notice.user, "phone", "") and getattr(notice.user, "sms_opt_in", False):
                try:
                    send_sms(to=notice.user.phone, text=sms_text(notice))
                except Exception:
                    logger.exception("Could not text notice %s to user %s", notice.pk, notice.user_id)
    return len(notices)


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of my notices read. Someone else's is not found; reading twice keeps the first time."""
    notice = Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
    if notice is None:
        raise NotFound(_("No such notification."))
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        notice.save(update_fields=["read_at"])
        live.unread_count_pushed_on_commit(user_id=user.pk)  # the user's other tabs update their bell
    return notice


@transaction.atomic
def notification_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of mine read; returns how many changed."""
    marked = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
    if marked:
        live.unread_count_pushed_on_commit(user_id=user.pk)
    return marked


@transaction.atomic
def notifications_mark_read_for(*, user: User, kind: str, link: str, now: datetime | None = None) -> int:
    """Mark read my unread notices of ``kind`` that point at ``link`` (the thing they announce has been seen)."""
    marked = (Notification.objects.filter(user=user, kind=kind, link=link, read_at__isnull=True)
              .update(read_at=now or timezone.now()))
    if marked:
        live.unread_count_pushed_on_commit(user_id=user.pk)
    return marked
