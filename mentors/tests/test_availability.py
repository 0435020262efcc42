"""Bookable start times: wall-clock rules in the mentor's zone, DST changes, overrides, busy slots, parsing."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentors.availability import (
    AvailabilityError,
    LocalRange,
    bookable_starts,
    format_weekly,
    parse_range,
    parse_weekly,
)

NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")
AUCKLAND = ZoneInfo("Pacific/Auckland")
HOUR = timedelta(hours=1)
HALF_HOUR = timedelta(minutes=30)
MONDAY, SUNDAY = 0, 6
EVERY_DAY = range(7)


def utc(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def starts(
    *,
    window_start: datetime,
    window_end: datetime,
    tz: ZoneInfo = NEW_YORK,
    weekly: dict[int, list[LocalRange]] | None = None,
    overrides: dict[date, list[LocalRange]] | None = None,
    busy: list[tuple[datetime, datetime]] | None = None,
    buffer: timedelta = timedelta(0),
    duration: timedelta = HOUR,
    step: timedelta | None = None,
    earliest: datetime | None = None,
) -> list[datetime]:
    """bookable_starts with quiet defaults, so each test spells out only what it is about."""
    return bookable_starts(
        tz=tz,
        weekly=weekly or {},
        overrides=overrides or {},
        busy=busy or [],
        buffer=buffer,
        duration=duration,
        step=step,
        window_start=window_start,
        window_end=window_end,
        earliest=earliest or window_start,
    )


def monday_nine_to_five(month: int, day: int, **kwargs) -> list[datetime]:
    """Starts for a Monday 09:00-17:00 New York rule over the whole UTC day given."""
    return starts(
        weekly={MONDAY: [parse_range("09:00-17:00")]},
        window_start=utc(month, day),
        window_end=utc(month, day) + timedelta(days=1),
        **kwargs,
    )


def local_times(instants: list[datetime], tz: ZoneInfo = NEW_YORK) -> list[str]:
    return [f"{instant.astimezone(tz):%H:%M}" for instant in instants]


# --- Daylight saving -------------------------------------------------------------------------------------


def test_a_monday_rule_starts_at_fourteen_utc_on_the_monday_before_the_clocks_go_forward():
    result = monday_nine_to_five(3, 2)
    assert result[0] == utc(3, 2, 14)
    assert result[-1] == utc(3, 2, 21)
    assert len(result) == 8


def test_a_monday_rule_stays_at_nine_local_after_the_clocks_go_forward():
    result = monday_nine_to_five(3, 9)
    assert result[0] == utc(3, 9, 13)
    assert result[-1] == utc(3, 9, 20)
    assert local_times(result)[0] == "09:00"


def test_a_monday_rule_starts_at_thirteen_utc_on_the_monday_before_the_clocks_go_back():
    result = monday_nine_to_five(10, 26)
    assert result[0] == utc(10, 26, 13)
    assert result[-1] == utc(10, 26, 20)


def test_a_monday_rule_stays_at_nine_local_after_the_clocks_go_back():
    result = monday_nine_to_five(11, 2)
    assert result[0] == utc(11, 2, 14)
    assert local_times(result)[0] == "09:00"


def test_the_missing_two_oclock_hour_on_the_spring_forward_day_is_skipped_not_shifted():
    result = starts(
        weekly={SUNDAY: [parse_range("01:00-04:00")]},
        window_start=utc(3, 8),
        window_end=utc(3, 9),
    )
    assert result == [utc(3, 8, 6), utc(3, 8, 7)]
    assert local_times(result) == ["01:00", "03:00"]


def test_half_hours_inside_the_spring_forward_gap_are_skipped_without_duplicating_later_times():
    result = starts(
        weekly={SUNDAY: [parse_range("01:00-04:00")]},
        duration=HALF_HOUR,
        window_start=utc(3, 8),
        window_end=utc(3, 9),
    )
    assert local_times(result) == ["01:00", "01:30", "03:00", "03:30"]


def test_the_repeated_one_oclock_hour_on_the_fall_back_day_is_offered_once_at_its_first_occurrence():
    result = starts(
        weekly={SUNDAY: [parse_range("01:00-04:00")]},
        window_start=utc(11, 1),
        window_end=utc(11, 2),
    )
    assert result == [utc(11, 1, 5), utc(11, 1, 7), utc(11, 1, 8)]
    assert local_times(result).count("01:00") == 1
    assert result[0].astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)


def test_a_range_ending_inside_the_gap_closes_when_the_gap_begins_so_a_session_ending_at_the_jump_fits():
    result = starts(
        weekly={SUNDAY: [parse_range("00:00-02:30")]},
        window_start=utc(3, 8),
        window_end=utc(3, 9),
    )
    assert local_times(result) == ["00:00", "01:00"]
    assert result[-1] + HOUR == utc(3, 8, 7)  # 02:00 EST, the instant the clocks jump


def test_a_range_ending_inside_the_gap_does_not_take_sessions_that_run_past_the_jump():
    result = starts(
        weekly={SUNDAY: [parse_range("00:00-02:30")]},
        duration=timedelta(minutes=90),
        step=HALF_HOUR,
        window_start=utc(3, 8),
        window_end=utc(3, 9),
    )
    assert local_times(result) == ["00:00", "00:30"]


def test_a_range_starting_inside_the_gap_begins_at_the_first_wall_clock_time_that_exists():
    result = starts(
        weekly={SUNDAY: [parse_range("02:30-05:00")]},
        step=HALF_HOUR,
        window_start=utc(3, 8),
        window_end=utc(3, 9),
    )
    assert local_times(result) == ["03:00", "03:30", "04:00"]


def test_a_range_ending_inside_the_repeated_hour_closes_at_its_first_occurrence():
    result = starts(
        weekly={SUNDAY: [parse_range("00:00-01:30")]},
        step=HALF_HOUR,
        window_start=utc(11, 1),
        window_end=utc(11, 2),
    )
    assert result == [utc(11, 1, 4), utc(11, 1, 4, 30)]


@pytest.mark.parametrize("month", [1, 7], ids=["january", "july"])
def test_ten_in_moscow_is_seven_utc_all_year_because_moscow_has_no_daylight_saving(month):
    result = starts(
        tz=MOSCOW,
        weekly={day: [parse_range("10:00-11:00")] for day in EVERY_DAY},
        window_start=utc(month, 15),
        window_end=utc(month, 16),
    )
    assert result == [utc(month, 15, 7)]


def test_hours_on_the_mentors_next_local_day_appear_in_the_utc_window_they_fall_in():
    # Tuesday 08:00 in Auckland (UTC+13 in March) is Monday 19:00 UTC.
    result = starts(
        tz=AUCKLAND,
        weekly={1: [parse_range("08:00-09:00")]},
        window_start=utc(3, 2),
        window_end=utc(3, 3),
    )
    assert result == [utc(3, 2, 19)]


# --- Overrides -------------------------------------------------------------------------------------------


def test_a_day_off_override_removes_that_mondays_times_but_not_other_mondays():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-17:00")]},
        overrides={date(2026, 3, 9): []},
        window_start=utc(3, 2),
        window_end=utc(3, 10),
    )
    assert result
    assert {instant.date() for instant in result} == {date(2026, 3, 2)}


def test_other_hours_on_one_date_replace_the_weekly_hours_for_that_date():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-17:00")]},
        overrides={date(2026, 3, 9): [parse_range("18:00-19:00")]},
        window_start=utc(3, 9),
        window_end=utc(3, 10),
    )
    assert result == [utc(3, 9, 22)]


def test_an_override_adds_hours_on_a_day_with_no_weekly_hours():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-17:00")]},
        overrides={date(2026, 3, 7): [parse_range("10:00-11:00")]},
        window_start=utc(3, 7),
        window_end=utc(3, 8),
    )
    assert result == [utc(3, 7, 15)]


# --- Busy slots and buffers ------------------------------------------------------------------------------


def test_a_busy_slot_without_buffer_removes_only_the_overlapping_start():
    result = monday_nine_to_five(3, 2, busy=[(utc(3, 2, 16), utc(3, 2, 17))])
    assert utc(3, 2, 16) not in result
    assert utc(3, 2, 15) in result  # ends exactly when the busy slot begins
    assert utc(3, 2, 17) in result  # begins exactly when the busy slot ends
    assert len(result) == 7


def test_a_fifteen_minute_buffer_also_removes_the_neighbouring_starts():
    result = monday_nine_to_five(3, 2, busy=[(utc(3, 2, 16), utc(3, 2, 17))], buffer=timedelta(minutes=15))
    assert utc(3, 2, 15) not in result
    assert utc(3, 2, 16) not in result
    assert utc(3, 2, 17) not in result
    assert utc(3, 2, 14) in result
    assert utc(3, 2, 18) in result


def test_a_busy_slot_partly_overlapping_a_candidate_removes_it():
    result = monday_nine_to_five(3, 2, busy=[(utc(3, 2, 16, 45), utc(3, 2, 17, 15))])
    assert utc(3, 2, 16) not in result
    assert utc(3, 2, 17) not in result
    assert utc(3, 2, 18) in result


def test_busy_slots_given_in_another_time_zone_are_compared_as_instants():
    start = utc(3, 2, 16).astimezone(NEW_YORK)
    result = monday_nine_to_five(3, 2, busy=[(start, start + HOUR)])
    assert utc(3, 2, 16) not in result
    assert len(result) == 7


# --- Notice and window -----------------------------------------------------------------------------------


def test_minimum_notice_drops_starts_before_earliest():
    result = monday_nine_to_five(3, 2, earliest=utc(3, 2, 16, 30))
    assert result[0] == utc(3, 2, 17)


def test_a_start_exactly_at_earliest_is_offered():
    result = monday_nine_to_five(3, 2, earliest=utc(3, 2, 16))
    assert result[0] == utc(3, 2, 16)


def test_the_window_includes_its_start_and_excludes_its_end():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-17:00")]},
        window_start=utc(3, 2, 15),
        window_end=utc(3, 2, 18),
    )
    assert result == [utc(3, 2, 15), utc(3, 2, 16), utc(3, 2, 17)]


def test_an_empty_window_offers_nothing():
    assert monday_nine_to_five(3, 3) == []


def test_earliest_after_the_window_offers_nothing():
    assert monday_nine_to_five(3, 2, earliest=utc(3, 5)) == []


# --- Stepping and fitting --------------------------------------------------------------------------------


def test_a_thirty_minute_step_offers_overlapping_hour_long_sessions_that_fit():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-11:00")]},
        step=HALF_HOUR,
        window_start=utc(3, 2),
        window_end=utc(3, 3),
    )
    assert result == [utc(3, 2, 14), utc(3, 2, 14, 30), utc(3, 2, 15)]


def test_the_step_defaults_to_the_session_length():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-12:00")]},
        duration=timedelta(minutes=90),
        window_start=utc(3, 2),
        window_end=utc(3, 3),
    )
    assert local_times(result) == ["09:00", "10:30"]


def test_a_session_that_would_overrun_the_range_end_is_not_offered():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-10:30")]},
        window_start=utc(3, 2),
        window_end=utc(3, 3),
    )
    assert result == [utc(3, 2, 14)]


def test_a_session_longer_than_the_range_is_never_offered():
    result = starts(
        weekly={MONDAY: [parse_range("09:00-09:30")]},
        window_start=utc(3, 2),
        window_end=utc(3, 3),
    )
    assert result == []


def test_results_are_utc_sorted_and_free_of_duplicates_even_from_overlapping_override_ranges():
    result = starts(
        overrides={date(2026, 3, 2): [parse_range("10:00-12:00"), parse_range("09:00-11:00")]},
        window_start=utc(3, 2).astimezone(NEW_YORK),
        window_end=utc(3, 3).astimezone(NEW_YORK),
    )
    assert result == [utc(3, 2, 14), utc(3, 2, 15), utc(3, 2, 16)]
    assert all(instant.tzinfo is UTC for instant in result)


@pytest.mark.parametrize("field", ["duration", "step"])
def test_a_zero_duration_or_step_is_refused(field):
    arguments = {"duration": HOUR, "step": HOUR, field: timedelta(0)}
    with pytest.raises(ValueError, match="positive"):
        starts(window_start=utc(3, 2), window_end=utc(3, 3), **arguments)


def test_a_naive_window_is_refused():
    with pytest.raises(ValueError, match="window_start must be timezone-aware"):
        starts(window_start=datetime(2026, 3, 2), window_end=utc(3, 3), earliest=utc(3, 2))


# --- Parsing ---------------------------------------------------------------------------------------------


def test_parse_weekly_reads_day_names_and_sorts_ranges_by_start():
    weekly = parse_weekly({"wednesday": ["21:00-22:00", "14:00-20:00"], "monday": ["10:00-18:00"]})
    assert weekly == {
        0: [LocalRange(time(10), time(18))],
        2: [LocalRange(time(14), time(20)), LocalRange(time(21), time(22))],
    }


def test_touching_ranges_are_accepted():
    weekly = parse_weekly({"friday": ["12:00-14:00", "10:00-12:00"]})
    assert format_weekly(weekly) == {"friday": ["10:00-12:00", "12:00-14:00"]}


def test_a_day_with_an_empty_list_is_left_out():
    assert parse_weekly({"monday": [], "tuesday": ["09:00-10:00"]}) == {1: [LocalRange(time(9), time(10))]}


def test_format_weekly_round_trips_parse_weekly_monday_first():
    availability = {"sunday": ["08:00-09:30"], "monday": ["10:00-18:00"], "wednesday": ["14:00-20:00", "21:00-22:00"]}
    formatted = format_weekly(parse_weekly(availability))
    assert formatted == availability
    assert list(formatted) == ["monday", "wednesday", "sunday"]
    assert parse_weekly(formatted) == parse_weekly(availability)


def test_format_weekly_omits_days_without_ranges_and_sorts_ranges():
    weekly = {0: [], 4: [LocalRange(time(13), time(14)), LocalRange(time(0, 30), time(1))]}
    assert format_weekly(weekly) == {"friday": ["00:30-01:00", "13:00-14:00"]}


@pytest.mark.parametrize(
    ("availability", "field", "message"),
    [
        ({"funday": ["10:00-12:00"]}, "availability.funday", 'Unknown day "funday"'),
        ({"Monday": ["10:00-12:00"]}, "availability.Monday", 'Unknown day "Monday"'),
        ({"monday": "10:00-12:00"}, "availability.monday", "Expected a list of time ranges"),
        ({"monday": None}, "availability.monday", "Expected a list of time ranges"),
        ({"monday": [1000]}, "availability.monday.0", "Expected a time range"),
        ({"monday": ["10:00-12:00", None]}, "availability.monday.1", "Expected a time range"),
        ({"monday": ["25:00-26:00"]}, "availability.monday.0", '"25:00" is not a valid time'),
        ({"monday": ["10:60-11:00"]}, "availability.monday.0", '"10:60" is not a valid time'),
        ({"monday": ["9-5"]}, "availability.monday.0", '"9-5" is not a time range'),
        ({"monday": ["10:00"]}, "availability.monday.0", '"10:00" is not a time range'),
        ({"monday": ["9:00-17:00"]}, "availability.monday.0", "is not a time range"),
        ({"monday": ["10:00-12:00", "12:00-10:00"]}, "availability.monday.1", '"12:00-10:00" must end after it starts'),
        ({"monday": ["10:00-10:00"]}, "availability.monday.0", "must end after it starts"),
        ({"monday": ["22:00-02:00"]}, "availability.monday.0", "cannot run past midnight: end it by 23:59"),
        ({"monday": ["10:00-12:00", "11:00-13:00"]}, "availability.monday", "Ranges overlap"),
        (["monday"], "availability", "Expected an object"),
    ],
    ids=[
        "unknown-day",
        "capitalised-day",
        "string-instead-of-list",
        "null-instead-of-list",
        "number-in-list",
        "null-in-list",
        "hour-out-of-range",
        "minute-out-of-range",
        "bare-hours",
        "missing-end",
        "single-digit-hour",
        "end-before-start",
        "empty-range",
        "past-midnight",
        "overlap",
        "not-an-object",
    ],
)
def test_parse_weekly_rejects_bad_input_pointing_at_the_field(availability, field, message):
    with pytest.raises(AvailabilityError) as caught:
        parse_weekly(availability)
    assert caught.value.field == field
    assert message in caught.value.message


def test_overlapping_ranges_are_named_in_the_message_in_start_order():
    with pytest.raises(AvailabilityError) as caught:
        parse_weekly({"monday": ["11:00-13:00", "10:00-12:00"]})
    assert caught.value.message == "Ranges overlap: 10:00-12:00 and 11:00-13:00."


def test_an_availability_error_is_a_value_error_carrying_field_and_message():
    error = AvailabilityError("availability.monday", "Ranges overlap: 10:00-12:00 and 11:00-13:00.")
    assert isinstance(error, ValueError)
    assert str(error) == "availability.monday: Ranges overlap: 10:00-12:00 and 11:00-13:00."


def test_parse_range_on_its_own_reports_a_generic_field():
    assert parse_range("09:05-17:45") == LocalRange(time(9, 5), time(17, 45))
    with pytest.raises(AvailabilityError) as caught:
        parse_range("nine to five")
    assert caught.value.field == "range"


def test_a_local_range_cannot_be_built_backwards():
    with pytest.raises(ValueError, match="must end after it starts"):
        LocalRange(time(12), time(10))


@given(
    busy=st.lists(st.tuples(st.integers(0, 2000), st.integers(1, 300)), max_size=40),
    start=st.integers(-100, 2200), buffer=st.integers(0, 60), duration=st.integers(1, 120),
)
def test_the_fast_clash_check_agrees_with_comparing_every_busy_interval(busy, start, buffer, duration):
    from mentors.availability import _clash_check

    base = datetime(2026, 11, 23, tzinfo=UTC)
    minutes = [(base + timedelta(minutes=b), base + timedelta(minutes=b + length)) for b, length in busy]
    at, gap, length = base + timedelta(minutes=start), timedelta(minutes=buffer), timedelta(minutes=duration)
    naive = any(at < be + gap and at + length + gap > bs for bs, be in minutes)
    assert _clash_check(minutes, gap, length)(at) == naive
