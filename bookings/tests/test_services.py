from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings import selectors, services
from bookings.models import Booking, BookingEvent
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors.models import Slot

pytestmark = pytest.mark.django_db
S = Booking.Status


def seats(slot) -> int:
    return Slot.objects.get(pk=slot.pk).seats_taken


# --- holding a seat ------------------------------------------------------------------------------


def test_holding_a_seat_in_a_slot_books_it_and_takes_the_seat(mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    assert booking.status == S.SCHEDULED and booking.hold_expires_at is None
    assert booking.payment_status == "pending" and booking.price == one_seat_slot.mentor.price_per_hour
    assert seats(one_seat_slot) == 1
    assert [(e.from_status, e.to_status, e.actor_id) for e in booking.events.all()] == [("", "scheduled", mentee.pk)]


def test_a_mentor_who_confirms_gets_a_request_that_holds_the_seat_until_a_deadline(mentee, profile, one_seat_slot):
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    now = timezone.now()
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, now=now)
    assert booking.status == S.REQUESTED
    assert booking.hold_expires_at == now + timedelta(minutes=30)
    assert seats(one_seat_slot) == 1


def test_a_free_service_needs_no_payment(mentee, profile, one_seat_slot):
    profile.price_per_hour = 0
    profile.save()
    assert services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk).payment_status == "not_required"


def test_a_second_mentee_cannot_take_the_last_seat(mentee, other_user, one_seat_slot):
    services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with pytest.raises(Conflict):
        services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk)
    assert seats(one_seat_slot) == 1


def test_a_group_slot_takes_bookings_up_to_its_quota(group_slot):
    for _ in range(5):
        services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk)
    with pytest.raises(Conflict):
        services.booking_hold(mentee=UserFactory(), slot_id=group_slot.pk)
    assert seats(group_slot) == 5


def test_booking_free_time_creates_its_slot_inside_the_mentors_hours(mentee, profile, service, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    slot = booking.slot
    assert (slot.start, slot.end, slot.capacity, slot.seats_taken, slot.published) == (
        tomorrow_10, tomorrow_10 + timedelta(hours=1), 1, 1, False)
    assert booking.price == service.price and booking.service == service


@pytest.mark.parametrize("hour", [7, 17, 20])
def test_free_time_outside_the_mentors_hours_is_refused(mentee, profile, service, tomorrow_10, hour):
    with pytest.raises(Conflict, match="not available"):
        services.booking_hold(mentee=mentee, mentor_id=profile.pk, service_id=service.pk,
                              start=tomorrow_10.replace(hour=hour))
    assert not Slot.objects.exists()


def test_the_past_and_the_minimum_notice_are_refused(mentee, profile, one_seat_slot):
    profile.min_notice_minutes = 60 * 48
    profile.save()
    with pytest.raises(InvalidInput, match="too soon"):
        services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    past = Slot.objects.create(mentor=profile, start=timezone.now() - timedelta(hours=2),
                               end=timezone.now() - timedelta(hours=1))
    with pytest.raises(InvalidInput):
        services.booking_hold(mentee=mentee, slot_id=past.pk)


def test_nobody_books_their_own_mentor_profile(profile, one_seat_slot):
    with pytest.raises(InvalidInput, match="yourself"):
        services.booking_hold(mentee=profile.user, slot_id=one_seat_slot.pk)


@pytest.mark.parametrize("change", [{"status": "pending"}, {"status": "rejected"}, {"accepts_bookings": False}])
def test_unapproved_or_paused_mentors_cannot_be_booked(mentee, profile, one_seat_slot, change):
    for name, value in change.items():
        setattr(profile, name, value)
    profile.save()
    with pytest.raises(Conflict, match="not taking bookings"):
        services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)


def test_a_mentee_cannot_hold_two_overlapping_sessions(mentee, profile, one_seat_slot):
    other = Slot.objects.create(mentor=_other_mentor(), start=one_seat_slot.start + timedelta(minutes=30),
                                end=one_seat_slot.end + timedelta(minutes=30))
    services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with pytest.raises(Conflict, match="already have a session"):
        services.booking_hold(mentee=mentee, slot_id=other.pk)


def _other_mentor():
    from mentors.tests.factories import MentorProfileFactory

    return MentorProfileFactory(min_notice_minutes=0)


def test_an_unknown_or_withdrawn_slot_is_not_found(mentee, one_seat_slot):
    with pytest.raises(NotFound):
        services.booking_hold(mentee=mentee, slot_id=999999)
    Slot.objects.filter(pk=one_seat_slot.pk).update(is_active=False)
    with pytest.raises(NotFound):
        services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)


