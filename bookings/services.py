"""Booking use cases. Each is one transaction that locks what it decides on.

Seats are counted on the slot row (``seats_taken``) and only ever changed by a
conditional UPDATE, so the database itself refuses a seat that is not there.
Status changes only in ``_transition`` (and ``_transition_many``, its form for a
sweep's batch), which checks the table below, saves, and writes the BookingEvent
audit row. Notices go out after commit.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User
from bookings import notify, ports, reasons
from bookings.models import Booking, BookingEvent
from mentorhub import realtime
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors import selectors as mentor_selectors
from mentors.models import MAX_PRICE, MentorProfile, Service, Slot

S = Booking.Status
ALLOWED = {
    # requested -> requested and scheduled -> requested: a mentee's move that waits for the mentor's answer.
    S.REQUESTED: {S.REQUESTED, S.SCHEDULED, S.DECLINED, S.EXPIRED, S.CANCELLED},
    S.SCHEDULED: {S.SCHEDULED, S.REQUESTED, S.COMPLETED, S.NO_SHOW, S.CANCELLED},
    # Only booking_reinstate: a payment that arrives after the system ended the booking brings it back.
    S.EXPIRED: {S.REQUESTED, S.SCHEDULED},
    S.CANCELLED: {S.REQUESTED, S.SCHEDULED},
}
# A booking leaving these statuses can no longer be joined: open room sockets re-check their access.
JOINABLE = (S.SCHEDULED,)


def _transition(booking: Booking, *, to: str, actor: User | None, reason: str = "", reason_code: str = "",
                reason_params: dict | None = None, **event: datetime) -> Booking:
    """The only place a booking's status changes: checked, saved, audited, announced after commit.

    The audit row's reason is a fixed msgid (``reason``), or a code of ``bookings.reasons`` with its values
    (``reason_code``, ``reason_params``) and what the person typed (``reason``, kept as typed)."""
    source = booking.status
    if to not in ALLOWED.get(source, set()):
        raise Conflict(_("A booking that is %(status)s cannot become %(to)s.") % {
            "status": booking.get_status_display().lower(), "to": S(to).label.lower()})
    if to in (S.CANCELLED, S.DECLINED, S.EXPIRED) or source in (S.CANCELLED, S.EXPIRED):
        booking.ical_sequence += 1  # calendars apply only updates with a higher SEQUENCE
    booking.status = to
    booking.save(update_fields=["status", "payment_status", "payment_due_at", "hold_expires_at",
                                "cancellation_reason", "cancelled_by", "slot", "rescheduled_from", "ical_sequence",
                                "updated_at"])
    audit = BookingEvent.objects.create(booking=booking, actor=actor, from_status=source, to_status=to, reason=reason,
                                        reason_code=reason_code, reason_params=reason_params or {}, **event)
    notify.booking_changed_on_commit(booking.pk, source, to, event_id=audit.pk)
    if source in JOINABLE:
        realtime.room_access_changed_on_commit(slot_id=booking.slot_id)
    return booking


def _transition_many(bookings: list[Booking], *, to: str, actor: User | None, reason: str, **fields) -> None:
    """``_transition`` for many locked bookings at once (a sweep's batch): the same check, audit row and
    notice for each, in one UPDATE per source status instead of three queries per booking. ``fields``
    are set on every one of them (``hold_expires_at=None``)."""
    now = timezone.now()
    sources = [booking.status for booking in bookings]
    by_source: dict[str, list[Booking]] = {}
    for booking in bookings:
        if to not in ALLOWED.get(booking.status, set()):
            raise Conflict(_("A booking that is %(status)s cannot become %(to)s.") % {
                "status": booking.get_status_display().lower(), "to": S(to).label.lower()})
        by_source.setdefault(booking.status, []).append(booking)
    for source, group in by_source.items():
        bump = int(to in (S.CANCELLED, S.DECLINED, S.EXPIRED) or source in (S.CANCELLED, S.EXPIRED))
        Booking.objects.filter(pk__in=[booking.pk for booking in group]).update(
            status=to, ical_sequence=F("ical_sequence") + bump, updated_at=now, **fields)
        for booking in group:
            booking.status, booking.ical_sequence, booking.updated_at = to, booking.ical_sequence + bump, now
            for name, value in fields.items():
                setattr(booking, name, value)
    audits = {}
    for source, group in by_source.items():
        audits.update(_audit_many([booking.pk for booking in group], source=source, to=to, actor=actor,
                                  reason=reason, at=now))
    notify.bookings_changed_on_commit([(booking.pk, source, to, audits[booking.pk]) for booking, source
                                       in zip(bookings, sources, strict=True)])
    for slot_id in {booking.slot_id for booking, source in zip(bookings, sources, strict=True) if source in JOINABLE}:
        realtime.room_access_changed_on_commit(slot_id=slot_id)


def _audit_many(booking_ids: list[int], *, source: str, to: str, actor: User | None, reason: str,
                at: datetime) -> dict[int, int]:
    """One audit row per booking, the same for each, made by the database from their ids in one statement
    (``INSERT ... SELECT ... RETURNING``); returns each booking's audit row id. ``bulk_create`` built a model
    instance and nine parameters per row: for a sweep's batch of 500, more time than the insert itself."""
    field = BookingEvent._meta.get_field
    values = {"booking": F("pk"), "actor": Value(actor.pk if actor else None, field("actor").target_field),
              "from_status": Value(source), "to_status": Value(to), "reason": Value(reason), "reason_code": Value(""),
              "reason_params": Value({}, field("reason_params")), "created_at": Value(at, field("created_at"))}
    rows = Booking.objects.filter(pk__in=booking_ids).order_by().values_list(*values.values())
    select, params = rows.query.get_compiler(connection=connection).as_sql()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field(name).column) for name in values)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(BookingEvent._meta.db_table)} ({columns}) {select} "
                       f"RETURNING {quote(field('booking').column)}, {quote(BookingEvent._meta.pk.column)}", params)
        return dict(cursor.fetchall())


