"""The public catalogue is cached, but a change is visible on the very next request."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from mentors import services
from mentors.models import Slot
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, title="Original title")


def titles(api):
    return [item["title"] for item in api().get("/api/v1/mentors").json()["items"]]


@pytest.fixture
def counts_in_redis(settings):
    # Searches and profile views counted in the cache, as with REDIS_URL (FUNNEL_COUNTS_BUFFERED): the
    # count then costs a hit no query either.
    settings.FUNNEL_COUNTS_BUFFERED = True


HEADERS = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Vary", "Content-Security-Policy")


@pytest.mark.parametrize("path", ["/api/v1/mentors?skill=python&min_price=1000", "/api/v1/mentors", "detail"])
def test_a_cached_search_or_detail_makes_no_query_and_answers_what_the_miss_did(
        api, profile, counts_in_redis, django_assert_num_queries, path):
    path = f"/api/v1/mentors/{profile.pk}" if path == "detail" else path
    first = api().get(path)
    with django_assert_num_queries(0):
        again = api().get(path)
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert [again.get(name) for name in HEADERS] == [first.get(name) for name in HEADERS]


def test_a_profile_edit_is_visible_at_once(api, profile, django_capture_on_commit_callbacks):
    assert titles(api) == ["Original title"]
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_update_profile(user=profile.user, title="New title")
    assert titles(api) == ["New title"]


def test_an_admin_style_direct_save_also_invalidates(api, profile, django_capture_on_commit_callbacks):
    api().get(f"/api/v1/mentors/{profile.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        profile.description = "Edited in the admin"
        profile.save()
    assert api().get(f"/api/v1/mentors/{profile.pk}").json()["description"] == "Edited in the admin"


def test_a_new_review_shows_on_the_detail_at_once(api, profile, mentee, django_capture_on_commit_callbacks):
    assert api().get(f"/api/v1/mentors/{profile.pk}").json()["reviews"] == []
    with django_capture_on_commit_callbacks(execute=True):
        Review.objects.create(mentor=profile, author=mentee, rating=5, comment="Great")
    assert [r["comment"] for r in api().get(f"/api/v1/mentors/{profile.pk}").json()["reviews"]] == ["Great"]


def test_a_slot_change_shows_in_the_next_available_times(api, profile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        slot = SlotFactory(mentor=profile, capacity=4)
    assert [t["slot_id"] for t in api().get(f"/api/v1/mentors/{profile.pk}").json()["next_available"]] == [slot.pk]
    with django_capture_on_commit_callbacks(execute=True):
        Slot.objects.get(pk=slot.pk).delete()
    assert api().get(f"/api/v1/mentors/{profile.pk}").json()["next_available"] == []


def test_an_unchanged_resource_answers_304_to_a_conditional_get(api, profile, counts_in_redis,
                                                                django_assert_num_queries):
    first = api().get(f"/api/v1/mentors/{profile.pk}")
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = api().get(f"/api/v1/mentors/{profile.pk}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""


def test_a_change_gives_a_new_etag(api, profile, django_capture_on_commit_callbacks):
    etag = api().get("/api/v1/mentors")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_update_profile(user=profile.user, price_per_hour=1)
    response = api().get("/api/v1/mentors", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_an_evicted_version_counter_still_invalidates(api, profile, django_capture_on_commit_callbacks):
    titles(api)
    cache.delete("mentors:catalog:version")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_update_profile(user=profile.user, title="After eviction")
    assert titles(api) == ["After eviction"]


def test_the_owner_of_an_unlisted_profile_is_never_served_a_shared_entry(api, profile):
    profile.status = "pending"
    profile.save()
    assert api(profile.user).get(f"/api/v1/mentors/{profile.pk}").status_code == 200
    assert api().get(f"/api/v1/mentors/{profile.pk}").status_code == 404


def test_a_write_inside_an_open_transaction_already_misses_the_old_entry(api, profile):
    # No on-commit callbacks run here: the immediate bump alone must retire the cached page.
    assert titles(api) == ["Original title"]
    profile.title = "Mid-transaction"
    profile.save()
    assert titles(api) == ["Mid-transaction"]


def test_the_public_slot_list_shows_only_slots_with_a_seat_left(api, profile):
    open_slot = SlotFactory(mentor=profile, capacity=2)
    full = SlotFactory(mentor=profile, capacity=1, start=open_slot.start + timedelta(hours=2),
                       end=open_slot.start + timedelta(hours=3))
    Slot.objects.filter(pk=full.pk).update(seats_taken=1)
    items = api().get(f"/api/v1/mentors/{profile.pk}/slots").json()["items"]
    assert [item["id"] for item in items] == [open_slot.pk]
