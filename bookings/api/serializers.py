from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.validators import validate_single_line
from bookings import reasons, selectors
from bookings.models import Booking, BookingEvent
from mentorhub.api import fields
from mentorhub.dates import DateInputError, parse_moment
from mentors.api.serializers import MONEY, AnyOfNames
from mentors.models import Service

DEFAULT_SESSION_TYPE = Service.SessionType.VIDEO


def payment_url(booking: Booking) -> str | None:
    """The page that starts (or resumes) the checkout, while the booking still owes money."""
    if booking.is_live and booking.payment_status == Booking.PaymentStatus.PENDING:
        return f"{settings.SITE_URL}/bookings/{booking.pk}/pay/"
    return None


def session_type(booking: Booking) -> str:
    return booking.service.session_type if booking.service else DEFAULT_SESSION_TYPE


LIVE_STATUS_HELP = ("`in-progress` while the meeting window is open (from JOIN_EARLY_MINUTES before the start to "
                    "the end) and somebody has joined the room, for a scheduled, paid (or free) seat; otherwise "
                    "the same as `{fallback}`. The stored `status` never says in-progress.")


def live_status(booking: Booking, fallback: str) -> str:
    return selectors.IN_PROGRESS if selectors.in_progress(booking) else fallback


class PersonRef(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(source="display_name")


class MentorRef(serializers.Serializer):
    id = serializers.IntegerField(help_text="The mentor's profile id.")
    full_name = serializers.CharField(source="user.display_name")


class EventOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", allow_null=True, default=None)
    # Named like from_status/to_status, and *_at like every timestamp of the API.
    from_scheduled_at = serializers.DateTimeField(source="moved_from", allow_null=True,
                                                  help_text="A move's old start; null for other events.")
    to_scheduled_at = serializers.DateTimeField(source="moved_to", allow_null=True,
                                                help_text="A move's new start; null for other events.")
    reason = serializers.CharField(source="reason_text", help_text=(
        "Why, in the request's language (Accept-Language): the system's words, then what the person typed."))

    class Meta:
        model = BookingEvent
        fields = ["from_status", "to_status", "actor", "reason", "from_scheduled_at", "to_scheduled_at", "created_at"]


class BookingOutput(serializers.ModelSerializer):
    """A booking as its mentee and mentor see it (booking/{id}, sessions/{id})."""

    flow_status = serializers.CharField(help_text="requested, booked (scheduled, unpaid), paid, or the status.")
    live_status = serializers.SerializerMethodField(help_text=LIVE_STATUS_HELP.format(fallback="flow_status"))
    mentor = MentorRef(source="slot.mentor")
    mentee = PersonRef()
    slot_id = serializers.IntegerField()
    service_id = serializers.IntegerField(allow_null=True)
    scheduled_at = serializers.DateTimeField(source="slot.start")
    ends_at = serializers.DateTimeField(source="slot.end")
    duration_minutes = serializers.IntegerField(source="slot.duration_minutes")
    session_type = serializers.SerializerMethodField()
    price = serializers.DecimalField(**MONEY)
    mentee_notes = serializers.SerializerMethodField(help_text="Only the mentee sees these; null for others.")
    mentor_notes = serializers.SerializerMethodField(help_text="Only the mentor sees these; null for others.")
    history = EventOutput(many=True, source="events")
    payment_url = serializers.SerializerMethodField()
    cancellation_reason = serializers.SerializerMethodField(
        help_text="Why it was cancelled: the canceller's words, or the product's own reason in the reader's language.")

    class Meta:
        model = Booking
        fields = ["id", "status", "flow_status", "live_status", "payment_status", "mentor", "mentee", "slot_id",
                  "service_id", "scheduled_at", "ends_at", "duration_minutes", "session_type", "price", "currency",
                  "hold_expires_at", "payment_due_at", "topic", "notes", "agenda", "mentee_notes", "mentor_notes",
                  "cancellation_reason", "payment_url", "history", "created_at", "updated_at"]

    def get_session_type(self, booking) -> str:
        return session_type(booking)

    def get_live_status(self, booking) -> str:
        return live_status(booking, booking.flow_status)

    def get_mentee_notes(self, booking) -> str | None:
        viewer = self.context["request"].user
        return booking.mentee_notes if viewer.pk == booking.mentee_id else None

    def get_mentor_notes(self, booking) -> str | None:
        viewer = self.context["request"].user
        return booking.mentor_notes if viewer.pk == booking.slot.mentor.user_id else None

    def get_payment_url(self, booking) -> str | None:
        return payment_url(booking)

    def get_cancellation_reason(self, booking) -> str:
        reason = booking.cancellation_reason
        return _(reason) if reason == reasons.UNPAID else reason


class HoldInput(AnyOfNames):
    aliases = {"slotId": "slot_id", "serviceId": "service_id"}
    slot_id = serializers.IntegerField(min_value=1)
    service_id = serializers.IntegerField(min_value=1, required=False)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                  validators=[validate_single_line])
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SessionIdInput(AnyOfNames):
    aliases = {"sessionId": "session_id"}
    session_id = serializers.IntegerField(min_value=1)


