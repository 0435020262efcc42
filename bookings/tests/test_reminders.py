import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from freezegun import freeze_time

from bookings import reminders as reminder_services
from bookings import services as booking_services
from bookings.models import Booking
from bookings.tasks import send_reminders
from bookings.tests.factories import BookingFactory
from mentorhub.testing import requires_postgresql
from mentors.tests.factories import ServiceFactory, SlotFactory
from notifications.models import Notification, Reminder

pytestmark = pytest.mark.django_db

# A Tuesday, well in the future, inside the test mentor's hours (09:00-17:00 UTC).
SESSION_START = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def booking_at(profile, mentee):
    """``booking_at(start, **fields)``: a paid, scheduled one-hour booking of ``mentee`` with ``mentor``."""

    def make(start: datetime = SESSION_START, **fields) -> Booking:
        slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
        fields = {"mentee": mentee, "payment_status": Booking.PaymentStatus.PAID, **fields}
        return BookingFactory(slot=slot, **fields)

    return make


def reminders(user=None) -> list[str]:
    notices = Notification.objects.filter(kind__startswith="reminder.").order_by("id")
    if user is not None:
        notices = notices.filter(user=user)
    return list(notices.values_list("kind", flat=True))


def sweep_at(moment, *, deliver: bool = True) -> int:
    """The beat task at ``moment``; with ``deliver``, also what its commit sets off (the notices' task)."""
    with freeze_time(moment):
        if not deliver:
            return send_reminders()
        with TestCase.captureOnCommitCallbacks(execute=True):
            return send_reminders()


def test_each_reminder_goes_to_mentee_and_mentor_exactly_once_at_its_time(booking_at, mentee, mentor):
    booking = booking_at(SESSION_START)
    assert sweep_at(SESSION_START - timedelta(hours=25)) == 0
    assert sweep_at(SESSION_START - timedelta(hours=23, minutes=58)) == 1
    assert sweep_at(SESSION_START - timedelta(hours=23, minutes=53)) == 0
    assert reminders(mentee) == reminders(mentor) == ["reminder.24h"]
    assert sweep_at(SESSION_START - timedelta(minutes=58)) == 1
    assert sweep_at(SESSION_START - timedelta(minutes=53)) == 0
    assert sweep_at(SESSION_START + timedelta(minutes=5)) == 0
    assert reminders(mentee) == reminders(mentor) == ["reminder.24h", "reminder.1h"]
    assert list(booking.reminders.order_by("sent_at").values_list("kind", flat=True)) == ["24h", "1h"]


def test_a_reminder_tells_each_side_who_and_when_in_their_own_zone(booking_at, mentee, mentor, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    mentee.timezone = "Europe/Moscow"
    mentee.save()
    booking = booking_at(SESSION_START, topic="Career plan")
    with django_capture_on_commit_callbacks(execute=True):
        sweep_at(SESSION_START - timedelta(minutes=58))
    to_mentee = Notification.objects.get(user=mentee)
    assert to_mentee.title == "Reminder: session with Marcus Mentor in 58 minutes"
    assert to_mentee.body == "Career plan — Tue 04 Mar 2031, 13:00 (Europe/Moscow)."
    assert to_mentee.link == f"/bookings/{booking.pk}/"
    to_mentor = Notification.objects.get(user=mentor)
    assert to_mentor.title == "Reminder: session with Mia Mentee in 58 minutes"
    assert "10:00 (UTC)" in to_mentor.body
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentee.email, mentor.email])


def test_a_reminder_missed_by_more_than_its_window_is_not_sent_late(booking_at):
    booking_at(SESSION_START)
    assert sweep_at(SESSION_START - timedelta(minutes=30)) == 1
    assert set(reminders()) == {"reminder.1h"}
    assert sweep_at(SESSION_START - timedelta(minutes=25)) == 0


def test_a_booking_made_within_a_day_still_gets_the_24h_reminder_once(booking_at):
    booking_at(SESSION_START)
    assert sweep_at(SESSION_START - timedelta(hours=5)) == 1
    assert set(reminders()) == {"reminder.24h"}


