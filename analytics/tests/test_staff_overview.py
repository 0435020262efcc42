"""The staff overview's figures, checked against the hand-made data set of analytics/tests/dataset.py (a DST
change and day boundaries in the viewer's zone), and its fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.tests.factories import StaffFactory, UserFactory
from analytics import selectors
from analytics.models import HourlyCount
from analytics.tests import dataset
from analytics.tests.dataset import END, NOW, START, Builder, utc
from bookings.models import Booking
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory
from payments.models import Payment

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def people():
    return dataset.build()


@pytest.fixture
def overview(people):
    return selectors.staff_overview(user=people["viewer"], start=START, end=END, now=NOW)


def test_the_previous_period_is_the_same_number_of_days_just_before(overview):
    assert overview.zone == "Europe/Berlin"
    assert (overview.current.start, overview.current.end) == (date(2026, 10, 24), date(2026, 10, 26))
    assert (overview.previous.start, overview.previous.end) == (date(2026, 10, 21), date(2026, 10, 23))


def test_booking_figures_count_each_transition_on_its_day_in_the_viewers_zone(overview):
    now, before = overview.now, overview.before
    assert (now.created, now.confirmed, now.declined, now.expired, now.completed, now.no_shows) == (9, 2, 1, 1, 1, 1)
    assert (before.created, before.confirmed, before.declined, before.expired, before.completed,
            before.no_shows) == (2, 1, 0, 0, 1, 0)


def test_cancellations_say_who_made_them_and_skip_those_outside_the_period(overview):
    assert overview.now.cancelled_by == {"mentee": 1, "mentor": 1, "staff": 1, "system": 1, "other": 0}
    assert overview.now.cancelled == 4
    assert overview.before.cancelled == 0  # the one at 23:30 on 20 October (Berlin) is before both periods


def test_the_no_show_rate_is_no_shows_over_sessions_held_or_missed(overview):
    assert overview.now.no_show_rate == Decimal("0.5")
    assert overview.before.no_show_rate == Decimal("0")


def test_the_no_show_rate_does_not_exist_without_sessions(db):
    empty = selectors.staff_overview(user=StaffFactory(), start=START, end=END, now=NOW)
    assert empty.now.no_show_rate is None and empty.now.response_median is None and empty.now.money == {}


def test_response_times_run_from_the_request_to_the_mentors_answer(overview):
    assert overview.now.responses == 3  # 20 min, 2 h, 24 h
    assert overview.now.response_median == timedelta(hours=2)
    assert overview.now.response_p90 == timedelta(hours=24)
    assert overview.before.responses == 1
    assert overview.before.response_median == overview.before.response_p90 == timedelta(minutes=30)


def test_money_is_per_currency_with_refunds_deducted_and_never_added_across_currencies(overview):
    eur, usd = overview.now.money["EUR"], overview.now.money["USD"]
    assert (eur.payments, eur.gross, eur.refunds, eur.net) == (2, Decimal("150.00"), Decimal("20.00"),
                                                               Decimal("130.00"))
    assert (usd.payments, usd.gross, usd.refunds, usd.net) == (1, Decimal("80.00"), Decimal("80.00"), Decimal("0"))
    assert list(overview.now.money) == list(overview.before.money) == ["EUR", "USD"]
    assert overview.before.money["EUR"].net == Decimal("40.00")
    assert overview.before.money["USD"].payments == 0


def test_the_funnel_sums_utc_hours_into_the_viewers_days(overview):
    now, before = overview.now, overview.before
    assert (now.searches, now.profile_views, now.holds, now.paid) == (5, 3, 9, 3)
    assert (before.searches, before.profile_views, before.holds, before.paid) == (2, 0, 2, 1)


def test_every_day_of_the_period_is_listed_with_the_25_hour_sunday_counted_once(overview):
    rows = [(d.day.day, d.created, d.confirmed, d.completed, d.cancelled) for d in overview.days]
    assert rows == [(24, 7, 1, 0, 0), (25, 2, 1, 1, 3), (26, 0, 0, 0, 1)]


def test_revenue_per_day_lists_every_day_for_each_currency(overview):
    eur = [(m.gross, m.refunds) for m in overview.revenue_days["EUR"]]
    usd = [(m.gross, m.refunds) for m in overview.revenue_days["USD"]]
    assert eur == [(Decimal("100.00"), Decimal("0.00")), (Decimal("50.00"), Decimal("20.00")),
                   (Decimal("0.00"), Decimal("0.00"))]
    assert usd == [(Decimal("0.00"), Decimal("0.00"))] * 2 + [(Decimal("80.00"), Decimal("80.00"))]


def test_top_mentors_by_completed_sessions_and_by_net_revenue_per_currency(overview, people):
    assert [(t.mentor_id, t.completed) for t in overview.top_by_completed] == [(people["erika"].pk, 1)]
    assert [(t.currency, t.mentor_id, t.net) for t in overview.top_by_net] == [
        ("EUR", people["erika"].pk, Decimal("130.00")), ("USD", people["uwe"].pk, Decimal("0.00"))]


def test_applications_waiting_are_listed_oldest_first_with_their_age(overview, people):
    assert overview.applications_waiting == 2
    assert [a.mentor_id for a in overview.applications] == [p.pk for p in people["waiting"]]
    assert [a.age(NOW) for a in overview.applications] == [timedelta(days=7), timedelta(hours=12)]


def test_the_same_data_seen_from_utc_falls_on_other_days(people):
    people["viewer"].timezone = "UTC"
    seen = selectors.staff_overview(user=people["viewer"], start=START, end=END, now=NOW)
    # In UTC b2 (21:30 on the 23rd) stays in the previous period but b1 (22:30 on the 23rd) joins it too.
    assert seen.now.created == 8 and seen.before.created == 3
    # The no-show at 22:30 UTC on the 26th is still inside; the cancellation at 23:30 UTC too.
    assert seen.now.no_shows == 1 and seen.now.cancelled == 5


def test_top_net_revenue_keeps_ten_mentors_per_currency(db):
    make = Builder()
    mentee = UserFactory()
    for i in range(12):
        mentor = MentorProfileFactory()
        for currency in ("EUR", "USD"):
            booking = make.booking(mentor, mentee, at=utc(24, 9), status=S.SCHEDULED)
            make.payment(booking, mentee, amount=f"{10 + i}.00", currency=currency, at=utc(24, 10))
    overview = selectors.staff_overview(user=StaffFactory(timezone="Europe/Berlin"), start=START, end=END)
    by_currency = {c: [t.net for t in overview.top_by_net if t.currency == c] for c in ("EUR", "USD")}
    assert by_currency["EUR"] == by_currency["USD"] == [Decimal(f"{21 - i}.00") for i in range(10)]


def test_a_period_cannot_run_backwards_or_longer_than_a_year():
    assert selectors.period_problem(date(2026, 1, 2), date(2026, 1, 1))[0] == "from"
    assert selectors.period_problem(date(2026, 1, 1), date(2027, 1, 2))[0] == "to"  # 367 days
    assert selectors.period_problem(date(2026, 1, 1), date(2027, 1, 1)) is None  # 366 days
    assert selectors.period_problem(date(2026, 3, 1), date(2026, 3, 1)) is None  # one day


def _more(size: int) -> None:
    """``size`` more of everything, in both periods and three currencies."""
    make = Builder()
    for i in range(size):
        mentor, mentee = MentorProfileFactory(), UserFactory()
        for day in (22, 25):
            booking = make.booking(mentor, mentee, at=utc(day, 8), status=S.CANCELLED, first=S.REQUESTED)
            make.event(booking, source=S.REQUESTED, to=S.SCHEDULED, at=utc(day, 9), actor=mentor.user)
            make.event(booking, source=S.SCHEDULED, to=S.CANCELLED, at=utc(day, 10), actor=mentee)
            make.payment(booking, mentee, amount="10.00", currency=("EUR", "USD", "GBP")[i % 3], at=utc(day, 9))
        MentorProfileFactory(status=MentorProfile.Status.PENDING)
    taken = set(HourlyCount.objects.values_list("hour", flat=True))
    hours = [utc(21, 0) + timedelta(hours=h) for h in range(6 * 24)]
    HourlyCount.objects.bulk_create(HourlyCount(step=step, hour=hour, count=1) for hour in hours if hour not in taken
                                    for step in HourlyCount.Step.values)


@pytest.mark.parametrize("size", [1, 30])
def test_the_overview_runs_a_fixed_number_of_queries_for_small_and_large_data(people, size,
                                                                               django_assert_max_num_queries):
    _more(size)
    with django_assert_max_num_queries(selectors.OVERVIEW_QUERIES):
        overview = selectors.staff_overview(user=people["viewer"], start=START, end=END, now=NOW)
    assert overview.now.created == 9 + size
    assert overview.applications_waiting == 2 + size
    assert sum(m.payments for m in overview.now.money.values()) == 3 + size


def test_payments_that_never_held_money_are_not_revenue(overview):
    assert Payment.objects.filter(status=Payment.Status.PENDING).exists()
    assert overview.now.money["EUR"].gross == Decimal("150.00")
