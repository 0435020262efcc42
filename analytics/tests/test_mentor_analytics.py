"""A mentor's analytics (issue 14): every figure checked against a hand-made data set in Europe/Berlin that
crosses the end of summer time (Sunday 25 October 2026, 03:00 CEST → 02:00 CET) and local midnights that
are still the previous day in UTC; another mentor's data never counts; query counts stay flat."""

import uuid
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from accounts.tests.factories import MentorUserFactory, UserFactory
from analytics.api.mentor_views import MyAnalyticsView
from analytics.mentor import analytics_window, mentor_analytics
from bookings.models import Booking, BookingEvent
from bookings.tests.factories import BookingFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from mentorhub.errors import InvalidInput, NotFound
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from payments import selectors as payment_selectors
from payments.models import Payment
from reviews.models import Review

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START, END = date(2026, 10, 1), date(2026, 11, 30)
API = "/api/v1/mentors/me/analytics"
PAGE = "/mentor/analytics/"
# The profile, then one aggregate each: weeks, weekday-and-hour cells, earnings, ratings, the counts.
ANALYTICS_QUERIES = 6


def berlin(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def session(profile, start: datetime, status=Booking.Status.COMPLETED, **extra) -> Booking:
    slot = SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), seats_taken=1)
    return BookingFactory(slot=slot, status=status, payment_status=Booking.PaymentStatus.PAID, payment_due_at=None,
                          currency="EUR", **extra)


def cancelled(profile, start: datetime, *, by, hours_before: int) -> Booking:
    booking = session(profile, start, status=Booking.Status.CANCELLED)
    booking.cancelled_by = booking.mentee if by == "mentee" else by
    booking.save(update_fields=["cancelled_by"])
    event = BookingEvent.objects.create(booking=booking, actor=booking.cancelled_by, from_status="scheduled",
                                        to_status="cancelled")
    BookingEvent.objects.filter(pk=event.pk).update(created_at=start - timedelta(hours=hours_before))
    return booking


def payment(booking, *, amount, currency="EUR", made: datetime, refunded="0",
            status=Payment.Status.SUCCEEDED) -> Payment:
    made_payment = Payment.objects.create(
        payer=booking.mentee, booking=booking, description="Session", amount=Decimal(amount), currency=currency,
        provider="offline", provider_intent_id=f"pi_{uuid.uuid4().hex}", idempotency_key=uuid.uuid4().hex,
        expires_at=made, status=status, refunded_amount=Decimal(refunded))
    Payment.objects.filter(pk=made_payment.pk).update(created_at=made)
    return made_payment


def review(profile, *, rating: int, written: datetime) -> Review:
    made = Review.objects.create(mentor=profile, author=UserFactory(), rating=rating)
    Review.objects.filter(pk=made.pk).update(created_at=written)
    return made


