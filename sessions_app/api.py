"""sessions/{id}/video|join|notes|complete|no-show and bookings/{id}/chat: a session id is a booking id."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.models import Booking
from mentorhub.api.pagination import _positive_int
from sessions_app import chat, selectors, services
from sessions_app.models import SessionMessage
from sessions_app.video import room_for


class VideoOutput(serializers.Serializer):
    provider = serializers.CharField()
    room_name = serializers.CharField()
    room_url = serializers.CharField()
    signalling_url = serializers.CharField(allow_null=True, help_text="Built-in rooms: the WebSocket path.")
    ice_servers = serializers.ListField(child=serializers.DictField())
    jitsi_domain = serializers.CharField(allow_null=True)
    jitsi_jwt = serializers.CharField(allow_null=True)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    can_join = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True, help_text="Why you cannot join now, when you cannot.")


def _video_body(booking: Booking, meeting, user, refusal: str | None) -> dict:
    room = room_for(meeting, booking_id=booking.pk, user=user)
    opens, closes = services.join_window(booking)
    return VideoOutput({
        "provider": room.provider, "room_name": room.room_name, "room_url": room.room_url,
        "signalling_url": room.signalling_url, "ice_servers": room.ice_servers, "jitsi_domain": room.jitsi_domain,
        "jitsi_jwt": room.jitsi_jwt, "opens_at": opens, "closes_at": closes, "can_join": refusal is None,
        "reason": refusal,
    }).data


class VideoView(APIView):
    extra_error_codes = ["404"]

    @extend_schema(tags=["sessions"], responses={200: VideoOutput}, summary="The session's video room and join window")
    def get(self, request, pk: int):
        booking, meeting, refusal = services.session_view(booking_id=pk, user=request.user)
        return Response(_video_body(booking, meeting, request.user, refusal))


class JoinView(APIView):
    extra_error_codes = ["404", "409"]

    @extend_schema(tags=["sessions"], request=None, responses={200: VideoOutput},
                   summary="Join the room (inside the window; records attendance)")
    def post(self, request, pk: int):
        booking, meeting = services.session_join(booking_id=pk, user=request.user)
        return Response(_video_body(booking, meeting, request.user, None))


class NotesSerializer(serializers.Serializer):
    mentor_notes = serializers.CharField(max_length=10000, allow_blank=True)


class NotesView(APIView):
    extra_error_codes = ["404"]

    def _mine_as_mentor(self, request, pk):
        booking = Booking.objects.select_related("slot__mentor").filter(pk=pk, slot__mentor__user=request.user).first()
        if booking is None:
            from mentorhub.errors import NotFound

            raise NotFound(_("No such session."))
        return booking

    @extend_schema(tags=["sessions"], responses={200: NotesSerializer}, summary="The mentor's private notes")
    def get(self, request, pk: int):
        return Response(NotesSerializer(self._mine_as_mentor(request, pk)).data)

    @extend_schema(tags=["sessions"], request=NotesSerializer, responses={200: NotesSerializer},
                   summary="Update the mentor's private notes")
    def patch(self, request, pk: int):
        data = NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.session_notes_update(booking_id=pk, user=request.user, **data.validated_data)
        return Response(NotesSerializer(booking).data)


class CompleteInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False)
    review = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    feedback = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CompleteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


def _complete_body(booking: Booking) -> dict:
    booking = Booking.objects.select_related("review").get(pk=booking.pk)
    review = getattr(booking, "review", None)
    completed = booking.events.filter(to_status=Booking.Status.COMPLETED).order_by("-created_at").first()
    return CompleteOutput({"id": booking.pk, "status": booking.status, "rating": review.rating if review else None,
                           "completed_at": completed.created_at if completed else None}).data


class CompleteView(APIView):
    extra_error_codes = ["404", "409"]

    @extend_schema(tags=["sessions"], request=None, responses={200: CompleteOutput},
                   summary="The mentor marks the session complete (after its start)")
    def patch(self, request, pk: int):
        return Response(_complete_body(services.session_complete(booking_id=pk, user=request.user)))

    @extend_schema(tags=["sessions"], request=CompleteInput, responses={200: CompleteOutput},
                   summary="The mentee completes the session (after its end), optionally rating it")
    def post(self, request, pk: int):
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.session_complete_by_mentee(booking_id=pk, user=request.user, **data.validated_data)
        return Response(_complete_body(booking))


class NoShowView(APIView):
    extra_error_codes = ["404", "409"]

    @extend_schema(tags=["sessions"], request=None, responses={200: CompleteOutput},
                   summary="The mentor records that the mentee did not come")
    def post(self, request, pk: int):
        return Response(_complete_body(services.session_no_show(booking_id=pk, user=request.user)))



# --- bookings/{id}/chat: the session chat (sessions_app.chat) ------------------------------------

CHAT_PAGE = 30
CHAT_MAX_PAGE = 100


class SessionMessageInput(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, allow_blank=True,
                                 help_text="Stripped of surrounding white space; must not be empty then.")


class SessionMessageOutput(serializers.ModelSerializer):
    """A message in a session's chat: who wrote it (by name too, for group sessions) and when."""

    sender_id = serializers.IntegerField(read_only=True)
    sender_name = serializers.CharField(source="sender.display_name", read_only=True)

    class Meta:
        model = SessionMessage
        fields = ["id", "sender_id", "sender_name", "text", "sent_at"]


class SessionMessagePage(serializers.Serializer):
    items = SessionMessageOutput(many=True, help_text="Newest first.")
    next_before = serializers.IntegerField(
        allow_null=True, help_text="Pass as ?before= for the older page; null when there is nothing older.")


class BookingChatView(APIView):
    extra_error_codes = ["400", "404"]  # 400: a bad ?before= or ?limit= on GET too

    @extend_schema(
        tags=["sessions"], responses={200: SessionMessagePage}, summary="The session's chat, newest first",
        description="The chat of the booking's session, shared by everyone in the slot (a group session's "
                    "mentees and the mentor). Your own booking as a mentee, any booking of your slot as its "
                    "mentor; a cancelled, declined or expired seat, or anyone else, gets 404. Cursor pages: "
                    "pass the answer's `next_before` as `?before=` for the older page.",
        parameters=[OpenApiParameter("before", int, description="Only messages older than this message id."),
                    OpenApiParameter("limit", int, description=f"Messages per page, at most {CHAT_MAX_PAGE} "
                                                               f"({CHAT_PAGE} when left out).")])
    def get(self, request, pk: int):
        access = selectors.chat_access(user=request.user, booking_id=pk)
        before = _positive_int(request, "before")
        limit = _positive_int(request, "limit", CHAT_MAX_PAGE) or CHAT_PAGE
        messages, more = selectors.session_messages_before(slot_id=access.slot.pk, before_id=before, limit=limit)
        return Response({"items": SessionMessageOutput(messages, many=True).data,
                         "next_before": messages[-1].pk if more else None})

    @extend_schema(tags=["sessions"], request=SessionMessageInput, responses={201: SessionMessageOutput},
                   summary="Write in the session's chat",
                   description="Live and completed seats write until 7 days after the session ended; after "
                               "that the chat is read-only (403). Live to every participant's `/ws/chat` "
                               "sockets as a `session_message` frame.")
    def post(self, request, pk: int):
        data = SessionMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = chat.session_message_send(user=request.user, booking_id=pk, **data.validated_data)
        return Response(SessionMessageOutput(message).data, status=status.HTTP_201_CREATED)
