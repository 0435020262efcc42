"""The staff dashboard and the mentor's analytics page in Russian."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_staff_dashboard_is_in_russian_for_a_russian_reader(client, staff):
    client.force_login(staff)
    response = client.get("/staff/?from=2026-11-01&to=2026-11-30", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Панель администрации</h1>" in html and "1 ноября 2026 – 30 ноября 2026" in html
    assert ">1 ноября 2026</td>" in html  # the days of the tables too
    assert "<h2>Показатели</h2>" in html and ">Создано бронирований<" in html and ">Скачать CSV</a>" in html
    assert "<h1>Staff dashboard" not in html and "Bookings per day" not in html and "Download CSV" not in html


def test_a_bad_period_is_refused_over_the_api_in_russian_and_in_english(api, staff):
    def refusal(language):
        return api(staff).get("/api/v1/analytics/overview?from=2026-11-30&to=2026-11-01",
                              HTTP_ACCEPT_LANGUAGE=language)

    russian, english = refusal("ru"), refusal("en")
    assert russian.status_code == english.status_code == 400
    assert russian.json()["errors"][0]["message"] == "Период должен начинаться не позже своего последнего дня."
    assert english.json()["errors"][0]["message"] == "The period must start on or before its last day."


@pytest.mark.parametrize(("language", "expected"), [("en", ["1,250", "0.5", "2.25", "7"]),
                                                     ("ru", ["1\xa0250", "0,5", "2,25", "7"])])
def test_chart_numbers_are_written_as_the_reader_writes_them(language, expected):
    from django.utils import translation

    from analytics.charts import _number

    with translation.override(language):
        assert [_number(v) for v in (1250.0, 0.5, 2.25, 7.0)] == expected