def hand_made_data(profile) -> None:
    """The data set every figure below is checked against (local times in Berlin)."""
    # Thu 1 Oct 00:30 CEST is Wed 30 Sep 22:30 UTC: in range, in the week of Mon 28 Sep, at hour 0.
    early = session(profile, berlin(2026, 10, 1, 0, 30))
    # Tue 20 Oct 10:00 CEST (08:00 UTC).
    tuesday = session(profile, berlin(2026, 10, 20, 10, 0))
    # Sat 24 Oct 23:30 CEST (21:30 UTC), the last evening of summer time.
    saturday = session(profile, berlin(2026, 10, 24, 23, 30))
    # Sun 25 Oct 10:00 CET, after the change (09:00 UTC): hour 10, still the week of 19 Oct. Scheduled counts.
    session(profile, berlin(2026, 10, 25, 10, 0), status=Booking.Status.SCHEDULED)
    # Mon 26 Oct 00:30 CET is Sun 25 Oct 23:30 UTC: local Monday, a new week, hour 0.
    monday = session(profile, berlin(2026, 10, 26, 0, 30))
    # Not sessions: a no-show, a request never confirmed, a declined one.
    session(profile, berlin(2026, 10, 27, 9, 0), status=Booking.Status.NO_SHOW)
    session(profile, berlin(2026, 11, 5, 9, 0), status=Booking.Status.REQUESTED)
    session(profile, berlin(2026, 11, 6, 9, 0), status=Booking.Status.DECLINED)
    # Outside the days asked for, though their UTC dates are inside (or the other way round).
    session(profile, berlin(2026, 9, 30, 23, 30))  # Wed 30 Sep 21:30 UTC
    session(profile, berlin(2026, 12, 1, 0, 30))  # Mon 30 Nov 23:30 UTC
    # Cancellations: the mentor's full refund needs 24 hours' notice.
    cancelled(profile, berlin(2026, 11, 2, 10, 0), by="mentee", hours_before=2)  # late
    cancelled(profile, berlin(2026, 11, 3, 10, 0), by="mentee", hours_before=48)  # in time
    cancelled(profile, berlin(2026, 11, 4, 10, 0), by=profile.user, hours_before=1)  # late, by the mentor
    cancelled(profile, berlin(2026, 11, 9, 10, 0), by=profile.user, hours_before=30)  # in time, by the mentor

    # Money, by the local month it was paid in.
    payment(early, amount="100", made=berlin(2026, 10, 31, 23, 30))  # October
    payment(tuesday, amount="100", refunded="40", made=berlin(2026, 11, 1, 0, 30),
            status=Payment.Status.PARTIALLY_REFUNDED)  # 31 Oct 23:30 UTC, but November in Berlin
    payment(saturday, amount="70", refunded="70", made=berlin(2026, 10, 15, 12, 0), status=Payment.Status.REFUNDED)
    payment(monday, amount="50", currency="USD", made=berlin(2026, 11, 10, 12, 0))
    payment(session(profile, berlin(2026, 11, 20, 9, 0), status=Booking.Status.CANCELLED), amount="999",
            made=berlin(2026, 11, 10, 12, 0), status=Payment.Status.PENDING)  # never paid

    review(profile, rating=5, written=berlin(2026, 10, 31, 23, 30))
    review(profile, rating=4, written=berlin(2026, 10, 10, 12, 0))
    review(profile, rating=3, written=berlin(2026, 11, 1, 0, 30))  # 31 Oct 23:30 UTC
    review(profile, rating=1, written=berlin(2026, 12, 1, 0, 30))  # outside
    Review.objects.filter(pk=review(profile, rating=1, written=berlin(2026, 10, 12, 9, 0)).pk).update(
        hidden_at=berlin(2026, 10, 13, 9, 0), hidden_reason="Abusive")  # hidden by staff: not in the trend


def someone_elses_data() -> MentorProfile:
    """Another mentor, as busy at the same times: none of it may show up in the first mentor's figures."""
    other = MentorProfileFactory(user=MentorUserFactory(timezone="Europe/Berlin"), timezone="Europe/Berlin")
    hand_made_data(other)
    payment(session(other, berlin(2026, 10, 5, 9, 0)), amount="5000", made=berlin(2026, 10, 5, 9, 0))
    session(other, berlin(2026, 10, 27, 11, 0), status=Booking.Status.NO_SHOW)
    return other


@pytest.fixture
def profile(mentor):
    mentor.timezone = "Europe/Berlin"
    mentor.save(update_fields=["timezone"])
    return MentorProfileFactory(user=mentor, timezone="Europe/Berlin", currency="EUR", full_refund_hours=24)


@pytest.fixture
def figures(profile):
    hand_made_data(profile)
    someone_elses_data()
    return mentor_analytics(user=profile.user, start=START, end=END)


def test_sessions_per_week_count_scheduled_and_completed_sessions_in_local_iso_weeks(figures):
    weeks = {w.week: w.sessions for w in figures.sessions_per_week}

    assert list(weeks) == [date(2026, 9, 28) + timedelta(weeks=n) for n in range(10)]  # every Monday, oldest first
    assert weeks[date(2026, 9, 28)] == 1  # Thu 1 Oct 00:30, though 30 Sep in UTC
    assert weeks[date(2026, 10, 19)] == 3  # Tue 20, Sat 24 23:30 CEST, Sun 25 after the change
    assert weeks[date(2026, 10, 26)] == 1  # Mon 26 00:30 CET, though Sunday in UTC
    assert sum(weeks.values()) == figures.total_sessions == 5