def test_an_overdue_hold_is_expired_by_the_next_mentee_taking_the_seat(mentee, other_user, profile, one_seat_slot):
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    now = timezone.now()
    first = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, now=now)
    second = services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk, now=now + timedelta(minutes=31))
    first.refresh_from_db()
    assert first.status == S.EXPIRED and second.status == S.REQUESTED
    assert seats(one_seat_slot) == 1


# --- the mentor's answer ----------------------------------------------------------------------


@pytest.fixture
def request_booking(mentee, profile, one_seat_slot):
    profile.requires_confirmation, profile.hold_minutes = True, 30
    profile.save()
    return services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)


def test_the_mentor_confirms_a_request(request_booking, mentor):
    booking = services.booking_confirm(booking_id=request_booking.pk, actor=mentor)
    assert booking.status == S.SCHEDULED and booking.hold_expires_at is None
    assert list(booking.events.values_list("to_status", flat=True)) == ["requested", "scheduled"]


def test_confirming_an_overdue_request_is_refused(request_booking, mentor):
    with pytest.raises(Conflict, match="expired"):
        services.booking_confirm(booking_id=request_booking.pk, actor=mentor,
                                 now=timezone.now() + timedelta(minutes=31))
    request_booking.refresh_from_db()
    assert request_booking.status == S.REQUESTED  # the sweep records the expiry


def test_only_the_mentor_answers_a_request(request_booking, mentee, other_user):
    with pytest.raises(PermissionDenied):
        services.booking_confirm(booking_id=request_booking.pk, actor=mentee)
    with pytest.raises(NotFound):
        services.booking_confirm(booking_id=request_booking.pk, actor=other_user)


def test_declining_frees_the_seat(request_booking, mentor, one_seat_slot):
    services.booking_decline(booking_id=request_booking.pk, actor=mentor, reason="Away that week")
    request_booking.refresh_from_db()
    assert request_booking.status == S.DECLINED and seats(one_seat_slot) == 0
    event = request_booking.events.last()
    assert (event.reason, event.reason_text) == ("Away that week", "Declined by the mentor. Away that week")


# --- expiry ------------------------------------------------------------------------------------


def test_the_sweep_expires_overdue_requests_once(request_booking, one_seat_slot):
    later = timezone.now() + timedelta(minutes=31)
    assert services.booking_expire_overdue(now=later) == 1
    assert services.booking_expire_overdue(now=later) == 0
    request_booking.refresh_from_db()
    assert request_booking.status == S.EXPIRED and seats(one_seat_slot) == 0
    assert request_booking.events.filter(to_status="expired").count() == 1


def test_the_sweep_leaves_requests_that_still_have_time(request_booking):
    assert services.booking_expire_overdue(now=timezone.now() + timedelta(minutes=29)) == 0


def test_a_hold_never_outlives_the_session_start(mentee, profile, tomorrow_10):
    profile.requires_confirmation, profile.hold_minutes = True, 60 * 24 * 7
    profile.save()
    slot = Slot.objects.create(mentor=profile, start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1))
    booking = services.booking_hold(mentee=mentee, slot_id=slot.pk)
    assert booking.hold_expires_at == slot.start


# --- cancel and reschedule ------------------------------------------------------------------------


def test_the_mentee_cancels_with_a_reason_and_the_seat_returns(mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    services.booking_cancel(booking_id=booking.pk, actor=mentee, reason="Feeling ill")
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason, booking.cancelled_by) == (S.CANCELLED, "Feeling ill", mentee)
    assert seats(one_seat_slot) == 0
    event = booking.events.last()
    assert (event.reason_code, event.reason) == ("cancelled_by_mentee", "Feeling ill")  # what they typed, as typed
    assert event.reason_text == ("Cancelled by the mentee. Feeling ill. "
                                 "Refund policy: Nothing was paid, so nothing is refunded.")


