"""Thin DRF layer over bookings.services and bookings.selectors."""

import zoneinfo
from collections.abc import Mapping
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors, services
from bookings.api import serializers as s
from bookings.models import Booking, BookingEvent
from mentorhub.errors import NotFound

BOOKING_ERRORS = ["404", "409"]


def _detail(request, booking_id: int) -> Booking:
    booking = selectors.booking_for_participant(user=request.user, booking_id=booking_id)
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def _detail_response(request, booking_id: int, code=status.HTTP_200_OK) -> Response:
    return _booking_response(request, _detail(request, booking_id), code)


def _cancel_input(request) -> dict:
    """A DELETE's cancel input: its body (a JSON object or a form), else a ``reason`` in the query string.

    Anything but an object (a list, a string, a number) is the serializer's 400, not a guess at a reason.
    """
    body = request.data
    if isinstance(body, Mapping):
        body = body.dict() if hasattr(body, "dict") else dict(body)
        if "reason" not in body and "reason" in request.query_params:
            body["reason"] = request.query_params["reason"]
    data = s.CancelInput(data=body)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _booking_response(request, booking: Booking, code: int) -> Response:
    booking._prefetched_objects_cache = {"events": list(BookingEvent.objects.filter(booking=booking)
                                                        .select_related("actor"))}
    return Response(s.BookingOutput(booking, context={"request": request}).data, status=code)


class HoldView(APIView):
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(tags=["booking"], request=s.HoldInput, responses={201: s.BookingOutput},
                   summary="Hold a seat in a slot (requested, or booked when the mentor needs no confirmation)")
    def post(self, request):
        data = s.HoldInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_hold(mentee=request.user, **data.validated_data)
        # The service's booking carries what the answer reads (the slot it locked, with its mentor and
        # service; the mentee): reading it again cost a busy hold more than any other query it makes.
        return _booking_response(request, booking, status.HTTP_201_CREATED)


class ConfirmView(APIView):
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(tags=["booking"], request=s.SessionIdInput, responses={200: s.BookingOutput},
                   summary="The mentor confirms a request")
    def post(self, request):
        data = s.SessionIdInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_confirm(booking_id=data.validated_data["session_id"], actor=request.user)
        return _detail_response(request, booking.pk)


class DeclineView(APIView):
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(tags=["booking"], request=s.DeclineInput, responses={200: s.BookingOutput},
                   summary="The mentor declines a request")
    def post(self, request):
        data = s.DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_decline(booking_id=data.validated_data["session_id"], actor=request.user,
                                           reason=data.validated_data["reason"])
        return _detail_response(request, booking.pk)


class BookingDetailView(APIView):
    extra_error_codes = ["404"]

    @extend_schema(tags=["booking"], responses={200: s.BookingOutput}, summary="A booking, with its history")
    def get(self, request, pk: int):
        return _detail_response(request, pk)


class CancelView(APIView):
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(tags=["booking"], request=s.CancelInput, responses={200: s.BookingOutput},
                   summary="Cancel a booking (mentee or mentor, before the start)")
    def patch(self, request, pk: int):
        data = s.CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_cancel(booking_id=pk, actor=request.user, reason=data.validated_data["reason"],
                                          expected_status=data.validated_data.get("expected_status"))
        return _detail_response(request, booking.pk)

    @extend_schema(tags=["booking"], request=s.CancelInput, responses={200: s.BookingOutput},
                   summary="Cancel a booking (same as PATCH)")
    def post(self, request, pk: int):
        return self.patch(request, pk)


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


SESSION_FILTERS = [
    OpenApiParameter("status", str, enum=[*Booking.Status.values, selectors.IN_PROGRESS],
                     description="A stored status, or in-progress (see live_status)."),
    OpenApiParameter("mentor_id", int, description="A mentor profile id."),
    OpenApiParameter("mentee_id", int, description="A mentee's user id."),
    OpenApiParameter("from", str, description="Sessions starting at or after: a date (your zone) or ISO 8601."),
    OpenApiParameter("to", str, description="Sessions starting before: a date (that whole day, your zone) or "
                                            "ISO 8601."),
    OpenApiParameter("email", str, description="Part of the mentee's or the mentor's e-mail address."),
]


