"""``GET dashboard``: an app's home screen in one call, scoped to the caller, in a fixed number of queries."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from messaging.tests.factories import MessageFactory, conversation_between
from notifications.tests.factories import NotificationFactory
from payments.models import Payment
from payments.tests.test_earnings import paid

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard"
TOP = {"as_mentee", "as_mentor", "notifications", "unread_messages", "statistics", "earnings_this_month",
       "generated_at"}
# Authentication, the mentor profile, next sessions as mentee and as mentor, the requests' count and
# items, the unread count and newest notices, the unread messages, three for the statistics and one for
# the earnings.
MAX_QUERIES = 13


def booking(*, mentee, profile, hours: float = 24, **fields) -> Booking:
    start = (timezone.now() + timedelta(hours=hours)).replace(microsecond=0)
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
    return BookingFactory(slot=slot, mentee=mentee, **fields)


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, currency="RUB", timezone="Europe/Moscow")


@pytest.fixture
def elsewhere():
    """Another mentor with another mentee's bookings, requests and notices: never in anyone else's dashboard."""
    stranger, other_profile = UserFactory(), MentorProfileFactory()
    booking(mentee=stranger, profile=other_profile, mentee_notes="stranger's private note")
    booking(mentee=stranger, profile=other_profile, hours=30, status=Booking.Status.REQUESTED,
            hold_expires_at=timezone.now() + timedelta(hours=2))
    NotificationFactory(user=stranger, title="Not yours")
    paid(other_profile, amount="4321.5")
    return stranger


def test_a_mentee_sees_their_next_sessions_notices_and_statistics_and_no_mentor_parts(api, mentee, profile,
                                                                                      elsewhere):
    later = booking(mentee=mentee, profile=profile, hours=48)
    sooner = booking(mentee=mentee, profile=profile, hours=2, mentee_notes="bring the CV")
    booking(mentee=mentee, profile=profile, hours=-48, status=Booking.Status.COMPLETED)
    booking(mentee=mentee, profile=profile, hours=72, status=Booking.Status.CANCELLED)
    NotificationFactory.create_batch(7, user=mentee)
    NotificationFactory(user=mentee, read_at=timezone.now())

    body = api(mentee).get(URL).json()

    assert set(body) == TOP
    assert body["as_mentor"] is None and body["earnings_this_month"] is None
    sessions = body["as_mentee"]["next_sessions"]
    assert [item["id"] for item in sessions] == [sooner.pk, later.pk]
    listed = api(mentee).get("/api/v1/mentors/bookings/").json()["items"][0]
    assert set(sessions[0]) == set(listed)  # the BookingViewSet item, so a client reuses its component
    assert sessions[0]["mentee_notes"] == "bring the CV"
    assert body["notifications"]["unread_count"] == 7
    assert len(body["notifications"]["latest"]) == 5
    assert body["statistics"] == api(mentee).get("/api/v1/mentors/bookings/statistics/").json()
    assert body["statistics"]["total_sessions"] == 4


def test_a_mentor_also_sees_this_months_earnings_in_their_own_zone(api, mentor, profile, elsewhere):
    mentor.timezone = "Europe/Moscow"
    mentor.save(update_fields=["timezone"])
    # 1 March 01:00 in Moscow is still February in UTC: it counts for March in the mentor's zone.
    paid(profile, amount="3000", when=datetime(2031, 2, 28, 22, 0, tzinfo=UTC))
    paid(profile, amount="2000", refunded="500", status=Payment.Status.PARTIALLY_REFUNDED,
         when=datetime(2031, 3, 10, tzinfo=UTC))
    paid(profile, amount="50", currency="USD", when=datetime(2031, 3, 11, tzinfo=UTC))
    paid(profile, amount="7000", when=datetime(2031, 2, 28, 20, 0, tzinfo=UTC))  # February in Moscow too

    with freeze_time(datetime(2031, 3, 15, 12, 0, tzinfo=UTC)):
        body = api(mentor).get(URL).json()

    earnings = body["earnings_this_month"]
    assert (earnings["month"], earnings["time_zone"]) == ("2031-03-01", "Europe/Moscow")
    assert earnings["by_currency"] == [
        {"currency": "RUB", "payments": 2, "paid": 5000.0, "refunded": 500.0, "kept": 4500.0},
        {"currency": "USD", "payments": 1, "paid": 50.0, "refunded": 0.0, "kept": 50.0},
    ]


def test_a_mentor_sees_the_next_sessions_in_their_slots_and_the_requests_waiting(api, mentor, profile, elsewhere):
    student = UserFactory()
    session = booking(mentee=student, profile=profile, hours=5, mentee_notes="only the mentee's")
    waiting = [booking(mentee=student, profile=profile, hours=10 + n, status=Booking.Status.REQUESTED,
                       hold_expires_at=timezone.now() + timedelta(hours=1 + n)) for n in range(7)]
    booking(mentee=student, profile=profile, hours=3, status=Booking.Status.REQUESTED,
            hold_expires_at=timezone.now() - timedelta(minutes=1))  # lapsed: waits for nobody

    body = api(mentor).get(URL).json()

    mine = body["as_mentor"]
    assert [item["id"] for item in mine["next_sessions"]] == [session.pk, *[w.pk for w in waiting[:4]]]
    assert mine["next_sessions"][0]["mentee_notes"] is None  # the mentee's own notes stay theirs
    assert mine["requests_waiting"]["count"] == 7
    assert [item["id"] for item in mine["requests_waiting"]["items"]] == [w.pk for w in waiting[:5]]
    assert body["as_mentee"]["next_sessions"] == []
    assert body["earnings_this_month"]["by_currency"] == []


def test_a_mentors_earnings_count_the_month_of_their_own_time_zone(mentor, profile):
    from payments.selectors import mentor_earnings_this_month

    mentor.timezone = "Europe/Moscow"
    paid(profile, amount="3000", when=datetime(2031, 2, 28, 22, 0, tzinfo=UTC))  # 1 March 01:00 in Moscow
    paid(profile, amount="2000", refunded="500", status=Payment.Status.PARTIALLY_REFUNDED,
         when=datetime(2031, 3, 10, tzinfo=UTC))
    paid(profile, amount="50", currency="USD", when=datetime(2031, 3, 31, 20, 0, tzinfo=UTC))  # 23:00 in Moscow
    paid(profile, amount="7000", when=datetime(2031, 2, 28, 20, 0, tzinfo=UTC))  # 23:00 on 28 Feb in Moscow
    paid(profile, amount="9000", when=datetime(2031, 3, 31, 21, 0, tzinfo=UTC))  # 1 April in Moscow

    month, rows = mentor_earnings_this_month(user=mentor, now=datetime(2031, 3, 15, 12, 0, tzinfo=UTC))

    assert month.isoformat() == "2031-03-01"
    assert [(r.currency, r.payments, r.paid, r.refunded, r.kept) for r in rows] == [
        ("RUB", 2, Decimal("5000"), Decimal("500"), Decimal("4500")),
        ("USD", 1, Decimal("50"), Decimal("0"), Decimal("50")),
    ]


def test_staff_get_their_own_dashboard_not_everyones(api, staff, elsewhere):
    body = api(staff).get(URL).json()
    assert set(body) == TOP
    assert body["as_mentee"]["next_sessions"] == [] and body["as_mentor"] is None
    assert body["notifications"] == {"unread_count": 0, "latest": []}
    assert body["statistics"]["total_sessions"] == 0 and body["earnings_this_month"] is None


def test_nothing_of_another_users_reaches_the_dashboard(api, mentee, mentor, profile, elsewhere):
    booking(mentee=mentee, profile=profile, hours=4)
    NotificationFactory(user=mentee, title="Yours")
    for user in (mentee, mentor):
        response = api(user).get(URL)
        text = response.content.decode()
        assert "Not yours" not in text and "stranger's private note" not in text
        # A number, not a substring: "999" also turns up in ids and microseconds of timestamps.
        assert 4321.5 not in numbers_in(response.json())
        assert str(elsewhere.display_name) not in text


def numbers_in(value) -> list:
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers_in(item)]
    if isinstance(value, list):
        return [n for item in value for n in numbers_in(item)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def test_the_dashboard_is_served_under_both_bases_and_needs_a_sign_in(api, mentee):
    assert api(mentee).get("/api/dashboard").status_code == 200
    assert api(mentee).get("/api/v1/dashboard/").status_code == 200
    response = api().get(URL)
    assert response.status_code == 401 and set(response.json()) == {"detail", "status_code", "errors"}


def fill(*, mentor_user, profile, mentee, n: int) -> None:
    for i in range(n):
        booking(mentee=mentee, profile=profile, hours=2 + i)
        booking(mentee=UserFactory(), profile=profile, hours=200 + i, status=Booking.Status.REQUESTED,
                hold_expires_at=timezone.now() + timedelta(hours=1 + i))
        booking(mentee=mentee, profile=profile, hours=-24 * (i + 1), status=Booking.Status.COMPLETED)
        NotificationFactory(user=mentor_user)
        stranger = UserFactory()
        MessageFactory(conversation=conversation_between(mentor_user, stranger), sender=stranger)
        paid(profile, amount="100")


@pytest.mark.parametrize("size", [1, 25])
def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_data(api, mentor, profile,
                                                                          django_assert_max_num_queries, size):
    # The mentor is also a mentee of another mentor: every part of the dashboard has rows.
    other = MentorProfileFactory()
    fill(mentor_user=mentor, profile=other, mentee=mentor, n=size)
    fill(mentor_user=mentor, profile=profile, mentee=UserFactory(), n=size)
    client = api(mentor)
    with django_assert_max_num_queries(MAX_QUERIES):
        body = client.get(URL).json()
    assert body["as_mentee"]["next_sessions"] and body["as_mentor"]["next_sessions"]
    assert body["as_mentor"]["requests_waiting"]["count"] == size
    assert body["earnings_this_month"]["by_currency"][0]["payments"] == size
    assert body["unread_messages"] == 2 * size