def test_the_mentor_may_cancel_too(mentee, mentor, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    services.booking_cancel(booking_id=booking.pk, actor=mentor)
    assert Booking.objects.get(pk=booking.pk).cancelled_by == mentor


def test_cancelling_after_the_start_or_twice_is_refused(mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with pytest.raises(InvalidInput, match="started"):
        services.booking_cancel(booking_id=booking.pk, actor=mentee, now=one_seat_slot.start + timedelta(minutes=1))
    services.booking_cancel(booking_id=booking.pk, actor=mentee)
    with pytest.raises(InvalidInput, match="cannot be cancelled"):
        services.booking_cancel(booking_id=booking.pk, actor=mentee)


def test_outsiders_cannot_cancel(mentee, other_user, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    with pytest.raises(NotFound):
        services.booking_cancel(booking_id=booking.pk, actor=other_user)


def test_a_booking_made_on_free_time_gives_the_time_back_when_cancelled(mentee, profile, service, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    services.booking_cancel(booking_id=booking.pk, actor=mentee)
    assert not Slot.objects.get(pk=booking.slot_id).is_active
    again = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    assert again.status == S.SCHEDULED


def test_a_published_slot_stays_bookable_when_its_last_seat_is_given_back(mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    services.booking_cancel(booking_id=booking.pk, actor=mentee)
    one_seat_slot.refresh_from_db()
    assert (one_seat_slot.seats_taken, one_seat_slot.is_active) == (0, True)


def test_rescheduling_moves_the_seat_keeps_the_payment_and_bumps_the_calendar_sequence(
    mentee, profile, service, tomorrow_10
):
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    old_slot = booking.slot
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    moved.refresh_from_db()
    assert moved.slot.start == tomorrow_10 + timedelta(hours=3) and moved.slot.seats_taken == 1
    assert (moved.payment_status, moved.ical_sequence, moved.rescheduled_from) == ("paid", 1, old_slot)
    assert not Slot.objects.get(pk=old_slot.pk).is_active
    last = moved.events.last()
    assert (last.to_status, last.moved_from, last.moved_to) == ("scheduled", old_slot.start, moved.slot.start)


def test_a_mentees_reschedule_of_a_request_is_a_new_request_with_a_fresh_hold(request_booking, mentee, mentor,
                                                                               tomorrow_10):
    later = timezone.now() + timedelta(minutes=20)
    moved = services.booking_reschedule(booking_id=request_booking.pk, actor=mentee,
                                        start=tomorrow_10 + timedelta(hours=2), now=later)
    assert moved.status == S.REQUESTED and moved.hold_expires_at == later + timedelta(minutes=30)
    assert list(selectors.requests_for_mentor(user=mentor)) == [moved]  # still in the mentor's inbox
    event = moved.events.last()
    assert (event.from_status, event.to_status, event.actor) == (S.REQUESTED, S.REQUESTED, mentee)
    assert "waiting for the mentor to confirm" in event.reason


def test_rescheduling_into_a_taken_time_changes_nothing(mentee, other_user, profile, service, tomorrow_10):
    mine = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    services.booking_hold(mentee=other_user, mentor_id=profile.pk, start=tomorrow_10 + timedelta(hours=2),
                          service_id=service.pk)
    with pytest.raises(Conflict):
        services.booking_reschedule(booking_id=mine.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=2))
    mine.refresh_from_db()
    assert mine.slot.start == tomorrow_10 and mine.slot.seats_taken == 1 and mine.ical_sequence == 0


# --- the transition table --------------------------------------------------------------------------


ALL = [s.value for s in S]
LEGAL = {("requested", t) for t in ("requested", "scheduled", "declined", "expired", "cancelled")} | {
    ("scheduled", t) for t in ("scheduled", "requested", "completed", "no_show", "cancelled")} | {
    ("expired", "requested"), ("expired", "scheduled"),  # reinstated by a late payment only
    ("cancelled", "requested"), ("cancelled", "scheduled")}


@pytest.mark.parametrize("source,target", [(a, b) for a in ALL for b in ALL if (a, b) not in LEGAL])
def test_every_illegal_transition_is_refused_and_leaves_no_audit_row(mentee, one_seat_slot, source, target):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(status=source)
    booking.refresh_from_db()
    events = BookingEvent.objects.count()
    with pytest.raises(Conflict):
        services._transition(booking, to=target, actor=None)
    assert Booking.objects.get(pk=booking.pk).status == source
    assert BookingEvent.objects.count() == events


@pytest.mark.parametrize("source,target", sorted(LEGAL))
def test_every_legal_transition_is_audited(mentee, one_seat_slot, source, target):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(status=source)
    booking.refresh_from_db()
    services._transition(booking, to=target, actor=mentee, reason="test")
    event = booking.events.last()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (source, target, mentee, "test")


def test_every_transition_notifies_both_sides(mentee, mentor, one_seat_slot, mailoutbox,
                                              django_capture_on_commit_callbacks):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk, topic="Interview prep")
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booking.pk, actor=mentee)
    kinds = sorted(Notification.objects.values_list("user_id", "kind"))
    assert kinds == sorted([(mentee.pk, "booking.scheduled"), (mentor.pk, "booking.scheduled"),
                            (mentee.pk, "booking.cancelled"), (mentor.pk, "booking.cancelled")])
    assert len(mailoutbox) == 4 and "Interview prep" in mailoutbox[0].body


def test_the_beat_task_runs_the_sweep_and_is_scheduled_every_minute(request_booking, settings):
    from freezegun import freeze_time

    from bookings.tasks import expire_overdue_holds

    assert settings.CELERY_BEAT_SCHEDULE["expire-overdue-holds"] == {
        "task": "bookings.tasks.expire_overdue_holds", "schedule": 60.0}
    with freeze_time(timezone.now() + timedelta(minutes=31)):
        assert expire_overdue_holds.delay().get() == 1
        assert expire_overdue_holds.delay().get() == 0
    request_booking.refresh_from_db()
    assert request_booking.status == S.EXPIRED


def test_rescheduling_to_another_length_is_refused_and_changes_nothing(mentee, profile, service, tomorrow_10):
    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    with pytest.raises(InvalidInput, match="keeps the session's length") as refused:
        services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=2),
                                    duration_minutes=480)
    assert refused.value.field == "duration"
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.slot_id, stored.service_id, stored.price, stored.slot.duration_minutes) == (
        booking.slot_id, service.pk, service.price, 60)


