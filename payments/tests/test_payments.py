import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Booking
from mentorhub.testing import requires_postgresql
from mentors.models import Slot
from payments import services
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import charge_refunded_object, intent_object, post_event, signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    """A scheduled, priced, unpaid booking two-plus days out."""
    start = tomorrow_10 + timedelta(days=2)
    return booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)


def intent(api, user, booking_id):
    return api(user).post("/api/v1/payments/intent", {"session_id": booking_id})


def succeed(client, payment, event_id=None):
    body, header = signed_event("payment_intent.succeeded", intent_object(payment), event_id=event_id)
    return post_event(client, body, header)


# --- starting a payment ------------------------------------------------------------------------


def test_an_intent_for_my_booking_gives_a_checkout_link_and_the_servers_amount(api, mentee, booking):
    response = intent(api, mentee, booking.pk)
    assert response.status_code == 201
    body = response.json()
    assert body["payment_id"].startswith("pi_offline_") and body["status"] == "pending"
    assert Decimal(str(body["amount"])) == booking.price and body["currency"] == booking.currency
    assert body["payment_url"].endswith(f"/payments/{Payment.objects.get().pk}/checkout/")
    assert body["expires_at"]


def test_asking_twice_returns_the_same_live_intent(api, mentee, booking):
    first = intent(api, mentee, booking.pk).json()["payment_id"]
    assert intent(api, mentee, booking.pk).json()["payment_id"] == first
    assert Payment.objects.count() == 1


def test_payments_create_takes_the_specs_body_and_refuses_a_different_amount(api, mentee, booking):
    wrong = api(mentee).post("/api/v1/payments/create", {"session_id": booking.pk, "amount": 1,
                                                         "payment_method": "card"})
    assert wrong.status_code == 400 and [e["field"] for e in wrong.json()["errors"]] == ["amount"]
    right = api(mentee).post("/api/v1/payments/create", {"session_id": booking.pk, "amount": str(booking.price),
                                                         "payment_method": "card"})
    assert right.status_code == 201
    assert set(right.json()) >= {"payment_id", "amount", "currency", "status", "payment_url", "expires_at"}


def test_paying_someone_elses_booking_is_a_404(api, other_user, booking):
    assert intent(api, other_user, booking.pk).status_code == 404


def test_a_cancelled_a_free_or_a_paid_booking_cannot_be_paid(api, mentee, booking, client):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    succeed(client, payment)
    assert intent(api, mentee, booking.pk).status_code == 409  # already paid
    Booking.objects.filter(pk=booking.pk).update(payment_status="not_required", price=0)
    assert intent(api, mentee, booking.pk).status_code == 409  # free
    Booking.objects.filter(pk=booking.pk).update(payment_status="pending", price=10, status="cancelled")
    assert intent(api, mentee, booking.pk).json()["status_code"] == 409  # cancelled


# --- the webhook ---------------------------------------------------------------------------------


def test_the_spec_000_flow_runs_end_to_end_hold_confirm_intent_webhook_paid(api, client, mentee, mentor, profile,
                                                                           one_seat_slot):
    profile.requires_confirmation = True
    profile.save()
    held = api(mentee).post("/api/booking/hold", {"slotId": str(one_seat_slot.pk)}).json()
    assert held["status"] == "requested"
    confirmed = api(mentor).post("/api/booking/confirm", {"sessionId": str(held["id"])}).json()
    assert confirmed["flow_status"] == "booked"
    payment_id = api(mentee).post("/api/payments/intent", {"session_id": held["id"]}).json()["payment_id"]
    assert succeed(client, Payment.objects.get(provider_intent_id=payment_id)).status_code == 200
    final = api(mentee).get(f"/api/booking/{held['id']}").json()
    assert (final["status"], final["payment_status"], final["flow_status"]) == ("scheduled", "paid", "paid")
    assert "Payment received." in [event["reason"] for event in final["history"]]


