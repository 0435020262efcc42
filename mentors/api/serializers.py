from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import validate_single_line, validate_timezone
from mentorhub.api import fields
from mentorhub.dates import DateInputError, parse_moment
from mentors.availability import format_weekly
from mentors.currencies import CURRENCY_CHOICES, CURRENCY_MESSAGE
from mentors.models import MAX_PRICE, MAX_PRICE_MESSAGE, MentorProfile, Service, Skill, Slot
from mentors.selectors import ORDERINGS

MONEY = {"max_digits": 10, "decimal_places": 2, "coerce_to_string": False}
# What a mentor may ask: from free up to the ceiling, said in words when exceeded.
PRICE = {"min_value": 0, "max_value": MAX_PRICE, "error_messages": {"max_value": MAX_PRICE_MESSAGE}}


# A plain enum of codes: the generated "* `AED` - AED — UAE Dirham" list would repeat 156 lines per use.
@extend_schema_field({"type": "string", "enum": [code for code, _name in CURRENCY_CHOICES], "example": "RUB"})
class CurrencyField(serializers.ChoiceField):
    """An ISO 4217 code (``RUB``, ``USD``); lower case is accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "ISO 4217 code of the currency the prices are in.")
        super().__init__(choices=CURRENCY_CHOICES, error_messages={"invalid_choice": CURRENCY_MESSAGE}, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.strip().upper() if isinstance(data, str) else data)
MAX_AVAILABILITY_DAYS = 62


class AnyOfNames(serializers.Serializer):
    """Accept the spec's camelCase names too (``scheduledAt`` for ``scheduled_at``)."""

    aliases: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            data = {self.aliases.get(key, key): value for key, value in data.items()}
        return super().to_internal_value(data)


# --- public reads -------------------------------------------------------------------------------


class MentorUserCard(serializers.Serializer):
    full_name = serializers.CharField(source="display_name")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str | None:
        return user.avatar_url or None


class MentorUserDetail(MentorUserCard):
    # No e-mail: the profile is public, and mentees reach a mentor through bookings and messages.
    id = serializers.IntegerField()


class SkillNames(serializers.ListField):
    child = serializers.CharField()

    def to_representation(self, manager):
        return [skill.name for skill in manager.all()]


class MentorCardSerializer(serializers.ModelSerializer):
    user = MentorUserCard()
    skills = SkillNames()
    price_per_hour = serializers.DecimalField(**MONEY)
    currency = CurrencyField(read_only=True)
    rating = serializers.DecimalField(source="rating_avg", max_digits=3, decimal_places=2, coerce_to_string=False)
    available = serializers.BooleanField(help_text="Has weekly hours or open group seats.")
    next_free_at = serializers.DateTimeField(
        allow_null=True, read_only=True,
        help_text="The next bookable start within two weeks (an hour's session or an open seat), in the viewer's "
                  "zone; null when there is none.")

    class Meta:
        model = MentorProfile
        fields = ["id", "user", "title", "description", "skills", "price_per_hour", "currency", "rating",
                  "total_sessions", "available", "next_free_at"]


class SkillSuggestion(serializers.ModelSerializer):
    mentor_count = serializers.IntegerField(help_text="Listed mentors with this skill.")

    class Meta:
        model = Skill
        fields = ["name", "slug", "mentor_count"]


class SkillQueryInput(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=64,
                              help_text='Part of a skill\'s name, any case: "pyth" finds Python.')


class ServiceSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(**MONEY, **PRICE, required=False,
                                     help_text="Defaults to the hourly rate for the duration.")
    session_type_display = serializers.CharField(source="get_session_type_display", read_only=True)

    class Meta:
        model = Service
        fields = ["id", "name", "description", "duration_minutes", "price", "session_type", "session_type_display",
                  "capacity", "is_active"]
        read_only_fields = ["id"]


class ReviewOutput(serializers.Serializer):
    id = serializers.IntegerField()
    student_name = serializers.CharField(source="author.display_name")
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    mentor_reply = serializers.CharField()
    created_at = serializers.DateTimeField()


