"""Paying in Russian as well as English (issue 17): the pages, the money as the reader writes it, API errors."""

from datetime import timedelta

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