def transition(booking: Booking, *, to: str, actor: User | None, reason: str = "", reason_code: str = "",
               reason_params: dict | None = None) -> Booking:
    """The transition function, for other apps' services (sessions complete, no-show) on a locked booking."""
    return _transition(booking, to=to, actor=actor, reason=reason, reason_code=reason_code,
                       reason_params=reason_params)


def _take_seat(slot: Slot) -> None:
    taken = Slot.objects.filter(pk=slot.pk, is_active=True, seats_taken__lt=F("capacity")).update(
        seats_taken=F("seats_taken") + 1)
    if not taken:
        raise Conflict(_("That time was just taken: no seats are left."))
    slot.refresh_from_db(fields=["seats_taken"])


def _release_seat(slot: Slot) -> None:
    _release_seats([slot.pk])


def _release_seats(slot_ids: list[int]) -> None:
    """One seat back per entry (a slot listed twice gets two back), in one UPDATE per distinct count."""
    counts = Counter(slot_ids)
    for count in set(counts.values()):
        ids = [pk for pk, n in counts.items() if n == count]
        # A slot that only existed for its bookings gives the time back to the mentor's hours when it empties.
        # (Both sides of an UPDATE read the row as it was: seats_taken == count means none are left.)
        Slot.objects.filter(pk__in=ids, seats_taken__gte=count).update(
            seats_taken=F("seats_taken") - count,
            is_active=Case(When(published=False, seats_taken=count, then=Value(False)), default=F("is_active")))


def _expire_overdue_on_slot(slot: Slot, now: datetime) -> None:
    """Lazy expiry under the slot lock: an overdue hold or an unpaid booking past its payment deadline
    never keeps a seat from the next mentee, whether or not the beat sweep has run."""
    overdue_hold = Q(status=S.REQUESTED, hold_expires_at__lte=now)
    unpaid = Q(status__in=Booking.LIVE, payment_status=Booking.PaymentStatus.PENDING, payment_due_at__lte=now)
    # One read for both, as it runs on every hold. A hold past both deadlines expires as a hold: the mentor
    # never accepted it, so it was never a booking left unpaid.
    for booking in Booking.objects.select_for_update().filter(overdue_hold | unpaid, slot=slot):
        if booking.status == S.REQUESTED and booking.hold_expires_at is not None and booking.hold_expires_at <= now:
            _expire(booking)
        else:
            _end_unpaid(booking, now=now)


def _check_bookable_mentor(mentor: MentorProfile, mentee: User) -> None:
    if mentor.user_id == mentee.pk:
        raise InvalidInput(_("You cannot book yourself."), field="mentor_id")
    if not mentor.is_listed:
        raise Conflict(_("This mentor is not taking bookings right now."))


def _check_mentee_free(mentee: User, start: datetime, end: datetime, *, ignore: int | None = None,
                       slot_id: int | None = None) -> None:
    """Refuses a time the mentee already has a live booking at; ``slot_id``, the slot being booked, gets
    its own message (a seat in the same slot is also a booking at the same time: one query for both)."""
    clash = Booking.objects.filter(mentee=mentee, status__in=Booking.LIVE, slot__start__lt=end, slot__end__gt=start)
    if ignore:
        clash = clash.exclude(pk=ignore)
    clashing = list(clash.values_list("slot_id", flat=True)[:10])
    if slot_id is not None and slot_id in clashing:
        raise Conflict(_("You already have a seat in this slot."))
    if clashing:
        raise Conflict(_("You already have a session at that time."))


def _lock_slot(slot_id: int) -> Slot:
    # of=self: the optional service is an outer join, which PostgreSQL cannot lock.
    slot = (Slot.objects.select_for_update(of=("self",)).select_related("mentor__user", "service")
            .filter(pk=slot_id).first())
    if slot is None or not slot.is_active:
        raise NotFound(_("No such slot."))
    return slot


