"""The mentor's request inbox: what a mentor needs to answer a request (issue 10, point 12)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import ServiceFactory, SlotFactory

pytestmark = pytest.mark.django_db

INBOX = "/mentor/requests/"
# Session and user, the mentor check, the requests with their joins, the upcoming sessions, and what the
# navigation asks (notifications, unread messages): none of it grows with the number of requests.
INBOX_MAX_QUERIES = 9


def request_for(profile, *, mentee=None, start=None, **fields) -> Booking:
    start = start or (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(minutes=90), seats_taken=1)
    fields.setdefault("hold_expires_at", timezone.now() + timedelta(hours=5))
    return BookingFactory(slot=slot, mentee=mentee or UserFactory(), status=Booking.Status.REQUESTED, **fields)


def rows(html: str) -> list[str]:
    return html.split('data-testid="request-row"')[1:]


def test_each_request_shows_price_payment_topic_agenda_and_the_hold_countdown(client, mentor, profile):
    hold = timezone.now() + timedelta(hours=5)
    request_for(profile, price=Decimal("4500.00"), currency="EUR", topic="Mock interview",
                agenda="1. Trees\n2. Graphs", payment_status=Booking.PaymentStatus.PAID, payment_due_at=None,
                hold_expires_at=hold)
    client.force_login(mentor)

    [row] = rows(client.get(INBOX).content.decode())

    assert "€4,500.00" in row
    assert ">Paid<" in row
    assert "Mock interview" in row
    assert "1. Trees\n2. Graphs" in row
    assert f'data-countdown="{timezone.localtime(hold).isoformat()}"' in row


def test_an_unpaid_request_says_so_with_its_deadline_and_a_free_one_says_nothing_is_due(client, mentor, profile):
    unpaid = request_for(profile, payment_status=Booking.PaymentStatus.PENDING)
    request_for(profile, price=Decimal("0"), payment_status=Booking.PaymentStatus.NOT_REQUIRED,
                payment_due_at=None, start=unpaid.slot.start + timedelta(hours=3))
    client.force_login(mentor)

    first, second = rows(client.get(INBOX).content.decode())

    assert "Not paid yet" in first and "due " in first and "RUB\xa03,000.00" in first
    assert "Free" in second and "Nothing to pay" in second


def test_a_request_shows_the_start_in_the_mentees_local_time_and_zone(client, mentor, profile):
    mentor.timezone = "Europe/London"
    mentor.save()
    tokyo = UserFactory(full_name="Aiko Tanaka", timezone="Asia/Tokyo")
    start = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)  # 10:00 in London, 19:00 in Tokyo
    request_for(profile, mentee=tokyo, start=start)
    client.force_login(mentor)

    [row] = rows(client.get(INBOX).content.decode())

    assert "Tue 15 Jan, 10:00" in row  # the mentor's own time
    mentee_time = row.split('data-testid="request-mentee-time">')[1].split("</div>")[0]
    assert "Tue 15 Jan, 19:00" in mentee_time and "Aiko Tanaka" in mentee_time and "Asia/Tokyo" in mentee_time


def test_a_request_without_topic_or_agenda_says_so(client, mentor, profile):
    request_for(profile, topic="", agenda="")
    client.force_login(mentor)
    [row] = rows(client.get(INBOX).content.decode())
    assert "No topic given." in row and "No agenda yet." in row


def test_a_request_names_its_service_and_length(client, mentor, profile):
    service = ServiceFactory(mentor=profile, name="Code review", duration_minutes=90)
    request_for(profile, service=service)
    client.force_login(mentor)
    [row] = rows(client.get(INBOX).content.decode())
    assert "Code review · 90 min" in row


@pytest.mark.parametrize("count", [2, 25])
def test_the_inbox_runs_the_same_queries_for_2_or_25_requests(client, mentor, profile,
                                                               django_assert_max_num_queries, count):
    base = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    for index in range(count):
        request_for(profile, start=base + timedelta(hours=2 * index),
                    service=ServiceFactory(mentor=profile, name=f"Service {index}"))
    client.force_login(mentor)
    with django_assert_max_num_queries(INBOX_MAX_QUERIES):
        html = client.get(INBOX).content.decode()
    assert len(rows(html)) == count
