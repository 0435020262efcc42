"""Holding the session: joining its room, attendance, notes, completion and no-shows."""

from datetime import UTC, datetime, timedelta, tzinfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.dates import local_time_text, user_zone
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors.models import MentorProfile
from sessions_app.models import Attendance, Meeting
from sessions_app.selectors import HELD, IN_ROOM, settled_seats

S = Booking.Status


def join_window(booking: Booking) -> tuple[datetime, datetime]:
    return booking.slot.start - timedelta(minutes=settings.JOIN_EARLY_MINUTES), booking.slot.end


def _participant_booking(booking_id: int, user: User) -> tuple[Booking, bool]:
    booking = (Booking.objects.select_related("slot__mentor__user", "mentee", "service").filter(pk=booking_id)
               .first())
    if booking is None:
        raise NotFound(_("No such session."))
    is_mentor = booking.slot.mentor.user_id == user.pk
    if not is_mentor and booking.mentee_id != user.pk:
        raise NotFound(_("No such session."))  # outsiders learn nothing
    return booking, is_mentor


def join_refusal(booking: Booking, *, is_mentor: bool, now: datetime, zone: tzinfo = UTC) -> str | None:
    """Why this participant cannot join now, in words (times in ``zone``, named); None when they can.

    The room is for paid (or free) seats that are scheduled, or completed while the window lasts: a
    mentee whose seat is unpaid cannot join, and a mentor cannot hold a session nobody paid for.
    """
    if booking.status not in (HELD if is_mentor else IN_ROOM):
        return _("This session is %(status)s; only scheduled sessions can be joined.") % {
            "status": booking.get_status_display().lower()}
    if not is_mentor and not booking.is_settled:
        return _("Pay for this session first; the room opens to paid bookings only.")
    if is_mentor and not settled_seats(booking.slot_id, HELD).exists():
        return _("No seat of this session is paid yet; the room opens to paid bookings only.")
    opens, closes = join_window(booking)
    if now < opens:
        return _("The room opens at %(time)s, %(minutes)s minutes before the start.") % {
            "time": local_time_text(opens, zone), "minutes": settings.JOIN_EARLY_MINUTES}
    if now > closes:
        return _("This session has ended.")
    return None


def meeting_for(booking: Booking) -> Meeting:
    meeting, _created = Meeting.objects.get_or_create(slot=booking.slot, defaults={"provider": settings.VIDEO_PROVIDER})
    return meeting


def session_view(
    *, booking_id: int, user: User, now: datetime | None = None, zone: tzinfo | None = None,
) -> tuple[Booking, Meeting, str | None]:
    """The session, its meeting, and why the viewer cannot join right now (None: they can).

    The refusal states times in ``zone``, by default the user's own.
    """
    booking, is_mentor = _participant_booking(booking_id, user)
    refusal = join_refusal(booking, is_mentor=is_mentor, now=now or timezone.now(), zone=zone or user_zone(user))
    return booking, meeting_for(booking), refusal


@transaction.atomic
def session_join(
    *, booking_id: int, user: User, now: datetime | None = None, zone: tzinfo | None = None,
) -> tuple[Booking, Meeting]:
    """A participant joins the room inside its window; attendance is recorded."""
    now = now or timezone.now()
    booking, is_mentor = _participant_booking(booking_id, user)
    refusal = join_refusal(booking, is_mentor=is_mentor, now=now, zone=zone or user_zone(user))
    if refusal:
        raise Conflict(refusal)
    meeting = meeting_for(booking)
    attendance, created = Attendance.objects.get_or_create(
        meeting=meeting, user=user, defaults={"first_joined_at": now, "last_joined_at": now})
    if not created:
        Attendance.objects.filter(pk=attendance.pk).update(last_joined_at=now, joins=F("joins") + 1)
    return booking, meeting


def room_access(*, room_name: str, user: User, now: datetime | None = None) -> int | None:
    """For the signalling socket: the room's slot id when this user may be in it now, else None.

    Asked on connect and again whenever a booking of the slot changes, so a seat that stops being
    joinable (cancelled, refunded, a no-show) loses its open connection too. Completing a session
    closes nobody's call: the room stays open to its seats until the window ends.
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("slot__mentor").filter(room_name=room_name).first()
    if meeting is None or not user.is_authenticated:
        return None
    if meeting.slot.mentor.user_id == user.pk:
        booking = settled_seats(meeting.slot_id, HELD).select_related("slot").first()
        is_mentor = True
    else:
        booking = meeting.slot.bookings.filter(mentee=user).select_related("slot").order_by("-id").first()
        is_mentor = False
    if booking is None or join_refusal(booking, is_mentor=is_mentor, now=now) is not None:
        return None
    return meeting.slot_id


@transaction.atomic
def session_notes_update(*, booking_id: int, user: User, mentor_notes: str) -> Booking:
    """The mentor's private notes. Anyone else, the mentee included, finds nothing."""
    booking = booking_services.lock_booking(booking_id)
    if booking.slot.mentor.user_id != user.pk:
        raise NotFound(_("No such session."))
    booking.mentor_notes = mentor_notes
    booking.save(update_fields=["mentor_notes", "updated_at"])
    return booking


