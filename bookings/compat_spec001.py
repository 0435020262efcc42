"""Spec 001's mentor-sessions API, as its clients speak it (docs/specs/001_mentor_sessions.md).

Spec 001 describes five routes outside ``/api/``, camelCase times, a cookie ``auth: <token>`` and an
envelope ``{"success", "message", "data"}``. This module only translates: each route calls the same
service as the product's own route (``mentors/me/slots``, ``mentors/{id}/slots``, ``mentors/{id}/book``),
so every rule (no past or overlapping slots, quotas, seats, prices, confirmation) is theirs.

| spec 001 | product | service |
|---|---|---|
| ``POST /session/api/addSession`` | ``POST mentors/me/slots`` | ``mentors.services.slot_create`` |
| ``PUT /session/api/updateSession/:sessionId`` | ``PATCH mentors/me/slots/{id}`` | ``slot_update`` |
| ``GET /session/getSession/:mentorId`` | ``GET mentors/{id}/slots`` | ``mentors.selectors.open_slots`` |
| ``DELETE /session/api/deleteSession/:sessionId`` | ``DELETE mentors/me/slots/{id}`` | ``slot_delete`` |
| ``POST /session/api/student/bookSession/:mentorId`` | ``POST mentors/{id}/book`` | ``booking_hold`` |

A "session" here is a slot (its ``quota`` is the slot's capacity), as in the spec. Times go out as
``"2024-10-03 14:30:00"`` in UTC, the spec's own format; they come in as ISO 8601 (a time without an
offset is UTC). Errors keep the spec's shape, ``{"success": false, "message": ...}``, with the status code
the product's own route would answer.

It sits in bookings because it calls both mentors' slot services and bookings' hold (docs/ARCHITECTURE.md,
"Layers"); ``mentorhub/urls.py`` mounts ``urlpatterns`` at the site's root.
"""

from datetime import UTC, datetime

from django.http import JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.api.authentication import JWTAuthentication
from mentorhub.api.errors import exception_handler
from mentorhub.api.schema import BearerJWTScheme
from mentorhub.dates import DateInputError, parse_moment
from mentorhub.errors import NotFound
from mentors import selectors as mentor_selectors
from mentors import services as mentor_services
from mentors.models import MentorProfile, Slot

TAG = "spec 001 compatibility"
COOKIE = "auth"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The spec's one error example; every other refusal says what the product's route would say.
UNAUTHORIZED = "Unauthorized"


# --- authentication and the envelope ----------------------------------------------------------------


class CookieJWTAuthentication(JWTAuthentication):
    """The access token from ``Authorization: Bearer``, else from the spec's ``auth`` cookie.

    A cookie rides along with requests other sites make, so a POST authenticated by it must be JSON: a
    page elsewhere can send a form or text/plain without asking, but JSON needs a CORS preflight, which
    only ``CORS_ALLOWED_ORIGINS`` pass. (PUT and DELETE always need one.)
    """

    def get_header(self, request):
        header = super().get_header(request)
        if header is None and (raw := request.COOKIES.get(COOKIE, "").strip()):
            token = raw.split(" ", 1)[1].strip() if raw.lower().startswith("bearer ") else raw  # some keep "Bearer"
            request._spec001_cookie = True
            return f"Bearer {token}".encode("iso-8859-1", errors="replace")
        return header

    def authenticate(self, request):
        result = super().authenticate(request)
        cookie = getattr(request, "_spec001_cookie", False)
        if result is not None and cookie and request.method == "POST" and not _is_json(request):
            raise exceptions.PermissionDenied("A request authenticated by the auth cookie must send JSON.")
        return result


class CookieJWTScheme(OpenApiAuthenticationExtension):
    """In the schema: the API's Bearer scheme, or the spec's cookie, either one."""

    target_class = "bookings.compat_spec001.CookieJWTAuthentication"
    name = "spec001AuthCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": COOKIE,
                "description": "Spec 001's `auth` cookie: the access token from `auth/login`."}

    def get_security_requirement(self, auto_schema):
        # jwtAuth is the API's one Bearer scheme (mentorhub.api.schema.BearerJWTScheme), the header this takes too.
        return [{BearerJWTScheme.name: []}, {self.name: []}]


def _is_json(request) -> bool:
    return request.content_type.split(";")[0].strip().lower() == "application/json"


@extend_schema_field({"type": "boolean", "example": False})
class _Failed(serializers.BooleanField):
    pass


@extend_schema_field({"type": "string", "example": UNAUTHORIZED})
class _Message(serializers.CharField):
    pass


class Spec001Error(serializers.Serializer):
    """Spec 001's error shape."""

    success = _Failed(help_text="Always false.")
    message = _Message()