def _seat_in_existing_slot(*, slot_id: int, mentee: User, now: datetime, ignore: int | None = None,
                           locked: Slot | None = None) -> Slot:
    slot = locked or _lock_slot(slot_id)  # ``locked``: the caller holds this slot's lock already
    _check_bookable_mentor(slot.mentor, mentee)
    if slot.start <= now + timedelta(minutes=slot.mentor.min_notice_minutes):
        raise InvalidInput(_("That time is too soon (or already past) to book."), field="slot_id")
    _expire_overdue_on_slot(slot, now)
    _check_mentee_free(mentee, slot.start, slot.end, ignore=ignore, slot_id=slot.pk)
    _take_seat(slot)
    return slot


def _seat_at_free_time(
    *, mentor: MentorProfile, service: Service | None, start: datetime, duration: int, mentee: User, now: datetime,
    ignore: int | None = None,
) -> Slot:
    """Book free time inside the mentor's hours: creates the slot, or joins an open seat at that very time."""
    mentor = MentorProfile.objects.select_for_update().get(pk=mentor.pk)  # one writer per mentor's calendar
    _check_bookable_mentor(mentor, mentee)
    if start <= now + timedelta(minutes=mentor.min_notice_minutes):
        raise InvalidInput(_("That time is too soon (or already past) to book."), field="scheduled_at")
    if start > now + timedelta(days=settings.BOOKING_HORIZON_DAYS):
        raise InvalidInput(_("Sessions can be booked up to %(days)s days ahead.") % {
            "days": settings.BOOKING_HORIZON_DAYS}, field="scheduled_at")
    end = start + timedelta(minutes=duration)
    window_service = service or Service(duration_minutes=duration, capacity=1)
    offered = mentor_selectors.bookable_times(mentor=mentor, service=window_service, window_start=start,
                                              window_end=start + timedelta(seconds=1), now=now)
    match = next((t for t in offered if t.start == start), None)
    if match is None:
        raise Conflict(_("That time is not available. Pick one of the mentor's bookable times."))
    if match.slot_id:
        return _seat_in_existing_slot(slot_id=match.slot_id, mentee=mentee, now=now, ignore=ignore)
    _check_mentee_free(mentee, start, end, ignore=ignore)
    try:
        with transaction.atomic():
            slot = Slot.objects.create(mentor=mentor, service=service, start=start, end=end, published=False,
                                       capacity=service.capacity if service else 1, seats_taken=0)
    except IntegrityError as exc:  # PostgreSQL's exclusion constraint: someone else took this time
        raise Conflict(_("That time was just taken.")) from exc
    _take_seat(slot)
    return slot


# --- Prices and payment deadlines: one rule each, used by the API, the pages and the checkout ----------


def booking_price(mentor: MentorProfile, service: Service | None, minutes: int) -> Decimal:
    """What a seat costs: its service's price, or the hourly rate for its length."""
    if service is not None:
        return service.price
    return (mentor.price_per_hour * minutes / 60).quantize(Decimal("0.01"))


def slot_price(slot: Slot) -> Decimal:
    """A slot is sold as what it is: the price of its own service, or of its length at the hourly rate."""
    return booking_price(slot.mentor, slot.service, slot.duration_minutes)


def service_for_slot(*, slot: Slot, service_id: int | None) -> Service | None:
    """The service a seat in this slot is booked as; a ``service_id`` may only name what the slot already is.

    A slot with a service takes only that service. A service-less slot takes a service of its very length
    and capacity, which names the kind of session; the seat is still priced by ``slot_price`` (its length at
    the hourly rate). Anything else is refused, so no client can price a seat by a cheaper service.
    """
    if service_id is None or service_id == slot.service_id:
        return slot.service
    if slot.service_id is not None:
        raise InvalidInput(_("This time is sold as “%(service)s” only; book it with that service "
                             "or without a service_id.") % {"service": slot.service.name}, field="service_id")
    service = Service.objects.filter(pk=service_id, mentor_id=slot.mentor_id, is_active=True).first()
    if service is None:
        raise InvalidInput(_("That service is not offered by this mentor."), field="service_id")
    if service.duration_minutes != slot.duration_minutes or service.capacity != slot.capacity:
        raise InvalidInput(
            _("“%(service)s” (%(minutes)s minutes, %(seats)s seat(s)) does not fit this time "
              "(%(slot_minutes)s minutes, %(slot_seats)s seat(s)). Book it without a service_id.") % {
                "service": service.name, "minutes": service.duration_minutes, "seats": service.capacity,
                "slot_minutes": slot.duration_minutes, "slot_seats": slot.capacity},
            field="service_id")
    return service


@dataclass(frozen=True)
class Quote:
    """What ``booking_hold`` would sell for a choice, worked out without taking anything."""

    slot: Slot | None
    service: Service | None
    start: datetime
    end: datetime
    price: Decimal
    payment_due_at: datetime | None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


