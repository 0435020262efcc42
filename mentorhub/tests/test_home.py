"""The home page invents nothing: its "Next open times" are real mentors' real bookable times, each a
link to booking it, found with a fixed number of queries."""

from datetime import time

import pytest

from mentors.tests.factories import MentorProfileFactory, ServiceFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db


def open_every_day(**kwargs):
    mentor = MentorProfileFactory(**kwargs)
    for weekday in range(7):
        WeeklyRuleFactory(mentor=mentor, weekday=weekday, start_time=time(0), end_time=time(23, 59))
    return mentor


def test_the_next_open_times_are_real_mentors_times_that_link_to_booking_them(client):
    mentor = open_every_day(user__full_name="Rita Real")
    service = ServiceFactory(mentor=mentor, name="Code review", duration_minutes=30)
    html = client.get("/").content.decode()
    assert 'data-testid="next-times"' in html and "Rita Real" in html and "Code review · 30 min" in html
    assert f'href="/mentors/{mentor.pk}/book/?start=' in html and f"&amp;service={service.pk}" in html


def test_with_no_bookable_time_there_is_no_card_and_nothing_made_up(client):
    MentorProfileFactory(user__full_name="No Hours")  # approved, but no weekly hours
    open_every_day(user__full_name="Still Pending", status="pending")
    html = client.get("/").content.decode()
    assert "Next open times" not in html and "Career guidance" not in html
    assert "No Hours" not in html and "Still Pending" not in html


def test_at_most_three_times_are_shown_soonest_first(client):
    for n in range(5):
        open_every_day(user__full_name=f"Mentor {n}")
    response = client.get("/")
    shown = response.context["next_times"]
    assert len(shown) == 3 and [t.time.start for t in shown] == sorted(t.time.start for t in shown)


def test_the_home_page_query_count_does_not_grow_with_mentors(client, django_assert_max_num_queries):
    for n in range(12):
        open_every_day(user__full_name=f"Mentor {n}")
    with django_assert_max_num_queries(10):  # mentors, 3 prefetches, one slot look-up for each of 6 at most
        assert client.get("/").status_code == 200