def envelope(message: str, data=None) -> dict:
    return {"success": True, "message": message, **({"data": data} if data is not None else {})}


def spec_exception_handler(exc, context):
    """The product's error handling (status, rollback, logging), in the spec's words."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        message = UNAUTHORIZED
    else:
        message = response.data.get("detail", "")
    response.data = {"success": False, "message": message}
    return response


class Spec001View(APIView):
    authentication_classes = [CookieJWTAuthentication]
    error_serializer = Spec001Error  # what mentorhub.api.schema.AutoSchema documents for each error code

    def get_exception_handler(self):
        return spec_exception_handler


# --- shapes ---------------------------------------------------------------------------------------


def spec_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class SessionInput(serializers.Serializer):
    scheduledAt = serializers.DateTimeField(  # noqa: N815 (the spec's name)
        required=False, default_timezone=UTC,
        help_text='ISO 8601, e.g. "2024-10-03T14:30:00Z"; without an offset, UTC.')
    quota = serializers.IntegerField(required=False, min_value=1, max_value=50, help_text="Seats.")
    durationMinutes = serializers.IntegerField(  # noqa: N815
        required=False, min_value=15, max_value=480,
        help_text="Not in spec 001: without it, the mentor's default session length.")


class SessionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    mentor_id = serializers.IntegerField()
    scheduledAt = serializers.SerializerMethodField()  # noqa: N815
    quota = serializers.IntegerField(source="capacity")

    def get_scheduledAt(self, slot: Slot) -> str:  # noqa: N802
        return spec_time(slot.start)


class BookInput(serializers.Serializer):
    session_id = serializers.IntegerField(min_value=1, help_text="The id of one of this mentor's sessions.")


class BookedOutput(serializers.Serializer):
    scheduledAt = serializers.CharField()  # noqa: N815
    mentor_name = serializers.CharField()
    student_name = serializers.CharField()
    field = serializers.CharField(help_text="The mentor's main skill (the first listed), else their title.")
    bookedAt = serializers.CharField()  # noqa: N815


def wrapped(name: str, data=None, many: bool = False):
    fields = {"success": serializers.BooleanField(), "message": serializers.CharField()}
    if data is not None:
        fields["data"] = data(many=many) if many else data()
    return inline_serializer(name=name, fields=fields)


def _slot_fields(data: dict) -> dict:
    fields = {}
    if "scheduledAt" in data:
        fields["start"] = data["scheduledAt"]
    if "quota" in data:
        fields["capacity"] = data["quota"]
    return fields


def _main_skill(mentor: MentorProfile) -> str:
    # The skill the mentor listed first (the through table keeps the order they were added in).
    first = (MentorProfile.skills.through.objects.filter(mentorprofile=mentor).select_related("skill")
             .order_by("id").first())
    return first.skill.name if first else mentor.title


def booked_data(booking: Booking) -> dict:
    mentor = booking.slot.mentor
    return {"scheduledAt": spec_time(booking.slot.start), "mentor_name": mentor.user.display_name,
            "student_name": booking.mentee.display_name, "field": _main_skill(mentor),
            "bookedAt": spec_time(booking.created_at)}


# --- the five routes ------------------------------------------------------------------------------

SESSION_EXAMPLE = {"id": 1, "mentor_id": 1, "scheduledAt": "2024-10-03 14:30:00", "quota": 5}


class AddSessionView(Spec001View):
    extra_error_codes = ["404", "409"]  # no mentor profile; another slot at that time

    @extend_schema(
        tags=[TAG], operation_id="spec001_addSession", request=SessionInput,
        responses={201: wrapped("Spec001AddSession", SessionOutput)},
        summary="Spec 001: a mentor adds an available session (= POST mentors/me/slots)",
        examples=[OpenApiExample("Spec 001", request_only=True,
                                 value={"scheduledAt": "2024-10-03T14:30:00Z", "quota": 5}),
                  OpenApiExample("Spec 001", response_only=True, status_codes=["201"], value=envelope(
                      "Successfully add new schedule", SESSION_EXAMPLE))])
    def post(self, request):
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _slot_fields(data.validated_data)
        if "start" not in fields:
            raise exceptions.ValidationError({"scheduledAt": ["This field is required."]})
        slot = mentor_services.slot_create(user=request.user,
                                           duration_minutes=data.validated_data.get("durationMinutes"), **fields)
        return Response(envelope("Successfully add new schedule", SessionOutput(slot).data),
                        status=status.HTTP_201_CREATED)


class UpdateSessionView(Spec001View):
    extra_error_codes = ["409"]

    @extend_schema(
        tags=[TAG], operation_id="spec001_updateSession", request=SessionInput,
        responses={200: wrapped("Spec001UpdateSession", SessionOutput)},
        summary="Spec 001: a mentor moves a session or changes its quota (= PATCH mentors/me/slots/{id})",
        examples=[OpenApiExample("Spec 001", response_only=True, value=envelope(
            "successfully update mentor session", SESSION_EXAMPLE))])
    def put(self, request, session_id: int):
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _slot_fields(data.validated_data)
        slot = mentor_services.slot_update(user=request.user, slot_id=int(session_id), **fields)
        return Response(envelope("successfully update mentor session", SessionOutput(slot).data))


class DeleteSessionView(Spec001View):
    extra_error_codes = ["409"]

    @extend_schema(tags=[TAG], operation_id="spec001_deleteSession", request=None,
                   responses={200: wrapped("Spec001DeleteSession")},
                   summary="Spec 001: a mentor removes a session nobody booked (= DELETE mentors/me/slots/{id})")
    def delete(self, request, session_id: int):
        mentor_services.slot_delete(user=request.user, slot_id=int(session_id))
        return Response(envelope("successfully delete mentor session"))


class GetSessionsView(Spec001View):
    permission_classes = [AllowAny]
    extra_error_codes = ["400"]  # a from or to that is neither a date nor an ISO time

    @extend_schema(
        tags=[TAG], operation_id="spec001_getSession", responses={200: wrapped("Spec001GetSession", SessionOutput,
                                                                               many=True)},
        parameters=[OpenApiParameter("from", str, description="Not in spec 001: a date or ISO time; default now."),
                    OpenApiParameter("to", str, description="Not in spec 001: a date (inclusive) or ISO time; "
                                                            "default no end.")],
        summary="Spec 001: a mentor's upcoming sessions with a seat left (= GET mentors/{id}/slots, no end date)")
    def get(self, request, mentor_id: int):
        mentor = mentor_selectors.mentor_for_viewer(mentor_id=mentor_id, viewer=request.user)
        if mentor is None:
            raise NotFound("No such mentor.")
        start, end = self._moment("from"), self._moment("to", end_of_day=True)
        slots = mentor_selectors.open_slots(mentor=mentor, start=start or timezone.now(), end=end)
        return Response(envelope("Successfully get all session data", SessionOutput(slots, many=True).data))

    def _moment(self, name: str, end_of_day: bool = False) -> datetime | None:
        raw = self.request.query_params.get(name)
        if not raw:
            return None
        try:
            return parse_moment(raw, tz=UTC, end_of_day=end_of_day)
        except DateInputError as exc:
            raise exceptions.ValidationError({name: [exc.message]}) from None


class BookSessionView(Spec001View):
    extra_error_codes = ["409"]

    @extend_schema(
        tags=[TAG], operation_id="spec001_bookSession", request=BookInput,
        responses={201: wrapped("Spec001BookSession", BookedOutput)},
        summary="Spec 001: a student books one of a mentor's sessions (= POST mentors/{id}/book)",
        examples=[OpenApiExample("Spec 001", response_only=True, status_codes=["201"], value=envelope(
            "successfully book mentoring session", {
                "scheduledAt": "2024-10-03 14:30:00", "mentor_name": "Jane Doe", "student_name": "John Doe",
                "field": "Web Development", "bookedAt": "2024-10-03 14:30:00"}))])
    def post(self, request, mentor_id: int):
        data = BookInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_services.booking_hold(mentee=request.user, slot_id=data.validated_data["session_id"],
                                                mentor_id=int(mentor_id))
        booking = Booking.objects.select_related("slot__mentor__user", "mentee").get(pk=booking.pk)
        return Response(envelope("successfully book mentoring session", booked_data(booking)),
                        status=status.HTTP_201_CREATED)


@csrf_exempt
def unknown_route(request, *args, **kwargs):
    """Anything else under ``/session/``: the spec's error shape, not the site's HTML 404 page."""
    return JsonResponse({"success": False, "message": "Not found."}, status=status.HTTP_404_NOT_FOUND)


urlpatterns = [
    re_path(r"^session/api/addSession/?$", AddSessionView.as_view(), name="spec001-add-session"),
    re_path(r"^session/api/updateSession/(?P<session_id>[0-9]+)/?$", UpdateSessionView.as_view(),
            name="spec001-update-session"),
    re_path(r"^session/getSession/(?P<mentor_id>[0-9]+)/?$", GetSessionsView.as_view(), name="spec001-get-sessions"),
    re_path(r"^session/api/deleteSession/(?P<session_id>[0-9]+)/?$", DeleteSessionView.as_view(),
            name="spec001-delete-session"),
    re_path(r"^session/api/student/bookSession/(?P<mentor_id>[0-9]+)/?$", BookSessionView.as_view(),
            name="spec001-book-session"),
    re_path(r"^session/", unknown_route, name="spec001-unknown"),
]