def booking_quote(*, mentor: MentorProfile, slot_id: int | None = None, service_id: int | None = None,
                  start: datetime | None = None, now: datetime | None = None) -> Quote:
    """The session, price and payment deadline a mentee is about to book, by the same rules as ``booking_hold``:
    the page shows exactly what the hold will charge, and refuses what the hold would refuse."""
    now = now or timezone.now()
    if slot_id is not None:
        slot = (Slot.objects.select_related("mentor", "service").filter(pk=slot_id, mentor=mentor, is_active=True)
                .first())
        if slot is None:
            raise NotFound(_("That time is no longer offered. Pick another one."))
        service, start, end, price = service_for_slot(slot=slot, service_id=service_id), slot.start, slot.end, \
            slot_price(slot)
    else:
        if start is None:
            raise InvalidInput(_("Pick a time first."), field="start")
        service = None
        if service_id is not None:
            service = Service.objects.filter(pk=service_id, mentor=mentor, is_active=True).first()
            if service is None:
                raise InvalidInput(_("That service is not offered by this mentor."), field="service_id")
        minutes = service.duration_minutes if service else mentor.default_session_minutes
        end, price = start + timedelta(minutes=minutes), booking_price(mentor, service, minutes)
    due = _payment_fields(price, start, now, field="start")["payment_due_at"]
    return Quote(slot if slot_id is not None else None, service, start, end, price, due)


def payment_due(*, start: datetime, now: datetime) -> datetime:
    """When a priced booking made ``now`` for ``start`` must be paid: the usual lead time before the start,
    or, for a booking made later than that, ``PAYMENT_QUICK_MINUTES`` after booking. Too close to the start
    for even that, a priced booking is refused rather than given a deadline that has already passed."""
    quick = now + timedelta(minutes=settings.PAYMENT_QUICK_MINUTES)
    if quick > start:
        raise InvalidInput(_("This session starts in less than %(minutes)s minutes, too soon to pay for it. Pick a "
                             "later time.") % {"minutes": settings.PAYMENT_QUICK_MINUTES}, field="scheduled_at")
    return max(start - timedelta(minutes=settings.PAYMENT_DEADLINE_MINUTES), quick)


def _payment_fields(price: Decimal, start: datetime, now: datetime, *, field: str) -> dict:
    if price > MAX_PRICE:  # a long slot at a high hourly rate: more than one payment can take
        raise InvalidInput(_("This session would cost %(price)s, more than one booking may cost (%(max)s). Pick a "
                             "shorter time.") % {"price": f"{price:,}", "max": f"{MAX_PRICE:,}"}, field=field)
    if price <= 0:
        return {"payment_status": Booking.PaymentStatus.NOT_REQUIRED, "payment_due_at": None}
    try:
        due = payment_due(start=start, now=now)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from None
    return {"payment_status": Booking.PaymentStatus.PENDING, "payment_due_at": due}


@transaction.atomic
def booking_hold(
    *, mentee: User, slot_id: int | None = None, service_id: int | None = None, mentor_id: int | None = None,
    start: datetime | None = None, duration_minutes: int | None = None, topic: str = "", notes: str = "",
    agenda: str = "", now: datetime | None = None,
) -> Booking:
    """A mentee takes a seat: in an existing slot, or at a bookable time of a mentor (creating its slot).

    With both ``slot_id`` and ``mentor_id``, the slot must be that mentor's (``NotFound`` otherwise).

    The price is always the slot's (``slot_price``). Starts ``requested`` with a hold deadline when the
    mentor confirms requests, otherwise ``scheduled``; a priced booking also gets its payment deadline.
    """
    now = now or timezone.now()
    if slot_id is not None:
        locked = _lock_slot(slot_id)
        if mentor_id is not None and locked.mentor_id != mentor_id:
            raise NotFound(_("This mentor has no such slot."))
        service = service_for_slot(slot=locked, service_id=service_id)
        slot = _seat_in_existing_slot(slot_id=slot_id, mentee=mentee, now=now, locked=locked)
        field = "slot_id"
    else:
        if mentor_id is None or start is None:
            raise InvalidInput(_("Give a slot_id, or a mentor_id and a start time."), field="slot_id")
        mentor = MentorProfile.objects.filter(pk=mentor_id).first()
        if mentor is None or not mentor.is_listed:
            raise NotFound(_("No such mentor."))
        service = None
        if service_id is not None:
            service = Service.objects.filter(pk=service_id, mentor=mentor, is_active=True).first()
            if service is None:
                raise InvalidInput(_("That service is not offered by this mentor."), field="service_id")
        elif duration_minutes is not None:
            service = mentor.services.filter(is_active=True, duration_minutes=duration_minutes, capacity=1).first()
        minutes = service.duration_minutes if service else (duration_minutes or mentor.default_session_minutes)
        if duration_minutes and service and duration_minutes != service.duration_minutes:
            raise InvalidInput(_("The duration does not match the service."), field="duration_minutes")
        slot = _seat_at_free_time(mentor=mentor, service=service, start=start, duration=minutes, mentee=mentee, now=now)
        if duration_minutes and slot.duration_minutes != duration_minutes:
            # An open seat at that time, in a slot of another length: joining it would sell (and charge) that
            # length instead of the one asked for. The transaction undoes the seat.
            raise InvalidInput(_("That time is a %(minutes)s-minute session, not %(asked)s minutes. Leave out the "
                                 "duration to join it, or pick another time.") % {
                                     "minutes": slot.duration_minutes, "asked": duration_minutes},
                               field="duration_minutes")
        # An open seat found at that time is sold as what its slot is, like any other seat in it.
        service = service_for_slot(slot=slot, service_id=service.pk if service else None)
        field = "scheduled_at"
    mentor = slot.mentor
    price = slot_price(slot)
    requested = mentor.requires_confirmation
    booking = Booking.objects.create(
        slot=slot, mentee=mentee, service=service, price=price, currency=mentor.currency,
        status=S.REQUESTED if requested else S.SCHEDULED, **_payment_fields(price, slot.start, now, field=field),
        hold_expires_at=min(now + timedelta(minutes=mentor.hold_minutes), slot.start) if requested else None,
        topic=topic, notes=notes, agenda=agenda,
    )
    audit = BookingEvent.objects.create(booking=booking, actor=mentee, from_status="", to_status=booking.status,
                                        reason=gettext_noop("Requested; waiting for the mentor.") if requested
                                        else gettext_noop("Booked."))
    notify.booking_changed_on_commit(booking.pk, "", booking.status, event_id=audit.pk)
    return booking