class BookableTimeOutput(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(source="start")
    ends_at = serializers.DateTimeField(source="end")
    start = fields.LegacyDateTimeField(use="scheduled_at")
    end = fields.LegacyDateTimeField(use="ends_at")
    slot_id = serializers.IntegerField(allow_null=True, help_text="An existing group slot with open seats, or null.")
    seats_left = serializers.IntegerField()
    service_id = serializers.IntegerField(allow_null=True)

    def to_representation(self, time):
        # The same answer as the declared fields give (a test compares them), written out directly: 62 days of
        # a busy mentor's times are hundreds of rows, and DRF's field-by-field pass cost about a quarter of the
        # request. Timestamps are ISO 8601 in the active zone, UTC as "Z", as DRF's DateTimeField writes them.
        start, end = _iso(time.start), _iso(time.end)
        return {"scheduled_at": start, "ends_at": end, "start": start, "end": end, "slot_id": time.slot_id,
                "seats_left": time.seats_left, "service_id": time.service_id}


def _iso(moment: datetime) -> str:
    text = moment.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MentorDetailSerializer(MentorCardSerializer):
    user = MentorUserDetail()
    services = ServiceSerializer(many=True)
    reviews = ReviewOutput(many=True, source="latest_reviews", help_text="Latest first, at most 10.")
    next_available = BookableTimeOutput(many=True, source="next_times", help_text="The next bookable start times.")
    next_free_at = serializers.DateTimeField(allow_null=True, read_only=True,
                                             help_text="The first of next_available; null when there is none.")
    weekly_availability = serializers.SerializerMethodField()

    class Meta(MentorCardSerializer.Meta):
        fields = [*MentorCardSerializer.Meta.fields, "company", "status", "rating_count", "timezone",
                  "requires_confirmation", "min_notice_minutes", "services", "reviews", "next_available",
                  "weekly_availability"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                          "example": {"monday": ["10:00-18:00"]}})
    def get_weekly_availability(self, profile) -> dict:
        return weekly_text(profile)


def weekly_text(profile: MentorProfile) -> dict:
    from mentors.availability import LocalRange

    weekly: dict[int, list] = {}
    for rule in profile.weekly_rules.all():
        weekly.setdefault(rule.weekday, []).append(LocalRange(rule.start_time, rule.end_time))
    return format_weekly(weekly)


class SearchInput(serializers.Serializer):
    skill = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=20,
                                  help_text='Repeatable; mentors with any of these skills: a slug, or the start of '
                                            'a word of the name in any case ("pyth" is Python).')
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    q = serializers.CharField(required=False, max_length=100,
                              help_text="Words in name, title or description, or the start of a skill's name.")
    min_rating = serializers.DecimalField(max_digits=3, decimal_places=2, required=False, min_value=0, max_value=5)
    session_type = serializers.ChoiceField(choices=Service.SessionType.choices, required=False)
    available_on = fields.DateField(required=False, help_text="Has bookable time that date (viewer's zone).")
    tz = serializers.CharField(required=False, validators=[validate_timezone])
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, default="rating")

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": [
                _("Must not be below min_price (%(low)s).") % {"low": f"{low.normalize():f}"}]})
        day = attrs.get("available_on")
        zone = ZoneInfo(attrs.get("tz") or self.context.get("default_tz") or "UTC")
        if day is not None and day < timezone.localtime(timezone=zone).date():
            raise serializers.ValidationError(
                {"available_on": [_("%(day)s has passed (in %(zone)s). Give today or a later date.")
                                  % {"day": day.isoformat(), "zone": zone.key}]})
        return attrs


# --- applying and self-service -------------------------------------------------------------------


class WeeklyField(serializers.DictField):
    child = serializers.ListField(child=serializers.CharField(max_length=11), max_length=12)


class ApplyInput(serializers.Serializer):
    title = serializers.CharField(max_length=150, validators=[validate_single_line])
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    company = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                    validators=[validate_single_line])
    skills = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                   max_length=20)
    price_per_hour = serializers.DecimalField(max_digits=10, decimal_places=2, **PRICE)
    currency = CurrencyField(required=False, help_text="ISO 4217 code of your prices; RUB unless given.")
    availability = WeeklyField(required=False, help_text='Weekly hours, e.g. {"monday": ["10:00-18:00"]}')
    timezone = serializers.CharField(required=False, validators=[validate_timezone],
                                     help_text="The zone the hours are in; defaults to your profile's.")


class ApplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    message = serializers.CharField()


