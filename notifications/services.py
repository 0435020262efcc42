"""Notification use cases: send a notice and mark notices read.

notifications is a leaf (docs/ARCHITECTURE.md, "Layers"): any app may call it, and it imports no domain
app; it knows users only as ``settings.AUTH_USER_MODEL``. What to say and when is the caller's decision
(the reminders before each session are bookings/reminders.py's).
"""

from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser as User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorhub.errors import NotFound
from notifications import live
from notifications.emails import render_notice, send_after_commit, subject_line
from notifications.models import Notification


@transaction.atomic
def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "",
                      email: bool = True, key: str = "") -> Notification | None:
    """Record an in-app notice; after commit, push it to the user's open sockets and mail the same text.

    With a ``key`` (what the notice announces), a second call with the same key for the same user does
    nothing and returns None: a task that runs again after a crash tells nobody twice.
    """
    try:
        with transaction.atomic():  # a savepoint: losing the race must not spoil the caller's transaction
            notice = Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link, key=key)
    except IntegrityError:
        if not key:
            raise
        return None
    live.notification_pushed_on_commit(notice=notice)
    if email and user.email:
        text, html = render_notice(user=user, title=title, body=body, link=link)
        message = EmailMultiAlternatives(subject_line(title), text, None, [user.email])
        message.attach_alternative(html, "text/html")
        send_after_commit(message)
    return notice


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of my notices read. Someone else's is not found; reading twice keeps the first time."""
    notice = Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
    if notice is None:
        raise NotFound("No such notification.")
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
