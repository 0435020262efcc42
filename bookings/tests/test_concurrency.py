"""Real threads, one database connection each, racing for the same seats.

On PostgreSQL the row locks and the conditional seat UPDATE decide; on the
SQLite default, IMMEDIATE transactions queue the writers. SQLite runs the same
races with fewer threads.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings import services
from bookings.models import Booking, BookingEvent
from mentorhub.errors import DomainError
from mentorhub.testing import IS_POSTGRESQL
from mentors.models import Slot

pytestmark = pytest.mark.django_db(transaction=True)
MANY = 50 if IS_POSTGRESQL else 8
GROUP_RACERS = 20 if IS_POSTGRESQL else 8


def race(calls):
    """Start every call at the same moment; return (successes, domain errors). Anything else fails the test."""
    barrier = threading.Barrier(len(calls))
    results, lock = [], threading.Lock()

    def run(call):
        try:
            barrier.wait()
            outcome = ("ok", call())
        except DomainError as exc:
            outcome = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - reported below as a failure
            outcome = ("crash", exc)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    crashes = [value for kind, value in results if kind == "crash"]
    assert not crashes, crashes
    return ([value for kind, value in results if kind == "ok"],
            [value for kind, value in results if kind == "refused"])


def test_many_simultaneous_holds_on_a_one_seat_slot_give_exactly_one_booking(one_seat_slot):
    mentees = UserFactory.create_batch(MANY)
    ok, refused = race([lambda m=m: services.booking_hold(mentee=m, slot_id=one_seat_slot.pk) for m in mentees])
    assert len(ok) == 1 and len(refused) == MANY - 1
    assert all(exc.status_code == 409 for exc in refused)
    assert Slot.objects.get(pk=one_seat_slot.pk).seats_taken == 1
    assert Booking.objects.filter(status__in=Booking.LIVE).count() == 1


def test_a_five_seat_group_slot_raced_by_many_gives_exactly_five(group_slot):
    mentees = UserFactory.create_batch(GROUP_RACERS)
    ok, refused = race([lambda m=m: services.booking_hold(mentee=m, slot_id=group_slot.pk) for m in mentees])
    assert len(ok) == 5 and len(refused) == GROUP_RACERS - 5
    assert Slot.objects.get(pk=group_slot.pk).seats_taken == 5


def test_many_simultaneous_holds_of_the_same_free_time_give_exactly_one(profile, service, tomorrow_10):
    mentees = UserFactory.create_batch(MANY)
    ok, refused = race([lambda m=m: services.booking_hold(mentee=m, mentor_id=profile.pk, service_id=service.pk,
                                                          start=tomorrow_10) for m in mentees])
    assert len(ok) == 1
    assert Slot.objects.filter(mentor=profile, is_active=True).count() == 1


def test_simultaneous_confirm_and_cancel_of_one_request_let_exactly_one_win(profile, mentee, mentor, one_seat_slot):
    profile.requires_confirmation = True
    profile.save()
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    ok, refused = race([
        lambda: services.booking_confirm(booking_id=booking.pk, actor=mentor),
        # The mentee withdraws the request they saw; a confirmation landing first must not become a cancellation.
        lambda: services.booking_cancel(booking_id=booking.pk, actor=mentee, expected_status="requested"),
    ])
    assert len(ok) == 1 and len(refused) == 1
    booking.refresh_from_db()
    events = list(booking.events.values_list("from_status", "to_status"))
    assert events == [("", "requested"), ("requested", booking.status)]
    assert Slot.objects.get(pk=one_seat_slot.pk).seats_taken == (1 if booking.status == "scheduled" else 0)


def test_two_reschedules_into_the_same_last_seat_let_exactly_one_win(profile, service, tomorrow_10):
    first, second = UserFactory.create_batch(2)
    a = services.booking_hold(mentee=first, mentor_id=profile.pk, service_id=service.pk, start=tomorrow_10)
    b = services.booking_hold(mentee=second, mentor_id=profile.pk, service_id=service.pk,
                              start=tomorrow_10 + timedelta(hours=1))
    target = tomorrow_10 + timedelta(hours=4)
    ok, refused = race([
        lambda: services.booking_reschedule(booking_id=a.pk, actor=first, start=target),
        lambda: services.booking_reschedule(booking_id=b.pk, actor=second, start=target),
    ])
    assert len(ok) == 1 and len(refused) == 1
    assert Booking.objects.filter(slot__start=target, status="scheduled").count() == 1
    assert Slot.objects.get(mentor=profile, start=target, is_active=True).seats_taken == 1


def test_the_expiry_sweep_run_twice_at_once_expires_each_hold_once(profile, tomorrow_10):
    profile.requires_confirmation, profile.hold_minutes = True, 10
    profile.save()
    slots = [Slot.objects.create(mentor=profile, start=tomorrow_10 + timedelta(hours=h),
                                 end=tomorrow_10 + timedelta(hours=h, minutes=30)) for h in range(4)]
    for slot in slots:
        services.booking_hold(mentee=UserFactory(), slot_id=slot.pk)
    later = timezone.now() + timedelta(minutes=11)
    ok, _ = race([lambda: services.booking_expire_overdue(now=later) for _ in range(2)])
    assert sorted(ok) in ([0, 4], [1, 3], [2, 2]) and sum(ok) == 4
    assert BookingEvent.objects.filter(to_status="expired").count() == 4
    assert all(slot.seats_taken == 0 for slot in Slot.objects.filter(pk__in=[s.pk for s in slots]))
