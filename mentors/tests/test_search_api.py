"""The public mentor search (GET /api/v1/mentors) and a mentor's profile page (GET /api/v1/mentors/{id})."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
import rest_framework.throttling
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from mentors import services
from mentors.models import MentorProfile
from mentors.tests.factories import (
    MentorProfileFactory,
    ServiceFactory,
    SkillFactory,
    SlotFactory,
    WeeklyRuleFactory,
)
from reviews.models import Review

pytestmark = pytest.mark.django_db

# DRF's throttles keep `time.time` as a class attribute at import: they are imported above, before any
# freeze_time, or the frozen clock's stand-in would be captured (and break every later request).
THROTTLES_IMPORTED_EARLY = rest_framework.throttling.SimpleRateThrottle.timer

LIST = "/api/v1/mentors"
# Found by measuring, then pinned: the search must not grow with the number of mentors or skills. Three for
# the page of mentors (count, rows, skills) and three for their calendars (weekly hours, date overrides, live
# slots), from which every card's next free time is computed. And one to count the search (analytics.middleware).
LIST_MAX_QUERIES = 7
# Naming skills (skill=, or q= which also matches skill names) adds one small query each: the skills that
# match, found before the mentors (mentors.selectors._has_skill says why).
FILTERED_MAX_QUERIES = LIST_MAX_QUERIES + 2
# The profile page must not grow with the number of reviews, services or slots.
DETAIL_MAX_QUERIES = 8

CARD_FIELDS = {"id", "user", "title", "description", "skills", "price_per_hour", "currency", "rating",
               "total_sessions", "available", "next_free_at"}


def detail_url(mentor_id: int) -> str:
    return f"{LIST}/{mentor_id}"


def mentor_named(name: str, **fields) -> MentorProfile:
    return MentorProfileFactory(user__full_name=name, **fields)


def listed_ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def search(api, **params) -> list[int]:
    return listed_ids(api().get(LIST, params))


def review(mentor: MentorProfile, *, author=None, rating: int = 5, comment: str = "Great!", created_at=None):
    row = Review.objects.create(mentor=mentor, author=author or UserFactory(), rating=rating, comment=comment)
    if created_at is not None:
        Review.objects.filter(pk=row.pk).update(created_at=created_at)
        row.refresh_from_db()
    return row


# --- who is listed --------------------------------------------------------------------------------


def test_an_approved_mentor_who_accepts_bookings_is_listed(api):
    listed = mentor_named("Listed Lena")
    assert search(api) == [listed.pk]


@pytest.mark.parametrize(
    "fields",
    [{"status": "pending"}, {"status": "rejected"}, {"accepts_bookings": False}],
    ids=["pending", "rejected", "paused"],
)
def test_a_pending_rejected_or_paused_mentor_is_not_listed(api, fields):
    listed = mentor_named("Listed Lena")
    mentor_named("Hidden Hanna", **fields)
    assert search(api) == [listed.pk]
    assert api().get(LIST).json()["total"] == 1


# --- the card and the envelope ---------------------------------------------------------------------


def test_a_search_result_has_exactly_the_card_fields(api):
    profile = mentor_named(
        "Petr Sidorov", title="Senior Python Developer", description="10+ years of Python.",
        skills=["Python", "Django"], price_per_hour=Decimal("3000.00"), rating_avg=Decimal("4.80"),
        total_sessions=120,
    )
    profile.user.avatar_url = "https://cdn.example.com/petr.png"
    profile.user.save()
    WeeklyRuleFactory(mentor=profile)

    item = api().get(LIST).json()["items"][0]

    assert set(item) == CARD_FIELDS
    assert item["id"] == profile.pk
    assert item["user"] == {"full_name": "Petr Sidorov", "avatar_url": "https://cdn.example.com/petr.png"}
    assert (item["title"], item["description"]) == ("Senior Python Developer", "10+ years of Python.")
    assert sorted(item["skills"]) == ["Django", "Python"]
    assert item["price_per_hour"] == 3000 and isinstance(item["price_per_hour"], int | float)
    assert item["rating"] == 4.8 and isinstance(item["rating"], int | float)
    assert item["currency"] == "RUB"
    assert item["total_sessions"] == 120
    assert item["available"] is True


def test_a_mentor_without_hours_or_open_seats_is_shown_as_unavailable(api):
    mentor_named("Idle Ivan")
    item = api().get(LIST).json()["items"][0]
    assert item["available"] is False
    assert item["user"]["avatar_url"] is None


def test_the_list_comes_in_the_items_total_page_pages_envelope(api):
    mentor_named("Only Olga")
    body = api().get(LIST).json()
    assert set(body) == {"items", "total", "page", "pages"}
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)


def test_page_and_limit_walk_through_the_results(api):
    for index in range(5):
        mentor_named(f"Mentor {index}", price_per_hour=Decimal(1000 + index))

    first = api().get(LIST, {"limit": 2, "page": 1, "ordering": "price"}).json()
    second = api().get(LIST, {"limit": 2, "page": 2, "ordering": "price"}).json()
    last = api().get(LIST, {"limit": 2, "page": 3, "ordering": "price"}).json()

    assert (first["total"], first["pages"], first["page"]) == (5, 3, 1)
    assert (second["page"], last["page"]) == (2, 3)
    assert [len(first["items"]), len(second["items"]), len(last["items"])] == [2, 2, 1]
    prices = [item["price_per_hour"] for page in (first, second, last) for item in page["items"]]
    assert prices == [1000, 1001, 1002, 1003, 1004]


@pytest.mark.parametrize("params,field", [({"limit": 0}, "limit"), ({"page": "abc"}, "page")])
def test_a_bad_page_or_limit_is_a_400_naming_it(api, params, field):
    response = api().get(LIST, params)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


# --- filters ----------------------------------------------------------------------------------------


def test_skill_filter_matches_any_of_the_given_skills_by_slug_or_name(api):
    python = mentor_named("Py Pat", skills=["Python"])
    django = mentor_named("Dj Dana", skills=["Django", "PostgreSQL"])
    mentor_named("Go Gus", skills=["Go"])

    assert sorted(search(api, skill=["python", "Django"])) == sorted([python.pk, django.pk])
    assert search(api, skill="python") == [python.pk]
    assert search(api, skill="Django") == [django.pk]


def test_skill_filter_matches_a_multi_word_skill_by_its_slug_and_by_its_name(api):
    ml = mentor_named("Ml Max", skills=["Machine Learning"])
    mentor_named("Go Gus", skills=["Go"])
    assert search(api, skill="machine-learning") == [ml.pk]
    assert search(api, skill="Machine Learning") == [ml.pk]
    assert search(api, skill="rust") == []


def test_a_mentor_with_several_matching_skills_is_listed_once(api):
    both = mentor_named("Both Bea", skills=["Python", "Django"])
    response = api().get(LIST, {"skill": ["python", "django"]})
    assert listed_ids(response) == [both.pk]
    assert response.json()["total"] == 1


def test_price_filters_are_inclusive_bounds(api):
    cheap = mentor_named("Cheap Carl", price_per_hour=Decimal("1000"))
    middle = mentor_named("Middle Mia", price_per_hour=Decimal("3000"))
    dear = mentor_named("Dear Dora", price_per_hour=Decimal("5000"))

    assert sorted(search(api, min_price=2000)) == sorted([middle.pk, dear.pk])
    assert sorted(search(api, max_price=3000)) == sorted([cheap.pk, middle.pk])
    assert search(api, min_price=2000, max_price=4000) == [middle.pk]
    assert search(api, min_price=3000, max_price=3000) == [middle.pk]


def test_q_searches_name_title_and_description_ignoring_case(api):
    by_name = mentor_named("Anna Karenina", title="Backend mentor", description="Plain text.")
    by_title = mentor_named("Boris Bell", title="Golang Developer", description="Plain text.")
    by_description = mentor_named("Clara Cole", title="Backend mentor", description="I love Kubernetes clusters.")

    assert search(api, q="anna") == [by_name.pk]
    assert search(api, q="GOLANG DEV") == [by_title.pk]
    assert search(api, q="kubernetes") == [by_description.pk]
    assert sorted(search(api, q="BACKEND")) == sorted([by_name.pk, by_description.pk])
    assert search(api, q="nobody-matches-this") == []


def test_min_rating_keeps_mentors_rated_at_least_that(api):
    mentor_named("Low Lou", rating_avg=Decimal("3.50"))
    good = mentor_named("Good Gil", rating_avg=Decimal("4.20"))
    best = mentor_named("Best Bo", rating_avg=Decimal("4.90"))
    assert sorted(search(api, min_rating="4.2")) == sorted([good.pk, best.pk])
    assert search(api, min_rating="4.5") == [best.pk]


def test_session_type_keeps_mentors_with_an_active_service_of_that_type(api):
    chat = mentor_named("Chat Chen")
    ServiceFactory(mentor=chat, session_type="chat")
    retired = mentor_named("Retired Rita")
    ServiceFactory(mentor=retired, session_type="chat", is_active=False)
    video = mentor_named("Video Vic")
    ServiceFactory(mentor=video, session_type="video")

    assert search(api, session_type="chat") == [chat.pk]
    assert search(api, session_type="video") == [video.pk]
    assert search(api, session_type="in_person") == []


@freeze_time("2026-03-02 08:00:00")  # a Monday
def test_available_on_keeps_mentors_with_bookable_time_that_date(api):
    wednesday = datetime(2026, 3, 4).date()
    works_wednesday = mentor_named("Wed Wendy")
    WeeklyRuleFactory(mentor=works_wednesday, weekday=2, start_time=time(10), end_time=time(12))
    works_thursday = mentor_named("Thu Theo")  # the next weekday: near, but no time on Wednesday itself
    WeeklyRuleFactory(mentor=works_thursday, weekday=3, start_time=time(10), end_time=time(12))
    mentor_named("No Hours Nina")
    day_off = mentor_named("Day Off Dan")
    WeeklyRuleFactory(mentor=day_off, weekday=2, start_time=time(10), end_time=time(12))
    services.overrides_replace(user=day_off.user, overrides=[{"date": wednesday, "ranges": []}])

    assert search(api, available_on="2026-03-04") == [works_wednesday.pk]
    assert search(api, available_on="2026-03-05") == [works_thursday.pk]


@freeze_time("2026-03-02 08:00:00")
def test_available_on_counts_open_seats_in_a_group_slot(api):
    group = mentor_named("Group Gwen")
    SlotFactory(mentor=group, start=datetime(2026, 3, 4, 15, tzinfo=UTC), capacity=4)
    full = mentor_named("Full Fred")
    slot = SlotFactory(mentor=full, start=datetime(2026, 3, 4, 15, tzinfo=UTC), capacity=2)
    type(slot).objects.filter(pk=slot.pk).update(seats_taken=2)
    assert search(api, available_on="2026-03-04") == [group.pk]


@pytest.fixture
def three_mentors():
    now = timezone.now()
    a = mentor_named("Alpha", price_per_hour=Decimal("1000"), rating_avg=Decimal("4.00"), total_sessions=50)
    b = mentor_named("Bravo", price_per_hour=Decimal("3000"), rating_avg=Decimal("4.90"), total_sessions=10)
    c = mentor_named("Charlie", price_per_hour=Decimal("2000"), rating_avg=Decimal("3.00"), total_sessions=100)
    for profile, days_ago in ((a, 5), (b, 3), (c, 1)):
        MentorProfile.objects.filter(pk=profile.pk).update(created_at=now - timedelta(days=days_ago))
    return {"a": a.pk, "b": b.pk, "c": c.pk}


@pytest.mark.parametrize(
    "ordering,expected",
    [
        ("price", "acb"),
        ("-price", "bca"),
        ("rating", "bac"),
        ("total_sessions", "cab"),
        ("newest", "cba"),
        (None, "bac"),  # best rated first by default
    ],
)
def test_ordering_sorts_the_results(api, three_mentors, ordering, expected):
    params = {"ordering": ordering} if ordering else {}
    assert search(api, **params) == [three_mentors[key] for key in expected]


def test_filters_combine_so_every_one_must_match(api):
    match = mentor_named("Target Tom", skills=["Python"], price_per_hour=Decimal("2500"),
                         rating_avg=Decimal("4.70"), title="Python backend")
    ServiceFactory(mentor=match, session_type="chat")
    wrong_skill = mentor_named("Target Ted", skills=["Go"], price_per_hour=Decimal("2500"),
                               rating_avg=Decimal("4.70"), title="Python backend")
    ServiceFactory(mentor=wrong_skill, session_type="chat")
    too_dear = mentor_named("Target Tia", skills=["Python"], price_per_hour=Decimal("9000"),
                            rating_avg=Decimal("4.70"), title="Python backend")
    ServiceFactory(mentor=too_dear, session_type="chat")
    low_rated = mentor_named("Target Tim", skills=["Python"], price_per_hour=Decimal("2500"),
                             rating_avg=Decimal("3.00"), title="Python backend")
    ServiceFactory(mentor=low_rated, session_type="chat")
    no_chat = mentor_named("Target Tess", skills=["Python"], price_per_hour=Decimal("2500"),
                           rating_avg=Decimal("4.70"), title="Python backend")
    ServiceFactory(mentor=no_chat, session_type="video")
    other_words = mentor_named("Other Oscar", skills=["Python"], price_per_hour=Decimal("2500"),
                               rating_avg=Decimal("4.70"), title="Data science")
    ServiceFactory(mentor=other_words, session_type="chat")

    params = {"skill": "python", "min_price": 1000, "max_price": 5000, "min_rating": 4, "session_type": "chat",
              "q": "target"}
    assert search(api, **params) == [match.pk]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"min_price": "abc"}, "min_price"),
        ({"min_price": 5000, "max_price": 1000}, "max_price"),
        ({"ordering": "bogus"}, "ordering"),
        ({"min_rating": 9}, "min_rating"),
        ({"session_type": "bogus"}, "session_type"),
        ({"available_on": "not-a-date"}, "available_on"),
    ],
)
def test_a_bad_search_parameter_is_a_400_naming_it(api, params, field):
    mentor_named("Some Sam")
    response = api().get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["status_code"] == 400
    assert [e["field"] for e in body["errors"]] == [field]


# --- query counts ------------------------------------------------------------------------------------


def _mentors_with_skills(count: int) -> None:
    skills = [SkillFactory(name=f"Lang {index}") for index in range(6)]
    for index in range(count):
        profile = MentorProfileFactory(skills=skills[index % 4: index % 4 + 2 + index % 2])  # 2 or 3 skills
        WeeklyRuleFactory(mentor=profile)


@pytest.mark.parametrize("count", [5, 50])
def test_the_search_runs_the_same_few_queries_for_5_or_50_mentors(api, django_assert_max_num_queries, count):
    _mentors_with_skills(count)
    client = api()
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client.get(LIST, {"limit": 100})
    items = response.json()["items"]
    assert len(items) == count
    assert all(2 <= len(item["skills"]) <= 3 for item in items)


@pytest.mark.parametrize("count", [5, 50])
def test_filtered_search_stays_flat_too(api, django_assert_max_num_queries, count):
    _mentors_with_skills(count)
    client = api()
    with django_assert_max_num_queries(FILTERED_MAX_QUERIES):
        response = client.get(LIST, {"limit": 100, "skill": ["lang-0", "Lang 1"], "min_price": 1,
                                     "q": "python", "min_rating": 0, "ordering": "newest"})
    assert response.status_code == 200 and response.json()["items"]


# --- the detail page -----------------------------------------------------------------------------------


def test_the_detail_has_the_spec_fields_plus_services_and_next_available(api):
    profile = mentor_named("Petr Sidorov", skills=["Python", "Django"], rating_avg=Decimal("4.80"),
                           total_sessions=120, price_per_hour=Decimal("3000"))
    WeeklyRuleFactory(mentor=profile, weekday=(timezone.now() + timedelta(days=2)).weekday(),
                      start_time=time(9), end_time=time(17))
    service = ServiceFactory(mentor=profile, name="Code review", duration_minutes=60)
    ServiceFactory(mentor=profile, name="Retired", is_active=False)
    author = UserFactory(full_name="Ivan Ivanov")
    written = review(profile, author=author, rating=5, comment="Great mentor!")

    response = api().get(detail_url(profile.pk))

    assert response.status_code == 200
    body = response.json()
    assert {"id", "user", "title", "description", "skills", "price_per_hour", "rating", "total_sessions",
            "reviews", "services", "next_available"} <= set(body)
    assert body["id"] == profile.pk
    assert body["user"]["id"] == profile.user.pk
    assert body["user"]["full_name"] == "Petr Sidorov"
    assert set(body["user"]) == {"id", "full_name", "avatar_url"}
    assert sorted(body["skills"]) == ["Django", "Python"]
    assert (body["price_per_hour"], body["rating"], body["total_sessions"]) == (3000, 4.8, 120)
    assert len(body["reviews"]) == 1
    item = body["reviews"][0]
    assert {"id", "student_name", "rating", "comment", "created_at"} <= set(item)
    assert (item["id"], item["student_name"], item["rating"], item["comment"]) == (
        written.pk, "Ivan Ivanov", 5, "Great mentor!",
    )
    assert [s["id"] for s in body["services"]] == [service.pk]  # retired services are not offered
    assert body["next_available"], "a mentor with weekly hours has upcoming bookable times"
    assert {"start", "end"} <= set(body["next_available"][0])


@pytest.mark.parametrize("viewer", ["anonymous", "mentee", "other mentor"])
def test_a_mentors_profile_never_shows_an_email_address(api, mentee, viewer):
    profile = mentor_named("Petr Sidorov", user__email="petr.private@example.com")
    review(profile, author=UserFactory(email="ivan.reviewer@example.com", full_name="Ivan"))
    client = {"anonymous": api(), "mentee": api(mentee),
              "other mentor": api(MentorProfileFactory().user)}[viewer]

    for _ in range(2):  # the first answer is built, the second comes from the cache
        response = client.get(detail_url(profile.pk))
        assert response.status_code == 200
        text = response.content.decode()
        assert "petr.private" not in text and "ivan.reviewer" not in text and "@example.com" not in text


def test_people_without_a_full_name_are_not_shown_by_their_email_address(api):
    profile = mentor_named("", user__email="petr.private@example.com")
    author = UserFactory(email="ivan.reviewer@example.com", full_name="")
    review(profile, author=author)

    body = api().get(detail_url(profile.pk)).json()

    assert body["user"]["full_name"] == f"Member {profile.user.pk}"
    assert body["reviews"][0]["student_name"] == f"Member {author.pk}"
    assert "petr.private" not in str(body) and "ivan.reviewer" not in str(body)


def test_the_detail_shows_the_latest_ten_reviews_latest_first(api):
    profile = mentor_named("Rev Rex")
    now = timezone.now()
    # Created in an order that differs from their dates, so ids alone cannot give the right order.
    rows = [review(profile, comment=f"r{days}", created_at=now - timedelta(days=days))
            for days in (5, 1, 11, 3, 12, 2, 7, 4, 9, 6, 8, 10)]

    reviews = api().get(detail_url(profile.pk)).json()["reviews"]

    expected = sorted(rows, key=lambda r: r.created_at, reverse=True)[:10]
    assert [r["id"] for r in reviews] == [r.pk for r in expected]
    assert [r["comment"] for r in reviews] == [f"r{days}" for days in range(1, 11)]


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_unlisted_mentors_detail_is_hidden_from_anonymous_and_other_users(api, mentor, other_user, status):
    profile = MentorProfileFactory(user=mentor, status=status)
    for client in (api(), api(other_user)):
        response = client.get(detail_url(profile.pk))
        assert response.status_code == 404


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_unlisted_mentors_detail_is_visible_to_its_owner_and_to_staff(api, mentor, staff, status):
    profile = MentorProfileFactory(user=mentor, status=status)
    for client in (api(mentor), api(staff)):
        response = client.get(detail_url(profile.pk))
        assert response.status_code == 200
        assert response.json()["id"] == profile.pk


def test_a_paused_mentors_detail_is_hidden_from_anonymous_users(api):
    profile = mentor_named("Paused Paula", accepts_bookings=False)
    assert api().get(detail_url(profile.pk)).status_code == 404


def test_an_unknown_mentor_is_a_404_in_the_error_shape(api):
    response = api().get(detail_url(999_999))
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "status_code", "errors"}
    assert body["status_code"] == 404 and body["detail"]


@pytest.mark.parametrize("count", [5, 50])
def test_the_detail_runs_the_same_few_queries_for_5_or_50_reviews_services_and_slots(
    api, django_assert_max_num_queries, count
):
    profile = MentorProfileFactory(skills=["Python", "Django", "Go"])
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(8), end_time=time(20))
    authors = [UserFactory() for _ in range(count)]
    Review.objects.bulk_create(Review(mentor=profile, author=a, rating=4, comment="ok") for a in authors)
    for index in range(count):
        ServiceFactory(mentor=profile, name=f"Service {index}", duration_minutes=15 + index)
    base = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for index in range(count):
        start = base + timedelta(hours=2 * index)
        SlotFactory(mentor=profile, start=start, end=start + timedelta(hours=1), capacity=1 + index % 3)
    client = api()

    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        response = client.get(detail_url(profile.pk))

    body = response.json()
    assert response.status_code == 200
    assert (len(body["reviews"]), len(body["services"])) == (min(count, 10), count)


def test_a_pending_profile_seen_by_its_owner_is_still_hidden_from_the_next_anonymous_visitor(api, mentor, staff):
    profile = MentorProfileFactory(user=mentor, status="pending")
    assert api(mentor).get(detail_url(profile.pk)).status_code == 200
    assert api(staff).get(detail_url(profile.pk)).status_code == 200
    assert api().get(detail_url(profile.pk)).status_code == 404


def test_a_mentor_who_pauses_bookings_drops_out_of_a_search_seen_before(api, mentor):
    profile = MentorProfileFactory(user=mentor)
    assert search(api) == [profile.pk]
    services.mentor_update_profile(user=mentor, accepts_bookings=False)
    assert search(api) == []
    assert api().get(detail_url(profile.pk)).status_code == 404
