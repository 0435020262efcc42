"""Search that finds: part of a skill's name in any case, suggestions as you type, filters that say what is
wrong, and every card's next free time in the viewer's zone (issue 10, points 15 and 16)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import rest_framework.throttling
from django.utils import timezone
from freezegun import freeze_time

from mentors import selectors
from mentors.models import DateOverride, Slot
from mentors.tests.factories import MentorProfileFactory, SkillFactory, SlotFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db

# DRF's throttles keep `time.time` as a class attribute at import: imported before any freeze_time.
THROTTLES_IMPORTED_EARLY = rest_framework.throttling.SimpleRateThrottle.timer

LIST = "/api/v1/mentors"
SKILLS = "/api/v1/skills"
# A page of mentors (count, rows, skills) and their calendars (weekly hours, date overrides, live slots), and the
# search being counted (analytics.middleware), and the skills a skill= term matches (mentors.selectors._has_skill).
SEARCH_MAX_QUERIES = 8
# Skill suggestions: the count and the page.
SKILLS_MAX_QUERIES = 2


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]



@pytest.fixture
def python_mentor():
    return MentorProfileFactory(user__full_name="Petra Python", title="Backend engineer", description="APIs.",
                                skills=["Python", "Django"])


@pytest.fixture
def go_mentor():
    return MentorProfileFactory(user__full_name="Gordon Go", title="Platform engineer", description="Services.",
                                skills=["Go", "Google Cloud"])


@pytest.fixture
def django_only_mentor():
    return MentorProfileFactory(user__full_name="Dina Django", title="Web developer", description="Sites.",
                                skills=["Django", "MongoDB"])


# --- part of a word, any case ---------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["pyth", "PYTH", "Python", "python", "pYtHoN"])
def test_part_of_a_skill_in_any_case_finds_its_mentors_through_the_api(api, python_mentor, go_mentor, term):
    assert ids(api().get(LIST, {"skill": term})) == [python_mentor.pk]


def test_a_skill_term_matches_word_starts_not_any_substring(api, python_mentor, go_mentor, django_only_mentor):
    # "go" is the start of Go and Google Cloud, but only inside Django and MongoDB.
    assert ids(api().get(LIST, {"skill": "go"})) == [go_mentor.pk]
    assert ids(api().get(LIST, {"skill": "cloud"})) == [go_mentor.pk]
    assert sorted(ids(api().get(LIST, {"skill": "djan"}))) == sorted([python_mentor.pk, django_only_mentor.pk])


def test_a_skills_slug_still_finds_it(api):
    design = MentorProfileFactory(skills=["System Design"])
    MentorProfileFactory(skills=["Go"])
    assert ids(api().get(LIST, {"skill": "system-design"})) == [design.pk]
    assert ids(api().get(LIST, {"skill": "system des"})) == [design.pk]


def test_a_skill_with_symbols_does_not_match_everything_starting_with_its_letter(api):
    sharp = MentorProfileFactory(skills=["C#"])
    MentorProfileFactory(skills=["CSS", "Career Growth"])
    assert ids(api().get(LIST, {"skill": "c#"})) == [sharp.pk]


def test_the_free_text_search_box_also_finds_part_of_a_skill(api, client, python_mentor, go_mentor):
    # Neither the name, the title nor the description says Python: only the skill does.
    assert ids(api().get(LIST, {"q": "pyth"})) == [python_mentor.pk]
    html = client.get("/mentors/", {"q": "pyth"}).content.decode()
    assert "Petra Python" in html and "Gordon Go" not in html


def test_the_search_page_finds_part_of_a_skill_in_any_case(client, python_mentor, go_mentor):
    html = client.get("/mentors/", {"skill": "PYTH"}).content.decode()
    assert "Petra Python" in html and "Gordon Go" not in html
    html = client.get("/mentors/", {"skill": "Django, pyth"}).content.decode()
    assert "Petra Python" in html


# --- suggestions -----------------------------------------------------------------------------------------


def test_skill_suggestions_complete_part_of_a_word_in_any_case(api, python_mentor, go_mentor):
    response = api().get(SKILLS, {"q": "PYT"})
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [{"name": "Python", "slug": "python", "mentor_count": 1}]
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)


def test_skill_suggestions_come_most_offered_first_and_only_from_listed_mentors(api, python_mentor,
                                                                               django_only_mentor):
    MentorProfileFactory(status="pending", skills=["Dart"])
    MentorProfileFactory(accepts_bookings=False, skills=["Delphi"])
    SkillFactory(name="Docker")  # nobody offers it
    names = [item["name"] for item in api().get(SKILLS, {"q": "d"}).json()["items"]]
    assert names == ["Django"]
    everything = api().get(SKILLS).json()["items"]
    assert everything[0] == {"name": "Django", "slug": "django", "mentor_count": 2}
    assert {item["name"] for item in everything} == {"Django", "Python", "MongoDB"}


def test_skill_suggestions_are_served_by_the_app_without_signing_in_and_from_the_cache(
    api, python_mentor, django_assert_num_queries, django_assert_max_num_queries
):
    with django_assert_max_num_queries(SKILLS_MAX_QUERIES):
        assert api().get(SKILLS, {"q": "py"}).status_code == 200
    with django_assert_num_queries(0):
        assert api().get(SKILLS, {"q": "py"}).json()["items"][0]["name"] == "Python"


def test_a_new_skill_is_suggested_at_once(api, python_mentor, django_capture_on_commit_callbacks):
    assert api().get(SKILLS, {"q": "rus"}).json()["items"] == []
    with django_capture_on_commit_callbacks(execute=True):
        python_mentor.skills.add(SkillFactory(name="Rust"))
    assert [i["name"] for i in api().get(SKILLS, {"q": "rus"}).json()["items"]] == ["Rust"]


@pytest.mark.parametrize("count", [3, 40])
def test_skill_suggestions_run_the_same_few_queries_however_many_skills(api, django_assert_max_num_queries,
                                                                        count):
    for index in range(count):
        MentorProfileFactory(skills=[f"Skill {index}", f"Skill {index + 1}"])
    with django_assert_max_num_queries(SKILLS_MAX_QUERIES):
        response = api().get(SKILLS, {"q": "skill", "limit": 100})
    assert response.json()["total"] == count + 1


def test_a_too_long_suggestion_query_is_a_400_naming_it(api):
    response = api().get(SKILLS, {"q": "x" * 65})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["q"]


def test_the_search_page_wires_suggestions_to_both_boxes_with_a_static_script(client, python_mentor):
    html = client.get("/mentors/").content.decode()
    assert 'list="q-suggestions"' in html and 'list="skill-suggestions"' in html
    assert '<datalist id="q-suggestions">' in html and '<datalist id="skill-suggestions">' in html
    assert 'data-suggest="/api/v1/skills"' in html
    assert "/static/js/suggest.js" in html


# --- filters that say what is wrong -------------------------------------------------------------------------


def test_a_min_price_above_the_max_says_so_on_the_page_instead_of_zero_mentors(client, python_mentor):
    response = client.get("/mentors/", {"min_price": "5000", "max_price": "1000"})
    html = response.content.decode()
    assert "max price is below the min price" in html
    assert 'data-testid="search-errors"' in html
    assert "0 mentors match" not in html and "No mentors match" not in html
    assert 'data-testid="mentor-card"' not in html


def test_a_past_date_says_so_on_the_page(client, python_mentor):
    yesterday = timezone.localdate() - timedelta(days=2)
    response = client.get("/mentors/", {"available_on": yesterday.isoformat()})
    html = response.content.decode()
    assert "has passed" in html and 'data-testid="search-errors"' in html
    assert response.context["form"].errors["available_on"]
    assert 'data-testid="mentor-card"' not in html


def test_today_is_not_a_past_date(client, python_mentor):
    response = client.get("/mentors/", {"available_on": timezone.localdate().isoformat()})
    assert not response.context["form"].errors
    assert 'data-testid="search-errors"' not in response.content.decode()


@freeze_time("2026-03-02 22:30:00")  # already Tuesday 3 March in Tokyo, still Monday in UTC
def test_a_past_date_is_a_400_from_the_api_in_the_viewers_zone(api, python_mentor):
    response = api().get(LIST, {"available_on": "2026-03-02", "tz": "Asia/Tokyo"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["available_on"]
    assert "has passed" in response.json()["errors"][0]["message"]
    assert api().get(LIST, {"available_on": "2026-03-02", "tz": "UTC"}).status_code == 200


def test_a_min_price_above_the_max_names_both_in_the_api(api, python_mentor):
    response = api().get(LIST, {"min_price": 5000, "max_price": 1000})
    assert response.status_code == 400
    assert "min_price (5000)" in response.json()["errors"][0]["message"]


# --- the next free time on every card ----------------------------------------------------------------------


@freeze_time("2026-03-02 08:00:00")  # Monday, 08:00 UTC
def test_each_card_shows_the_next_free_time_in_the_viewers_zone(api):
    tuesday = MentorProfileFactory(timezone="Europe/Berlin", user__full_name="Tue Tina")
    WeeklyRuleFactory(mentor=tuesday, weekday=1, start_time=time(10), end_time=time(12))
    nobody = MentorProfileFactory(user__full_name="No Hours Nick")

    items = {item["id"]: item for item in api().get(LIST, {"tz": "Asia/Tokyo"}).json()["items"]}

    # Tuesday 10:00 in Berlin (UTC+1) is 09:00 UTC, 18:00 in Tokyo.
    assert items[tuesday.pk]["next_free_at"] == "2026-03-03T18:00:00+09:00"
    assert items[nobody.pk]["next_free_at"] is None


@freeze_time("2026-03-02 08:00:00")
def test_the_next_free_time_skips_booked_time_days_off_and_the_minimum_notice(api):
    profile = MentorProfileFactory(timezone="UTC", min_notice_minutes=60 * 30)  # nothing before Tue 14:00
    for weekday in (1, 2, 3):
        WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(14), end_time=time(16))
    SlotFactory(mentor=profile, start=datetime(2026, 3, 3, 14, tzinfo=UTC), end=datetime(2026, 3, 3, 16, tzinfo=UTC))
    Slot.objects.filter(mentor=profile).update(seats_taken=1)  # Tuesday is fully booked
    DateOverride.objects.create(mentor=profile, date=datetime(2026, 3, 4).date(), ranges_text="")  # Wednesday off

    item = api().get(LIST, {"tz": "UTC"}).json()["items"][0]

    assert item["next_free_at"] == "2026-03-05T14:00:00Z"


@freeze_time("2026-03-02 08:00:00")
def test_an_open_seat_in_a_group_slot_is_a_next_free_time(api):
    profile = MentorProfileFactory(timezone="UTC")
    SlotFactory(mentor=profile, start=datetime(2026, 3, 6, 17, tzinfo=UTC), capacity=5)
    assert api().get(LIST, {"tz": "UTC"}).json()["items"][0]["next_free_at"] == "2026-03-06T17:00:00Z"


@freeze_time("2026-03-02 08:00:00")
def test_a_booked_slot_moves_the_next_free_time_at_once_despite_the_cache(api, django_capture_on_commit_callbacks):
    profile = MentorProfileFactory(timezone="UTC")
    WeeklyRuleFactory(mentor=profile, weekday=1, start_time=time(9), end_time=time(11))
    assert api().get(LIST, {"tz": "UTC"}).json()["items"][0]["next_free_at"] == "2026-03-03T09:00:00Z"
    with django_capture_on_commit_callbacks(execute=True):
        SlotFactory(mentor=profile, start=datetime(2026, 3, 3, 9, tzinfo=UTC), end=datetime(2026, 3, 3, 10, tzinfo=UTC),
                    seats_taken=1)
    assert api().get(LIST, {"tz": "UTC"}).json()["items"][0]["next_free_at"] == "2026-03-03T10:00:00Z"


@freeze_time("2026-03-02 08:00:00")
def test_the_search_page_card_shows_the_next_free_time_and_links_to_that_week(client):
    profile = MentorProfileFactory(timezone="Europe/Berlin")
    WeeklyRuleFactory(mentor=profile, weekday=1, start_time=time(10), end_time=time(12))
    client.cookies["tz"] = "Asia/Tokyo"
    html = client.get("/mentors/").content.decode()
    assert "Next free:" in html and "Tue 3 Mar, 18:00" in html
    assert f"/mentors/{profile.pk}/?week=2026-03-03" in html
    assert "times in Asia/Tokyo" in html


def test_a_card_without_free_time_says_so(client):
    MentorProfileFactory()
    assert "No free time in the next two weeks" in client.get("/mentors/").content.decode()


def _busy_mentors(count: int) -> None:
    base = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    for index in range(count):
        profile = MentorProfileFactory(skills=["Python", f"Lang {index % 3}"], timezone="Europe/Berlin")
        for weekday in range(7):
            WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(8), end_time=time(20))
        DateOverride.objects.create(mentor=profile, date=timezone.localdate() + timedelta(days=2),
                                    ranges_text="12:00-13:00")
        SlotFactory(mentor=profile, start=base + timedelta(hours=index % 5), capacity=3)


@pytest.mark.parametrize("count", [3, 30])
def test_the_api_search_with_next_free_times_runs_the_same_queries_for_3_or_30_mentors(
    api, django_assert_max_num_queries, count
):
    _busy_mentors(count)
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        response = api().get(LIST, {"limit": 100, "skill": "pyth"})
    items = response.json()["items"]
    assert len(items) == count and all(item["next_free_at"] for item in items)


@pytest.mark.parametrize("count", [3, 30])
def test_the_search_page_with_next_free_times_runs_the_same_queries_for_3_or_30_mentors(
    client, django_assert_max_num_queries, count
):
    _busy_mentors(count)
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES):
        html = client.get("/mentors/", {"skill": "pyth"}).content.decode()
    assert html.count("Next free:") == min(count, 12)


@pytest.mark.parametrize("count", [3, 30])
def test_searching_by_date_runs_the_same_queries_for_3_or_30_mentors(api, django_assert_max_num_queries, count):
    _busy_mentors(count)
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    # The date filter's candidates and their calendars (four), then the page as above.
    with django_assert_max_num_queries(SEARCH_MAX_QUERIES + 4):
        response = api().get(LIST, {"limit": 100, "available_on": day, "tz": "UTC"})
    assert response.json()["total"] == count


def test_next_free_times_take_three_queries_for_any_number_of_mentors(django_assert_num_queries):
    _busy_mentors(4)
    mentors = list(selectors.listed_mentors())
    with django_assert_num_queries(3):
        found = selectors.next_free_times(mentors)
    assert set(found) == {m.pk for m in mentors}
