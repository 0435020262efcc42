"""Reads of bookings, always scoped to the asking user, with the joins that keep counts flat."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking

_JOINS = ("slot__mentor__user", "slot__meeting", "service", "mentee")


def bookings_as_mentee(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(mentee=user).select_related(*_JOINS)


def bookings_as_participant(*, user: User) -> QuerySet[Booking]:
    """Bookings where the user is the mentee or the mentor."""
    return Booking.objects.filter(Q(mentee=user) | Q(slot__mentor__user=user)).select_related(*_JOINS)


def booking_for_participant(*, user: User, booking_id: int) -> Booking | None:
    queryset = Booking.objects.select_related(*_JOINS) if user.is_staff else bookings_as_participant(user=user)
    return queryset.filter(pk=booking_id).first()


def requests_for_mentor(*, user: User) -> QuerySet[Booking]:
    """Requests waiting for this mentor's answer, the most urgent first."""
    return (Booking.objects.filter(slot__mentor__user=user, status=Booking.Status.REQUESTED,
                                   hold_expires_at__gt=timezone.now())
            .select_related(*_JOINS).order_by("hold_expires_at", "id"))


def upcoming_for_mentor(*, user: User) -> QuerySet[Booking]:
    return (Booking.objects.filter(slot__mentor__user=user, status__in=Booking.LIVE, slot__end__gt=timezone.now())
            .select_related(*_JOINS).order_by("slot__start", "id"))


def upcoming(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    return queryset.filter(status__in=Booking.LIVE, slot__start__gt=timezone.now()).order_by("slot__start", "id")


def past(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    now = timezone.now()
    return queryset.filter(Q(slot__start__lte=now) | ~Q(status__in=Booking.LIVE)).order_by("-slot__start", "-id")