def test_a_cancel_for_a_state_the_booking_has_left_is_refused(request_booking, mentee, mentor):
    services.booking_confirm(booking_id=request_booking.pk, actor=mentor)
    with pytest.raises(Conflict, match="changed meanwhile"):
        services.booking_cancel(booking_id=request_booking.pk, actor=mentee, expected_status="requested")
    assert Booking.objects.get(pk=request_booking.pk).status == S.SCHEDULED


def test_cancelling_bumps_the_calendar_sequence_so_calendars_apply_the_cancel(mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    services.booking_cancel(booking_id=booking.pk, actor=mentee)
    assert Booking.objects.get(pk=booking.pk).ical_sequence == 1


def test_a_move_is_recorded_as_data_and_shown_in_each_readers_zone(client, api, mentee, profile, service,
                                                                   tomorrow_10):
    import zoneinfo

    booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    new_start = tomorrow_10 + timedelta(hours=4)
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=new_start.astimezone(tokyo))
    event = moved.events.last()
    assert (event.moved_from, event.moved_to) == (tomorrow_10, new_start)
    mentee.timezone = "Asia/Tokyo"
    mentee.save()
    history = api(mentee).get(f"/api/v1/booking/{booking.pk}").json()["history"]
    assert history[-1]["to_scheduled_at"] == new_start.astimezone(tokyo).isoformat()
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert f"{new_start.astimezone(tokyo):%H:%M} JST" in html and 'data-testid="history-move"' in html


def _requests(profile, *, count: int, slot=None) -> list:
    """``count`` requests awaiting the mentor, each by a new mentee, in ``slot`` or in slots of their own."""
    profile.requires_confirmation = True
    profile.save()
    start = (timezone.now() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    made = []
    for n in range(count):
        target = slot or Slot.objects.create(mentor=profile, start=start + timedelta(minutes=20 * n),
                                             end=start + timedelta(minutes=20 * n + 15))
        made.append(services.booking_hold(mentee=UserFactory(), slot_id=target.pk))
    return made


def test_the_sweep_works_in_batches_and_expires_each_request_once_with_its_seat_and_notice(
        profile, group_slot, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    alone = _requests(profile, count=5)
    grouped = _requests(profile, count=3, slot=group_slot)
    later = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_expire_overdue(now=later, batch=3) == 8
    assert services.booking_expire_overdue(now=later, batch=3) == 0
    for booking in alone + grouped:
        booking.refresh_from_db()
        assert booking.status == S.EXPIRED and booking.hold_expires_at is None
        assert booking.events.filter(to_status="expired").count() == 1
        assert Notification.objects.filter(user=booking.mentee, title__contains="expired").count() == 1
    assert seats(group_slot) == 0  # three seats of one slot, given back together
    assert Slot.objects.filter(pk__in=[b.slot_id for b in alone], seats_taken=0).count() == 5


def test_a_sweep_batch_writes_each_booking_the_audit_row_a_single_expiry_would(profile):
    from django.utils import translation

    swept = _requests(profile, count=3)
    before = timezone.now()
    assert services.booking_expire_overdue(now=timezone.now() + timedelta(days=1)) == 3
    rows = BookingEvent.objects.filter(booking__in=swept, to_status=S.EXPIRED).order_by("booking_id")
    assert [row.booking_id for row in rows] == sorted(booking.pk for booking in swept)
    for row in rows:
        assert (row.actor_id, row.from_status, row.reason, row.reason_code, row.reason_params) == (
            None, S.REQUESTED, "The mentor did not answer in time.", "", {})
        assert (row.moved_from, row.moved_to) == (None, None)
        assert before <= row.created_at <= timezone.now()
        with translation.override("ru"):
            assert row.reason_text != row.reason  # a catalogue msgid, read in the reader's language


@pytest.mark.parametrize("count", [3, 30])
def test_a_sweep_batch_costs_the_same_queries_for_few_or_many_requests(profile, count,
                                                                       django_assert_max_num_queries):
    _requests(profile, count=count)
    with django_assert_max_num_queries(12):
        assert services.booking_expire_overdue(now=timezone.now() + timedelta(days=1)) == count