def lock_booking(booking_id: int) -> Booking:
    """The booking row, locked for the caller's transaction (used by payments)."""
    return _lock_booking(booking_id)


def _lock_booking(booking_id: int) -> Booking:
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("slot__mentor__user", "mentee", "service")
               .filter(pk=booking_id).first())
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def _as_mentor(booking: Booking, actor: User) -> None:
    if booking.slot.mentor.user_id != actor.pk:
        if booking.mentee_id == actor.pk:
            raise PermissionDenied(_("Only the mentor can do this."))
        raise NotFound(_("No such booking."))  # others learn nothing, not even that it exists


def _as_participant(booking: Booking, actor: User) -> None:
    if not booking.is_open_to(actor):
        raise NotFound(_("No such booking."))


@transaction.atomic
def booking_confirm(*, booking_id: int, actor: User, now: datetime | None = None) -> Booking:
    """The mentor accepts a request. Refused once its hold is overdue.

    The refusal rolls this transaction back, so the expiry itself is recorded
    by the sweep or by the next mentee taking that seat, never lost.
    """
    now = now or timezone.now()
    booking = _lock_booking(booking_id)
    _as_mentor(booking, actor)
    if booking.status == S.REQUESTED and booking.hold_expires_at and booking.hold_expires_at <= now:
        raise Conflict(_("This request expired before it was confirmed."))
    if booking.status != S.REQUESTED:
        raise Conflict(_("Only a requested booking can be confirmed; this one is %(status)s.") % {
            "status": booking.get_status_display().lower()})
    booking.hold_expires_at = None
    return _transition(booking, to=S.SCHEDULED, actor=actor, reason=gettext_noop("Confirmed by the mentor."))


@transaction.atomic
def booking_decline(*, booking_id: int, actor: User, reason: str = "") -> Booking:
    """The mentor turns a request down; the seat goes back at once and anything paid comes back in full."""
    booking = _lock_booking(booking_id)
    _as_mentor(booking, actor)
    if booking.status != S.REQUESTED:
        raise Conflict(_("Only a requested booking can be declined; this one is %(status)s.") % {
            "status": booking.get_status_display().lower()})
    booking.hold_expires_at = None
    _refund_in_full(booking, reason="Declined by the mentor: full refund.")
    _transition(booking, to=S.DECLINED, actor=actor, reason=reason, reason_code=reasons.DECLINED)
    _release_seat(booking.slot)
    return booking


def _refund_in_full(booking: Booking, *, reason: str) -> None:
    ports.money().refund_in_full(booking=booking, reason=reason)


@transaction.atomic
def booking_cancel(
    *, booking_id: int, actor: User, reason: str = "", now: datetime | None = None, expected_status: str | None = None,
    full_refund: bool = False,
) -> Booking:
    """The mentee, the mentor or staff cancel before the start; the seat goes back, money by the refund policy.

    Staff cancel under the mentee's terms, or with ``full_refund`` give everything back; nobody else may
    ask for that (a mentor's cancellation refunds in full anyway).

    ``expected_status`` is the state the user saw when they chose to cancel: if the
    booking has moved on meanwhile (a request confirmed a moment earlier), the cancel
    is refused rather than applied to something, and under terms, the user never saw.
    """
    now = now or timezone.now()
    if full_refund and not actor.is_staff:
        raise PermissionDenied(_("Only staff can grant a full refund regardless of the cancellation terms."))
    booking = _lock_booking(booking_id)
    _as_participant(booking, actor)
    if expected_status and booking.status != expected_status:
        raise Conflict(_("This booking changed meanwhile: it is now %(status)s. Reload and decide again.") % {
            "status": booking.get_status_display().lower()})
    if not booking.is_live:
        raise InvalidInput(_("A booking that is %(status)s cannot be cancelled.") % {
            "status": booking.get_status_display().lower()}, field="status")
    if booking.slot.start <= now:
        raise InvalidInput(_("A session that has started cannot be cancelled."), field="status")
    booking.cancellation_reason = reason
    booking.cancelled_by = actor
    booking.hold_expires_at = None
    quote = ports.money().refund_for_cancellation(booking=booking, actor=actor, now=now, full_refund=full_refund)
    _transition(booking, to=S.CANCELLED, actor=actor, reason=reason.strip(),
                reason_code=reasons.cancelled_by(booking, actor),
                reason_params={"rule": quote.rule_code, "rule_params": quote.rule_params})
    _release_seat(booking.slot)
    return booking


