"""A notice that cannot be sent never turns a saved booking change into a 500, and never costs the other notices.

These tests commit for real (transactional database): notices go out after commit, which is where a failing
notice used to escape into the response after the change was already saved.
"""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from bookings.models import Booking
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE_NAME = "Mia\r\nBcc: victim@example.com"


class RefusingBackend(EmailBackend):
    """The test outbox, except that mail to REFUSED addresses fails the way an SMTP server refuses it."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.recipients()) & self.refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(message.recipients(), (550, b"no")))
        return super().send_messages(messages)


def book_and_cancel(api, mentee, profile, tomorrow_10) -> Booking:
    created = api(mentee).post("/api/v1/sessions", {"mentor_id": profile.pk, "scheduled_at": tomorrow_10.isoformat(),
                                                    "duration_minutes": 60})
    assert created.status_code == 201, created.content
    cancelled = api(mentee).patch(f"/api/v1/booking/{created.json()['id']}/cancel", {"reason": "Plans changed"})
    assert cancelled.status_code == 200, cancelled.content
    booking = Booking.objects.get(pk=created.json()["id"])
    assert booking.status == Booking.Status.CANCELLED
    return booking


def test_a_name_with_a_line_break_already_stored_books_and_cancels_and_every_notice_goes_out(
    api, mentee, mentor, profile, tomorrow_10
):
    User.objects.filter(pk=mentee.pk).update(full_name=HOSTILE_NAME)  # as if saved before names were checked
    mentee.refresh_from_db()
    book_and_cancel(api, mentee, profile, tomorrow_10)

    for user in (mentee, mentor):
        kinds = set(Notification.objects.filter(user=user).values_list("kind", flat=True))
        assert kinds == {"booking.scheduled", "booking.cancelled"}
    received = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [to for to, _ in received] == sorted([mentee.email, mentee.email, mentor.email, mentor.email])
    # The name reaches the subject on one line: no header can be smuggled in.
    assert all("\r" not in subject and "\n" not in subject for _, subject in received)
    assert not any("victim@example.com" in m.recipients() for m in mail.outbox)
    assert (mentor.email, "Mia Bcc: victim@example.com booked a session") in received


def test_mail_the_server_refuses_is_logged_and_the_change_and_the_other_notices_stand(
    api, mentee, mentor, profile, tomorrow_10, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refused = {mentor.email}
    book_and_cancel(api, mentee, profile, tomorrow_10)

    assert sorted(m.to[0] for m in mail.outbox) == [mentee.email, mentee.email]
    assert Notification.objects.filter(user=mentor).count() == 2  # the in-app notices still reached the mentor
    assert "SMTPRecipientsRefused" in caplog.text


def test_one_recipients_failing_notice_does_not_lose_the_others(api, mentee, mentor, profile, tomorrow_10,
                                                                 monkeypatch, caplog):
    from notifications import services as notification_services

    real_send = notification_services.notification_send

    def failing_for_the_mentee(*, user, **kwargs):
        if user.pk == mentee.pk:
            raise RuntimeError("notice store unavailable")
        return real_send(user=user, **kwargs)

    monkeypatch.setattr(notification_services, "notification_send", failing_for_the_mentee)
    book_and_cancel(api, mentee, profile, tomorrow_10)

    assert Notification.objects.filter(user=mentor).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [mentor.email, mentor.email]
    assert "notice store unavailable" in caplog.text


def test_the_notice_task_run_again_after_a_crash_tells_each_side_once(api, mentee, mentor, profile, tomorrow_10):
    from bookings.models import BookingEvent
    from bookings.tasks import notify_booking_changed

    booking = book_and_cancel(api, mentee, profile, tomorrow_10)
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    cancel = BookingEvent.objects.get(booking=booking, to_status="cancelled")

    # A worker that died after telling one side has its task run again (acks_late): nothing is repeated.
    assert notify_booking_changed(booking.pk, "scheduled", "cancelled", cancel.pk) is True
    notify_booking_changed(booking.pk, "scheduled", "cancelled", cancel.pk)

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sent
    for user in (mentee, mentor):
        assert sorted(Notification.objects.filter(user=user).values_list("kind", flat=True)) == [
            "booking.cancelled", "booking.scheduled"]
