"""Reads of bookings, always scoped to the asking user, with the joins that keep counts flat."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import NotFound
from mentors.models import MentorProfile

_JOINS = ("slot__mentor__user", "slot__meeting", "service", "mentee")


def bookings_as_mentee(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(mentee=user).select_related(*_JOINS)


def bookings_as_participant(*, user: User) -> QuerySet[Booking]:
    """Bookings where the user is the mentee or the mentor."""
    return Booking.objects.filter(Q(mentee=user) | Q(slot__mentor__user=user)).select_related(*_JOINS)


def booking_for_participant(*, user: User, booking_id: int) -> Booking | None:
    queryset = Booking.objects.select_related(*_JOINS) if user.is_staff else bookings_as_participant(user=user)
    return queryset.filter(pk=booking_id).first()


def _require_mentor_profile(user: User) -> None:
    # The mentor's own lists are not there for anyone else: a 404, as for any object that is not theirs.
    if not MentorProfile.objects.filter(user_id=user.pk).exists():
        raise NotFound("You have no mentor profile. Apply first.")


def requests_for_mentor(*, user: User) -> QuerySet[Booking]:
    """Requests waiting for this mentor's answer, the most urgent first (NotFound without a mentor profile)."""
    _require_mentor_profile(user)
    return (Booking.objects.filter(slot__mentor__user=user, status=Booking.Status.REQUESTED,
                                   hold_expires_at__gt=timezone.now())
            .select_related(*_JOINS).order_by("hold_expires_at", "id"))


def upcoming_for_mentor(*, user: User) -> QuerySet[Booking]:
    """This mentor's live sessions that have not ended (NotFound without a mentor profile)."""
    _require_mentor_profile(user)
    return (Booking.objects.filter(slot__mentor__user=user, status__in=Booking.LIVE, slot__end__gt=timezone.now())
            .select_related(*_JOINS).order_by("slot__start", "id"))


def mentor_profile_id(*, user: User) -> int | None:
    """The user's mentor profile id, or None for someone who never applied (one query)."""
    return MentorProfile.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()


def next_as_mentee(*, user: User, limit: int) -> list[Booking]:
    """My next live sessions as a mentee, one going on now included, soonest first."""
    return list(not_over(bookings_as_mentee(user=user)).exclude(_lapsed_hold())[:limit])


def next_as_mentor(*, user: User, limit: int) -> list[Booking]:
    """The next live sessions in my slots as a mentor, one going on now included, soonest first."""
    return list(Booking.objects.filter(slot__mentor__user=user, status__in=Booking.LIVE, slot__end__gt=timezone.now())
                .exclude(_lapsed_hold()).select_related(*_JOINS).order_by("slot__start", "id")[:limit])


def _lapsed_hold() -> Q:
    # A request whose hold ran out is expired in all but name until the sweep gets to it: not a next session.
    return Q(status=Booking.Status.REQUESTED, hold_expires_at__lte=timezone.now())


def waiting_requests(*, user: User, limit: int) -> tuple[int, list[Booking]]:
    """How many requests wait for my answer as a mentor, and the most urgent few (two queries)."""
    queryset = Booking.objects.filter(slot__mentor__user=user, status=Booking.Status.REQUESTED,
                                      hold_expires_at__gt=timezone.now())
    return queryset.count(), list(queryset.select_related(*_JOINS).order_by("hold_expires_at", "id")[:limit])


def upcoming(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    return queryset.filter(status__in=Booking.LIVE, slot__start__gt=timezone.now()).order_by("slot__start", "id")


def not_over(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    """Live sessions that have not ended yet, one going on now included (My sessions' first tab: it can be joined)."""
    return queryset.filter(status__in=Booking.LIVE, slot__end__gt=timezone.now()).order_by("slot__start", "id")


def over(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    """Everything else: ended, or no longer live."""
    now = timezone.now()
    return queryset.filter(Q(slot__end__lte=now) | ~Q(status__in=Booking.LIVE)).order_by("-slot__start", "-id")


def past(queryset: QuerySet[Booking]) -> QuerySet[Booking]:
    now = timezone.now()
    return queryset.filter(Q(slot__start__lte=now) | ~Q(status__in=Booking.LIVE)).order_by("-slot__start", "-id")


def booking_statistics(queryset: QuerySet[Booking]) -> dict:
    """The BookingViewSet's statistics: counts, hours from real durations, session types by use."""
    from mentors.models import Service

    counts = queryset.aggregate(
        total=Count("id"),
        completed=Count("id", filter=Q(status=Booking.Status.COMPLETED)),
        upcoming=Count("id", filter=Q(status__in=Booking.LIVE, slot__start__gt=timezone.now())),
        cancelled=Count("id", filter=Q(status=Booking.Status.CANCELLED)),
    )
    completed = queryset.filter(status=Booking.Status.COMPLETED).values_list("slot__start", "slot__end")
    hours = sum(((end - start) for start, end in completed), timedelta()).total_seconds() / 3600
    uses: dict[str, int] = {}
    for row in queryset.values("service__session_type").annotate(uses=Count("id")):
        kind = row["service__session_type"] or Service.SessionType.VIDEO  # no service: a video call
        uses[kind] = uses.get(kind, 0) + row["uses"]
    return {"total_sessions": counts["total"], "completed_sessions": counts["completed"],
            "upcoming_sessions": counts["upcoming"], "cancelled_sessions": counts["cancelled"],
            "total_hours": round(hours, 2), "favorite_session_types": sorted(uses, key=lambda k: (-uses[k], k))}