@transaction.atomic
def booking_reschedule(
    *, booking_id: int, actor: User, start: datetime, now: datetime | None = None, duration_minutes: int | None = None,
) -> Booking:
    """Move a live booking to a new time in one step: new seat taken, old seat freed, payment kept.

    What was bought stays what it was: the same service, length and price. A different length is a new
    booking, so ``duration_minutes`` may only repeat the current one. A mentee's move waits for the
    mentor again when the mentor confirms requests: always for a request, and for a scheduled session
    when the mentor also confirms moves (``confirm_reschedules``).
    """
    now = now or timezone.now()
    booking = _lock_booking(booking_id)
    _as_participant(booking, actor)
    if not booking.is_live:
        raise InvalidInput(_("A booking that is %(status)s cannot be rescheduled.") % {
            "status": booking.get_status_display().lower()}, field="status")
    if booking.slot.start <= now:
        raise InvalidInput(_("A session that has started cannot be rescheduled."), field="status")
    if refusal := late_move_refusal(booking=booking, actor=actor, now=now):
        raise InvalidInput(refusal, field="status")
    old_slot = booking.slot
    minutes = old_slot.duration_minutes
    if duration_minutes is not None and duration_minutes != minutes:
        raise InvalidInput(_("A reschedule keeps the session's length (%(minutes)s minutes) and price. For a different "
                             "length, book a new session and cancel this one.") % {"minutes": minutes},
                           field="duration")
    new_slot = _seat_at_free_time(mentor=old_slot.mentor, service=booking.service, start=start, duration=minutes,
                                  mentee=booking.mentee, now=now, ignore=booking.pk)
    if new_slot.service_id not in (booking.service_id, None) or new_slot.duration_minutes != minutes:
        raise InvalidInput(_("That time is sold as a different session. Pick another time."), field="start")
    _release_seat(old_slot)
    mentor = old_slot.mentor
    waits = (actor.pk == booking.mentee_id and mentor.requires_confirmation
             and (booking.status == S.REQUESTED or mentor.confirm_reschedules))
    booking.slot = new_slot
    booking.rescheduled_from = old_slot
    booking.ical_sequence += 1
    booking.hold_expires_at = min(now + timedelta(minutes=mentor.hold_minutes), new_slot.start) if waits else None
    if booking.payment_status == Booking.PaymentStatus.PENDING:
        booking.payment_due_at = payment_due(start=new_slot.start, now=now)
    realtime.room_access_changed_on_commit(slot_id=old_slot.pk)
    return _transition(booking, to=S.REQUESTED if waits else S.SCHEDULED, actor=actor,
                       reason=gettext_noop("Moved to a new time; waiting for the mentor to confirm.") if waits else
                       gettext_noop("Moved to a new time."), moved_from=old_slot.start, moved_to=new_slot.start)


def late_move_refusal(*, booking: Booking, actor: User, now: datetime) -> str | None:
    """Why ``actor`` may not move ``booking`` now, in words for them, or None if they may (as far as money goes).

    A paid session whose full-refund deadline has passed stays where it is, for its mentee: moved to a later
    date, it could be cancelled there in time for a full refund, and the late-cancellation terms would never
    apply. The mentor, whose cancellation always refunds in full, may still move it. The booking page asks
    this too, so it offers no move the service would refuse.
    """
    if actor.pk != booking.mentee_id:
        return None
    quote = ports.money().refund_quote(booking=booking, actor=actor, now=now)
    if quote.rule_code != "late" or quote.percent >= 100:
        return None
    return _("It is too late to move this session: full refunds end %(hours)s hours before the start. You can "
             "still cancel it (%(percent)s%% back) or ask the mentor to move it.") % {
        "hours": quote.rule_params["hours"], "percent": quote.percent}


def _expire(booking: Booking) -> None:
    booking.hold_expires_at = None
    _refund_in_full(booking, reason="The mentor did not answer in time: full refund.")
    _transition(booking, to=S.EXPIRED, actor=None, reason=gettext_noop("The mentor did not answer in time."))
    _release_seat(booking.slot)