@extend_schema(tags=["sessions"])
class SessionsView(ListAPIView):
    serializer_class = s.SessionListItem
    queryset = Booking.objects.none()  # the model, for the schema; get_queryset picks the rows
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(parameters=SESSION_FILTERS,
                   summary="My sessions, as mentee or mentor; every session for staff")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        wanted = s.SessionFilterInput(data=self.request.query_params, context={"zone": _zone(self.request.user)})
        wanted.is_valid(raise_exception=True)
        return selectors.filter_sessions(selectors.sessions_for(user=self.request.user), **wanted.validated_data)

    @extend_schema(request=s.SessionCreateInput, responses={201: s.SessionCreateOutput},
                   summary="Book a mentor at one of their bookable times")
    def post(self, request):
        data = s.SessionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        booking = services.booking_hold(
            mentee=request.user, mentor_id=fields["mentor_id"], start=fields["scheduled_at"],
            duration_minutes=fields.get("duration_minutes"), service_id=fields.get("service_id"),
            topic=fields["topic"], notes=fields["notes"],
        )
        return Response(s.SessionCreateOutput(booking).data, status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    extra_error_codes = ["403", "404", "409"]

    @extend_schema(tags=["sessions"], responses={200: s.BookingOutput},
                   summary="A session (a booking id), for its participants and staff")
    def get(self, request, pk: int):
        return _detail_response(request, pk)

    @extend_schema(tags=["sessions"], request=s.SessionUpdateInput, responses={200: s.BookingOutput},
                   summary="Edit a session: shared notes, your own notes, and scheduled_at (a reschedule), at once")
    def put(self, request, pk: int):
        data = s.SessionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        services.booking_update(booking_id=pk, actor=request.user, start=changes.pop("scheduled_at", None),
                                **changes)
        return _detail_response(request, pk)

    @extend_schema(tags=["sessions"], request=s.SessionUpdateInput, responses={200: s.BookingOutput},
                   summary="Edit a session (the same as PUT: only the fields sent change)")
    def patch(self, request, pk: int):
        return self.put(request, pk)

    @extend_schema(tags=["sessions"], request=s.CancelInput, responses={204: None},
                   parameters=[OpenApiParameter("reason", str, description="Or in the body.")],
                   summary="Cancel a session, refunding by the policy (the mentor's and staff's: in full)")
    def delete(self, request, pk: int):
        wanted = _cancel_input(request)
        services.booking_cancel(booking_id=pk, actor=request.user, reason=wanted["reason"],
                                expected_status=wanted.get("expected_status"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookSlotView(APIView):
    extra_error_codes = BOOKING_ERRORS

    @extend_schema(tags=["slots"], request=s.SessionIdInput, responses={201: s.BookingOutput},
                   summary="A student books one of this mentor's slots (session_id = the slot id)")
    def post(self, request, pk: int):
        data = s.SessionIdInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_hold(mentee=request.user, slot_id=data.validated_data["session_id"],
                                          mentor_id=int(pk))
        return _detail_response(request, booking.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["mentor self-service"], summary="Requests waiting for my answer, most urgent first")
class MentorRequestsView(ListAPIView):
    serializer_class = s.IncomingRequestOutput
    extra_error_codes = ["404"]  # no mentor profile
    queryset = Booking.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        return selectors.requests_for_mentor(user=self.request.user)


@extend_schema(tags=["mentor self-service"], summary="My upcoming sessions as a mentor")
class MentorUpcomingView(ListAPIView):
    serializer_class = s.SessionListItem
    queryset = Booking.objects.none()  # the model, for the schema; get_queryset picks the rows
    extra_error_codes = ["404"]  # no mentor profile

    def get_queryset(self):
        return selectors.upcoming_for_mentor(user=self.request.user)


ORDERINGS = {"-scheduled_start": ("-slot__start", "-id"), "scheduled_start": ("slot__start", "id"),
             "created_at": ("created_at", "id"), "-created_at": ("-created_at", "-id"),
             "status": ("status", "-slot__start"), "-status": ("-status", "-slot__start")}


@extend_schema(tags=["bookings"])
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                     mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The mentee's own bookings (spec: BookingViewSet). POST answers 405: book through the booking endpoints."""

    serializer_class = s.MentorSessionSerializer
    extra_error_codes = BOOKING_ERRORS
    queryset = Booking.objects.none()  # lets the schema type the {id}; get_queryset scopes to the user
    lookup_value_regex = "[0-9]+"
    filter_backends = []  # list() filters and orders itself, exactly as the spec names the parameters

    def get_queryset(self):
        return selectors.bookings_as_mentee(user=self.request.user)

    def _filtered(self):
        queryset = self.get_queryset()
        params = self.request.query_params
        if wanted := params.get("status"):
            if wanted not in Booking.Status.values:
                raise ValidationError({"status": [
                    _("One of: %(values)s.") % {"values": ", ".join(Booking.Status.values)}]})
            queryset = queryset.filter(status=wanted)
        if kind := params.get("session_type"):
            from mentors.models import Service

            if kind not in Service.SessionType.values:
                raise ValidationError({"session_type": [
                    _("One of: %(values)s.") % {"values": ", ".join(Service.SessionType.values)}]})
            match = Q(service__session_type=kind)
            if kind == s.DEFAULT_SESSION_TYPE:
                match |= Q(service__isnull=True)
            queryset = queryset.filter(match)
        ordering = params.get("ordering", "-scheduled_start")
        if ordering not in ORDERINGS:
            raise ValidationError({"ordering": [_("One of: %(values)s.") % {"values": ", ".join(ORDERINGS)}]})
        return queryset.order_by(*ORDERINGS[ordering])

    @extend_schema(parameters=[
        OpenApiParameter("status", str, enum=Booking.Status.values),
        OpenApiParameter("session_type", str, enum=["video", "chat", "email", "in_person"]),
        OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
    ])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._filtered())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k in services.NOTE_FIELDS}
        serializer.instance = services.booking_update_notes(booking_id=serializer.instance.pk,
                                                            actor=self.request.user, **changes)

    @extend_schema(request=s.CancelInput, responses={204: OpenApiResponse(description="Cancelled")},
                   summary="Cancel the booking")
    def destroy(self, request, *args, **kwargs):
        booking = self.get_object()
        wanted = _cancel_input(request)
        services.booking_cancel(booking_id=booking.pk, actor=request.user, reason=wanted["reason"],
                                expected_status=wanted.get("expected_status"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: s.MentorSessionSerializer(many=True)}, summary="The next 10 upcoming bookings")
    @action(detail=False, pagination_class=None, filter_backends=[])
    def upcoming(self, request):
        items = selectors.upcoming(self.get_queryset())[:10]
        return Response(self.get_serializer(items, many=True).data)

    @extend_schema(responses={200: s.MentorSessionSerializer(many=True)},
                   summary="Past bookings, newest first (20 per page by default)")
    @action(detail=False, filter_backends=[])
    def past(self, request):
        page = self.paginate_queryset(selectors.past(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=s.RescheduleInput, responses={200: s.MentorSessionSerializer},
                   summary="Move to a new date and time (read in your time zone)")
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        booking = self.get_object()
        data = s.RescheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        zone = zoneinfo.ZoneInfo(request.user.timezone)
        start = datetime.combine(data.validated_data["session_date"], data.validated_data["start_time"], tzinfo=zone)
        if start.astimezone(zone).replace(tzinfo=None) != start.replace(tzinfo=None):
            raise ValidationError({"start_time": [_("That local time does not exist (the clocks change then).")]})
        moved = services.booking_reschedule(booking_id=booking.pk, actor=request.user, start=start,
                                            duration_minutes=data.validated_data.get("duration"))
        return Response(self.get_serializer(selectors.bookings_as_mentee(user=request.user).get(pk=moved.pk)).data)

    @extend_schema(responses={200: s.StatisticsOutput}, summary="My booking statistics")
    @action(detail=False)
    def statistics(self, request):
        return Response(selectors.booking_statistics(self.get_queryset()))
