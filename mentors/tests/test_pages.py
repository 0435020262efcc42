from datetime import timedelta

import pytest
from django.utils import timezone

from mentors.models import MentorProfile, Service, Slot
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, SlotFactory, WeeklyRuleFactory

pytestmark = pytest.mark.django_db


def prefixed(prefix: str, data: dict) -> dict:
    """The dashboard's forms post under a prefix each (they share one page, and so one set of ids)."""
    return {f"{prefix}-{name}": value for name, value in data.items()}


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor, timezone="Europe/Moscow", skills=["Python"])


def test_the_search_page_lists_and_filters_mentors(client, profile):
    MentorProfileFactory(title="Go Developer", skills=["Go"], price_per_hour=9000)
    MentorProfileFactory(title="Hidden", status="pending")
    html = client.get("/mentors/").content.decode()
    assert "Senior Python Developer" in html and "Go Developer" in html and "Hidden" not in html
    html = client.get("/mentors/", {"skill": "python"}).content.decode()
    assert "Senior Python Developer" in html and "Go Developer" not in html
    html = client.get("/mentors/", {"max_price": "5000", "ordering": "price"}).content.decode()
    assert "Go Developer" not in html


def test_the_search_page_keeps_a_flat_query_count(client, django_assert_max_num_queries):
    for _ in range(30):
        MentorProfileFactory(skills=["Python", "SQL"])
    with django_assert_max_num_queries(7):  # 6, and the search being counted (analytics.middleware)
        assert client.get("/mentors/").status_code == 200


def test_the_profile_page_shows_services_hours_and_bookable_times(client, profile):
    ServiceFactory(mentor=profile, name="Mock interview")
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday)
    html = client.get(f"/mentors/{profile.pk}/").content.decode()
    assert "Mock interview" in html and "Monday" in html
    assert html.count('data-testid="bookable-time"') >= 8


def test_an_unapproved_profile_page_is_only_for_its_owner(client, profile, other_user):
    profile.status = MentorProfile.Status.PENDING
    profile.save()
    assert client.get(f"/mentors/{profile.pk}/").status_code == 404
    client.force_login(other_user)
    assert client.get(f"/mentors/{profile.pk}/").status_code == 404
    client.force_login(profile.user)
    assert client.get(f"/mentors/{profile.pk}/").status_code == 200


def test_the_apply_page_creates_a_pending_application(client, mentee):
    client.force_login(mentee)
    response = client.post("/mentors/apply/", {
        "title": "Rust Developer", "price_per_hour": "4000", "currency": "EUR", "skills": "Rust, Tokio",
        "timezone": "Europe/Berlin", "monday": "10:00-12:00, 14:00-18:00", "description": "", "company": "",
    })
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentee)
    assert (profile.status, profile.timezone, profile.weekly_rules.count()) == ("pending", "Europe/Berlin", 2)
    assert profile.currency == "EUR"


def test_the_apply_page_shows_bad_hours_next_to_the_day(client, mentee):
    client.force_login(mentee)
    response = client.post("/mentors/apply/", {"title": "X", "price_per_hour": "1", "currency": "RUB",
                                               "timezone": "UTC", "tuesday": "18:00-10:00"})
    assert response.status_code == 200
    assert "tuesday" in response.context["form"].errors
    assert not MentorProfile.objects.exists()


def test_the_dashboard_sends_users_without_a_profile_to_apply(client, mentee):
    client.force_login(mentee)
    assert client.get("/mentor/dashboard/")["Location"] == "/mentors/apply/"


def test_the_dashboard_adds_a_service_and_publishes_a_group_slot_in_the_mentors_zone(client, profile):
    client.force_login(profile.user)
    client.post("/mentor/dashboard/services/", prefixed("service", {
        "name": "Workshop", "duration_minutes": 90, "session_type": "video", "capacity": 5, "description": ""}))
    service = Service.objects.get(name="Workshop")
    assert service.price == profile.price_per_hour * 90 / 60
    day = (timezone.now() + timedelta(days=5)).date()
    response = client.post("/mentor/dashboard/slots/", prefixed("slot", {"start": f"{day}T10:00", "service": service.pk,
                                                                         "quota": 5}))
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert (slot.capacity, slot.duration_minutes) == (5, 90)
    assert slot.start.astimezone(timezone.get_fixed_timezone(180)).hour == 10  # Moscow, UTC+3


def test_the_dashboard_explains_a_refused_slot_without_saving_it(client, profile):
    existing = SlotFactory(mentor=profile)
    client.force_login(profile.user)
    local = existing.start.astimezone(timezone.get_fixed_timezone(180))
    response = client.post("/mentor/dashboard/slots/", prefixed("slot", {"start": f"{local:%Y-%m-%dT%H:%M}",
                                                                         "duration_minutes": 60, "quota": 1}))
    assert response.status_code == 400
    assert "already have a slot" in response.content.decode()
    assert Slot.objects.count() == 1


def test_a_slot_with_taken_seats_cannot_be_withdrawn_from_the_dashboard(client, profile):
    slot = SlotFactory(mentor=profile, capacity=3)
    Slot.objects.filter(pk=slot.pk).update(seats_taken=1)
    client.force_login(profile.user)
    client.post(f"/mentor/dashboard/slots/{slot.pk}/remove/")
    assert Slot.objects.filter(pk=slot.pk, is_active=True).exists()


def test_the_dashboard_records_a_day_off_and_it_hides_that_days_times(client, profile):
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday)
    client.force_login(profile.user)
    day = timezone.localdate() + timedelta(days=3)
    client.post("/mentor/dashboard/overrides/", prefixed("override", {"date": day.isoformat(), "ranges": ""}))
    assert profile.date_overrides.get().ranges == []
    response = client.get(f"/api/v1/mentors/{profile.pk}/availability", {"from": day.isoformat(),
                                                                        "to": day.isoformat()})
    assert response.json() == []


def test_the_dashboard_saves_settings_and_skills(client, profile):
    client.force_login(profile.user)
    response = client.post("/mentor/dashboard/settings/", prefixed("settings", {
        "title": "Principal Engineer", "company": "", "description": "", "price_per_hour": "5000", "currency": "RUB",
        "timezone": "Europe/Moscow", "accepts_bookings": "on", "min_notice_minutes": 60, "buffer_minutes": 10,
        "hold_minutes": 120, "skills_text": "Python, Architecture", "full_refund_hours": 12, "late_refund_percent": 50,
        "default_session_minutes": 45,
    }))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.title, profile.buffer_minutes, profile.requires_confirmation) == ("Principal Engineer", 10, False)
    assert (profile.full_refund_hours, profile.late_refund_percent, profile.default_session_minutes) == (12, 50, 45)
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Architecture", "Python"]