@pytest.mark.parametrize("status", ["cancelled", "declined", "expired", "completed", "no_show"])
def test_bookings_that_are_not_live_get_no_reminders(booking_at, status):
    booking_at(SESSION_START, status=status)
    assert sweep_at(SESSION_START - timedelta(hours=23)) == 0
    assert sweep_at(SESSION_START - timedelta(minutes=50)) == 0
    assert reminders() == [] and not Reminder.objects.exists()


def test_a_cancelled_booking_gets_no_further_reminders(booking_at, mentee):
    booking = booking_at(SESSION_START)
    sweep_at(SESSION_START - timedelta(hours=23))
    with freeze_time(SESSION_START - timedelta(hours=2)):
        booking_services.booking_cancel(booking_id=booking.pk, actor=mentee)
    assert sweep_at(SESSION_START - timedelta(minutes=50)) == 0
    assert set(reminders()) == {"reminder.24h"}


def test_a_request_waiting_for_the_mentor_is_reminded_with_a_word_about_it(booking_at, mentee, mentor):
    booking_at(SESSION_START, status=Booking.Status.REQUESTED, hold_expires_at=SESSION_START - timedelta(hours=3))
    assert sweep_at(SESSION_START - timedelta(hours=23)) == 1
    assert "Still waiting for your confirmation." in Notification.objects.get(user=mentor).body
    assert "Still waiting for the mentor to confirm." in Notification.objects.get(user=mentee).body


def test_a_request_whose_hold_ran_out_gets_no_reminder_even_before_the_expiry_sweep(booking_at):
    booking_at(SESSION_START, status=Booking.Status.REQUESTED, hold_expires_at=SESSION_START - timedelta(hours=24))
    assert sweep_at(SESSION_START - timedelta(hours=23)) == 0
    assert reminders() == []


def test_an_unpaid_booking_is_told_to_pay_and_gets_no_reminder_past_its_payment_deadline(booking_at, mentee):
    booking_at(SESSION_START, payment_status=Booking.PaymentStatus.PENDING)
    assert sweep_at(SESSION_START - timedelta(hours=23)) == 1
    assert "Not paid yet: pay by Tue 04 Mar 2031, 09:00 (UTC)" in Notification.objects.get(user=mentee).body
    assert sweep_at(SESSION_START - timedelta(minutes=50)) == 0  # it is about to be cancelled for non-payment


def test_a_rescheduled_booking_is_reminded_again_for_its_new_time(profile, mentee, mentor):
    service = ServiceFactory(mentor=profile, duration_minutes=60, price=0)
    with freeze_time(SESSION_START - timedelta(days=2)):
        booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, service_id=service.pk,
                                                start=SESSION_START)
    assert sweep_at(SESSION_START - timedelta(minutes=50)) == 1
    new_start = SESSION_START + timedelta(days=1)
    with freeze_time(SESSION_START - timedelta(minutes=45)):
        booking_services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=new_start)
    assert sweep_at(SESSION_START - timedelta(minutes=40)) == 0  # nothing for the old time
    assert sweep_at(new_start - timedelta(hours=23)) == 1
    assert sweep_at(new_start - timedelta(minutes=50)) == 1
    assert reminders(mentee) == ["reminder.1h", "reminder.24h", "reminder.1h"]
    assert set(booking.reminders.values_list("kind", "slot_start")) == {
        ("1h", SESSION_START), ("24h", new_start), ("1h", new_start)}


def test_a_reminder_someone_else_recorded_is_not_sent_again(booking_at):
    booking = booking_at(SESSION_START)
    Reminder.objects.create(booking=booking, kind="1h", slot_start=SESSION_START, sent_at=timezone.now())
    assert sweep_at(SESSION_START - timedelta(minutes=50)) == 0
    assert reminders() == []
    assert Reminder.objects.count() == 1


