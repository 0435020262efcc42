"""Random sequences of everything that moves seats and money, checked after every step.

Hypothesis drives holds, confirmations, declines, payments (started, succeeded, failed, replayed, and
successes that arrive late for intents already voided), reschedules, cancellations by either side, the
clock, and the expiry and unpaid-deadline sweeps, against one mentor's group slot. After every step:

- seats taken = live bookings, for every slot of the mentor;
- a booking keeps its price if it is live and paid, and nothing otherwise (everything else refunded);
- no booking has two kept payments;
- nothing is flagged (every event carries the amount we asked for).

Cancellations here always happen more than a day ahead, so the refund policy gives everything back;
the policy's own table is tested in test_payments.py.
"""

import contextlib
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.tests.factories import MentorUserFactory, UserFactory
from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.errors import DomainError
from mentors.models import Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory
from payments import services
from payments.models import Payment
from payments.tests.conftest import intent_object

KEPT = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
pick = st.integers(min_value=0, max_value=50)


class MoneyAndSeats(RuleBasedStateMachine):
    @initialize(confirming=st.booleans(), confirm_moves=st.booleans())
    def a_mentor_with_a_two_seat_workshop(self, confirming, confirm_moves):
        self.now = timezone.now().replace(microsecond=0)
        self.profile = MentorProfileFactory(user=MentorUserFactory(), timezone="UTC", min_notice_minutes=0,
                                            requires_confirmation=confirming, confirm_reschedules=confirm_moves,
                                            hold_minutes=120)
        for weekday in range(7):
            WeeklyRuleFactory(mentor=self.profile, weekday=weekday, start_time=time(9), end_time=time(17))
        self.workshop = ServiceFactory(mentor=self.profile, duration_minutes=60, capacity=2, price=Decimal("1500"))
        start = (self.now + timedelta(days=4)).replace(hour=10, minute=0, second=0)
        self.slot = SlotFactory(mentor=self.profile, service=self.workshop, start=start,
                                end=start + timedelta(hours=1), capacity=2)
        self.mentees = [UserFactory() for _ in range(2)]
        self.bookings: list[int] = []
        self.payments: list[int] = []
        self.delivered: list[dict] = []

    # --- helpers -----------------------------------------------------------------------------------

    def _pick(self, i: int, *statuses: str) -> Booking | None:
        """One of this machine's bookings in one of these statuses (any, when none are named)."""
        bookings = Booking.objects.filter(pk__in=self.bookings).select_related("slot__mentor__user", "mentee")
        if statuses:
            bookings = bookings.filter(status__in=statuses)
        found = list(bookings.order_by("pk"))
        return found[i % len(found)] if found else None

    def _deliver(self, event: dict) -> None:
        services.payment_event_record(provider="offline", event=event, now=self.now)
        self.delivered.append(event)

    # --- what mentees, mentors, the provider and the clock do ------------------------------------------
    # One rule picks the action, so the mix is ours rather than Hypothesis' (it would favour the rules with
    # the simplest arguments); money moves get more turns. ``i`` picks whom it happens to.

    @rule(action=st.sampled_from([
        "a_mentee_holds_a_seat", "a_mentee_holds_a_seat", "the_mentor_answers", "somebody_cancels",
        "the_mentee_reschedules", "the_mentee_reschedules", "the_mentee_starts_paying", "the_mentee_starts_paying",
        "the_provider_reports", "the_provider_reports", "the_provider_reports", "time_passes_and_the_sweeps_run",
    ]), i=pick, flag=st.booleans())
    def step(self, action, i, flag):
        # Refused for a reason a user can act on: nothing may have changed, and the invariants check that.
        with contextlib.suppress(DomainError):
            getattr(self, action)(i, flag)

    def a_mentee_holds_a_seat(self, i, and_opens_the_checkout):
        booking = booking_services.booking_hold(mentee=self.mentees[i % len(self.mentees)], slot_id=self.slot.pk,
                                                now=self.now)
        self.bookings.append(booking.pk)
        if and_opens_the_checkout:
            self.payments.append(services.payment_start(booking_id=booking.pk, payer=booking.mentee, now=self.now).pk)

    def the_mentor_answers(self, i, confirms):
        if booking := self._pick(i, "requested"):
            if confirms:
                booking_services.booking_confirm(booking_id=booking.pk, actor=self.profile.user, now=self.now)
            else:
                booking_services.booking_decline(booking_id=booking.pk, actor=self.profile.user)

    def somebody_cancels(self, i, by_mentor):
        if booking := self._pick(i, *Booking.LIVE):
            actor = self.profile.user if by_mentor else booking.mentee
            booking_services.booking_cancel(booking_id=booking.pk, actor=actor, now=self.now)

    def the_mentee_reschedules(self, i, later):
        if booking := self._pick(i, *Booking.LIVE):
            start = self.slot.start + timedelta(hours=4 if later else 2)
            booking_services.booking_reschedule(booking_id=booking.pk, actor=booking.mentee, start=start, now=self.now)

    def the_mentee_starts_paying(self, i, flag):
        if booking := self._pick(i, *Booking.LIVE):
            payment = services.payment_start(booking_id=booking.pk, payer=booking.mentee, now=self.now)
            if payment.pk not in self.payments:
                self.payments.append(payment.pk)

    def the_provider_reports(self, i, succeeded):
        """An intent's outcome; now and then an event delivered once more."""
        if self.delivered and i % 5 == 4:
            self._deliver(self.delivered[i % len(self.delivered)])
            return
        # Mostly intents of live bookings not paid yet, voided ones included (a success can arrive after we
        # cancelled it); now and then any intent at all (a stray or late event).
        mine = Payment.objects.filter(pk__in=self.payments).order_by("pk")
        waiting = list(mine.filter(status__in=["pending", "failed", "cancelled"], booking__status__in=Booking.LIVE)) \
            if i % 4 else []
        candidates = waiting or list(mine)
        if not candidates:
            return
        payment = candidates[i % len(candidates)]
        kind = "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed"
        self._deliver({"id": f"evt_{len(self.delivered)}_{payment.pk}", "type": kind,
                       "data": {"object": intent_object(payment)}})

    def time_passes_and_the_sweeps_run(self, i, long):
        minutes = 600 if long else 45
        # At most about a day and a half in all, so every cancellation stays a full-refund one.
        if self.now + timedelta(minutes=minutes) < self.slot.start - timedelta(hours=26):
            self.now += timedelta(minutes=minutes)
        booking_services.booking_expire_overdue(now=self.now)
        booking_services.booking_cancel_unpaid(now=self.now)

    # --- what must always hold ----------------------------------------------------------------------

    @invariant()
    def seats_taken_equal_live_bookings(self):
        if not hasattr(self, "profile"):
            return
        for slot in Slot.objects.filter(mentor=self.profile):
            live = Booking.objects.filter(slot=slot, status__in=Booking.LIVE).count()
            assert slot.seats_taken == live, f"slot {slot.pk}: {slot.seats_taken} seats taken, {live} live bookings"

    @invariant()
    def a_booking_keeps_its_price_if_live_and_paid_else_nothing_and_never_two_payments(self):
        if not hasattr(self, "profile"):
            return
        for booking in Booking.objects.filter(slot__mentor=self.profile).prefetch_related("payments"):
            kept = [p for p in booking.payments.all() if p.status in KEPT and p.amount > p.refunded_amount]
            money = sum((p.amount - p.refunded_amount for p in kept), Decimal("0"))
            paid = booking.is_live and booking.payment_status == Booking.PaymentStatus.PAID
            assert money == (booking.price if paid else 0), \
                f"booking {booking.pk} ({booking.status}, {booking.payment_status}) keeps {money}"
            assert len(kept) <= 1, f"booking {booking.pk} keeps {len(kept)} payments"
            assert not any(p.flagged for p in booking.payments.all())


@pytest.mark.django_db
def test_seats_and_money_stay_honest_whatever_happens_in_whatever_order(settings_payment_deadline):
    run_state_machine_as_test(MoneyAndSeats, settings=settings(
        max_examples=100, stateful_step_count=50, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


@pytest.fixture
def settings_payment_deadline(settings):
    """Unpaid seats are due two days before the start, so the sweep's deadline falls inside the clock's range."""
    settings.PAYMENT_DEADLINE_MINUTES = 60 * 48
