"""The staff dashboard page (/staff/) and its CSV exports: staff only, the figures of the data set, and a
fixed number of queries."""

import csv
import io
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from analytics import selectors
from analytics.tables import tables
from analytics.tests import dataset
from analytics.tests.dataset import END, START, Builder, utc
from bookings.models import Booking
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

PAGE = "/staff/"
PERIOD = f"from={START.isoformat()}&to={END.isoformat()}"
# Session and user, then the overview's own queries, and what the navigation asks (unread messages and
# notifications): none of it grows with the data.
PAGE_MAX_QUERIES = selectors.OVERVIEW_QUERIES + 5


@pytest.fixture
def people():
    return dataset.build()


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("who", [None, "mentee", "mentor"])
@pytest.mark.parametrize("path", [PAGE, f"/staff/export/figures.csv?{PERIOD}"])
def test_everyone_but_staff_gets_a_404_even_anonymous_visitors(client, request, who, path):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(path).status_code == 404


def test_staff_see_every_figure_with_the_previous_period_and_the_change(client, people):
    client.force_login(people["viewer"])
    response = client.get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Days in Europe/Berlin" in page
    figures = {row[0]: row[1:] for row in response.context["tables"]["figures"].rows}
    assert figures["Bookings created"] == [9, 2, 7, Decimal("350.0")]
    assert figures["Cancelled by staff"] == [1, 0, 1, None]  # no base: no relative change
    assert figures["No-show rate (%)"][:2] == [50, 0]
    assert figures["Response time, median (minutes)"][:2] == [120, 30]
    assert figures["Net revenue (EUR)"][:3] == [130, 40, 90]
    assert figures["Gross revenue (USD)"][:2] == [80, 0]
    assert "Cancelled by other" not in figures  # shown only when it happened
    for slug in ("figures", "bookings-per-day", "revenue-per-day", "funnel", "top-mentors-completed",
                 "top-mentors-net", "applications"):
        assert f'href="/staff/export/{slug}.csv?{PERIOD}"' in page.replace("&amp;", "&")
    assert page.count('<svg class="chart"') == 4  # bookings, EUR, USD, funnel
    assert "Petra Pending" in page and "Quentin Queued" in page


def test_the_page_defaults_to_the_last_30_days_and_offers_presets(client, staff):
    client.force_login(staff)
    response = client.get(PAGE)
    overview = response.context["overview"]
    assert (overview.current.end - overview.current.start).days == 29
    assert [days for days, *_ in response.context["presets"]] == [7, 30, 90]
    assert b'data-testid="preset-90"' in response.content


@pytest.mark.parametrize("query", ["from=2026-10-26&to=2026-10-24", "from=2025-01-01&to=2026-10-24",
                                   "from=yesterday", "from=0001-01-01&to=0001-01-01"])
def test_a_period_that_cannot_be_shown_is_explained_on_the_page(client, staff, query):
    client.force_login(staff)
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 400
    assert "overview" not in response.context
    assert b"errorlist" in response.content


def test_the_funnel_table_gives_each_steps_share_of_the_step_before(people):
    overview = selectors.staff_overview(user=people["viewer"], start=START, end=END)
    assert tables(overview)["funnel"].rows == [["Searches", 5, None, 2], ["Profile views", 3, 60, 0],
                                               ["Holds (bookings created)", 9, 300, 2], ["Paid", 3, Decimal("33.3"), 1]]