def test_the_sweep_works_in_batches_and_sends_every_due_reminder_once(profile, mentee, mentor, mailoutbox,
                                                                      django_capture_on_commit_callbacks):
    from accounts.tests.factories import UserFactory

    for hour in range(7):
        start = SESSION_START + timedelta(hours=hour)
        slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
        BookingFactory(slot=slot, mentee=UserFactory(), payment_status=Booking.PaymentStatus.PAID)
    now = SESSION_START - timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert reminder_services.reminders_send_due(now=now, batch=3) == 7
    assert len(callbacks) == 3  # one task per batch of 3, 3 and 1
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert Reminder.objects.count() == 7
    assert Notification.objects.filter(kind="reminder.24h").count() == 14
    assert len(mailoutbox) == 14
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    assert reminder_services.reminders_send_due(now=now, batch=3) == 0


def test_reminder_notices_sent_twice_tell_each_side_once(booking_at, mentee, mentor, mailoutbox):
    booking_at(SESSION_START)
    sweep_at(SESSION_START - timedelta(minutes=58))
    reminder_ids = list(Reminder.objects.values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert reminder_services.reminder_notices_send(reminder_ids=reminder_ids) == 0
    assert reminders(mentee) == reminders(mentor) == ["reminder.1h"]
    assert len(mailoutbox) == 2


def test_a_booking_cancelled_before_its_reminder_is_delivered_is_not_reminded(booking_at,
                                                                            django_capture_on_commit_callbacks):
    booking = booking_at(SESSION_START)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_at(SESSION_START - timedelta(minutes=58), deliver=False)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert reminders() == []


@pytest.mark.parametrize("count", [3, 30])
def test_a_batch_of_reminders_takes_the_same_number_of_queries_however_many_are_due(
        profile, count, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    from accounts.tests.factories import UserFactory

    for n in range(count):  # every one due its 24h reminder
        start = SESSION_START + timedelta(minutes=40 * n)
        slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(minutes=30), seats_taken=1)
        BookingFactory(slot=slot, mentee=UserFactory(), payment_status=Booking.PaymentStatus.PAID)
    # A lock, a re-read and an insert for the batch, and an empty lock to end each of the two kinds;
    # 11 with the savepoints that the test's own transaction turns each atomic block into.
    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(11):
        assert reminder_services.reminders_send_due(now=SESSION_START - timedelta(hours=2), batch=100) == count


@pytest.mark.parametrize("count", [3, 30])
def test_telling_a_batch_of_reminders_takes_the_same_number_of_queries_however_many(
        profile, count, django_assert_max_num_queries, django_capture_on_commit_callbacks, mailoutbox):
    from accounts.tests.factories import UserFactory

    for n in range(count):
        start = SESSION_START + timedelta(minutes=40 * n)
        slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(minutes=30), seats_taken=1)
        BookingFactory(slot=slot, mentee=UserFactory(), payment_status=Booking.PaymentStatus.PAID)
    with django_capture_on_commit_callbacks(execute=False):
        reminder_services.reminders_send_due(now=SESSION_START - timedelta(hours=2))
    ids = list(Reminder.objects.values_list("pk", flat=True))
    # Read the reminders with both people, the keys already sent, one insert, the notices to deliver;
    # then claim them (a lock and an update) and count each user's unread ones for the push. With savepoints.
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(12):
        assert reminder_services.reminder_notices_send(reminder_ids=ids) == 2 * count
    assert len(mailoutbox) == 2 * count


