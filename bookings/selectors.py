"""Reads of bookings, always scoped to the asking user, with the joins that keep counts flat."""

from datetime import timedelta

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import NotFound
from mentors.models import MentorProfile, Slot

_JOINS = ("slot__mentor__user", "slot__meeting", "service", "mentee")
IN_PROGRESS = "in-progress"
_SETTLED = (Booking.PaymentStatus.PAID, Booking.PaymentStatus.NOT_REQUIRED)


def with_live_status(queryset: QuerySet[Booking], *, now=None) -> QuerySet[Booking]:
    """Annotate ``in_progress``: the meeting window is open and somebody has joined its room.

    The window is sessions_app's join window (``JOIN_EARLY_MINUTES`` before the start to the end), and
    only a seat that may be in the room counts (scheduled, paid or free). Attendance is read through the
    slot's reverse relations, so bookings need not import sessions_app (which imports bookings).
    One sub-query in the same SELECT: no query per row.
    """
    now = now or timezone.now()
    joined = Slot.objects.filter(pk=OuterRef("slot_id"), meeting__attendances__isnull=False)
    live = Q(Exists(joined), status=Booking.Status.SCHEDULED, payment_status__in=_SETTLED,
             slot__start__lte=now + timedelta(minutes=settings.JOIN_EARLY_MINUTES), slot__end__gte=now)
    return queryset.annotate(in_progress=Case(When(live, then=Value(True)), default=Value(False),
                                              output_field=BooleanField()))


def in_progress(booking: Booking, *, now=None) -> bool:
    """``in_progress`` for a booking read without ``with_live_status``: one query, and none when its status,
    its payment or its meeting window already say no (a seat just taken, a booking next week)."""
    if hasattr(booking, "in_progress"):
        return booking.in_progress
    now = now or timezone.now()
    if not (booking.status == Booking.Status.SCHEDULED and booking.payment_status in _SETTLED
            and booking.slot.start <= now + timedelta(minutes=settings.JOIN_EARLY_MINUTES)
            and booking.slot.end >= now):
        return False
    return with_live_status(Booking.objects.filter(pk=booking.pk), now=now).values_list(
        "in_progress", flat=True).first() or False


def bookings_as_mentee(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(mentee=user).select_related(*_JOINS)


def bookings_as_participant(*, user: User) -> QuerySet[Booking]:
    """Bookings where the user is the mentee or the mentor.

    The two sides are found apart and joined by a ``UNION`` of ids: an ``OR`` across the slot join (mentee
    on the booking, mentor on the slot) can use neither side's index, so PostgreSQL read every booking
    with its slot and mentor for each sessions list.
    """
    as_mentee = Booking.objects.filter(mentee=user).order_by().values("pk")
    as_mentor = Booking.objects.filter(slot__mentor__user=user).order_by().values("pk")
    return Booking.objects.filter(pk__in=as_mentee.union(as_mentor, all=True)).select_related(*_JOINS)


def booking_for_participant(*, user: User, booking_id: int) -> Booking | None:
    """One booking for its mentee, its mentor or staff, with ``in_progress``; None for anyone else.

    Read by primary key and checked in Python (``Booking.is_open_to``) rather than with the participant
    filter across the joins: PostgreSQL took longer to plan that query than to run it, on every confirm's
    answer and every booking page.
    """
    booking = with_live_status(Booking.objects.select_related(*_JOINS)).filter(pk=booking_id).first()
    if booking is None or not booking.is_open_to(user):
        return None
    return booking


def sessions_for(*, user: User) -> QuerySet[Booking]:
    """The sessions list: staff see every booking, anyone else those they take part in; newest first."""
    queryset = Booking.objects.select_related(*_JOINS) if user.is_staff else bookings_as_participant(user=user)
    return with_live_status(queryset).order_by("-slot__start", "-id")


def filter_sessions(queryset: QuerySet[Booking], *, status: str | None = None, mentor_id: int | None = None,
                    mentee_id: int | None = None, starts_from=None, starts_before=None,
                    email: str | None = None) -> QuerySet[Booking]:
    """Narrow a sessions list (already validated values). ``status`` may be ``in-progress`` (needs
    ``with_live_status``); ``email`` matches part of the mentee's or the mentor's address."""
    if status == IN_PROGRESS:
        queryset = queryset.filter(in_progress=True)
    elif status:
        queryset = queryset.filter(status=status)
    if mentor_id is not None:
        queryset = queryset.filter(slot__mentor_id=mentor_id)
    if mentee_id is not None:
        queryset = queryset.filter(mentee_id=mentee_id)
    if starts_from is not None:
        queryset = queryset.filter(slot__start__gte=starts_from)
    if starts_before is not None:
        queryset = queryset.filter(slot__start__lt=starts_before)
    if email:
        queryset = queryset.filter(Q(mentee__email__icontains=email) | Q(slot__mentor__user__email__icontains=email))
    return queryset


def _require_mentor_profile(user: User) -> None:
    # The mentor's own lists are not there for anyone else: a 404, as for any object that is not theirs.
    if not MentorProfile.objects.filter(user_id=user.pk).exists():
        raise NotFound(_("You have no mentor profile. Apply first."))


def requests_for_mentor(*, user: User) -> QuerySet[Booking]:
    """Requests waiting for this mentor's answer, the most urgent first (NotFound without a mentor profile)."""
    _require_mentor_profile(user)
    return with_live_status(Booking.objects.filter(slot__mentor__user=user, status=Booking.Status.REQUESTED,
                                                   hold_expires_at__gt=timezone.now())
                            .select_related(*_JOINS).order_by("hold_expires_at", "id"))


def upcoming_for_mentor(*, user: User) -> QuerySet[Booking]:
    """This mentor's live sessions that have not ended (NotFound without a mentor profile)."""
    _require_mentor_profile(user)
    return with_live_status(Booking.objects.filter(slot__mentor__user=user, status__in=Booking.LIVE,
                                                   slot__end__gt=timezone.now())
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
    return queryset.count(), list(with_live_status(queryset.select_related(*_JOINS))
                                  .order_by("hold_expires_at", "id")[:limit])


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


def booking_between(sender: User, recipient: User) -> bool:
    """Messaging's contact rule (registered in BookingsConfig.ready): a booking joins the two, either way round."""
    booked = (Q(mentee=recipient, slot__mentor__user=sender) | Q(mentee=sender, slot__mentor__user=recipient))
    return Booking.objects.filter(booked).exists()
