from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import pgettext_lazy


class Payment(models.Model):
    """Money for a booking or a course enrollment (never both), through one provider."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("payment status", "Pending")
        SUCCEEDED = "succeeded", pgettext_lazy("payment status", "Succeeded")
        FAILED = "failed", pgettext_lazy("payment status", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("payment status", "Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", pgettext_lazy("payment status", "Partially refunded")

    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    booking = models.ForeignKey("bookings.Booking", on_delete=models.PROTECT, related_name="payments",
                                null=True, blank=True)
    enrollment = models.ForeignKey("courses.Enrollment", on_delete=models.PROTECT, related_name="payments",
                                   null=True, blank=True)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    provider = models.CharField(max_length=16)
    provider_intent_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    client_secret = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    idempotency_key = models.CharField(max_length=100, unique=True)
    expires_at = models.DateTimeField()
    flagged = models.CharField(max_length=300, blank=True,
                               help_text="Why staff must look at this payment (e.g. an event with the wrong amount).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payer", "-created_at"], name="payment_history"),
            # The staff dashboard reads money by period (analytics.selectors).
            models.Index(fields=["created_at"], name="payment_created"),
        ]
        constraints = [
            # One intent a payer can still complete per booking: a new one voids the old first.
            models.UniqueConstraint(fields=["booking"], condition=Q(status__in=["pending", "failed"]),
                                    name="one_open_payment_per_booking"),
            models.UniqueConstraint(fields=["enrollment"], condition=Q(status__in=["pending", "failed"]),
                                    name="one_open_payment_per_enrollment"),
            # At most one: rows made by hand (tests, staff) may pay for neither.
            models.CheckConstraint(condition=Q(booking__isnull=True) | Q(enrollment__isnull=True),
                                   name="payment_for_booking_or_enrollment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=models.F("amount")),
                                   name="payment_refund_within_amount"),
        ]

    def __str__(self):
        return f"{self.provider_intent_id or self.pk}: {self.amount} {self.currency} ({self.status})"


class PaymentEvent(models.Model):
    """One provider event, stored by its id: a replay finds it and changes nothing."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=60)
    payment = models.ForeignKey(Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    payload = models.TextField(blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.event_id} {self.type}: {self.outcome}"