def test_the_sweep_only_records_and_a_worker_delivers_after_commit(booking_at, mentee, mentor, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    booking_at(SESSION_START)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_at(SESSION_START - timedelta(minutes=58), deliver=False)
    assert Reminder.objects.count() == 1
    assert reminders() == [] and mailoutbox == []  # nothing is told before the sweep's transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert reminders() == ["reminder.1h", "reminder.1h"]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentee.email, mentor.email])


@pytest.mark.parametrize("phone,opted_in,texted", [("+79150480249", True, True), ("+79150480249", False, False),
                                                   ("", True, False)])
def test_an_sms_reminder_needs_a_phone_number_and_the_users_consent(booking_at, mentee, phone, opted_in, texted,
                                                                   caplog, django_capture_on_commit_callbacks):
    mentee.phone, mentee.sms_opt_in = phone, opted_in
    mentee.save()
    booking_at(SESSION_START)
    with caplog.at_level(logging.INFO, logger="notifications.sms"), django_capture_on_commit_callbacks(execute=True):
        sweep_at(SESSION_START - timedelta(minutes=58))
    texts = [r.getMessage() for r in caplog.records if r.name == "notifications.sms"]
    expected = ["SMS to +79150480249: MentorHub: Reminder: session with Marcus Mentor in 58 minutes. "
                "Session — Tue 04 Mar 2031, 10:00 (UTC)."]
    assert texts == (expected if texted else [])


class RecordingBackend:
    sent: list[dict] = []

    def send(self, *, to, text):
        self.sent.append({"to": to, "text": text})


def test_the_sms_provider_is_chosen_by_setting_and_texts_only_after_commit(settings, booking_at, mentor,
                                                                          django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent = []
    mentor.phone, mentor.sms_opt_in = "+4915112345678", True
    mentor.save()
    booking_at(SESSION_START)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sweep_at(SESSION_START - timedelta(hours=23), deliver=False)
    assert RecordingBackend.sent == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert [m["to"] for m in RecordingBackend.sent] == ["+4915112345678"]
    assert "session with Mia Mentee in 23 hours" in RecordingBackend.sent[0]["text"]


class DownBackend:
    def send(self, *, to, text):
        raise ConnectionError("SMS gateway unreachable")


def test_an_sms_provider_that_is_down_is_logged_and_the_reminder_still_counts(settings, booking_at, mentor, caplog,
                                                                             django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.DownBackend"
    mentor.phone, mentor.sms_opt_in = "+4915112345678", True
    mentor.save()
    booking = booking_at(SESSION_START)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_at(SESSION_START - timedelta(hours=23)) == 1
    assert "SMS gateway unreachable" in caplog.text
    assert list(booking.reminders.values_list("kind", flat=True)) == ["24h"]


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_send_each_reminder_exactly_once(booking_at, profile):
    from accounts.tests.factories import UserFactory

    bookings = [booking_at(SESSION_START + timedelta(hours=h), mentee=UserFactory()) for h in range(6)]
    now = SESSION_START - timedelta(minutes=30)  # the first is due its 1h reminder, the rest their 24h one
    sweeps = 4
    barrier, results, errors = threading.Barrier(sweeps), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(reminder_services.reminders_send_due(now=now))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == sweeps and sum(results) == len(bookings)
    assert Reminder.objects.count() == len(bookings)
    assert Notification.objects.filter(kind__startswith="reminder.").count() == 2 * len(bookings)
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == ["1h"] + ["24h"] * 5


def test_a_reminders_text_part_is_plain_text_and_links_to_site_url(
        booking_at, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks):
    mentor.full_name = "Siobhán O'Brien"
    mentor.save(update_fields=["full_name"])
    booking = booking_at(SESSION_START, topic="<i>Kotlin</i> & coroutines")
    with django_capture_on_commit_callbacks(execute=True), freeze_time(SESSION_START - timedelta(minutes=58)):
        send_reminders()
    [to_mentee] = [message for message in mailoutbox if message.to == [mentee.email]]
    assert "Reminder: session with Siobhán O'Brien in 58 minutes" in to_mentee.body
    assert "<i>Kotlin</i> & coroutines" in to_mentee.body
    assert f"{settings.SITE_URL}/bookings/{booking.pk}/" in to_mentee.body
    html = to_mentee.alternatives[0][0]
    assert "&lt;i&gt;Kotlin&lt;/i&gt; &amp; coroutines" in html


def test_the_reminder_sweep_keeps_the_task_name_the_beat_schedule_and_workers_know(settings):
    from mentorhub.celery import app

    assert send_reminders.name == "notifications.tasks.send_reminders"
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == send_reminders.name
    assert app.tasks[send_reminders.name].run.__module__ == "bookings.tasks"
