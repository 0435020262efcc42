"""A keyed notice is sent once per user, however often it is sent: what lets a task run twice safely."""

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import Notice, notification_send, notifications_deliver, notifications_send_many

pytestmark = pytest.mark.django_db(transaction=True)  # e-mails go out after commit


def test_a_notice_sent_twice_with_one_key_is_stored_and_mailed_once(mentee):
    first = notification_send(user=mentee, kind="booking.expired", title="Expired", key="booking-event:7")
    again = notification_send(user=mentee, kind="booking.expired", title="Expired", key="booking-event:7")

    assert first is not None and again is None
    assert list(Notification.objects.filter(user=mentee).values_list("pk", flat=True)) == [first.pk]
    assert len(mail.outbox) == 1


def test_the_same_key_still_reaches_each_user_and_unkeyed_notices_are_never_merged(mentee, mentor):
    for user in (mentee, mentor):
        assert notification_send(user=user, kind="booking.expired", title="Expired", key="booking-event:7")
    notification_send(user=mentee, kind="mentor.suspended", title="Hello")
    notification_send(user=mentee, kind="mentor.suspended", title="Hello")

    assert Notification.objects.filter(key="booking-event:7").count() == 2
    assert Notification.objects.filter(user=mentee, key="").count() == 2
    assert len(mail.outbox) == 4


def test_a_batch_sent_twice_records_and_mails_each_notice_once(mentee, mentor):
    batch = [Notice(user=mentee, kind="reminder.1h", title="Soon", key="r:1"),
             Notice(user=mentor, kind="reminder.1h", title="Soon", key="r:1")]
    assert notifications_send_many(notices=batch) == 2
    assert len(mail.outbox) == 2  # delivered once committed
    assert notifications_send_many(notices=batch) == 0
    assert Notification.objects.filter(key="r:1").count() == 2
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()


def test_a_batch_recorded_but_not_delivered_is_delivered_when_sent_again(mentee):
    Notification.objects.create(user=mentee, kind="reminder.1h", title="Soon", key="r:1")  # a run that died
    assert notifications_send_many(notices=[Notice(user=mentee, kind="reminder.1h", title="Soon", key="r:1")]) == 0
    assert [m.subject for m in mail.outbox] == ["Soon"]
    assert notifications_deliver(notice_ids=list(Notification.objects.values_list("pk", flat=True))) == 0


def test_a_batch_notice_without_a_key_is_refused(mentee):
    with pytest.raises(ValueError, match="needs a key"):
        notifications_send_many(notices=[Notice(user=mentee, kind="reminder.1h", title="Soon")])
    assert not Notification.objects.exists()


def test_a_mail_server_that_is_down_is_logged_and_the_batch_is_not_sent_again(mentee, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    notifications_send_many(notices=[Notice(user=mentee, kind="reminder.1h", title="Soon", key="r:1")])
    assert "Could not open the e-mail connection" in caplog.text
    assert Notification.objects.get().delivered_at is not None  # claimed: never mailed twice


class DownBackend:
    def __init__(self, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("SMTP server unreachable")
