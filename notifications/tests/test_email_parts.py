"""A notice e-mail's text part shows names and topics as written; its HTML part escapes them."""

from datetime import timedelta

import pytest
from django.conf import settings
from freezegun import freeze_time

from notifications.tasks import send_reminders
from notifications.tests.conftest import SESSION_START

pytestmark = pytest.mark.django_db


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
