"""A booking's history says when each change happened in the viewer's zone, naming it."""

import zoneinfo

import pytest

from bookings import services

pytestmark = pytest.mark.django_db


def test_each_history_entry_is_stamped_in_the_viewers_zone_with_its_name(client, mentee, one_seat_slot):
    mentee.timezone = "Asia/Tokyo"
    mentee.save(update_fields=["timezone"])
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    created = booking.events.get().created_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    client.force_login(mentee)
    html = client.get(f"/bookings/{booking.pk}/").content.decode()
    assert f"{created:%-d %b %Y, %H:%M} JST</time>" in html