def test_busiest_hours_are_local_hours_on_either_side_of_the_dst_change(figures):
    assert figures.by_hour[0] == 2  # 1 Oct and 26 Oct at 00:30 (22:30 and 23:30 UTC)
    assert figures.by_hour[10] == 2  # 10:00 in summer time (08 UTC) and in winter time (09 UTC)
    assert figures.by_hour[23] == 1
    assert sum(figures.by_hour) == 5
    assert figures.by_weekday == [1, 1, 0, 1, 0, 1, 1]  # Mon 26, Tue 20, Thu 1, Sat 24, Sun 25
    assert [(c.weekday, c.hour, c.sessions) for c in figures.busiest] == [
        (1, 0, 1), (2, 10, 1), (4, 0, 1), (6, 23, 1), (7, 10, 1)]


def test_earnings_per_month_are_net_of_refunds_per_currency_by_the_local_month_paid(figures):
    rows = [(r.month, r.currency, r.payments, r.paid, r.refunded, r.kept) for r in figures.earnings_per_month]

    assert rows == [
        (date(2026, 10, 1), "EUR", 2, Decimal("170"), Decimal("70"), Decimal("100")),
        (date(2026, 11, 1), "EUR", 1, Decimal("100"), Decimal("40"), Decimal("60")),
        (date(2026, 11, 1), "USD", 1, Decimal("50"), Decimal("0"), Decimal("50")),
    ]


def test_earnings_agree_with_the_earnings_page_selector_in_the_mentors_zone(figures, profile):
    with timezone.override(BERLIN):
        page_rows = payment_selectors.mentor_earnings_by_month(user=profile.user)

    assert sorted(page_rows, key=lambda r: (r.month, r.currency)) == figures.earnings_per_month


def test_course_income_counts_in_the_local_month_it_was_paid(profile):
    hand_made_data(profile)
    enrollment = EnrollmentFactory(course=CourseFactory(author=profile, currency="EUR", price=Decimal("30")),
                                   user=UserFactory(), currency="EUR")
    course_payment = Payment.objects.create(
        payer=enrollment.user, enrollment=enrollment, description="Course", amount=Decimal("30"), currency="EUR",
        provider="offline", provider_intent_id="pi_course", idempotency_key="course", expires_at=timezone.now(),
        status=Payment.Status.SUCCEEDED)
    # Sun 1 Nov 00:15 CET is still 31 October in UTC.
    Payment.objects.filter(pk=course_payment.pk).update(created_at=berlin(2026, 11, 1, 0, 15))

    figures = mentor_analytics(user=profile.user, start=START, end=END)

    november = next(r for r in figures.earnings_per_month if (r.month, r.currency) == (date(2026, 11, 1), "EUR"))
    assert (november.payments, november.paid, november.kept) == (2, Decimal("130"), Decimal("90"))


def test_the_rating_trend_averages_each_local_month(figures):
    assert [(r.month, r.average, r.reviews) for r in figures.rating_per_month] == [
        (date(2026, 10, 1), Decimal("4.50"), 2),
        (date(2026, 11, 1), Decimal("3.00"), 1),  # written 31 Oct 23:30 UTC
    ]


def test_no_shows_and_late_cancellations_by_each_side_are_counted(figures):
    assert figures.no_shows == 1
    assert figures.late_cancellations_by_mentee == 1
    assert figures.late_cancellations_by_mentor == 1
    assert figures.late_window_hours == 24


def test_a_mentor_with_nothing_yet_gets_zeros_not_errors(profile):
    figures = mentor_analytics(user=profile.user, start=START, end=END)

    assert figures.total_sessions == 0 and len(figures.sessions_per_week) == 10
    assert figures.earnings_per_month == [] and figures.rating_per_month == [] and figures.busiest == []
    assert figures.by_hour == [0] * 24 and figures.no_shows == 0


def test_a_user_without_an_approved_profile_has_no_analytics(mentee, mentor):
    with pytest.raises(NotFound):
        mentor_analytics(user=mentee, start=START, end=END)
    MentorProfileFactory(user=mentor, status=MentorProfile.Status.PENDING)
    with pytest.raises(NotFound):
        mentor_analytics(user=mentor, start=START, end=END)


