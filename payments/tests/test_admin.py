"""Staff refund payments in the admin through payment_refund_by_staff; nothing about money is editable by hand."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking
from bookings.tests.test_admin import bookings_with_history, paid_booking
from mentors.models import Slot
from notifications.models import Notification
from payments import services
from payments.models import Payment, PaymentEvent

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/payments/payment/"


@pytest.fixture
def payment(mentee, profile, service, tomorrow_10) -> Payment:
    """The payment of a scheduled, paid booking (3000 RUB) three days out."""
    return Payment.objects.get(booking=paid_booking(mentee, profile, service, tomorrow_10 + timedelta(days=2)))


def refund(client, payment, **form):
    return client.post(CHANGELIST, {"action": "refund", "_selected_action": [payment.pk], "apply": "Refund", **form},
                       follow=True)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_refunding_all_of_a_live_bookings_payment_cancels_it_and_tells_both_sides(
        client, staff, mentee, mentor, payment, django_capture_on_commit_callbacks):
    client.force_login(staff)
    assert b'name="amount"' in client.post(CHANGELIST, {"action": "refund", "_selected_action": [payment.pk]}).content
    with django_capture_on_commit_callbacks(execute=True):
        response = refund(client, payment, amount="", reason="Mentor unreachable")
    assert said(response) == [f"Payment {payment.pk}: refunded 3000.00 RUB."]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("3000.00"))
    booking = Booking.objects.get(pk=payment.booking_id)
    assert (booking.status, booking.payment_status, booking.cancelled_by) == ("cancelled", "refunded", staff)
    assert booking.events.last().actor == staff and booking.cancellation_reason == "Mentor unreachable"
    assert booking.events.last().reason_text == f"Refunded in full by staff ({staff.email}). Mentor unreachable"
    assert Slot.objects.get(pk=booking.slot_id).seats_taken == 0
    for user in (mentee, mentor):
        assert Notification.objects.filter(user=user, kind="booking.cancelled").count() == 1
    assert PaymentEvent.objects.filter(payment=payment, type="staff.refund").count() == 1


def test_part_of_an_ended_bookings_payment_is_refunded_as_asked_and_a_second_part_up_to_what_is_kept(
        client, staff, mentee, payment):
    with freeze_time(payment.booking.slot.start - timedelta(hours=2)):  # late: the default terms refund nothing
        booking_services.booking_cancel(booking_id=payment.booking_id, actor=mentee)
    client.force_login(staff)
    refund(client, payment, amount="500.00")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("500.00"))
    too_much = refund(client, payment, amount="2500.01")
    assert "this payment keeps 2500.00" in said(too_much)[0]
    refund(client, payment, amount="2500.00")
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("3000.00"))
    assert Booking.objects.get(pk=payment.booking_id).payment_status == "refunded"
    page = client.get(f"/admin/payments/payment/{payment.pk}/change/").content.decode()
    assert "500.00 RUB refunded. Refunded by staff" in page and "2500.00 RUB refunded." in page
    again = refund(client, payment, amount="")
    assert "nothing to refund" in said(again)[0]
    assert PaymentEvent.objects.filter(payment=payment, type="staff.refund").count() == 2


def test_part_of_a_live_bookings_payment_is_refused_and_nothing_moves(client, staff, payment):
    client.force_login(staff)
    response = refund(client, payment, amount="100.00")
    assert "keeps its whole price" in said(response)[0]
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("succeeded", Decimal("0.00"))
    assert Booking.objects.get(pk=payment.booking_id).status == "scheduled"


def test_the_service_refuses_an_amount_outside_what_the_payment_keeps(staff, payment):
    from mentorhub.errors import InvalidInput

    for amount in (Decimal("0"), Decimal("-1"), Decimal("3000.01"), Decimal("0.001")):
        with pytest.raises(InvalidInput):
            services.payment_refund_by_staff(payment_id=payment.pk, staff=staff, amount=amount)


def test_amounts_statuses_and_provider_ids_cannot_be_edited_added_or_deleted(client, staff, payment):
    client.force_login(staff)
    url = f"/admin/payments/payment/{payment.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and payment.client_secret not in page.content.decode()
    forged = client.post(url, {"amount": "1.00", "refunded_amount": "3000.00", "status": "refunded",
                               "provider_intent_id": "pi_forged", "currency": "USD"})
    assert forged.status_code == 403
    stored = Payment.objects.get(pk=payment.pk)
    assert (stored.amount, stored.refunded_amount, stored.status, stored.currency, stored.provider_intent_id) == \
        (Decimal("3000.00"), Decimal("0.00"), "succeeded", "RUB", payment.provider_intent_id)
    assert client.get("/admin/payments/payment/add/").status_code == 403
    assert client.post(f"/admin/payments/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    event = PaymentEvent.objects.filter(payment=payment).first()
    assert client.post(f"/admin/payments/paymentevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, mentee, payment):
    client.force_login(mentee)
    assert client.get(CHANGELIST)["Location"].startswith("/admin/login/")
    assert refund(client, payment, amount="").redirect_chain[0][0].startswith("/admin/login/")
    assert Payment.objects.get(pk=payment.pk).refunded_amount == 0


@pytest.mark.parametrize("count", [3, 40])
def test_the_payment_list_and_page_take_the_same_number_of_queries_for_few_or_many(
        client, staff, count, django_assert_max_num_queries):
    bookings = bookings_with_history(count)
    first = Payment.objects.get(booking=bookings[0])
    for n in range(count):
        PaymentEvent.objects.create(provider="offline", event_id=f"evt_{count}_{n}", type="payment_intent.succeeded",
                                    payment=first, outcome="succeeded: booking paid")
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST, {"q": "example.com", "status": "succeeded"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/admin/payments/payment/{first.pk}/change/").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/admin/notifications/reminder/").status_code == 200