class DeclineInput(SessionIdInput):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    expected_status = serializers.ChoiceField(
        choices=["requested", "scheduled"], required=False,
        help_text="The status you saw; if the booking changed meanwhile the cancel is refused with 409.")


class SessionCreateInput(AnyOfNames):
    aliases = {"mentorId": "mentor_id", "scheduledAt": "scheduled_at", "durationMinutes": "duration_minutes",
               "serviceId": "service_id"}
    mentor_id = serializers.IntegerField(min_value=1)
    scheduled_at = fields.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=15, max_value=480, required=False)
    service_id = serializers.IntegerField(min_value=1, required=False)
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                  validators=[validate_single_line])
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SessionCreateOutput(serializers.ModelSerializer):
    mentor = MentorRef(source="slot.mentor")
    scheduled_at = serializers.DateTimeField(source="slot.start")
    duration_minutes = serializers.IntegerField(source="slot.duration_minutes")
    price = serializers.DecimalField(**MONEY)
    payment_url = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "mentor", "scheduled_at", "duration_minutes", "status", "payment_status", "price",
                  "currency", "payment_due_at", "payment_url"]

    def get_payment_url(self, booking) -> str | None:
        return payment_url(booking)


class SessionUpdateInput(AnyOfNames):
    """PUT/PATCH sessions/{id}: only the fields sent change (a PUT need not repeat the others)."""

    aliases = {"scheduledAt": "scheduled_at", "menteeNotes": "mentee_notes", "mentorNotes": "mentor_notes"}
    topic = serializers.CharField(max_length=200, required=False, allow_blank=True, validators=[validate_single_line])
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text="Shared.")
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text="Shared.")
    mentee_notes = serializers.CharField(max_length=4000, required=False, allow_blank=True,
                                         help_text="The mentee's own; only the mentee may send it (else 403).")
    mentor_notes = serializers.CharField(max_length=10000, required=False, allow_blank=True,
                                         help_text="The mentor's private notes; only the mentor may send them.")
    scheduled_at = fields.DateTimeField(required=False, help_text="A new start: moves the session (a reschedule).")

    def validate(self, attrs):
        known = {*self.fields, *self.aliases}
        unknown = sorted(key for key in self.initial_data if key not in known)
        if unknown:
            raise serializers.ValidationError({name: [_("Not editable here.")] for name in unknown})
        if not attrs:
            raise serializers.ValidationError(
                _("Send at least one of: %(fields)s.") % {"fields": ", ".join(self.fields)})
        return attrs


class SessionFilterInput(serializers.Serializer):
    """GET sessions' filters. ``from``/``to``: a date (whole days in your profile's zone; ``to`` includes that
    day) or an ISO 8601 time (read in your zone without an offset); sessions starting in [from, to)."""

    status = serializers.ChoiceField(choices=[*Booking.Status.values, selectors.IN_PROGRESS], required=False,
                                     allow_blank=True)
    mentor_id = fields.KeyField(required=False, help_text="A mentor profile id.")
    mentee_id = fields.KeyField(required=False, help_text="A user id.")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True,
                                  help_text="Part of the mentee's or the mentor's e-mail address.")

    def validate(self, attrs):
        zone = self.context["zone"]
        raw_from, raw_to = self.initial_data.get("from"), self.initial_data.get("to")
        attrs["starts_from"] = _moment(raw_from, zone, "from") if raw_from else None
        attrs["starts_before"] = _moment(raw_to, zone, "to", end_of_day=True) if raw_to else None
        if attrs["starts_from"] and attrs["starts_before"] and attrs["starts_before"] <= attrs["starts_from"]:
            raise serializers.ValidationError({"to": [_("Must be after from.")]})
        return attrs


def _moment(raw: str, zone: ZoneInfo, field: str, end_of_day: bool = False):
    try:
        return parse_moment(raw, tz=zone, end_of_day=end_of_day)
    except DateInputError as exc:
        raise serializers.ValidationError({field: [exc.message]}) from None


class SessionListMentor(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(source="user.display_name")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, mentor) -> str | None:
        return mentor.user.avatar_url or None


class SessionListItem(serializers.ModelSerializer):
    mentor = SessionListMentor(source="slot.mentor")
    mentee = PersonRef()
    scheduled_at = serializers.DateTimeField(source="slot.start")
    duration_minutes = serializers.IntegerField(source="slot.duration_minutes")
    live_status = serializers.SerializerMethodField(help_text=LIVE_STATUS_HELP.format(fallback="status"))
    join_url = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "mentor", "mentee", "scheduled_at", "duration_minutes", "status", "live_status",
                  "payment_status", "topic", "join_url"]

    def get_live_status(self, booking) -> str:
        return live_status(booking, booking.status)

    def get_join_url(self, booking) -> str:
        return f"{settings.SITE_URL}/bookings/{booking.pk}/"