def grow(profile, n: int) -> None:
    for i in range(n):
        start = datetime(2026, 10, 2, 8, tzinfo=UTC) + timedelta(hours=7 * i)
        booking = session(profile, start, status=[Booking.Status.COMPLETED, Booking.Status.NO_SHOW][i % 2])
        payment(booking, amount="10", currency=["EUR", "USD", "GBP"][i % 3], made=start)
        review(profile, rating=1 + i % 5, written=start)
        if i % 4 == 0:
            cancelled(profile, start + timedelta(hours=3), by="mentee", hours_before=i % 30)


@pytest.mark.parametrize("extra", [0, 60])
def test_the_figures_take_a_fixed_number_of_queries_whatever_the_data_size(profile, django_assert_max_num_queries,
                                                                           extra):
    hand_made_data(profile)
    grow(profile, extra)
    with django_assert_max_num_queries(ANALYTICS_QUERIES):
        figures = mentor_analytics(user=profile.user, start=START, end=END)
    assert figures.total_sessions == 5 + extra // 2


# --- the window -----------------------------------------------------------------------------------------


def test_the_default_window_is_twelve_calendar_months_ending_with_the_current_one():
    assert analytics_window(start=None, end=None, today=date(2026, 11, 24)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert analytics_window(start=None, end=None, today=date(2028, 2, 10)) == (date(2027, 3, 1), date(2028, 2, 29))
    assert analytics_window(start=None, end=date(2026, 3, 15), today=date(2026, 11, 24)) == (
        date(2025, 4, 1), date(2026, 3, 15))


@pytest.mark.parametrize(("start", "end"), [(date(2026, 5, 2), date(2026, 5, 1)),
                                            (date(2025, 1, 1), date(2026, 1, 2))])  # 367 days
def test_a_backwards_or_too_long_window_is_refused(start, end):
    with pytest.raises(InvalidInput):
        analytics_window(start=start, end=end, today=date(2026, 11, 24))


def test_a_leap_year_fits_in_one_window():
    assert analytics_window(start=date(2028, 1, 1), end=date(2028, 12, 31), today=date(2026, 11, 24)) == (
        date(2028, 1, 1), date(2028, 12, 31))


# --- the API --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/mentors/me/analytics", "/api/mentors/me/analytics/"])
def test_the_route_is_not_taken_by_another_mentors_route(path):
    assert resolve(path).func.view_class is MyAnalyticsView


def test_the_api_returns_every_figure(api, profile):
    hand_made_data(profile)
    someone_elses_data()

    response = api(profile.user).get(API, {"from": "2026-10-01", "to": "2026-11-30"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["from"] == "2026-10-01" and body["to"] == "2026-11-30" and body["timezone"] == "Europe/Berlin"
    assert body["session_statuses"] == ["scheduled", "completed"] and body["total_sessions"] == 5
    weeks = {w["week_start"]: w["sessions"] for w in body["sessions_per_week"]}
    assert weeks["2026-09-28"] == 1 and weeks["2026-10-19"] == 3 and weeks["2026-10-26"] == 1 and len(weeks) == 10
    assert body["earnings_per_month"] == [
        {"month": "2026-10-01", "currency": "EUR", "payments": 2, "paid": "170.00", "refunded": "70.00",
         "kept": "100.00"},
        {"month": "2026-11-01", "currency": "EUR", "payments": 1, "paid": "100.00", "refunded": "40.00",
         "kept": "60.00"},
        {"month": "2026-11-01", "currency": "USD", "payments": 1, "paid": "50.00", "refunded": "0.00",
         "kept": "50.00"},
    ]
    assert body["rating_per_month"] == [{"month": "2026-10-01", "average": "4.50", "reviews": 2},
                                        {"month": "2026-11-01", "average": "3.00", "reviews": 1}]
    assert body["no_shows"] == 1
    assert body["late_cancellations"] == {"by_mentee": 1, "by_mentor": 1, "window_hours": 24}
    hours = body["busiest_hours"]
    assert hours["by_hour"][0] == 2 and hours["by_hour"][10] == 2 and hours["by_hour"][23] == 1
    assert hours["by_weekday"] == [1, 1, 0, 1, 0, 1, 1]
    assert hours["cells"][0] == {"weekday": 1, "hour": 0, "sessions": 1}


def test_the_api_defaults_to_twelve_months_ending_this_month_in_the_mentors_zone(api, profile):
    body = api(profile.user).get(API).json()

    today = timezone.localdate(timezone.now(), BERLIN)
    assert body["to"][:7] == f"{today:%Y-%m}"
    assert body["from"] == analytics_window(start=None, end=None, today=today)[0].isoformat()


def test_anonymous_callers_get_401(api):
    response = api().get(API)
    assert response.status_code == 401 and response.json()["status_code"] == 401


def test_users_without_an_approved_mentor_profile_get_404(api, mentee, other_user):
    MentorProfileFactory(user=other_user, status=MentorProfile.Status.PENDING)
    for user in (mentee, other_user):
        response = api(user).get(API, {"from": "nonsense"})
        assert response.status_code == 404 and response.json()["status_code"] == 404


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2026-11-02", "to": "2026-11-01"}, "from"),
    ({"from": "2025-01-01", "to": "2026-01-02"}, "to"),
])
def test_bad_windows_get_400_in_the_error_shape(api, profile, query, field):
    response = api(profile.user).get(API, query)

    assert response.status_code == 400
    body = response.json()
    assert body["status_code"] == 400 and body["detail"]
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize("extra", [0, 40])
def test_the_api_query_count_stays_flat(api, profile, django_assert_max_num_queries, extra):
    hand_made_data(profile)
    grow(profile, extra)
    client = api(profile.user)
    # The user (JWT), the profile check, then the figures.
    with django_assert_max_num_queries(ANALYTICS_QUERIES + 2):
        assert client.get(API, {"from": "2026-10-01", "to": "2026-11-30"}).status_code == 200


# --- the page -------------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_charts(client, profile):
    hand_made_data(profile)
    someone_elses_data()
    client.force_login(profile.user)

    html = client.get(PAGE, {"start": "2026-10-01", "end": "2026-11-30"}).content.decode()

    assert 'data-testid="total-sessions">5<' in html
    assert 'data-testid="no-shows">1<' in html
    assert 'data-testid="late-by-mentee">1<' in html and 'data-testid="late-by-mentor">1<' in html
    assert html.count('data-testid="week-row"') == 3  # the weeks with sessions (the chart draws all ten)
    assert html.count('data-testid="earnings-row"') == 3 and "In EUR" in html and "In USD" in html
    november_eur = html.split("In EUR")[1].split("In USD")[0].split('data-testid="earnings-row"')[2]
    assert ">Nov 2026<" in november_eur and ">100<" in november_eur and ">−40<" in november_eur
    assert "<strong>60</strong>" in november_eur
    assert "★ 4.50" in html and "★ 3.00" in html
    assert html.count('<svg class="chart"') == 6  # weeks, EUR, USD, rating, hours, weekdays
    assert 'data-testid="hour-row"><td data-label="Starting at">00:00</td><td data-label="Sessions">2<' in html
    assert "Europe/Berlin" in html


def test_the_page_says_what_is_wrong_with_a_bad_window(client, profile):
    client.force_login(profile.user)

    response = client.get(PAGE, {"start": "2026-11-02", "end": "2026-11-01"})

    assert response.status_code == 400
    assert "must be on or before" in response.content.decode()


def test_the_page_sends_a_visitor_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_is_not_there_for_mentees_or_pending_mentors(client, mentee, other_user):
    MentorProfileFactory(user=other_user, status=MentorProfile.Status.PENDING)
    for user in (mentee, other_user):
        client.force_login(user)
        assert client.get(PAGE).status_code == 404


def test_the_dashboard_links_to_the_analytics_of_an_approved_mentor(client, profile):
    client.force_login(profile.user)

    assert 'href="/mentor/analytics/"' in client.get("/mentor/dashboard/").content.decode()


def test_the_page_query_count_stays_flat(client, profile):
    hand_made_data(profile)
    client.force_login(profile.user)
    client.get(PAGE)  # warm whatever the layout caches
    counts = []
    for extra in (0, 40):
        grow(profile, extra)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, {"start": "2026-10-01", "end": "2026-11-30"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
