from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice for one user (the bell); e-mails are sent alongside."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=2000, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    key = models.CharField(max_length=64, blank=True, default="",
                           help_text="Names what this notice announces, so a task run twice sends it once.")
    delivered_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its push and e-mail were handed over: on commit for a notice sent on its own, by the "
                  "delivery task for a batch (which claims it first, so a task run twice delivers it once).")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~models.Q(key=""),
                                    name="one_notice_per_user_and_key"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.title}"


class Reminder(models.Model):
    """One reminder of one booking's start, recorded before it is sent: the unique key makes it exactly once.

    ``slot_start`` is part of the key, so moving the booking (a new start) arms its reminders again.
    """

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("24 hours before")
        HOUR_BEFORE = "1h", _("1 hour before")

    booking = models.ForeignKey("bookings.Booking", on_delete=models.CASCADE, related_name="reminders",
                                verbose_name=_("booking"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    slot_start = models.DateTimeField(_("session start"), help_text="The start the reminder was about.")
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind", "slot_start"],
                                    name="one_reminder_per_booking_kind_start"),
        ]

    def __str__(self):
        return f"{self.booking_id} {self.kind} @ {self.slot_start:%Y-%m-%d %H:%M}Z"
