"""Booking, paying and meeting in Russian as well as English (issue 17): pages, API errors, and what each side
is sent, in the recipient's language rather than the language of whoever set it off."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import TestCase
from django.utils import translation
from freezegun import freeze_time

from bookings import services
from bookings.models import Booking, BookingEvent
from bookings.tasks import send_reminders
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import SlotFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # A request in Russian leaves Russian active on this thread; later tests calling services directly expect English.
    yield
    translation.deactivate()

V1 = "/api/v1"
SESSION_START = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)  # a Tuesday, inside the test mentor's hours


def main(response) -> str:
    """The page's own content, without the site's navigation and footer (translated elsewhere)."""
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_the_booking_page_speaks_russian_with_prices_in_roubles(client, mentee, profile, one_seat_slot):
    profile.price_per_hour, profile.currency = Decimal("3000.00"), "RUB"
    profile.save()
    client.force_login(mentee)
    url = f"/mentors/{profile.pk}/book/?slot={one_seat_slot.pk}"
    html = main(client.get(url, HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Забронировать сессию" in html and "Цена" in html
    assert "Book a session" not in html and "Price" not in html
    assert "3\xa0000\xa0₽" in html


def test_my_sessions_and_the_booking_page_speak_russian(client, mentee, profile, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    client.force_login(mentee)
    mine = main(client.get("/sessions/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Мои сессии" in mine and "My sessions" not in mine
    page = main(client.get(f"/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "История" in page and "Открыть комнату сессии" in page
    assert "Open the session room" not in page


def test_holding_a_taken_time_is_refused_in_the_language_asked_for(api, mentee, other_user, one_seat_slot):
    services.booking_hold(mentee=other_user, slot_id=one_seat_slot.pk)
    body = {"slotId": str(one_seat_slot.pk)}
    russian = api(mentee).post(f"{V1}/booking/hold", body, HTTP_ACCEPT_LANGUAGE="ru")
    english = api(mentee).post(f"{V1}/booking/hold", body, HTTP_ACCEPT_LANGUAGE="en")
    assert russian.status_code == english.status_code == 409
    assert english.json()["detail"] == "That time was just taken: no seats are left."
    assert russian.json()["detail"] == "Это время только что заняли: свободных мест нет."


def test_a_booking_status_is_displayed_in_the_language_asked_for(api, mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    russian = api(mentee).get(f"{V1}/mentors/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    english = api(mentee).get(f"{V1}/mentors/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["status_display"] == "Scheduled"
    assert russian["status_display"] == "Запланирована"


def _request_from(mentee, profile, start):
    profile.requires_confirmation = True
    profile.save()
    return services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start)


def test_a_russian_speaking_mentee_hears_in_russian_that_an_english_speaking_mentor_declined(
        client, mentee, mentor, profile, tomorrow_10, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language, mentor.language = "ru", "en"
    mentee.save()
    mentor.save()
    booking = _request_from(mentee, profile, tomorrow_10)
    mailoutbox.clear()
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bookings/{booking.pk}/decline/", {"reason": "Busy"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Declined. The seat is free again." in [str(m) for m in response.wsgi_request._messages]
    [to_mentee] = [m for m in mailoutbox if m.to == [mentee.email]]
    assert to_mentee.subject == "Заявка к ментору Marcus Mentor отклонена"
    assert "Заявка к ментору Marcus Mentor отклонена" in to_mentee.body
    [to_mentor] = [m for m in mailoutbox if m.to == [mentor.email]]
    assert to_mentor.subject == "You declined Mia Mentee's request"


def test_a_russian_speaking_mentee_gets_the_confirmation_and_its_invite_in_russian(
        client, mentee, mentor, profile, tomorrow_10, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language, mentor.language = "ru", "en"
    mentee.save()
    mentor.save()
    booking = _request_from(mentee, profile, tomorrow_10)
    mailoutbox.clear()
    client.force_login(mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/bookings/{booking.pk}/confirm/", HTTP_ACCEPT_LANGUAGE="en")
    assert Booking.objects.get(pk=booking.pk).status == "scheduled"
    [to_mentee] = [m for m in mailoutbox if m.to == [mentee.email]]
    assert to_mentee.subject == "Сессия с Marcus Mentor забронирована"
    assert "Сессия с Marcus Mentor забронирована" in to_mentee.body
    invite = next(content for content, kind in to_mentee.alternatives if kind.startswith("text/calendar"))
    assert "Сессия с Marcus Mentor" in invite.replace("\r\n ", "")
    [to_mentor] = [m for m in mailoutbox if m.to == [mentor.email]]
    assert to_mentor.subject == "Mia Mentee booked a session"


def test_a_reminder_reaches_a_russian_speaker_in_russian_with_the_right_plural(profile, mentee, mentor):
    mentee.language, mentee.timezone = "ru", "Europe/Moscow"
    mentee.save()
    slot = SlotFactory(mentor=profile, start=SESSION_START, end=SESSION_START + timedelta(hours=1), seats_taken=1)
    BookingFactory(slot=slot, mentee=mentee, topic="Карьера", payment_status=Booking.PaymentStatus.PAID,
                   payment_due_at=None)
    with freeze_time(SESSION_START - timedelta(minutes=58)), TestCase.captureOnCommitCallbacks(execute=True):
        send_reminders()
    to_mentee = Notification.objects.get(user=mentee)
    assert to_mentee.title == "Напоминание: сессия с Marcus Mentor через 58 минут"
    assert to_mentee.body == "Карьера — Вт, 4 марта 2031, 13:00 (Europe/Moscow)."
    to_mentor = Notification.objects.get(user=mentor)
    assert to_mentor.title == "Reminder: session with Mia Mentee in 58 minutes"


@pytest.mark.parametrize(("minutes", "words"), [(1, "через 1 минуту"), (22, "через 22 минуты"),
                                                 (45, "через 45 минут"), (61, "через 1 час"),
                                                 (120, "через 2 часа"), (300, "через 5 часов")])
def test_how_soon_a_reminder_says_the_session_starts_takes_russian_plurals(minutes, words):
    from bookings.reminders import _in_words

    with translation.override("ru"):
        assert _in_words(timedelta(minutes=minutes)) == words


def test_history_written_before_reasons_had_codes_still_reads_as_it_was_stored(client, mentee, one_seat_slot):
    booking = services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    old = "Cancelled by the mentee. Ill Refund policy: Nothing was paid, so nothing is refunded."
    BookingEvent.objects.create(booking=booking, from_status="scheduled", to_status="scheduled", reason=old)
    client.force_login(mentee)
    page = main(client.get(f"/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert old in page  # a finished English text is shown as it is
    assert "Забронировано." in page  # a fixed reason kept as its msgid is read in Russian


def test_a_no_show_is_recorded_as_words_each_reader_reads_in_their_own_language(mentee, mentor, staff, profile):
    from sessions_app.services import session_no_show

    start = SESSION_START
    booking = services.booking_hold(mentee=mentee, slot_id=SlotFactory(mentor=profile, start=start).pk)
    Booking.objects.filter(pk=booking.pk).update(payment_status="paid")
    with freeze_time(start + timedelta(minutes=20)), translation.override("en"):
        session_no_show(booking_id=booking.pk, user=staff)
    event = booking.events.last()
    with translation.override("ru"):
        assert event.reason_text == "Ученик не пришёл; отметила администрация."
    with translation.override("en"):
        assert event.reason_text == "The mentee did not attend; staff recorded it."