class MentorSessionSerializer(serializers.ModelSerializer):
    """The BookingViewSet item: exactly the fields of the bookings spec."""

    mentee_name = serializers.CharField(source="mentee.display_name", read_only=True)
    mentor_name = serializers.CharField(source="slot.mentor.user.display_name", read_only=True)
    mentor_id = serializers.IntegerField(source="slot.mentor_id", read_only=True)
    mentor_avatar = serializers.SerializerMethodField()
    mentor_company = serializers.CharField(source="slot.mentor.company", read_only=True)
    session_date = serializers.DateTimeField(source="slot.start", read_only=True)
    session_end_date = serializers.DateTimeField(source="slot.end", read_only=True)
    start_time = serializers.SerializerMethodField()
    end_time = serializers.SerializerMethodField()
    duration_minutes = serializers.IntegerField(source="slot.duration_minutes", read_only=True)
    session_type = serializers.SerializerMethodField()
    session_type_display = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    meeting_link = serializers.SerializerMethodField(help_text="The video room's link once the session has one.")
    meeting_id = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    can_reschedule = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField()
    is_upcoming = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ["id", "mentee_name", "mentor_name", "mentor_id", "mentor_avatar", "mentor_company", "session_date",
                  "session_end_date", "start_time", "end_time", "duration_minutes", "session_type",
                  "session_type_display", "status", "status_display", "notes", "mentee_notes", "agenda",
                  "meeting_link", "meeting_id", "location", "can_reschedule", "can_cancel", "is_upcoming",
                  "created_at", "updated_at"]
        read_only_fields = [f for f in fields if f not in ("notes", "mentee_notes", "agenda")]
        extra_kwargs = {"notes": {"required": False}, "mentee_notes": {"required": False},
                        "agenda": {"required": False}}

    def get_mentor_avatar(self, booking) -> str | None:
        return booking.slot.mentor.user.avatar_url or None

    def _local(self, moment):
        return timezone.localtime(moment)

    def get_start_time(self, booking) -> str:
        return self._local(booking.slot.start).strftime("%H:%M:%S")

    def get_end_time(self, booking) -> str:
        return self._local(booking.slot.end).strftime("%H:%M:%S")

    def get_session_type(self, booking) -> str:
        return session_type(booking)

    def get_session_type_display(self, booking) -> str:
        return str(Service.SessionType(session_type(booking)).label)

    def get_meeting_link(self, booking) -> str | None:
        if session_type(booking) != Service.SessionType.VIDEO or not booking.is_live:
            return None
        return f"{settings.SITE_URL}/sessions/{booking.pk}/room/"

    def get_meeting_id(self, booking) -> str | None:
        meeting = getattr(booking.slot, "meeting", None)
        return meeting.room_name if meeting else None

    def get_location(self, booking) -> str:
        return ""

    def _future_and_live(self, booking) -> bool:
        return booking.is_live and booking.slot.start > timezone.now()

    def get_can_reschedule(self, booking) -> bool:
        return self._future_and_live(booking)

    def get_can_cancel(self, booking) -> bool:
        return self._future_and_live(booking)

    def get_is_upcoming(self, booking) -> bool:
        return self._future_and_live(booking)


class RescheduleInput(serializers.Serializer):
    session_date = fields.DateField()
    start_time = serializers.TimeField(input_formats=["%H:%M", "%H:%M:%S"])
    duration = serializers.IntegerField(min_value=15, max_value=480, required=False,
                                        help_text="Minutes; defaults to the current length.")


class StatisticsOutput(serializers.Serializer):
    total_sessions = serializers.IntegerField()
    completed_sessions = serializers.IntegerField()
    upcoming_sessions = serializers.IntegerField()
    cancelled_sessions = serializers.IntegerField()
    total_hours = serializers.FloatField(help_text="Hours of completed sessions, from their real lengths.")
    favorite_session_types = serializers.ListField(child=serializers.CharField(), help_text="Most used first.")


class IncomingRequestOutput(SessionListItem):
    hold_expires_at = serializers.DateTimeField()
    seconds_left = serializers.SerializerMethodField()
    agenda = serializers.CharField()
    notes = serializers.CharField()

    class Meta(SessionListItem.Meta):
        fields = [*SessionListItem.Meta.fields, "hold_expires_at", "seconds_left", "agenda", "notes"]

    def get_seconds_left(self, booking) -> int:
        return max(0, int((booking.hold_expires_at - timezone.now()).total_seconds()))
