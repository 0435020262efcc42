from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.validators import validate_timezone
from mentors.currencies import CURRENCY_CHOICES, DEFAULT_CURRENCY

# A sane ceiling on what an hour, a service or one booking may cost, so a typo (or a probe) cannot list
# a 99,999,999.99 session: well above any real rate, and within what one Stripe payment can take
# (99,999,999 minor units, 999,999.99 in two-decimal currencies).
MAX_PRICE = Decimal("999999")
MAX_PRICE_MESSAGE = _("A price can be at most 999,999.")


def price_validators() -> list:
    return [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_PRICE, message=MAX_PRICE_MESSAGE)]


class Skill(models.Model):
    name = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MentorProfile(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("mentor status", "Pending review")
        APPROVED = "approved", pgettext_lazy("mentor status", "Approved")
        REJECTED = "rejected", pgettext_lazy("mentor status", "Rejected")
        # Staff took an approved mentor off the site (mentor_suspend); mentor_reinstate makes them approved again.
        SUSPENDED = "suspended", pgettext_lazy("mentor status", "Suspended")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=5000, blank=True)
    company = models.CharField(max_length=150, blank=True)
    skills = models.ManyToManyField(Skill, related_name="mentors", blank=True)
    price_per_hour = models.DecimalField(max_digits=10, decimal_places=2, validators=price_validators())
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default=DEFAULT_CURRENCY,
                                help_text="ISO 4217 code of the currency the prices are in.")
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    accepts_bookings = models.BooleanField(default=True, help_text="Off: the mentor is paused and not bookable.")
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", help_text="The staff member who suspended the mentor.")
    suspension_reason = models.TextField(blank=True, help_text="Told to the mentor.")

    requires_confirmation = models.BooleanField(default=False)
    confirm_reschedules = models.BooleanField(
        default=False,
        help_text="With requires_confirmation: a mentee moving a scheduled session also waits for my confirmation.")
    min_notice_minutes = models.PositiveIntegerField(default=120, validators=[MaxValueValidator(60 * 24 * 30)])
    buffer_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(240)])
    default_session_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(480)],
        help_text="The length of a slot published without a service or a duration.",
    )
    hold_minutes = models.PositiveIntegerField(
        default=60 * 24, validators=[MinValueValidator(5), MaxValueValidator(60 * 24 * 7)],
        help_text="How long a booking request waits for the mentor before it expires.",
    )

    # Cancellation terms: the defaults (full refund 24 h or more before, none later) or more generous ones.
    full_refund_hours = models.PositiveIntegerField(
        default=24, validators=[MaxValueValidator(24)],
        help_text="A mentee who cancels at least this many hours before gets a full refund (24 or fewer).")
    late_refund_percent = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Refund for later cancellations, in percent.")

    # Kept current by the services that change them (reviews, completed sessions).
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    rating_count = models.PositiveIntegerField(default=0)
    total_sessions = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The public search always filters on listed mentors first.
            models.Index(fields=["status", "accepts_bookings", "price_per_hour"], name="mentor_listed_price"),
            models.Index(fields=["status", "accepts_bookings", "-rating_avg"], name="mentor_listed_rating"),
            models.Index(fields=["status", "accepts_bookings", "-total_sessions"], name="mentor_listed_sessions"),
            models.Index(fields=["status", "accepts_bookings", "-created_at"], name="mentor_listed_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price_per_hour__gte=0), name="mentor_price_not_negative"),
            models.CheckConstraint(condition=Q(rating_avg__gte=0, rating_avg__lte=5), name="mentor_rating_0_to_5"),
        ]

    def __str__(self):
        return f"{self.user.display_name} — {self.title}"

    @property
    def is_listed(self) -> bool:
        return self.status == self.Status.APPROVED and self.accepts_bookings


class Service(models.Model):
    class SessionType(models.TextChoices):
        VIDEO = "video", _("Video Call")
        CHAT = "chat", _("Chat")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In Person")

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(15), MaxValueValidator(480)])
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=price_validators())
    session_type = models.CharField(max_length=16, choices=SessionType.choices, default=SessionType.VIDEO)
    capacity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(50)])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["mentor", "duration_minutes", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="service_capacity_positive"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=15), name="service_duration_min_15"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} ({self.duration_minutes} min)"


class WeeklyRule(models.Model):
    """One range of weekly hours in the mentor's zone: Monday 10:00-18:00."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="weekly_rules")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)], help_text="0 = Monday")
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        indexes = [models.Index(fields=["mentor", "weekday"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="weekly_rule_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_rule_weekday_0_6"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    def get_weekday_display(self) -> str:
        return ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[self.weekday]


class DateOverride(models.Model):
    """Hours for one local date that replace the weekly ones; no ranges means a day off."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="date_overrides")
    date = models.DateField()
    # Comma-separated "HH:MM-HH:MM" ranges; empty means a day off. Text, not JSON: every SQLite build has it.
    ranges_text = models.CharField(max_length=200, blank=True, help_text="10:00-12:00,13:00-15:00; empty = day off")

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["mentor", "date"], name="one_override_per_mentor_date")]

    def __str__(self):
        return f"{self.date}: {', '.join(self.ranges) or 'day off'}"

    @property
    def ranges(self) -> list[str]:
        return [part for part in self.ranges_text.split(",") if part]


class Slot(models.Model):
    """A bookable time a mentor publishes (or that a booking creates): start/end in UTC, with seats."""

    # No index of its own: slot_mentor_live_start leads with the mentor; one index fewer to write per new slot.
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="slots", db_index=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="slots", null=True, blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField(default=1)
    seats_taken = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, help_text="Withdrawn slots stay for history but are not live.")
    published = models.BooleanField(
        default=True, help_text="Published by the mentor; a slot made by booking free time is withdrawn when emptied.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["mentor", "is_active", "start"], name="slot_mentor_live_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
            models.CheckConstraint(
                condition=Q(seats_taken__gte=0) & Q(seats_taken__lte=F("capacity")), name="slot_seats_within_capacity"
            ),
            # On PostgreSQL an exclusion constraint (migration 0002) also forbids
            # two live slots of one mentor overlapping in time.
        ]

    def __str__(self):
        return f"{self.mentor_id} {self.start:%Y-%m-%d %H:%M}Z ({self.seats_taken}/{self.capacity})"

    @property
    def seats_left(self) -> int:
        return self.capacity - self.seats_taken

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)