def booking_expire_overdue(*, now: datetime | None = None, batch: int | None = None) -> int:
    """The beat sweep: expire every overdue request, ``batch`` at a time, each batch one transaction.

    Bounded work per transaction and flat memory however many are due; rows another sweep (or a seat
    taker) holds are skipped, not waited for, so two sweeps share the work instead of queueing.
    """
    now = now or timezone.now()
    batch = batch or settings.SWEEP_BATCH_SIZE
    expired = 0
    while count := _expire_batch(now=now, batch=batch):
        expired += count
    return expired


@transaction.atomic
def _expire_batch(*, now: datetime, batch: int) -> int:
    # Locked and read with only what _transition_many writes (measured: about 5 % of the sweep's time).
    due = list(Booking.objects.select_for_update(skip_locked=True)
               .filter(status=S.REQUESTED, hold_expires_at__lte=now).order_by("hold_expires_at", "pk")
               .only("id", "status", "slot_id", "ical_sequence")[:batch])
    if not due:
        return 0
    # A request with money (a payment made or begun) goes back through payments on its own, as a whole
    # booking; one with no payment row has nothing to give back or void, and most requests are such.
    with_money = set(Booking.objects.filter(pk__in=[booking.pk for booking in due], payments__isnull=False)
                     .values_list("pk", flat=True))
    for booking in Booking.objects.filter(pk__in=with_money).order_by("pk"):
        _expire(booking)
    plain = [booking for booking in due if booking.pk not in with_money]
    if plain:
        _transition_many(plain, to=S.EXPIRED, actor=None, reason=gettext_noop("The mentor did not answer in time."),
                         hold_expires_at=None)
        _release_seats([booking.slot_id for booking in plain])
    return len(due)


NOTE_FIELDS = ("notes", "mentee_notes", "agenda")


@transaction.atomic
def booking_update_notes(*, booking_id: int, actor: User, now: datetime | None = None, **changes) -> Booking:
    """The mentee edits the shared notes, their own notes or the agenda of a future live booking."""
    now = now or timezone.now()
    booking = _lock_booking(booking_id)
    if booking.mentee_id != actor.pk:
        raise NotFound(_("No such booking."))
    if not booking.is_live or booking.slot.start <= now:
        raise InvalidInput(_("Only future requested or scheduled sessions can be edited."), field="status")
    fields = [name for name in NOTE_FIELDS if name in changes]
    for name in fields:
        setattr(booking, name, changes[name])
    booking.save(update_fields=[*fields, "updated_at"])
    return booking


SHARED_FIELDS = ("topic", "notes", "agenda")
# Each private note has one writer, whoever else may manage the session (staff included).
PRIVATE_FIELDS = {"mentee_notes": gettext_lazy("the mentee"), "mentor_notes": gettext_lazy("the mentor")}


@transaction.atomic
def booking_update(*, booking_id: int, actor: User, start: datetime | None = None, now: datetime | None = None,
                   **changes: str) -> Booking:
    """A participant or staff edits a session in one step: its shared fields (topic, notes, agenda), the
    actor's own private notes, and, with ``start``, its time (a reschedule by ``booking_reschedule``).

    One transaction: a move that is refused leaves the notes unchanged too. The shared fields and the
    mentee's notes change only on a future live session (as ``booking_update_notes``); the mentor's
    private notes at any time (as ``sessions/{id}/notes``). Outsiders: NotFound.
    """
    now = now or timezone.now()
    unknown = sorted(set(changes) - {*SHARED_FIELDS, *PRIVATE_FIELDS})
    if unknown:
        raise InvalidInput(_("%(field)s cannot be edited here.") % {"field": unknown[0]}, field=unknown[0])
    booking = _lock_booking(booking_id)
    _as_participant(booking, actor)
    owners = {"mentee_notes": booking.mentee_id, "mentor_notes": booking.slot.mentor.user_id}
    for name, owner in owners.items():
        if name in changes and actor.pk != owner:
            raise PermissionDenied(
                _("Only %(owner)s edits %(field)s.") % {"owner": PRIVATE_FIELDS[name], "field": name}, field=name)
    moves = start is not None and start != booking.slot.start
    if not changes and not moves:
        raise InvalidInput(_("Nothing to change."))
    if any(name != "mentor_notes" for name in changes) and (not booking.is_live or booking.slot.start <= now):
        raise InvalidInput(_("Only future requested or scheduled sessions can be edited."), field="status")
    if moves:
        booking = booking_reschedule(booking_id=booking.pk, actor=actor, start=start, now=now)
    for name, value in changes.items():
        setattr(booking, name, value)
    if changes:
        booking.save(update_fields=[*changes, "updated_at"])
    return booking


# --- Called by payments, inside its transaction, with the booking locked ------------------------------


def booking_mark_paid(*, booking: Booking) -> Booking:
    """Record that a live booking is paid."""
    booking.payment_status = Booking.PaymentStatus.PAID
    booking.payment_due_at = None
    booking.save(update_fields=["payment_status", "payment_due_at", "updated_at"])
    BookingEvent.objects.create(booking=booking, actor=None, from_status=booking.status, to_status=booking.status,
                                reason=gettext_noop("Payment received."))
    return booking


