"""The one rule for dates and times typed by users (mentorhub.dates)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation
from rest_framework import serializers

from mentorhub import dates
from mentorhub.api import fields

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"])
def test_a_date_outside_the_sane_range_is_refused_where_it_is_read(raw):
    with pytest.raises(dates.DateInputError, match="between 1900-01-01 and 2200-12-31"):
        dates.parse_date(raw)


def test_a_date_inside_the_range_is_read():
    assert dates.parse_date("2026-03-09") == date(2026, 3, 9)
    assert dates.parse_date("2200-12-31") == date(2200, 12, 31)


@pytest.mark.parametrize("raw", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+05:00", "9999-12-31",
                                 "0001-01-01"])
def test_a_moment_at_the_end_of_the_calendar_is_refused_before_any_arithmetic(raw):
    with pytest.raises(dates.DateInputError):
        dates.parse_moment(raw, tz=TOKYO, end_of_day=True)


def test_a_day_is_midnight_in_the_zone_and_its_end_the_next_midnight():
    assert dates.parse_moment("2026-03-09", tz=TOKYO) == datetime(2026, 3, 9, tzinfo=TOKYO)
    assert dates.parse_moment("2026-03-09", tz=TOKYO, end_of_day=True) == datetime(2026, 3, 10, tzinfo=TOKYO)
    assert dates.parse_moment("2026-03-09T10:00", tz=TOKYO) == datetime(2026, 3, 9, 10, tzinfo=TOKYO)
    assert dates.parse_moment("2026-03-09T10:00Z", tz=TOKYO) == datetime(2026, 3, 9, 10, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["", None, "soon", "9999-12-31", "0001-01-01", "2026-01-01"])
def test_a_week_view_falls_back_to_today_for_anything_it_cannot_use(raw):
    assert dates.week_from(raw, today=date(2026, 3, 9)) == date(2026, 3, 9)


def test_a_week_view_starts_on_a_later_day_it_is_given():
    assert dates.week_from("2026-04-01", today=date(2026, 3, 9)) == date(2026, 4, 1)


def test_the_form_fields_report_an_out_of_range_value_as_a_field_error():
    class Form(forms.Form):
        day = dates.DateField()
        moment = dates.DateTimeField()

    form = Form({"day": "9999-12-31", "moment": "9999-12-31T23:30:00-05:00"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "moment"}


def test_the_serializer_fields_report_an_out_of_range_value_as_a_field_error():
    class Input(serializers.Serializer):
        day = fields.DateField()
        moment = fields.DateTimeField()

    data = Input(data={"day": "0001-01-01", "moment": "9999-12-31T23:30:00+00:00"})
    assert not data.is_valid()
    assert set(data.errors) == {"day", "moment"}


@pytest.mark.parametrize(("language", "moscow", "utc"), [
    ("en", "25 Nov 2026, 14:00 Europe/Moscow (UTC+03:00)", "25 Nov 2026, 11:00 UTC"),
    ("ru", "25 ноября 2026, 14:00 Europe/Moscow (UTC+03:00)", "25 ноября 2026, 11:00 UTC"),
])
def test_a_moment_is_shown_in_the_readers_language_and_zone(language, moscow, utc):
    moment = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    with translation.override(language):
        assert dates.local_time_text(moment, ZoneInfo("Europe/Moscow")) == moscow
        assert dates.local_time_text(moment, UTC) == utc