class OwnProfileSerializer(serializers.ModelSerializer):
    skills = SkillNames(required=False, max_length=20)
    price_per_hour = serializers.DecimalField(**MONEY, **PRICE)
    currency = CurrencyField()
    timezone = serializers.CharField(max_length=64, validators=[validate_timezone])

    class Meta:
        model = MentorProfile
        fields = ["id", "status", "rejection_reason", "suspension_reason", "title", "description", "company", "skills",
                  "price_per_hour", "currency", "timezone", "accepts_bookings", "requires_confirmation",
                  "confirm_reschedules", "min_notice_minutes", "buffer_minutes", "default_session_minutes",
                  "hold_minutes", "full_refund_hours", "late_refund_percent", "rating_avg", "rating_count",
                  "total_sessions"]
        read_only_fields = ["id", "status", "rejection_reason", "suspension_reason", "rating_avg", "rating_count",
                            "total_sessions"]
        extra_kwargs = {name: {"validators": [validate_single_line]} for name in ("title", "company")}


class OverrideItem(serializers.Serializer):
    date = fields.DateField()
    ranges = serializers.ListField(child=serializers.CharField(max_length=11), max_length=12,
                                   help_text="[] means a day off.")


class OverridesSerializer(serializers.Serializer):
    overrides = OverrideItem(many=True, max_length=400)


class SlotInput(AnyOfNames):
    aliases = {"scheduledAt": "scheduled_at", "serviceId": "service_id", "durationMinutes": "duration_minutes"}

    scheduled_at = fields.DateTimeField(required=False, help_text="When the slot starts.")
    start = fields.LegacyDateTimeField(use="scheduled_at", required=False)
    service_id = serializers.IntegerField(required=False, min_value=1)
    duration_minutes = serializers.IntegerField(required=False, min_value=15, max_value=480)
    quota = serializers.IntegerField(required=False, min_value=1, max_value=50, help_text="Seats (capacity).")
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=50)

    def validate(self, attrs):
        start = attrs.pop("scheduled_at", None)
        attrs.setdefault("start", start)
        quota = attrs.pop("quota", None)
        attrs.setdefault("capacity", quota)
        if attrs["capacity"] is None:
            attrs.pop("capacity")
        if attrs["start"] is None:
            attrs.pop("start")
        if not self.partial and "start" not in attrs:
            raise serializers.ValidationError({"start": [_("Give start (or scheduled_at).")]})
        return attrs


class SlotOutput(serializers.ModelSerializer):
    mentor_id = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField(source="start")
    ends_at = serializers.DateTimeField(source="end")
    start = fields.LegacyDateTimeField(use="scheduled_at")
    end = fields.LegacyDateTimeField(use="ends_at")
    quota = serializers.IntegerField(source="capacity")
    seats_left = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()

    class Meta:
        model = Slot
        fields = ["id", "mentor_id", "service_id", "scheduled_at", "ends_at", "start", "end", "duration_minutes",
                  "quota", "capacity", "seats_taken", "seats_left"]


class WindowInput(serializers.Serializer):
    """``from``/``to`` as dates (whole days in ``tz``) or datetimes with an offset."""

    tz = serializers.CharField(required=False, validators=[validate_timezone])
    service_id = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        tz = ZoneInfo(attrs.get("tz") or self.context.get("default_tz") or "UTC")
        attrs["zone"] = tz
        raw_from, raw_to = self.initial_data.get("from"), self.initial_data.get("to")
        start = _moment(raw_from, tz, "from") if raw_from else timezone.now()
        end = _moment(raw_to, tz, "to", end_of_day=True) if raw_to else start + timedelta(days=14)
        if end <= start:
            raise serializers.ValidationError({"to": [_("Must be after from.")]})
        if end - start > timedelta(days=MAX_AVAILABILITY_DAYS):
            raise serializers.ValidationError(
                {"to": [_("At most %(days)d days per request.") % {"days": MAX_AVAILABILITY_DAYS}]})
        attrs["window_start"], attrs["window_end"] = start, end
        return attrs


def _moment(raw: str, tz: ZoneInfo, field: str, end_of_day: bool = False) -> datetime:
    try:
        return parse_moment(raw, tz=tz, end_of_day=end_of_day)
    except DateInputError as exc:
        raise serializers.ValidationError({field: [exc.message]}) from None
