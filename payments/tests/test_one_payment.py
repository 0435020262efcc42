"""One booking, one kept payment; the webhook trusts only the amount it expected; no service without payment."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Booking
from mentors.models import Slot
from payments import policy, services
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import charge_refunded_object, intent_object, post_event, signed_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    """A scheduled, priced (3000 RUB), unpaid booking three days out."""
    return booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10 + timedelta(days=2),
                                         service_id=service.pk)


def deliver(client, kind: str, obj: dict):
    body, header = signed_event(kind, obj)
    return post_event(client, body, header)


def kept_payments(booking) -> list[Payment]:
    return [p for p in Payment.objects.filter(booking=booking) if p.amount - p.refunded_amount > 0
            and p.status in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)]


# --- 3. one booking, one successful payment --------------------------------------------------------


def test_pay_fail_pay_again_reuses_the_one_open_intent(client, mentee, booking):
    client.force_login(mentee)
    first = services.payment_start(booking_id=booking.pk, payer=mentee)
    client.post(f"/payments/{first.pk}/checkout/decide/", {"outcome": "fail"})
    again = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert (again.pk, again.provider_intent_id) == (first.pk, first.provider_intent_id)
    client.post(f"/payments/{first.pk}/checkout/decide/", {"outcome": "succeed"})
    client.post(f"/payments/{first.pk}/checkout/decide/", {"outcome": "succeed"})  # the Back button, once more
    assert [p.pk for p in kept_payments(booking)] == [first.pk]


def test_a_new_intent_voids_the_old_one_so_an_old_checkout_page_can_no_longer_pay(client, mentee, booking,
                                                                                    tomorrow_10):
    client.force_login(mentee)
    old = services.payment_start(booking_id=booking.pk, payer=mentee)
    # A move gives the unpaid booking a new deadline, so the next payment needs a new intent.
    booking_services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(days=3))
    new = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.status == "cancelled"
    response = client.post(f"/payments/{old.pk}/checkout/decide/", {"outcome": "succeed"}, follow=True)
    assert "no longer open" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).payment_status == "pending"
    client.post(f"/payments/{new.pk}/checkout/decide/", {"outcome": "succeed"})
    assert [p.pk for p in kept_payments(booking)] == [new.pk]


def test_a_late_success_for_a_booking_already_paid_is_refunded_in_full_and_recorded(client, mentee, booking,
                                                                                    tomorrow_10):
    old = services.payment_start(booking_id=booking.pk, payer=mentee)
    booking_services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(days=3))
    new = services.payment_start(booking_id=booking.pk, payer=mentee)
    assert deliver(client, "payment_intent.succeeded", intent_object(new)).json()["outcome"] == \
        "succeeded: booking paid"
    # The voided intent had already been paid at the bank: Stripe still reports its success.
    outcome = deliver(client, "payment_intent.succeeded", intent_object(old)).json()["outcome"]
    assert outcome == "succeeded: booking already paid, refunded in full"
    old.refresh_from_db()
    assert (old.status, old.refunded_amount) == ("refunded", old.amount)
    assert PaymentEvent.objects.filter(payment=old).first().outcome == outcome  # in the payment's history
    paid = Booking.objects.get(pk=booking.pk)
    assert (paid.status, paid.payment_status) == ("scheduled", "paid")
    assert [p.pk for p in kept_payments(booking)] == [new.pk]
    quote = policy.refund_quote(booking=paid, actor=mentee, now=timezone.now())
    assert quote.amount == paid.price  # never twice the price back


def test_a_duplicate_success_reported_after_the_refund_of_the_first_never_cancels_the_paid_booking(
        client, mentee, booking, tomorrow_10):
    old = services.payment_start(booking_id=booking.pk, payer=mentee)
    booking_services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(days=3))
    new = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(new))
    deliver(client, "payment_intent.succeeded", intent_object(old))
    # Stripe then reports the refund we made of the duplicate.
    deliver(client, "charge.refunded", charge_refunded_object(old))
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.payment_status) == ("scheduled", "paid")


def test_starting_a_new_stripe_intent_cancels_the_old_payment_intent(stripe_http, mentee, booking, tomorrow_10):
    old = services.payment_start(booking_id=booking.pk, payer=mentee)
    booking_services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(days=3))
    services.payment_start(booking_id=booking.pk, payer=mentee)
    urls = [call["url"] for call in stripe_http.calls]
    assert any(url.endswith(f"/v1/payment_intents/{old.provider_intent_id}/cancel") for url in urls)


# --- 4. the webhook checks what was paid ----------------------------------------------------------


@pytest.mark.parametrize("changes,problem", [
    ({"amount_received": 1, "currency": "usd"}, "currency USD instead of RUB"),
    ({"amount_received": 1}, "0.01 RUB received instead of"),
    ({"amount_received": None, "amount": None}, "does not say how much"),
    ({"currency": None}, "does not say how much"),
])
def test_a_success_with_another_amount_or_currency_is_flagged_and_never_pays_the_booking(
        client, mentee, booking, changes, problem):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    obj = {k: v for k, v in {**intent_object(payment), **changes}.items() if v is not None}
    outcome = deliver(client, "payment_intent.succeeded", obj).json()["outcome"]
    assert outcome.startswith("flagged:") and problem in outcome
    payment.refresh_from_db()
    assert payment.status == "pending" and problem in payment.flagged
    assert Booking.objects.get(pk=booking.pk).payment_status == "pending"
    assert PaymentEvent.objects.get().outcome == outcome


def test_flagged_payments_are_listed_for_staff_in_the_admin(client, staff, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment, amount_received=1))
    client.force_login(staff)
    page = client.get("/admin/payments/payment/", {"flagged": "yes"}).content.decode()
    assert payment.provider_intent_id in page and "received instead of" in page


def test_a_refund_report_in_another_currency_is_flagged(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    outcome = deliver(client, "charge.refunded", {**charge_refunded_object(payment), "currency": "usd"}).json()
    assert outcome["outcome"].startswith("flagged:")
    assert Payment.objects.get().refunded_amount == 0


# --- 6. no service without payment or after a refund -----------------------------------------------


def test_a_full_refund_from_the_providers_dashboard_cancels_the_live_booking_and_frees_its_seat(client, mentee,
                                                                                              booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    outcome = deliver(client, "charge.refunded", charge_refunded_object(payment)).json()["outcome"]
    assert outcome.endswith("booking cancelled")
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.payment_status) == ("cancelled", "refunded")
    assert Slot.objects.get(pk=booking.slot_id).seats_taken == 0


def test_a_partial_refund_outside_mentorhub_of_a_live_booking_is_flagged_for_staff(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    deliver(client, "charge.refunded", charge_refunded_object(payment, refunded=100))
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and "partly refunded outside MentorHub" in payment.flagged


def test_a_staff_refund_of_a_live_bookings_payment_cancels_the_booking(client, staff, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    client.force_login(staff)
    client.post("/admin/payments/payment/", {"action": "refund_in_full", "_selected_action": [payment.pk]})
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.payment_status, stored.cancelled_by) == ("cancelled", "refunded", staff)
    assert Slot.objects.get(pk=booking.slot_id).seats_taken == 0
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)


def test_a_declined_request_that_was_paid_is_refunded_in_full(client, mentee, mentor, profile, one_seat_slot):
    profile.requires_confirmation = True
    profile.save()
    request = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    payment = services.payment_start(booking_id=request.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    booking_services.booking_decline(booking_id=request.pk, actor=mentor)
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", payment.amount)
    assert Booking.objects.get(pk=request.pk).payment_status == "refunded"


def test_an_expired_request_that_was_paid_is_refunded_in_full(client, mentee, profile, one_seat_slot):
    profile.requires_confirmation = True
    profile.save()
    request = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    payment = services.payment_start(booking_id=request.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    assert booking_services.booking_expire_overdue(now=request.hold_expires_at) == 1
    payment.refresh_from_db()
    assert payment.refunded_amount == payment.amount
    assert Booking.objects.get(pk=request.pk).status == "expired"


# --- 9. paying starts on POST only ----------------------------------------------------------------


def test_opening_the_pay_link_creates_nothing_and_shows_the_amount_deadline_and_refund_terms(client, mentee,
                                                                                             booking):
    client.force_login(mentee)
    page = client.get(f"/bookings/{booking.pk}/pay/")
    assert page.status_code == 200 and not Payment.objects.exists()
    html = page.content.decode()
    assert "RUB\xa03,000.00" in html and 'data-testid="refund-terms"' in html and "full refund" in html


def test_starting_a_payment_needs_the_csrf_token(mentee, booking):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mentee)
    assert strict.post(f"/bookings/{booking.pk}/pay/").status_code == 403
    assert not Payment.objects.exists()
    token = strict.get(f"/bookings/{booking.pk}/pay/").cookies["csrftoken"].value
    started = strict.post(f"/bookings/{booking.pk}/pay/", {"csrfmiddlewaretoken": token})
    assert started.status_code == 302 and Payment.objects.count() == 1


def test_the_checkout_states_the_refund_terms(client, mentee, booking):
    client.force_login(mentee)
    checkout = client.post(f"/bookings/{booking.pk}/pay/")["Location"]
    html = client.get(checkout).content.decode()
    assert 'data-testid="refund-terms"' in html and "no refund" in html


@pytest.mark.parametrize("late_percent, late_line",
                         [(0, "<strong>no refund</strong>"), (50, "<strong>50%</strong> back")])
def test_once_the_full_refund_deadline_has_passed_the_terms_say_so_instead_of_offering_it(
        profile, late_percent, late_line):
    from django.template.loader import render_to_string

    profile.full_refund_hours, profile.late_refund_percent = 24, late_percent
    now = timezone.now()
    soon = render_to_string("payments/_refund_terms.html",
                            {"terms": policy.refund_terms(mentor=profile, start=now + timedelta(hours=5), now=now)})
    assert "Full refunds ended at" in soon and f"Cancelling now, before the start: {late_line}" in soon
    assert "<strong>full refund</strong>" not in soon
    later = render_to_string("payments/_refund_terms.html",
                             {"terms": policy.refund_terms(mentor=profile, start=now + timedelta(days=3), now=now)})
    assert "<strong>full refund</strong>" in later and "Full refunds ended" not in later
    # The deadline itself still refunds in full, as refund_quote does.
    assert policy.refund_terms(mentor=profile, start=now + timedelta(hours=24), now=now).full_refund_open


def test_the_refund_quote_never_exceeds_what_was_paid(client, mentee, booking):
    payment = services.payment_start(booking_id=booking.pk, payer=mentee)
    deliver(client, "payment_intent.succeeded", intent_object(payment))
    stored = Booking.objects.get(pk=booking.pk)
    assert policy.refund_quote(booking=stored, actor=mentee, now=timezone.now()).amount == Decimal(payment.amount)