def test_a_bad_missing_or_stale_signature_is_a_400_and_changes_nothing(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    obj = intent_object(payment)
    body, _ = signed_event("payment_intent.succeeded", obj)
    _, wrong = signed_event("payment_intent.succeeded", obj, secret="whsec_someone_else")
    stale_body, stale = signed_event("payment_intent.succeeded", obj, timestamp=int(timezone.now().timestamp()) - 3600)
    for response in (post_event(client, body, wrong), post_event(client, body, None),
                     post_event(client, stale_body, stale), post_event(client, body, "t=1,v1=garbage")):
        assert response.status_code == 400 and response.json()["status_code"] == 400
    assert Payment.objects.get().status == "pending" and not PaymentEvent.objects.exists()


def test_the_same_event_twice_changes_things_once(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert succeed(client, payment, event_id="evt_once").json()["outcome"] == "succeeded: booking paid"
    again = succeed(client, payment, event_id="evt_once")
    assert again.status_code == 200 and again.json()["outcome"].startswith("duplicate")
    assert PaymentEvent.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).events.filter(reason="Payment received.").count() == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_event_delivered_concurrently_is_applied_once(mentee, booking):
    from django.test import Client

    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    body, header = signed_event("payment_intent.succeeded", intent_object(payment), event_id="evt_race")
    barrier, outcomes = threading.Barrier(6), []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(post_event(Client(), body, header).json()["outcome"])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("succeeded: booking paid") == 1
    assert PaymentEvent.objects.count() == 1
    assert Booking.objects.get(pk=booking.pk).events.filter(reason="Payment received.").count() == 1


def test_events_out_of_order_never_move_a_payment_backwards(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    succeed(client, payment)
    body, header = signed_event("payment_intent.payment_failed", {"id": payment.provider_intent_id})
    assert post_event(client, body, header).json()["outcome"].startswith("ignored: out of order")
    body, header = signed_event("charge.refunded", charge_refunded_object(payment))
    post_event(client, body, header)
    succeed(client, payment)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)
    assert Booking.objects.get(pk=booking.pk).payment_status == "refunded"


def test_a_failed_payment_leaves_the_booking_payable(client, api, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    body, header = signed_event("payment_intent.payment_failed", {"id": payment.provider_intent_id})
    post_event(client, body, header)
    assert Booking.objects.get(pk=booking.pk).payment_status == "pending"
    succeed(client, payment)  # the payer retried and it went through
    assert Booking.objects.get(pk=booking.pk).payment_status == "paid"


def test_a_late_payment_reinstates_the_booking_when_its_seat_is_free(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    Booking.objects.filter(pk=booking.pk).update(status="expired")
    Slot.objects.filter(pk=booking.slot_id).update(seats_taken=0, is_active=False)
    assert succeed(client, payment).json()["outcome"] == "succeeded: booking reinstated and paid"
    booking.refresh_from_db()
    assert (booking.status, booking.payment_status, booking.slot.seats_taken) == ("scheduled", "paid", 1)


def test_a_payment_that_still_succeeds_after_the_mentee_cancelled_is_refunded_automatically(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    booking_services.booking_cancel(booking_id=booking.pk, actor=mentee)
    payment.refresh_from_db()
    assert payment.status == "cancelled"  # voided, but the payer's bank had already said yes
    assert succeed(client, payment).json()["outcome"] == "succeeded: booking no longer open, refunded in full"
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


# --- refunds by policy --------------------------------------------------------------------------


def paid_booking(client, mentee, booking):
    succeed(client, services.payment_start(booking_id=booking.pk, payer=mentee))
    return Booking.objects.get(pk=booking.pk)


@pytest.mark.parametrize("hours_before,full_hours,late_percent,expected_percent", [
    (48, 24, 0, 100), (24, 24, 0, 100), (23, 24, 0, 0), (13, 12, 0, 100), (11, 12, 50, 50), (1, 24, 25, 25),
])
def test_the_refund_policy_table(client, mentee, booking, hours_before, full_hours, late_percent, expected_percent):
    paid = paid_booking(client, mentee, booking)
    mentor = paid.slot.mentor
    mentor.full_refund_hours, mentor.late_refund_percent = full_hours, late_percent
    mentor.save()
    now = paid.slot.start - timedelta(hours=hours_before)
    booking_services.booking_cancel(booking_id=paid.pk, actor=mentee, now=now)
    payment = Payment.objects.get()
    assert payment.refunded_amount == (payment.amount * expected_percent / 100).quantize(Decimal("0.01"))
    assert "Refund policy: Cancelled " in Booking.objects.get(pk=paid.pk).events.last().reason_text


def test_the_mentors_cancellation_always_refunds_in_full(client, mentee, mentor, booking):
    paid = paid_booking(client, mentee, booking)
    booking_services.booking_cancel(booking_id=paid.pk, actor=mentor, now=paid.slot.start - timedelta(minutes=90))
    assert Payment.objects.get().status == "refunded"
    assert Booking.objects.get(pk=paid.pk).payment_status == "refunded"


def test_rescheduling_never_asks_to_pay_again(client, mentee, booking):
    paid = paid_booking(client, mentee, booking)
    moved = booking_services.booking_reschedule(booking_id=paid.pk, actor=mentee,
                                                start=paid.slot.start + timedelta(hours=2))
    assert moved.payment_status == "paid"


def test_an_unpaid_booking_is_released_at_its_payment_deadline(mentee, booking):
    assert booking_services.booking_cancel_unpaid(now=booking.slot.start - timedelta(hours=2)) == 0
    assert booking_services.booking_cancel_unpaid(now=booking.slot.start - timedelta(minutes=59)) == 1
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.slot.seats_taken == 0
    assert booking_services.booking_cancel_unpaid(now=booking.slot.start - timedelta(minutes=59)) == 0


# --- history -------------------------------------------------------------------------------------


def test_history_lists_only_my_payments_in_the_specs_shape(api, client, mentee, other_user, booking,
                                                           django_assert_max_num_queries):
    succeed(client, services.payment_start(booking_id=booking.pk, payer=mentee))
    body = api(mentee).get("/api/v1/payments/history").json()
    assert body["total"] == 1
    assert set(body["items"][0]) >= {"id", "amount", "status", "description", "created_at"}
    assert body["items"][0]["status"] == "succeeded"
    assert api(other_user).get("/api/v1/payments/history").json()["total"] == 0
    with django_assert_max_num_queries(4):
        api(mentee).get("/api/v1/payments/history")
    for n in range(25):
        Payment.objects.create(payer=mentee, description=f"Old {n}", amount=10, currency="RUB", provider="offline",
                               provider_intent_id=f"pi_offline_old_{n}", status="failed", idempotency_key=f"old-{n}",
                               expires_at=timezone.now())
    with django_assert_max_num_queries(4):  # flat: the same with 26 payments
        assert len(api(mentee).get("/api/v1/payments/history").json()["items"]) == 20


# --- the offline checkout page -------------------------------------------------------------------


def test_the_offline_checkout_page_is_marked_test_mode_and_its_choice_pays_the_booking(client, mentee, booking):
    client.force_login(mentee)
    response = client.post(f"/bookings/{booking.pk}/pay/")
    checkout = response["Location"]
    page = client.get(checkout).content.decode()
    assert "Test mode" in page
    client.post(f"{checkout}decide/", {"outcome": "succeed"})
    assert Booking.objects.get(pk=booking.pk).payment_status == "paid"
    assert PaymentEvent.objects.get().provider == "offline"


def test_the_booking_page_shows_the_refund_before_cancelling(client, mentee, booking):
    paid = paid_booking(client, mentee, booking)
    client.force_login(mentee)
    html = client.get(f"/bookings/{paid.pk}/").content.decode()
    assert "If you cancel now" in html and f"{paid.price:,.2f}" in html and "full refund" in html

