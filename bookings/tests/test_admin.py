"""Staff work on bookings in the admin: read everything, change things only through the services."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from freezegun import freeze_time

from bookings import services as booking_services
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from mentorhub.errors import PermissionDenied
from mentors.models import Slot
from notifications.models import Notification, Reminder
from payments import services as payment_services
from payments.models import Payment, PaymentEvent
from payments.tests.conftest import intent_object

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/booking/"


def paid_booking(mentee, profile, service, start) -> Booking:
    """A scheduled booking of ``service`` (3000), paid through the offline provider."""
    booking = booking_services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=start, service_id=service.pk)
    payment = payment_services.payment_start(booking_id=booking.pk, payer=mentee)
    payment_services.payment_event_record(provider="offline", event={
        "id": f"evt_{uuid.uuid4().hex}", "type": "payment_intent.succeeded",
        "data": {"object": intent_object(payment)}})
    booking.refresh_from_db()
    return booking


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    return paid_booking(mentee, profile, service, tomorrow_10 + timedelta(days=2))


def act(client, action, booking, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [booking.pk], **extra}, follow=True)


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def told(user, kind) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def kept(booking) -> Decimal:
    payment = Payment.objects.get(booking=booking)
    return payment.amount - payment.refunded_amount


@pytest.mark.parametrize(("action", "refunded"), [("cancel_by_policy", Decimal("1500.00")),
                                                  ("cancel_with_full_refund", Decimal("3000.00"))])
def test_a_late_staff_cancel_refunds_by_the_terms_or_in_full_and_tells_both_sides(
        client, staff, mentee, mentor, profile, booking, action, refunded, django_capture_on_commit_callbacks):
    profile.late_refund_percent = 50
    profile.save()
    client.force_login(staff)
    with freeze_time(booking.slot.start - timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        response = act(client, action, booking)
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.cancelled_by) == ("cancelled", staff)
    assert Payment.objects.get(booking=booking).refunded_amount == refunded
    event = stored.events.last()
    assert (event.actor, event.to_status, event.reason_code) == (staff, "cancelled", "cancelled_by_staff")
    assert event.reason_text.startswith("Cancelled by staff. Refund policy: ")
    assert told(mentee, "booking.cancelled") == 1 and told(mentor, "booking.cancelled") == 1
    assert Slot.objects.get(pk=booking.slot_id).seats_taken == 0
    assert any(f"Booking {booking.pk}: Cancelled by staff. Refund policy:" in text for text in said(response))


def test_cancelling_an_already_cancelled_booking_again_says_why_and_changes_nothing(client, staff, booking):
    client.force_login(staff)
    act(client, "cancel_with_full_refund", booking)
    events, refunded = BookingEvent.objects.count(), Payment.objects.get(booking=booking).refunded_amount
    response = act(client, "cancel_with_full_refund", booking)
    assert response.status_code == 200
    assert said(response) == [f"Booking {booking.pk}: A booking that is cancelled cannot be cancelled."]
    assert BookingEvent.objects.count() == events
    assert Payment.objects.get(booking=booking).refunded_amount == refunded


def test_only_staff_may_ask_for_a_full_refund_regardless_of_the_terms(mentee, booking):
    with pytest.raises(PermissionDenied):
        booking_services.booking_cancel(booking_id=booking.pk, actor=mentee, full_refund=True)
    assert Booking.objects.get(pk=booking.pk).status == "scheduled"


def test_staff_refund_part_of_an_ended_bookings_payment_with_the_asked_amount(
        client, staff, mentee, mentor, profile, booking, django_capture_on_commit_callbacks):
    with freeze_time(booking.slot.start - timedelta(hours=2)):  # too late for a refund under the default terms
        booking_services.booking_cancel(booking_id=booking.pk, actor=mentee)
    assert kept(booking) == Decimal("3000.00")
    client.force_login(staff)
    page = act(client, "refund_part", booking)
    assert page.status_code == 200 and b'name="amount"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, "refund_part", booking, apply="Refund", amount="1000.00", reason="Goodwill")
    assert said(response) == [f"Booking {booking.pk}: refunded 1000.00 RUB."]
    payment = Payment.objects.get(booking=booking)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("1000.00"))
    history = PaymentEvent.objects.get(payment=payment, type="staff.refund")
    assert staff.email in history.outcome and "Goodwill" in history.outcome
    assert told(mentee, "payment.refunded") == 1 and told(mentor, "payment.refunded") == 1
    audit = Booking.objects.get(pk=booking.pk).events.order_by("-id").first()  # the cancel ran at a frozen, later clock
    assert (audit.actor, audit.from_status, audit.to_status) == (staff, "cancelled", "cancelled")
    assert (audit.reason_code, audit.reason) == ("refunded_part_by_staff", "Goodwill")  # the note as typed
    assert audit.reason_text == f"RUB\xa01,000.00 refunded by staff ({staff.email}). Goodwill"


def test_a_live_booking_keeps_its_whole_price_so_a_partial_refund_is_refused(client, staff, booking):
    client.force_login(staff)
    response = act(client, "refund_part", booking, apply="Refund", amount="100.00")
    assert "keeps its whole price" in said(response)[0]
    assert kept(booking) == Decimal("3000.00") and Booking.objects.get(pk=booking.pk).status == "scheduled"


def test_refunding_more_than_the_payment_keeps_is_refused(client, staff, mentee, booking):
    with freeze_time(booking.slot.start - timedelta(hours=2)):
        booking_services.booking_cancel(booking_id=booking.pk, actor=mentee)
    client.force_login(staff)
    response = act(client, "refund_part", booking, apply="Refund", amount="3000.01")
    assert "this payment keeps 3000.00" in said(response)[0]
    assert kept(booking) == Decimal("3000.00")


def test_staff_mark_a_no_show_after_the_start_and_both_sides_are_told(
        client, staff, mentee, mentor, booking, django_capture_on_commit_callbacks):
    client.force_login(staff)
    refused = act(client, "mark_no_show", booking)
    assert "once the session has started" in said(refused)[0]
    with freeze_time(booking.slot.start + timedelta(minutes=20)), django_capture_on_commit_callbacks(execute=True):
        act(client, "mark_no_show", booking)
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == "no_show"
    assert (stored.events.last().actor, stored.events.last().to_status) == (staff, "no_show")
    assert told(mentee, "booking.no_show") == 1 and told(mentor, "booking.no_show") == 1


def test_staff_reschedule_with_the_new_start_read_in_their_own_zone(
        client, staff, mentee, mentor, booking, tomorrow_10, django_capture_on_commit_callbacks):
    staff.timezone = "Europe/Moscow"  # UTC+3 all year
    staff.save()
    client.force_login(staff)
    new_start = tomorrow_10 + timedelta(days=3, hours=2)  # 12:00 UTC, inside the mentor's hours
    page = act(client, "reschedule", booking)
    assert page.status_code == 200 and b"Europe/Moscow" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, "reschedule", booking, apply="Move",
                       start=(new_start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    moscow = new_start + timedelta(hours=3)
    assert said(response) == [f"Booking {booking.pk}: moved to "
                              f"{moscow.day} {moscow:%b %Y, %H:%M} Europe/Moscow (UTC+03:00)."]
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.slot.start, stored.status, stored.payment_status) == (new_start, "scheduled", "paid")
    event = stored.events.last()
    assert (event.actor, event.moved_from, event.moved_to) == (staff, booking.slot.start, new_start)
    assert Notification.objects.get(user=mentee, kind="booking.scheduled").title == "Session with Marcus Mentor moved"
    assert Notification.objects.get(user=mentor, kind="booking.scheduled").title == "Session with Mia Mentee moved"
    assert Slot.objects.get(pk=booking.slot_id).seats_taken == 0


def test_a_reschedule_to_a_time_the_mentor_does_not_offer_is_an_error_message(client, staff, booking, tomorrow_10):
    client.force_login(staff)
    night = tomorrow_10 + timedelta(days=3, hours=12)  # 22:00 UTC, outside 09:00-17:00
    response = act(client, "reschedule", booking, apply="Move", start=night.strftime("%Y-%m-%dT%H:%M"))
    assert response.status_code == 200 and "not available" in said(response)[0]
    assert Booking.objects.get(pk=booking.pk).slot_id == booking.slot_id


def test_the_booking_page_shows_its_history_payment_and_reminders_and_cannot_be_edited(client, staff, booking):
    Reminder.objects.create(booking=booking, kind="24h", slot_start=booking.slot.start, sent_at=booking.created_at)
    client.force_login(staff)
    url = f"/admin/bookings/booking/{booking.pk}/change/"
    page = client.get(url).content.decode()
    assert "Payment received." in page and "24 hours before" in page and "No room opened yet." in page
    assert 'value="cancel_with_full_refund"' in page and 'value="reschedule"' in page  # per-booking buttons
    forged = client.post(url, {"status": "completed", "payment_status": "refunded", "price": "1.00"})
    assert forged.status_code == 403
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.status, stored.payment_status, stored.price) == ("scheduled", "paid", Decimal("3000.00"))
    assert client.get("/admin/bookings/booking/add/").status_code == 403
    assert client.post(f"/admin/bookings/booking/{booking.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_staff_find_bookings_by_participant_and_by_id_and_filter_them(client, staff, mentor, booking):
    other = BookingFactory()
    client.force_login(staff)
    found = lambda **query: list(client.get(CHANGELIST, query).context["cl"].result_list)  # noqa: E731
    assert found(q=booking.mentee.email) == [booking]
    assert found(q="Marcus") == [booking]  # the mentor's name
    assert found(q=f"#{other.pk}") == [other]
    assert found(mentor=str(booking.slot.mentor_id)) == [booking]
    assert found(status="scheduled", payment_status="paid") == [booking]


def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, mentee, booking):
    client.force_login(mentee)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    refused = client.post(CHANGELIST, {"action": "cancel_with_full_refund", "_selected_action": [booking.pk]})
    assert refused.status_code == 302 and Booking.objects.get(pk=booking.pk).status == "scheduled"


def bookings_with_history(count: int) -> list[Booking]:
    """Bookings of different mentees and mentors, each with a paid payment, audit rows and a reminder."""
    made = []
    for _ in range(count):
        booking = BookingFactory(payment_status="paid", payment_due_at=None)
        for to in ("scheduled", "scheduled"):
            BookingEvent.objects.create(booking=booking, actor=booking.mentee, from_status="scheduled", to_status=to)
        Payment.objects.create(payer=booking.mentee, booking=booking, description="Session", amount=booking.price,
                               currency=booking.currency, provider="offline", status="succeeded",
                               provider_intent_id=f"pi_{uuid.uuid4().hex}", idempotency_key=uuid.uuid4().hex,
                               expires_at=booking.slot.start)
        Reminder.objects.create(booking=booking, kind="24h", slot_start=booking.slot.start, sent_at=booking.slot.start)
        made.append(booking)
    return made


@pytest.mark.parametrize("count", [3, 40])
def test_the_booking_list_and_page_take_the_same_number_of_queries_for_few_or_many(
        client, staff, count, django_assert_max_num_queries):
    bookings = bookings_with_history(count)
    for extra in range(count):  # the first booking's page: its history grows with the data too
        BookingEvent.objects.create(booking=bookings[0], actor=staff, from_status="scheduled", to_status="scheduled",
                                    reason=f"note {extra}")
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(CHANGELIST, {"q": "example.com", "status": "scheduled"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"/admin/bookings/booking/{bookings[0].pk}/change/").status_code == 200


def test_an_action_started_from_the_bookings_page_comes_back_to_that_page(client, staff, booking, tomorrow_10):
    client.force_login(staff)
    page = f"{CHANGELIST}{booking.pk}/change/"
    assert f'name="back" value="{page}"'.encode() in client.get(page).content

    response = client.post(CHANGELIST, {"action": "cancel_by_policy", "_selected_action": [booking.pk],
                                        "back": page})
    assert response.status_code == 302 and response["Location"] == page

    # An answer asked first (a new start) carries the way back through its form.
    form = client.post(CHANGELIST, {"action": "reschedule", "_selected_action": [booking.pk], "back": page})
    assert f'name="back" value="{page}"'.encode() in form.content


def test_the_way_back_leads_only_to_the_page_of_the_booking_acted_on(client, staff, booking):
    client.force_login(staff)
    for elsewhere in ("https://evil.example/", f"{CHANGELIST}{booking.pk + 1}/change/", "/admin/"):
        response = client.post(CHANGELIST, {"action": "cancel_by_policy", "_selected_action": [booking.pk],
                                            "back": elsewhere})
        assert response.status_code == 302 and response["Location"] == CHANGELIST
