"""A mentor's earnings on their Payments page: per session, per month, refunds deducted, with a CSV download
(issue 10, point 13)."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.tests.factories import BookingFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory
from payments import selectors
from payments.models import Payment

pytestmark = pytest.mark.django_db

PAGE = "/payments/"
CSV = "/payments/earnings.csv"
# Session and user, the mentor profile, the months, the count and the page of payments, and what the
# navigation asks: none of it grows with the number of payments.
EARNINGS_MAX_QUERIES = 8
CSV_MAX_QUERIES = 4


def paid(profile, *, amount="3000", currency="RUB", status=Payment.Status.SUCCEEDED, refunded="0", when=None,
         mentee=None, service=None) -> Payment:
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0) + timedelta(hours=Payment.objects.count())
    slot = SlotFactory(mentor=profile, start=start, seats_taken=1)
    booking = BookingFactory(slot=slot, mentee=mentee or UserFactory(), price=Decimal(amount), currency=currency,
                             payment_status="paid", payment_due_at=None, service=service)
    payment = Payment.objects.create(
        payer=booking.mentee, booking=booking, description="Session", amount=Decimal(amount), currency=currency,
        provider="offline", provider_intent_id=f"pi_{uuid.uuid4().hex}", idempotency_key=uuid.uuid4().hex,
        expires_at=start, status=status, refunded_amount=Decimal(refunded))
    if when is not None:
        Payment.objects.filter(pk=payment.pk).update(created_at=when)
        payment.refresh_from_db()
    return payment


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, currency="RUB", timezone="Europe/Moscow")


def test_a_paid_mentor_sees_their_earnings_instead_of_no_payments_yet(client, mentor, profile):
    paid(profile, amount="18000")
    client.force_login(mentor)

    html = client.get(PAGE).content.decode()

    assert "No payments yet" not in html
    totals = html.split('data-testid="earnings-totals"')[1].split("</div>\n")[0]
    assert "RUB\xa018,000.00" in totals
    assert html.count('data-testid="earning-row"') == 1 and html.count('data-testid="earnings-month"') == 1


def test_refunds_are_deducted_and_money_that_never_arrived_is_not_earned(client, mentor, profile):
    paid(profile, amount="5000")
    paid(profile, amount="4000", status=Payment.Status.PARTIALLY_REFUNDED, refunded="1000")
    paid(profile, amount="2000", status=Payment.Status.REFUNDED, refunded="2000")
    for status in (Payment.Status.PENDING, Payment.Status.FAILED, Payment.Status.CANCELLED):
        paid(profile, amount="4321.57", status=status)
    client.force_login(mentor)

    response = client.get(PAGE)

    [month] = response.context["months"]
    assert (month.payments, month.paid, month.refunded, month.kept) == (3, Decimal("11000"), Decimal("3000"),
                                                                         Decimal("8000"))
    assert response.context["totals"] == {"RUB": Decimal("8000")}
    kept = sorted(p.kept for p in response.context["page"].object_list)
    assert kept == [Decimal("0"), Decimal("3000"), Decimal("5000")]
    html = response.content.decode()
    assert "4321.57" not in html and "4,321.57" not in html and "4 321" not in html


def test_earnings_are_grouped_by_month_in_the_mentors_zone_newest_first(client, mentor, profile):
    mentor.timezone = "Europe/Moscow"
    mentor.save()
    paid(profile, amount="1000", when=datetime(2026, 1, 15, 12, tzinfo=UTC))
    paid(profile, amount="2000", when=datetime(2026, 1, 31, 21, 30, tzinfo=UTC))  # 1 February in Moscow
    paid(profile, amount="3000", when=datetime(2026, 2, 10, 9, tzinfo=UTC))
    client.force_login(mentor)

    response = client.get(PAGE)

    months = [(m.month.isoformat(), m.payments, m.kept) for m in response.context["months"]]
    assert months == [("2026-02-01", 2, Decimal("5000")), ("2026-01-01", 1, Decimal("1000"))]
    html = response.content.decode()
    assert html.index("February 2026") < html.index("January 2026")


def test_currencies_are_never_added_together(client, mentor, profile):
    paid(profile, amount="3000", currency="RUB")
    paid(profile, amount="50", currency="EUR")
    client.force_login(mentor)
    response = client.get(PAGE)
    assert response.context["totals"] == {"EUR": Decimal("50"), "RUB": Decimal("3000")}
    assert len(response.context["months"]) == 2


def test_a_mentor_sees_only_payments_for_their_own_sessions(client, mentor, profile):
    paid(MentorProfileFactory(), amount="7777")
    paid(profile, amount="1234")
    client.force_login(mentor)
    html = client.get(PAGE).content.decode()
    assert "RUB\xa01,234.00" in html and "7,777" not in html


def test_a_mentor_without_earnings_is_told_in_their_currency(client, mentor, profile):
    client.force_login(mentor)
    html = client.get(PAGE).content.decode()
    assert 'data-testid="earnings-empty"' in html and "in RUB" in html
    assert 'data-testid="earnings-csv"' not in html


def test_the_payments_a_mentor_made_are_one_tab_away(client, mentor, profile):
    other = MentorProfileFactory()
    made = paid(other, amount="4321", mentee=mentor)
    client.force_login(mentor)
    earnings = client.get(PAGE).content.decode()
    assert "?tab=made" in earnings and "4,321" not in earnings
    html = client.get(PAGE, {"tab": "made"}).content.decode()
    assert "RUB\xa04,321.00" in html and f"/payments/{made.pk}/receipt/" in html


def test_a_mentee_still_sees_their_payment_history(client, mentee):
    payment = paid(MentorProfileFactory(), amount="2500", mentee=mentee)
    client.force_login(mentee)
    html = client.get(PAGE).content.decode()
    assert "Payment history" in html and f"/payments/{payment.pk}/receipt/" in html and "Earnings" not in html


def test_earnings_per_session_are_paginated(client, mentor, profile):
    for _ in range(23):
        paid(profile)
    client.force_login(mentor)
    first = client.get(PAGE).content.decode()
    second = client.get(PAGE, {"page": 2}).content.decode()
    assert first.count('data-testid="earning-row"') == 20 and second.count('data-testid="earning-row"') == 3
    assert "Page 1 of 2" in first


@pytest.mark.parametrize("count", [2, 30])
def test_the_earnings_page_runs_the_same_queries_for_2_or_30_payments(client, mentor, profile,
                                                                      django_assert_max_num_queries, count):
    base = datetime(2020, 1, 1, 12, tzinfo=UTC)
    for index in range(count):  # a month apart: 31 days is longer than any month, so no two share one
        paid(profile, service=ServiceFactory(mentor=profile, name=f"Service {index}"),
             when=base + timedelta(days=31 * index))
    client.force_login(mentor)
    with django_assert_max_num_queries(EARNINGS_MAX_QUERIES):
        response = client.get(PAGE)
    assert len(response.context["months"]) == count
    assert response.content.decode().count('data-testid="earning-row"') == min(count, 20)


# --- CSV ------------------------------------------------------------------------------------------------------


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_one_row_per_payment_with_refunds_deducted(client, mentor, profile):
    mentor.timezone = "Europe/Moscow"
    mentor.save()
    service = ServiceFactory(mentor=profile, name="Code review")
    payment = paid(profile, amount="4000", status=Payment.Status.PARTIALLY_REFUNDED, refunded="1500",
                   mentee=UserFactory(full_name="Ivan Ivanov"), service=service,
                   when=datetime(2026, 3, 9, 21, 30, tzinfo=UTC))
    client.force_login(mentor)

    response = client.get(CSV)

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="mentorhub-earnings-')
    [row] = csv_rows(response)
    assert row == {
        "paid_at": "2026-03-10T00:30:00+03:00", "booking_id": str(payment.booking_id),
        "session_start": timezone.localtime(payment.booking.slot.start, timezone.get_fixed_timezone(180))
        .isoformat(timespec="minutes"),
        "mentee": "Ivan Ivanov", "service": "Code review", "course": "", "currency": "RUB", "amount": "4000.00",
        "refunded": "1500.00", "kept": "2500.00", "status": "partially_refunded",
    }


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, mentor, profile):
    paid(profile, mentee=UserFactory(full_name="=HYPERLINK(\"http://evil\")"))
    client.force_login(mentor)
    [row] = csv_rows(client.get(CSV))
    assert row["mentee"] == "'=HYPERLINK(\"http://evil\")"


def test_the_csv_is_only_for_mentors(client, mentee):
    client.force_login(mentee)
    assert client.get(CSV).status_code == 404
    client.logout()
    assert client.get(CSV).status_code == 302  # to the login page


@pytest.mark.parametrize("count", [2, 30])
def test_the_csv_runs_the_same_queries_for_2_or_30_payments(client, mentor, profile, django_assert_max_num_queries,
                                                            count):
    for index in range(count):
        paid(profile, service=ServiceFactory(mentor=profile, name=f"Service {index}"))
    client.force_login(mentor)
    with django_assert_max_num_queries(CSV_MAX_QUERIES):
        rows = csv_rows(client.get(CSV))
    assert len(rows) == count


def test_the_selector_counts_kept_money_per_month_in_one_query(mentor, profile, django_assert_num_queries):
    for amount in ("100", "200"):
        paid(profile, amount=amount)
    with django_assert_num_queries(1):
        months = selectors.mentor_earnings_by_month(user=mentor)
    assert [m.kept for m in months] == [Decimal("300")]


# --- course income ----------------------------------------------------------------------------------------


def course_paid(profile, *, amount="15000", refunded="0", status=Payment.Status.SUCCEEDED, learner=None,
                title="Django in depth") -> Payment:
    enrollment = EnrollmentFactory(course=CourseFactory(author=profile, title=title, price=Decimal(amount)),
                                   user=learner or UserFactory())
    return Payment.objects.create(
        payer=enrollment.user, enrollment=enrollment, description="Course", amount=Decimal(amount), currency="RUB",
        provider="offline", provider_intent_id=f"pi_{uuid.uuid4().hex}", idempotency_key=uuid.uuid4().hex,
        expires_at=timezone.now(), status=status, refunded_amount=Decimal(refunded))


def test_money_for_the_mentors_own_courses_is_earned_too_refunds_deducted(client, mentor, profile):
    paid(profile, amount="3000")
    course_paid(profile, amount="15000", refunded="5000", status=Payment.Status.PARTIALLY_REFUNDED,
                learner=UserFactory(full_name="Lea Learner"))
    course_paid(MentorProfileFactory(), amount="7777", title="Someone else's course")
    course_paid(profile, amount="4321", status=Payment.Status.PENDING)
    client.force_login(mentor)

    response = client.get(PAGE)

    [month] = response.context["months"]
    assert (month.payments, month.paid, month.refunded, month.kept) == (2, Decimal("18000"), Decimal("5000"),
                                                                         Decimal("13000"))
    html = response.content.decode()
    assert html.count('data-testid="earning-row"') == 2 and html.count('data-testid="earning-course"') == 1
    assert "Django in depth" in html and "Lea Learner" in html
    assert "7,777" not in html and "Someone else" not in html and "4,321" not in html
    _, this_month = selectors.mentor_earnings_this_month(user=mentor)
    assert [row.kept for row in this_month] == [Decimal("13000")]  # the dashboard counts the same money


def test_the_csv_names_the_course_of_an_enrollment_payment(client, mentor, profile):
    course_paid(profile, amount="15000", learner=UserFactory(full_name="Lea Learner"))
    client.force_login(mentor)

    [row] = csv_rows(client.get(CSV))

    assert (row["booking_id"], row["session_start"], row["mentee"], row["service"], row["course"]) == (
        "", "", "Lea Learner", "", "Django in depth")
    assert (row["amount"], row["kept"]) == ("15000.00", "15000.00")


@pytest.mark.parametrize("count", [2, 30])
def test_course_payments_keep_the_page_and_csv_query_counts_flat(client, mentor, profile,
                                                                django_assert_max_num_queries, count):
    for index in range(count):
        course_paid(profile, title=f"Course {index}")
        paid(profile)
    client.force_login(mentor)
    with django_assert_max_num_queries(EARNINGS_MAX_QUERIES):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(CSV_MAX_QUERIES):
        assert len(csv_rows(client.get(CSV))) == 2 * count
