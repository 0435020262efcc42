"""``GET analytics/overview``: the staff dashboard's figures as JSON, for staff only."""

from datetime import date

import pytest

from analytics import selectors
from analytics.tests import dataset
from analytics.tests.dataset import END, START

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/overview"
PERIOD = f"from={START.isoformat()}&to={END.isoformat()}"


def test_anonymous_callers_must_authenticate(api):
    assert api().get(URL).status_code == 401


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_signed_in_non_staff_get_a_404_in_the_error_shape(api, request, who):
    response = api(request.getfixturevalue(who)).get(f"{URL}?{PERIOD}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "status_code", "errors"}


def test_staff_get_every_figure_of_both_periods(api):
    people = dataset.build()
    response = api(people["viewer"]).get(f"{URL}?{PERIOD}")
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Europe/Berlin"
    assert body["period"] == {"start": "2026-10-24", "end": "2026-10-26"}
    assert body["previous_period"] == {"start": "2026-10-21", "end": "2026-10-23"}
    now, before = body["current"], body["previous"]
    assert {k: now[k] for k in ("created", "confirmed", "declined", "expired", "completed", "no_shows", "cancelled",
                                "responses", "searches", "profile_views", "holds", "paid")} == {
        "created": 9, "confirmed": 2, "declined": 1, "expired": 1, "completed": 1, "no_shows": 1, "cancelled": 4,
        "responses": 3, "searches": 5, "profile_views": 3, "holds": 9, "paid": 3}
    assert now["cancelled_by"] == {"mentee": 1, "mentor": 1, "staff": 1, "system": 1, "other": 0}
    assert now["no_show_rate"] == "0.5000" and before["no_show_rate"] == "0.0000"
    assert (now["response_median_seconds"], now["response_p90_seconds"]) == (7200, 86400)
    assert before["response_median_seconds"] == 1800
    assert now["money"] == [
        {"currency": "EUR", "payments": 2, "gross": "150.00", "refunds": "20.00", "net": "130.00"},
        {"currency": "USD", "payments": 1, "gross": "80.00", "refunds": "80.00", "net": "0.00"}]
    assert before["money"][0] == {"currency": "EUR", "payments": 1, "gross": "40.00", "refunds": "0.00",
                                  "net": "40.00"}
    assert [d["created"] for d in body["bookings_per_day"]] == [7, 2, 0]
    assert [(r["day"], r["currency"], r["net"]) for r in body["revenue_per_day"] if r["payments"]] == [
        ("2026-10-24", "EUR", "100.00"), ("2026-10-25", "EUR", "30.00"), ("2026-10-26", "USD", "0.00")]
    assert [m["mentor_id"] for m in body["top_mentors_by_completed"]] == [people["erika"].pk]
    assert [(m["currency"], m["net"]) for m in body["top_mentors_by_net"]] == [("EUR", "130.00"), ("USD", "0.00")]
    assert body["applications_waiting"]["count"] == 2
    assert [a["name"] for a in body["applications_waiting"]["items"]] == ["Petra Pending", "Quentin Queued"]


def test_without_dates_the_overview_covers_the_last_30_days(api, staff):
    body = api(staff).get(URL).json()
    start, end = body["period"]["start"], body["period"]["end"]
    assert (date.fromisoformat(end) - date.fromisoformat(start)).days == 29


@pytest.mark.parametrize(("query", "field"), [
    ("from=24.10.2026", "from"),
    ("from=2026-10-26&to=2026-10-24", "from"),
    ("from=2025-01-01&to=2026-10-24", "to"),
    ("to=0001-01-01", "to"),
    ("from=0001-01-01&to=0001-01-01", "from to"),
])
def test_a_period_that_cannot_be_shown_is_a_400_naming_the_field(api, staff, query, field):
    response = api(staff).get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status_code"] == 400 and sorted(e["field"] for e in body["errors"]) == field.split()


@pytest.mark.parametrize("size", [1, 30])
def test_the_api_runs_the_same_queries_for_small_and_large_data(api, size, django_assert_max_num_queries):
    from analytics.tests.test_staff_pages import _more

    people = dataset.build()
    _more(size)
    client = api(people["viewer"])
    with django_assert_max_num_queries(selectors.OVERVIEW_QUERIES + 1):  # + the user of the token
        assert client.get(f"{URL}?{PERIOD}").status_code == 200


def test_the_overview_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/analytics/overview/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "to"}
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
