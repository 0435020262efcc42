"""A keyed notice is sent once per user, however often it is sent: what lets a task run twice safely."""

import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import notification_send

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
