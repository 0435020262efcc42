"""The demo data reads like a real marketplace, so that sorting and time zones mean something (issue 10,
point 17), and seeding stays idempotent."""

import io
import zoneinfo
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from mentors.models import MentorProfile, Service, Slot, WeeklyRule
from mentors.selectors import listed_mentors
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return list(listed_mentors().select_related("user"))


def test_the_demo_has_a_dozen_mentors_in_many_zones_at_many_prices(seeded):
    assert len(seeded) >= 12
    assert len({m.timezone for m in seeded}) >= 10
    assert len({m.price_per_hour for m in seeded}) >= 10
    prices = sorted(m.price_per_hour for m in seeded)
    assert prices[-1] >= 4 * prices[0]  # from cheap to premium
    assert {m.currency for m in seeded} == {"RUB"}  # sorting by price compares like with like


def test_the_demo_ratings_and_review_counts_differ_and_some_mentors_are_new(seeded):
    counts = [m.rating_count for m in seeded]
    assert len(set(counts)) >= 8
    assert 0 in counts and max(counts) >= 15
    rated = [m.rating_avg for m in seeded if m.rating_count]
    assert len(set(rated)) >= 6 and min(rated) < 4 and max(rated) > 4.8
    assert len({m.total_sessions for m in seeded}) == len(seeded)
    assert all(m.total_sessions >= m.rating_count for m in seeded)
    assert Review.objects.exclude(mentor_reply="").exists() and Review.objects.filter(mentor_reply="").exists()


def test_sorting_the_demo_by_rating_price_or_sessions_gives_different_orders(client, seeded):
    orders = {}
    for ordering in ("rating", "price", "-price", "total_sessions"):
        orders[ordering] = [item["id"] for item in client.get("/api/v1/mentors", {"ordering": ordering, "limit": 100})
                            .json()["items"]]
    assert len({tuple(order) for order in orders.values()}) == 4
    assert orders["price"] == orders["-price"][::-1]


def test_demo_mentors_work_mornings_evenings_and_weekends_in_their_own_zones(seeded):
    starts_utc = set()
    weekend = False
    for rule in WeeklyRule.objects.select_related("mentor"):
        zone = zoneinfo.ZoneInfo(rule.mentor.timezone)
        local = datetime(2026, 1, 5, rule.start_time.hour, tzinfo=zone)  # a winter Monday
        starts_utc.add(local.astimezone(UTC).hour)
        weekend = weekend or rule.weekday >= 5
    assert weekend
    assert len(starts_utc) >= 10  # spread over the day, not all 10:00 UTC
    local_starts = {rule.start_time.hour for rule in WeeklyRule.objects.all()}
    assert min(local_starts) <= 8 and max(local_starts) >= 19


def test_every_demo_mentor_can_be_booked_and_some_offer_group_workshops(seeded):
    assert all(m.weekly_rules.exists() and Service.objects.filter(mentor=m).exists() for m in seeded)
    groups = Slot.objects.filter(capacity__gt=1).values_list("mentor", flat=True)
    assert 0 < len(set(groups)) < len(seeded)


def test_seeding_twice_changes_nothing(settings, seeded):
    before = (MentorProfile.objects.count(), Review.objects.count(), WeeklyRule.objects.count(),
              Slot.objects.count(), Service.objects.count(),
              sorted(MentorProfile.objects.values_list("rating_avg", "rating_count")))
    call_command("seed_demo", stdout=io.StringIO())
    after = (MentorProfile.objects.count(), Review.objects.count(), WeeklyRule.objects.count(),
             Slot.objects.count(), Service.objects.count(),
             sorted(MentorProfile.objects.values_list("rating_avg", "rating_count")))
    assert after == before


def test_the_reviewers_cannot_log_in(api, seeded):
    author = Review.objects.select_related("author").first().author
    assert not author.has_usable_password()
    assert api().post("/api/v1/auth/login", {"email": author.email, "password": "mentorhub-demo"}).status_code == 401
