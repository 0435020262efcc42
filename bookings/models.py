import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings import reasons


class Booking(models.Model):
    """A mentee's seat in a slot. Its status changes only through bookings.services._transition."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        NO_SHOW = "no_show", _("No-show")

    class PaymentStatus(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    LIVE = (Status.REQUESTED, Status.SCHEDULED)

    slot = models.ForeignKey("mentors.Slot", on_delete=models.PROTECT, related_name="bookings")
    # No index of its own: booking_mentee_status leads with the mentee. Every index is written again on each
    # status change (none of them is a HOT update), so the sweeps pay for each one per row.
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings",
                               db_index=False)
    service = models.ForeignKey("mentors.Service", on_delete=models.PROTECT, related_name="bookings",
                                null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    payment_status = models.CharField(max_length=16, choices=PaymentStatus.choices,
                                      default=PaymentStatus.NOT_REQUIRED)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    payment_due_at = models.DateTimeField(
        null=True, blank=True, help_text="A priced booking still unpaid at this time is cancelled and its seat freed.")

    topic = models.CharField(max_length=200, blank=True)
    notes = models.TextField(max_length=4000, blank=True, help_text="Shared by mentee and mentor.")
    agenda = models.TextField(max_length=4000, blank=True, help_text="Shared by mentee and mentor.")
    mentee_notes = models.TextField(max_length=4000, blank=True)
    mentor_notes = models.TextField(max_length=10000, blank=True, help_text="Private to the mentor.")

    cancellation_reason = models.TextField(max_length=2000, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    rescheduled_from = models.ForeignKey("mentors.Slot", on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", help_text="The slot this booking last moved from.")
    ical_uid = models.CharField(max_length=64, default=uuid.uuid4, editable=False)  # unique: see Meta
    ical_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["mentee", "status"], name="booking_mentee_status"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_hold_sweep"),
            models.Index(fields=["payment_status", "payment_due_at"], name="booking_unpaid_sweep"),
            models.Index(fields=["created_at"], name="booking_created"),  # the staff dashboard's periods
        ]
        constraints = [
            models.UniqueConstraint(fields=["slot", "mentee"], condition=Q(status__in=["requested", "scheduled"]),
                                    name="one_live_booking_per_mentee_and_slot"),
            models.CheckConstraint(condition=Q(price__gte=0), name="booking_price_not_negative"),
            # A constraint, not unique=True: on PostgreSQL that adds a second index for LIKE, which nothing uses.
            models.UniqueConstraint(fields=["ical_uid"], name="booking_ical_uid_unique"),
        ]

    def __str__(self):
        return f"Booking {self.pk} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE

    @property
    def is_settled(self) -> bool:
        """Paid, or free: the session may be held, joined, completed and reviewed."""
        return self.payment_status in (self.PaymentStatus.PAID, self.PaymentStatus.NOT_REQUIRED)

    def is_open_to(self, user) -> bool:
        """Its mentee, its mentor or staff: who may see this booking and act on it as a participant.

        Reads ``slot.mentor``: select it with the booking where this runs in a loop."""
        return user.is_staff or user.pk in (self.mentee_id, self.slot.mentor.user_id)

    @property
    def flow_status(self) -> str:
        """The specs' words: requested, booked (scheduled, unpaid), paid (scheduled, paid), or the status."""
        if self.status == self.Status.SCHEDULED:
            return "paid" if self.payment_status == self.PaymentStatus.PAID else "booked"
        return self.status


class BookingEvent(models.Model):
    """The audit log: every status change, who made it, when and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    # What a person typed, as typed, beside a coded reason; on a row without a code, a fixed reason's English
    # msgid (translated when read) or, on older rows, the whole text as it was written.
    reason = models.TextField(max_length=2000, blank=True)
    # Why, as a code of bookings.reasons and its values, put into words in each reader's language.
    reason_code = models.CharField(max_length=40, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    # A move records both starts as data, so each reader sees them in their own zone.
    moved_from = models.DateTimeField(null=True, blank=True)
    moved_to = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        # The staff dashboard and mentor analytics count status changes by period (analytics/).
        indexes = [models.Index(fields=["created_at"], name="booking_event_created")]

    def __str__(self):
        return f"{self.booking_id}: {self.from_status or '∅'} → {self.to_status}"

    @property
    def reason_text(self) -> str:
        """Why, in the reader's (the active) language: a coded reason put into words now, followed by what its
        author typed; a row without a code as stored, translated when it is one of the catalogue's texts."""
        if self.reason_code:
            return reasons.describe(self.reason_code, self.reason_params, self.reason)
        return gettext(self.reason) if self.reason else ""

    def get_to_status_display(self) -> str:
        """The new status in the reader's words ("Scheduled", "Запланирована"); the raw value if unknown."""
        try:
            return str(Booking.Status(self.to_status).label)
        except ValueError:
            return self.to_status
