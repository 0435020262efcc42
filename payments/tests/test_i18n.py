"""Paying in Russian as well as English (issue 17): the pages, the money as the reader writes it, API errors."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from bookings import services as booking_services
from bookings.models import Booking
from payments import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    # A request in Russian leaves Russian active on this thread; later tests calling services directly expect English.
    yield
    translation.deactivate()


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    return booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                         service_id=service.pk)


def main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_the_pay_and_checkout_pages_speak_russian_with_prices_in_roubles(client, mentee, booking):
    client.force_login(mentee)
    pay = main(client.get(f"/bookings/{booking.pk}/pay/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Оплата сессии" in pay and "Перейти к оплате" in pay and "полный возврат" in pay
    assert "Continue to payment" not in pay and "full refund" not in pay
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    checkout = main(client.get(f"/payments/{payment.pk}/checkout/", HTTP_ACCEPT_LANGUAGE="ru"))
    amount = f"{booking.price:,.0f}".replace(",", "\xa0") + "\xa0₽"
    assert "Оформление оплаты" in checkout and f"Оплатить {amount} (успех)" in checkout


def test_paying_a_booking_twice_is_refused_in_the_language_asked_for(api, client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    client.force_login(mentee)
    client.post(f"/payments/{payment.pk}/checkout/decide/", {"outcome": "succeed"})
    russian = api(mentee).post("/api/v1/payments/intent", {"session_id": booking.pk}, HTTP_ACCEPT_LANGUAGE="ru")
    english = api(mentee).post("/api/v1/payments/intent", {"session_id": booking.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert russian.status_code == english.status_code == 409
    assert english.json()["detail"] == "This booking is already paid."
    assert russian.json()["detail"] == "Это бронирование уже оплачено."


def test_a_refund_staff_make_in_english_reaches_a_russian_speaking_payer_in_russian(
        client, mentee, staff, booking, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    mentee.language = "ru"
    mentee.save()
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    client.force_login(mentee)
    client.post(f"/payments/{payment.pk}/checkout/decide/", {"outcome": "succeed"})
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)  # ended: a refund ends nothing
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.payment_refund_by_staff(payment_id=payment.pk, staff=staff, amount=None, reason="Goodwill")
    notice = Notification.objects.filter(user=mentee, kind="payment.refunded").get()
    assert notice.title.startswith("Возвращено ") and notice.title.endswith("₽")
    assert "уже возвращаются вам" in notice.body


def _pay(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    client.force_login(mentee)
    client.post(f"/payments/{payment.pk}/checkout/decide/", {"outcome": "succeed"})
    return payment


CANCELLED = {
    "en": "Cancelled by the mentee. Plans changed. Refund policy: Cancelled less than 24 hours before: 50% refund.",
    "ru": "Отменено учеником. Plans changed. Условия возврата: Отменено менее чем за 24 ч: возврат 50%.",
}


@pytest.fixture
def cancelled_late(client, mentee, profile, booking):
    """A paid booking the mentee cancelled, in English, two hours before the start: half back by the terms."""
    profile.late_refund_percent = 50
    profile.save()
    _pay(client, mentee, booking)
    with translation.override("en"):
        booking_services.booking_cancel(booking_id=booking.pk, actor=mentee, reason="Plans changed",
                                        now=booking.slot.start - timedelta(hours=2))
    return booking


def test_a_cancellations_history_on_the_booking_page_reads_in_the_language_asked_for(client, mentee, cancelled_late):
    client.force_login(mentee)
    for language, other in (("en", "ru"), ("ru", "en")):
        page = main(client.get(f"/bookings/{cancelled_late.pk}/", HTTP_ACCEPT_LANGUAGE=language))
        assert CANCELLED[language] in page and CANCELLED[other] not in page


def test_each_side_reads_the_same_cancellation_in_their_own_profile_language(client, mentee, mentor, cancelled_late):
    mentor.language = "ru"
    mentor.save(update_fields=["language"])
    client.force_login(mentor)
    assert CANCELLED["ru"] in main(client.get(f"/bookings/{cancelled_late.pk}/"))
    client.force_login(mentee)  # no language chosen: the site's default
    assert CANCELLED["en"] in main(client.get(f"/bookings/{cancelled_late.pk}/"))


def test_a_cancellations_history_in_the_api_reads_in_the_language_asked_for(api, mentee, cancelled_late):
    for language in ("en", "ru"):
        history = api(mentee).get(f"/api/v1/booking/{cancelled_late.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
        assert history["history"][-1]["reason"] == CANCELLED[language]


def test_staff_read_a_cancellations_history_in_the_admin_in_their_language(client, staff, cancelled_late):
    client.force_login(staff)
    english = client.get(f"/admin/bookings/booking/{cancelled_late.pk}/change/").content.decode()
    staff.language = "ru"
    staff.save(update_fields=["language"])
    russian = client.get(f"/admin/bookings/booking/{cancelled_late.pk}/change/").content.decode()
    assert CANCELLED["en"] in english and CANCELLED["ru"] in russian


def test_a_staff_refund_is_kept_as_a_code_with_the_staff_note_and_read_in_each_language(
        client, mentee, staff, booking):
    payment = _pay(client, mentee, booking)
    with translation.override("en"):
        services.payment_refund_by_staff(payment_id=payment.pk, staff=staff, amount=None, reason="Mentor unreachable")
    event = Booking.objects.get(pk=booking.pk).events.last()
    assert (event.reason_code, event.reason) == ("refunded_by_staff", "Mentor unreachable")
    with translation.override("ru"):
        assert event.reason_text == f"Администрация вернула всю сумму ({staff.email}). Mentor unreachable"
    with translation.override("en"):
        assert event.reason_text == f"Refunded in full by staff ({staff.email}). Mentor unreachable"


def test_part_of_an_ended_bookings_money_refunded_by_staff_reads_with_the_amount_in_the_readers_words(
        client, mentee, staff, booking):
    payment = _pay(client, mentee, booking)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    services.payment_refund_by_staff(payment_id=payment.pk, staff=staff, amount=Decimal("1000.00"), reason="")
    event = Booking.objects.get(pk=booking.pk).events.last()
    with translation.override("ru"):
        assert event.reason_text == f"Администрация вернула 1\xa0000\xa0₽ ({staff.email})."
    with translation.override("en"):
        assert event.reason_text == f"RUB\xa01,000.00 refunded by staff ({staff.email})."
