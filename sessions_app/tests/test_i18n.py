"""The session room in Russian as well as English (issue 17): the page, and why the room is not open yet."""

from datetime import timedelta

import pytest
from django.utils import translation
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # A request in Russian leaves Russian active on this thread; later tests calling services directly expect English.
    yield
    translation.deactivate()


@pytest.fixture
def paid(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    booking.refresh_from_db()
    return booking


def test_the_room_speaks_russian_inside_the_window(client, mentee, paid):
    client.force_login(mentee)
    with freeze_time(paid.slot.start - timedelta(minutes=5)):
        html = client.get(f"/sessions/{paid.pk}/room/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Войти с камерой и микрофоном" in main and "Выключить микрофон" in main and "Чат сессии" in main
    assert "Join with camera" not in main and "Not connected" not in main
    # room.js says its statuses through the JavaScript catalogue, loaded (deferred) before it
    assert html.index("/jsi18n/") < html.index("js/room.js\" defer")


def test_why_the_room_is_not_open_yet_is_said_in_the_language_asked_for(api, mentee, paid):
    with freeze_time(paid.slot.start - timedelta(hours=3)):
        russian = api(mentee).get(f"/api/v1/sessions/{paid.pk}/video", HTTP_ACCEPT_LANGUAGE="ru").json()["reason"]
        english = api(mentee).get(f"/api/v1/sessions/{paid.pk}/video", HTTP_ACCEPT_LANGUAGE="en").json()["reason"]
    assert english.startswith("The room opens at ") and english.endswith(" minutes before the start.")
    assert russian.startswith("Комната откроется в ") and russian.endswith(" мин до начала.")
