"""``GET dashboard``: everything an app's home screen shows, in one call and a fixed number of queries.

Each part is read by its own app's selectors, scoped to the signed-in user (staff included: this is
their own home screen, not an overview of everyone's). Unread messages join with messaging.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings import selectors as bookings
from bookings.api.serializers import IncomingRequestOutput, MentorSessionSerializer, StatisticsOutput
from mentors.api.serializers import MONEY
from messaging import selectors as messaging
from notifications import selectors as notifications
from notifications.api.serializers import NotificationOutput
from payments import selectors as payments

FEW = 5  # items per list: a home screen links to the full lists


class DashboardSession(MentorSessionSerializer):
    """A BookingViewSet item; the mentee's own notes only for the mentee."""

    mentee_notes = serializers.SerializerMethodField(help_text="Only the mentee sees these; null for the mentor.")

    class Meta(MentorSessionSerializer.Meta):
        read_only_fields = MentorSessionSerializer.Meta.fields

    def get_mentee_notes(self, booking) -> str | None:
        return booking.mentee_notes if self.context["request"].user.pk == booking.mentee_id else None


class AsMentee(serializers.Serializer):
    next_sessions = DashboardSession(many=True, help_text=f"Up to {FEW} live sessions that have not ended, soonest "
                                                          "first (one going on now included).")


class WaitingRequests(serializers.Serializer):
    count = serializers.IntegerField(help_text="All requests waiting for my answer.")
    items = IncomingRequestOutput(many=True, help_text=f"The {FEW} most urgent.")


class AsMentor(serializers.Serializer):
    next_sessions = DashboardSession(many=True, help_text=f"Up to {FEW} live sessions in my slots, soonest first.")
    requests_waiting = WaitingRequests()


class NotificationsPart(serializers.Serializer):
    unread_count = serializers.IntegerField()
    latest = NotificationOutput(many=True, help_text=f"My {FEW} newest notifications, read or not.")


class CurrencyEarnings(serializers.Serializer):
    currency = serializers.CharField()
    payments = serializers.IntegerField()
    paid = serializers.DecimalField(**MONEY)
    refunded = serializers.DecimalField(**MONEY)
    kept = serializers.DecimalField(**MONEY, help_text="Paid less refunded.")


class EarningsThisMonth(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the current month in my time zone.")
    time_zone = serializers.CharField()
    by_currency = CurrencyEarnings(many=True, help_text="Currencies are never added together; empty if nothing "
                                                        "was earned yet this month.")


class DashboardOutput(serializers.Serializer):
    as_mentee = AsMentee()
    as_mentor = AsMentor(allow_null=True, help_text="null unless I have a mentor profile.")
    notifications = NotificationsPart()
    unread_messages = serializers.IntegerField(help_text="Messages sent to me that I have not read, in all my "
                                                         "conversations.")
    statistics = StatisticsOutput(help_text="The same as mentors/bookings/statistics (my bookings as a mentee).")
    earnings_this_month = EarningsThisMonth(allow_null=True, help_text="null unless I have a mentor profile.")
    generated_at = serializers.DateTimeField()


class DashboardView(APIView):
    @extend_schema(
        tags=["dashboard"], responses={200: DashboardOutput}, summary="My home screen in one call",
        description="Next sessions as mentee and as mentor, requests waiting for my answer, unread notifications "
                    "and the newest few, my booking statistics and, for mentors, this month's earnings, in a fixed "
                    "number of queries, and how many messages to me are unread.",
    )
    def get(self, request):
        user = request.user
        is_mentor = bookings.mentor_profile_id(user=user) is not None
        as_mentor = earnings = None
        if is_mentor:
            count, waiting = bookings.waiting_requests(user=user, limit=FEW)
            as_mentor = {"next_sessions": bookings.next_as_mentor(user=user, limit=FEW),
                         "requests_waiting": {"count": count, "items": waiting}}
            month, by_currency = payments.mentor_earnings_this_month(user=user)
            earnings = {"month": month, "time_zone": user.timezone, "by_currency": by_currency}
        data = {
            "as_mentee": {"next_sessions": bookings.next_as_mentee(user=user, limit=FEW)},
            "as_mentor": as_mentor,
            "notifications": {"unread_count": notifications.unread_count(user=user),
                              "latest": list(notifications.notifications_for_user(user=user)[:FEW])},
            "unread_messages": messaging.unread_messages_count(user=user),
            "statistics": bookings.booking_statistics(bookings.bookings_as_mentee(user=user)),
            "earnings_this_month": earnings,
            "generated_at": timezone.now(),
        }
        return Response(DashboardOutput(data, context={"request": request}).data)