def test_the_csv_of_a_table_has_its_header_and_rows(client, people):
    client.force_login(people["viewer"])
    response = client.get(f"/staff/export/bookings-per-day.csv?{PERIOD}")
    assert response["Content-Type"].startswith("text/csv")
    assert "mentorhub-bookings-per-day-2026-10-24-2026-10-26.csv" in response["Content-Disposition"]
    assert csv_rows(response) == [["Day", "Created", "Confirmed", "Completed", "Cancelled"],
                                  ["2026-10-24", "7", "1", "0", "0"], ["2026-10-25", "2", "1", "1", "3"],
                                  ["2026-10-26", "0", "0", "0", "1"]]
    money = csv_rows(client.get(f"/staff/export/revenue-per-day.csv?{PERIOD}"))
    assert ["2026-10-25", "EUR", "1", "50.00", "20.00", "30.00"] in money
    assert ["2026-10-26", "USD", "1", "80.00", "80.00", "0.00"] in money
    figures = csv_rows(client.get(f"/staff/export/figures.csv?{PERIOD}"))
    assert ["Cancelled by staff", "1", "0", "1", ""] in figures  # a missing figure is an empty cell
    applications = csv_rows(client.get(f"/staff/export/applications.csv?{PERIOD}"))
    assert applications[1][:2] == ["Petra Pending", people["waiting"][0].user.email]


def test_the_csv_never_hands_a_spreadsheet_a_formula(client, staff):
    MentorProfileFactory(user__full_name="=HYPERLINK(\"http://evil\")", status="pending")
    client.force_login(staff)
    rows = csv_rows(client.get("/staff/export/applications.csv"))
    assert rows[1][0].startswith("'=")


def test_an_unknown_table_or_a_bad_period_is_not_exported(client, staff):
    client.force_login(staff)
    assert client.get("/staff/export/passwords.csv").status_code == 404
    response = client.get("/staff/export/figures.csv?from=2026-10-26&to=2026-10-24")
    assert response.status_code == 400 and b"must start on or before" in response.content


def _more(size: int) -> None:
    make = Builder()
    for i in range(size):
        mentor, mentee = MentorProfileFactory(), UserFactory()
        booking = make.booking(mentor, mentee, at=utc(24, 8), status=Booking.Status.COMPLETED,
                               first=Booking.Status.SCHEDULED)
        make.event(booking, source=Booking.Status.SCHEDULED, to=Booking.Status.COMPLETED, at=utc(25, 9),
                   actor=mentor.user)
        make.payment(booking, mentee, amount="10.00", currency=("EUR", "USD", "GBP")[i % 3], at=utc(24, 9))
        MentorProfileFactory(status="pending")


@pytest.mark.parametrize("size", [1, 30])
def test_the_page_runs_the_same_queries_for_small_and_large_data(client, people, size,
                                                                  django_assert_max_num_queries):
    _more(size)
    client.force_login(people["viewer"])
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = client.get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 200
    assert len(response.context["overview"].top_by_completed) == min(1 + size, 10)


@pytest.mark.parametrize("size", [1, 30])
def test_a_csv_runs_the_same_queries_for_small_and_large_data(client, people, size, django_assert_max_num_queries):
    _more(size)
    client.force_login(people["viewer"])
    with django_assert_max_num_queries(selectors.OVERVIEW_QUERIES + 2):
        rows = csv_rows(client.get(f"/staff/export/top-mentors-completed.csv?{PERIOD}"))
    assert len(rows) == 1 + min(1 + size, 10)


def test_staff_find_the_dashboard_in_the_menu_and_on_the_admin_index(client, staff, mentee):
    client.force_login(staff)
    assert b'data-testid="nav-staff"' in client.get("/profile/").content
    admin = client.get("/admin/")
    assert admin.status_code == 200 and b'href="/staff/"' in admin.content
    client.force_login(mentee)
    assert b'data-testid="nav-staff"' not in client.get("/profile/").content


def test_past_the_25_oldest_applications_the_page_links_to_all_of_them_in_the_admin(client, staff):
    MentorProfileFactory.create_batch(26, status="pending")
    client.force_login(staff)
    response = client.get(PAGE)
    overview = response.context["overview"]
    assert overview.applications_waiting == 26 and len(overview.applications) == 25
    assert b'href="/admin/mentors/mentorprofile/?status__exact=pending"' in response.content
