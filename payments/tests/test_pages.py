from datetime import timedelta

import pytest

from bookings import services as booking_services
from payments import services
from payments.models import Payment
from payments.tests.conftest import intent_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(mentee, profile, service, tomorrow_10):
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                            service_id=service.pk)
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    services.payment_event_record(provider="offline", event={
        "id": "evt_paid", "type": "payment_intent.succeeded", "data": {"object": intent_object(payment)}})
    payment.refresh_from_db()
    return payment


def test_history_and_receipt_pages_show_my_payment(client, mentee, paid):
    client.force_login(mentee)
    assert "Receipt" in client.get("/payments/").content.decode()
    receipt = client.get(f"/payments/{paid.pk}/receipt/").content.decode()
    assert paid.provider_intent_id in receipt and mentee.email in receipt


def test_other_peoples_payment_pages_are_404(client, other_user, paid):
    client.force_login(other_user)
    for url in (f"/payments/{paid.pk}/receipt/", f"/payments/{paid.pk}/checkout/", f"/payments/{paid.pk}/result/"):
        assert client.get(url).status_code == 404
    client.post(f"/payments/{paid.pk}/checkout/decide/", {"outcome": "fail"})
    assert Payment.objects.get(pk=paid.pk).status == "succeeded"


def test_a_failed_offline_checkout_can_be_retried(client, mentee, profile, service, tomorrow_10):
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                            service_id=service.pk)
    client.force_login(mentee)
    checkout = client.post(f"/bookings/{booking.pk}/pay/")["Location"]
    client.post(f"{checkout}decide/", {"outcome": "fail"})
    assert "Payment failed" in client.get(checkout.replace("checkout", "result")).content.decode()
    assert client.get(checkout).status_code == 200  # still payable
    client.post(f"{checkout}decide/", {"outcome": "succeed"})
    booking.refresh_from_db()
    assert booking.payment_status == "paid"


def test_staff_refund_a_payment_from_the_admin(client, staff, paid):
    client.force_login(staff)
    client.post("/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": [paid.pk]})
    paid.refresh_from_db()
    assert (paid.status, paid.refunded_amount) == ("refunded", paid.amount)
    assert client.get(f"/admin/payments/payment/{paid.pk}/change/").status_code == 200


def test_the_unpaid_sweep_task_is_scheduled_and_releases_seats(mentee, profile, service, tomorrow_10, settings):
    from freezegun import freeze_time

    from bookings.tasks import cancel_unpaid_bookings

    assert settings.CELERY_BEAT_SCHEDULE["cancel-unpaid-bookings"]["task"] == "bookings.tasks.cancel_unpaid_bookings"
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10,
                                            service_id=service.pk)
    with freeze_time(booking.slot.start - timedelta(minutes=30)):
        assert cancel_unpaid_bookings.delay().get() == 1
    booking.refresh_from_db()
    assert booking.status == "cancelled" and "payment deadline" in booking.cancellation_reason