def _count_sessions(mentor_id: int, completed: int) -> None:
    MentorProfile.objects.filter(pk=mentor_id).update(total_sessions=F("total_sessions") + completed)


@transaction.atomic
def session_complete(*, booking_id: int, user: User, now: datetime | None = None) -> Booking:
    """The mentor marks the session held (after its start): every scheduled, paid (or free) seat completes."""
    now = now or timezone.now()
    booking = booking_services.lock_booking(booking_id)
    if booking.slot.mentor.user_id != user.pk:
        if booking.mentee_id == user.pk:
            raise PermissionDenied(_("Only the mentor marks a session complete this way; send your rating instead."))
        raise NotFound(_("No such session."))
    if booking.slot.start > now:
        raise InvalidInput(_("A session can be completed once it has started."), field="status")
    if booking.status != S.SCHEDULED:
        raise Conflict(_("A session that is %(status)s cannot be completed.") % {
            "status": booking.get_status_display().lower()})
    # Unpaid seats are not held sessions: they stay for the payment-deadline sweep to cancel.
    seats = [booking_services.lock_booking(b.pk) for b in settled_seats(booking.slot_id)]
    if not seats:
        raise Conflict(_("No seat of this session is paid, so there is no session to complete."))
    for seat in seats:
        booking_services.transition(seat, to=S.COMPLETED, actor=user, reason=gettext_noop("Completed by the mentor."))
    Meeting.objects.filter(slot=booking.slot).update(completed_at=now)
    _count_sessions(booking.slot.mentor_id, len(seats))
    booking.refresh_from_db()
    return booking


@transaction.atomic
def session_complete_by_mentee(
    *, booking_id: int, user: User, rating: int | None = None, review: str = "", feedback: str = "",
    now: datetime | None = None,
) -> Booking:
    """The mentee confirms the session took place (after its end) and may rate it in the same step."""
    now = now or timezone.now()
    booking = booking_services.lock_booking(booking_id)
    if booking.mentee_id != user.pk:
        raise NotFound(_("No such session."))
    if not booking.is_settled:
        raise Conflict(_("Pay for this session first: an unpaid session cannot be completed or reviewed."))
    if booking.status == S.SCHEDULED:
        if booking.slot.end > now:
            raise InvalidInput(_("You can complete a session once it has ended."), field="status")
        booking_services.transition(booking, to=S.COMPLETED, actor=user,
                                    reason=feedback or gettext_noop("Completed by the mentee."))
        _count_sessions(booking.slot.mentor_id, 1)
    elif booking.status != S.COMPLETED:
        raise Conflict(_("A session that is %(status)s cannot be completed.") % {
            "status": booking.get_status_display().lower()})
    if rating is not None:
        from reviews.services import review_create

        review_create(booking_id=booking.pk, author=user, rating=rating, comment=review)
    return booking


@transaction.atomic
def session_no_show(*, booking_id: int, user: User, now: datetime | None = None) -> Booking:
    """The mentor (or staff, from the admin) records that the mentee did not come (after the start)."""
    now = now or timezone.now()
    booking = booking_services.lock_booking(booking_id)
    by_staff = user.is_staff and booking.slot.mentor.user_id != user.pk
    if booking.slot.mentor.user_id != user.pk and not by_staff:
        raise NotFound(_("No such session."))
    if booking.slot.start > now:
        raise InvalidInput(_("A no-show can be recorded once the session has started."), field="status")
    if booking.status != S.SCHEDULED:
        raise Conflict(_("A session that is %(status)s cannot be a no-show.") % {
            "status": booking.get_status_display().lower()})
    return booking_services.transition(
        booking, to=S.NO_SHOW, actor=user,
        reason=gettext_noop("The mentee did not attend; staff recorded it.") if by_staff
        else gettext_noop("The mentee did not attend."))