def booking_note_refund(*, booking: Booking, actor: User | None, reason_code: str, reason_params: dict,
                        note: str = "") -> None:
    """Record in the audit log a refund that changes no status (staff giving back money of an ended booking):
    a code of ``bookings.reasons`` with its values, and the note staff typed."""
    BookingEvent.objects.create(booking=booking, actor=actor, from_status=booking.status, to_status=booking.status,
                                reason=note, reason_code=reason_code, reason_params=reason_params)


def booking_end_refunded(*, booking: Booking, reason_code: str, reason_params: dict | None = None, note: str = "",
                         actor: User | None = None) -> Booking:
    """A live booking whose money was all given back outside a cancellation (by staff, or from Stripe's
    dashboard) is no longer a session anyone paid for: it is cancelled and its seat freed. Why is a code
    of ``bookings.reasons`` with its values; ``note`` is what staff typed (the cancellation's reason)."""
    booking.payment_status = Booking.PaymentStatus.REFUNDED
    booking.hold_expires_at = booking.payment_due_at = None
    booking.cancellation_reason, booking.cancelled_by = note, actor
    _transition(booking, to=S.CANCELLED, actor=actor, reason=note, reason_code=reason_code,
                reason_params=reason_params)
    _release_seat(booking.slot)
    return booking


def booking_can_reinstate(booking: Booking) -> bool:
    """Only a booking the system ended (its hold expired, or unpaid at its deadline) comes back with a late
    payment; one that somebody cancelled or declined stays ended and the payment is refunded."""
    return booking.status == S.EXPIRED or (booking.status == S.CANCELLED and booking.cancelled_by_id is None
                                           and booking.payment_status == Booking.PaymentStatus.PENDING)


def booking_reinstate(*, booking: Booking, now: datetime) -> bool:
    """Bring back a booking the system ended, when its payment arrives late and its seat is still free.

    It returns to where it was: a request waits for the mentor again (with a fresh hold), a session is
    scheduled."""
    if not booking_can_reinstate(booking):
        return False
    slot = Slot.objects.select_for_update().filter(pk=booking.slot_id).first()
    if slot is None or slot.start <= now:
        return False
    if not slot.is_active:
        overlapping = Slot.objects.filter(mentor_id=slot.mentor_id, is_active=True, start__lt=slot.end,
                                          end__gt=slot.start)
        if slot.published or overlapping.exists():
            return False
        slot.is_active = True
        try:
            with transaction.atomic():
                slot.save(update_fields=["is_active", "updated_at"])
        except IntegrityError:  # PostgreSQL's exclusion constraint: the time was taken meanwhile
            return False
    if Booking.objects.filter(mentee=booking.mentee, status__in=Booking.LIVE, slot__start__lt=slot.end,
                              slot__end__gt=slot.start).exists():
        return False
    try:
        _take_seat(slot)
    except Conflict:
        return False
    last = booking.events.exclude(from_status="").order_by("-created_at", "-id").first()
    back = S.REQUESTED if last and last.from_status == S.REQUESTED else S.SCHEDULED
    mentor = slot.mentor
    booking.cancellation_reason, booking.cancelled_by = "", None
    booking.hold_expires_at = min(now + timedelta(minutes=mentor.hold_minutes), slot.start) if back == S.REQUESTED \
        else None
    _transition(booking, to=back, actor=None,
                reason=gettext_noop("Reinstated: the payment arrived and the seat was free."))
    return True


def booking_cancel_unpaid(*, now: datetime | None = None) -> int:
    """The beat sweep: release the seats of priced bookings still unpaid at their payment deadline."""
    now = now or timezone.now()
    overdue = Booking.objects.filter(status__in=Booking.LIVE, payment_status=Booking.PaymentStatus.PENDING,
                                     payment_due_at__lte=now).values_list("pk", flat=True)
    return sum(_cancel_unpaid(booking_id=pk, now=now) for pk in list(overdue))


@transaction.atomic
def _cancel_unpaid(*, booking_id: int, now: datetime) -> bool:
    booking = _lock_booking(booking_id)
    if not booking.is_live or booking.payment_status != Booking.PaymentStatus.PENDING or \
            booking.payment_due_at is None or booking.payment_due_at > now:
        return False  # paid or changed meanwhile: safe to run twice
    _end_unpaid(booking, now=now)
    return True


def _end_unpaid(booking: Booking, *, now: datetime) -> None:
    # Voids its open intents.
    ports.money().refund_for_cancellation(booking=booking, actor=booking.slot.mentor.user, now=now)
    booking.cancellation_reason, booking.hold_expires_at = reasons.UNPAID, None
    _transition(booking, to=S.CANCELLED, actor=None,
                reason=gettext_noop("Not paid by the payment deadline; the seat is free."))
    _release_seat(booking.slot)
