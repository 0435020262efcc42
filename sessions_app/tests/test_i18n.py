"""The session room in Russian as well as English (issue 17): the page, and why the room is not open yet."""

import re
from datetime import timedelta

import pytest
from django.utils import translation
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.errors import InvalidInput
from sessions_app import chat

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
    # The time in each language's own words: "25 Nov 2026, 14:00 UTC", «25 ноября 2026, 14:00 UTC».
    when = r"\d{1,2} %s \d{4}, \d\d:\d\d UTC"
    assert re.fullmatch(r"The room opens at %s, 10 minutes before the start\." % (when % "[A-Z][a-z]{2}"), english)
    assert re.fullmatch(r"Комната откроется %s, за 10 мин до начала\." % (when % "[а-я]+"), russian), russian


@pytest.mark.parametrize(("limit", "russian"), [(21, "Не больше 21 символа."), (3, "Не больше 3 символов."),
                                                 (10, "Не больше 10 символов.")])
def test_a_too_long_chat_message_is_refused_in_the_writers_russian_with_the_number_agreeing(
        mentee, paid, settings, limit, russian):
    settings.MESSAGE_MAX_LENGTH = limit
    mentee.language = "ru"
    mentee.save(update_fields=["language"])
    frame = {"type": "session_message", "booking_id": paid.pk, "text": "я" * (limit + 1)}
    with pytest.raises(InvalidInput) as refused:
        chat.session_message_frame(mentee, frame, origin="tab-1")  # a socket speaks the user's own language
    assert (refused.value.message, refused.value.field) == (russian, "text")


def test_a_too_long_chat_message_posted_over_rest_is_refused_in_the_language_asked_for(api, mentee, paid, settings):
    settings.MESSAGE_MAX_LENGTH = 10
    said = {language: api(mentee).post(f"/api/v1/bookings/{paid.pk}/chat", {"text": "x" * 11}, format="json",
                                       HTTP_ACCEPT_LANGUAGE=language).json()["errors"][0]["message"]
            for language in ("en", "ru")}
    assert said == {"en": "At most 10 characters.", "ru": "Не больше 10 символов."}
