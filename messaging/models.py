"""Conversations between two users and their messages.

A pair of users has one conversation whatever the order they are named in: it is stored with the
lower id in ``user_low`` (a check constraint holds it) under a unique key. Each side has its own
block flag and its own "already told about unread messages" flag, so one notice goes out per
conversation until the recipient reads it, and its own "already in an e-mail digest" time, so one
digest at most covers a run of unread messages.

``Presence`` records, per user, how many WebSocket connections (``/ws/chat`` and ``/ws/notifications``)
are open and when one was last heard from; the digest asks it whether the user is away. It is kept in
the database because the web server and the worker that sends digests are separate processes.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    user_low = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("first person"))
    user_high = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("second person"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    low_blocked = models.BooleanField(_("blocked by the first"), default=False,
                                      help_text="user_low blocked this conversation.")
    high_blocked = models.BooleanField(_("blocked by the second"), default=False,
                                       help_text="user_high blocked this conversation.")
    low_notified = models.BooleanField(default=False, help_text="user_low was told about unread messages.")
    high_notified = models.BooleanField(default=False, help_text="user_high was told about unread messages.")
    low_digested_at = models.DateTimeField(null=True, blank=True,
                                           help_text="user_low's unread messages here went out in an e-mail digest.")
    high_digested_at = models.DateTimeField(null=True, blank=True,
                                            help_text="user_high's unread messages here went out in an e-mail digest.")

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user_low", "user_high"], name="one_conversation_per_pair"),
            models.CheckConstraint(condition=Q(user_low__lt=F("user_high")), name="conversation_users_ordered"),
        ]
        indexes = [
            models.Index(fields=["user_low", "-last_message_at"], name="conversation_low_latest"),
            models.Index(fields=["user_high", "-last_message_at"], name="conversation_high_latest"),
        ]

    def __str__(self):
        return f"{self.user_low_id} & {self.user_high_id}"

    def side(self, user_id: int) -> str:
        """``"low"`` or ``"high"``: which of the two ``user_id`` is."""
        return "low" if user_id == self.user_low_id else "high"

    def other_id(self, user_id: int) -> int:
        return self.user_high_id if user_id == self.user_low_id else self.user_low_id

    def has(self, user_id: int) -> bool:
        return user_id in (self.user_low_id, self.user_high_id)


class Message(models.Model):
    class Kind(models.TextChoices):
        USER = "user", _("User")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages",
                                     verbose_name=_("conversation"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("sender"))
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.USER)
    booking = models.ForeignKey("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="messages", verbose_name=_("booking"))
    sent_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["conversation", "-sent_at", "-id"], name="message_conversation_time"),
            # Unread counts: a conversation's unread messages, whoever sent them.
            models.Index(fields=["conversation", "sender"], condition=Q(read_at__isnull=True),
                         name="message_unread"),
        ]

    def __str__(self):
        return f"{self.sender_id}: {self.text[:40]}"


class Presence(models.Model):
    """One row per user who ever opened a socket: how many are open, and when one was last heard from.

    ``open_sockets`` can overcount when a process dies without running its disconnects, so it is
    trusted only while ``last_seen_at`` is fresh: clients ping every minute and every frame refreshes
    it (``PRESENCE_STALE_SECONDS``; ``messaging.services.presence_away``).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="presence")
    open_sockets = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user_id}: {self.open_sockets} open, seen {self.last_seen_at:%Y-%m-%d %H:%M:%S}Z"
