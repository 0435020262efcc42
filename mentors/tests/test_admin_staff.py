"""Staff suspend and reinstate mentors, and look at slots, from the admin (issue 14)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentorhub.errors import Conflict, InvalidInput, PermissionDenied
from mentors import services
from mentors.models import MentorProfile, Slot
from mentors.tests.factories import MentorProfileFactory, SlotFactory, WeeklyRuleFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

PROFILES = "/admin/mentors/mentorprofile/"
SLOTS = "/admin/mentors/slot/"


@pytest.fixture
def profile(mentor):
    """An approved mentor, free every day 09:00-17:00 UTC, booked without confirmation."""
    profile = MentorProfileFactory(user=mentor)
    for weekday in range(7):
        WeeklyRuleFactory(mentor=profile, weekday=weekday, start_time=time(9), end_time=time(17))
    return profile


@pytest.fixture
def tomorrow_10():
    return (timezone.now() + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def one_seat_slot(profile, tomorrow_10):
    return SlotFactory(mentor=profile, start=tomorrow_10, end=tomorrow_10 + timedelta(hours=1), capacity=1)


def suspend_from_admin(client, profile, reason="Repeated no-shows."):
    return client.post(PROFILES, {"action": "suspend", "_selected_action": [profile.pk], "apply": "1",
                                  "reason": reason})


def assert_error_shape(response, status_code: int) -> None:
    assert response.status_code == status_code, response.content
    body = response.json()
    assert set(body) == {"detail", "status_code", "errors"} and body["status_code"] == status_code


# --- suspension -----------------------------------------------------------------------------------


def test_staff_suspend_a_mentor_from_the_admin_with_a_reason_and_the_mentor_is_told(client, staff, profile, mentor):
    client.force_login(staff)
    asked = client.post(PROFILES, {"action": "suspend", "_selected_action": [profile.pk]})
    assert asked.status_code == 200 and b'name="reason"' in asked.content
    assert suspend_from_admin(client, profile).status_code == 302
    profile.refresh_from_db()
    assert (profile.status, profile.suspended_by, profile.suspension_reason) == (
        "suspended", staff, "Repeated no-shows.")
    assert profile.suspended_at is not None
    notice = Notification.objects.get(user=mentor, kind="mentor.suspended")
    assert "Repeated no-shows." in notice.body


def test_suspending_needs_a_reason(client, staff, profile):
    client.force_login(staff)
    again = suspend_from_admin(client, profile, reason=" ")
    assert again.status_code == 200 and b"This field is required" in again.content
    profile.refresh_from_db()
    assert profile.status == "approved"
    with pytest.raises(InvalidInput):
        services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="")


def test_only_an_approved_mentor_can_be_suspended(client, staff, mentee):
    pending = MentorProfileFactory(user=mentee, status="pending")
    client.force_login(staff)
    page = suspend_from_admin(client, pending)
    assert page.status_code == 302
    assert b"Only an approved mentor" in client.get(PROFILES).content
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_suspended_mentor_vanishes_from_the_catalogue_and_their_public_profile(api, client, staff, profile,
                                                                                  mentor, other_user):
    assert [m["id"] for m in api().get("/api/mentors").json()["items"]] == [profile.pk]  # now cached
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    assert api().get("/api/mentors").json()["items"] == []
    for path in (f"/api/mentors/{profile.pk}", f"/api/mentors/{profile.pk}/slots",
                 f"/api/mentors/{profile.pk}/availability"):
        assert_error_shape(api(other_user).get(path), 404)
    assert client.get(f"/mentors/{profile.pk}/").status_code == 404
    assert api(mentor).get(f"/api/mentors/{profile.pk}").json()["status"] == "suspended"  # the owner still sees it
    assert api(staff).get(f"/api/mentors/{profile.pk}").status_code == 200


def test_a_suspended_mentor_cannot_be_booked_but_sessions_already_booked_stay(api, staff, profile, mentee,
                                                                               other_user, one_seat_slot, tomorrow_10):
    booked = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    group = SlotFactory(mentor=profile, start=tomorrow_10 + timedelta(hours=2),
                        end=tomorrow_10 + timedelta(hours=3), capacity=3)
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    assert_error_shape(api(other_user).post("/api/booking/hold", {"slotId": str(group.pk)}), 409)
    by_time = api(other_user).post("/api/sessions", {"mentor_id": profile.pk, "duration_minutes": 60,
                                                     "scheduled_at": (tomorrow_10 + timedelta(hours=4)).isoformat()})
    assert by_time.status_code in (404, 409) and set(by_time.json()) == {"detail", "status_code", "errors"}
    assert not Booking.objects.filter(mentee=other_user).exists()
    booked.refresh_from_db()
    assert booked.status == booked.Status.SCHEDULED  # staff cancel existing sessions one by one, if at all


def test_the_suspended_mentor_sees_why_on_their_dashboard(client, staff, profile, mentor):
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints about punctuality.")
    client.force_login(mentor)
    page = client.get("/mentor/dashboard/")
    assert b"Suspended" in page.content and b"Complaints about punctuality." in page.content


def test_a_suspended_mentor_cannot_apply_again_and_staff_must_reinstate_not_approve(staff, profile, mentor):
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    with pytest.raises(Conflict):
        services.mentor_apply(user=mentor, title="Again", price_per_hour=1)
    with pytest.raises(Conflict):
        services.mentor_approve(profile_id=profile.pk, actor=staff)
    with pytest.raises(Conflict):
        services.mentor_reject(profile_id=profile.pk, actor=staff, reason="No.")
    profile.refresh_from_db()
    assert profile.status == "suspended"


def test_staff_reinstate_a_suspended_mentor_who_is_listed_and_told_again(api, client, staff, profile, mentor):
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    client.force_login(staff)
    client.post(PROFILES, {"action": "reinstate", "_selected_action": [profile.pk]})
    profile.refresh_from_db()
    assert (profile.status, profile.suspended_at, profile.suspended_by, profile.suspension_reason) == (
        "approved", None, None, "")
    assert Notification.objects.filter(user=mentor, kind="mentor.reinstated").exists()
    assert [m["id"] for m in api().get("/api/mentors").json()["items"]] == [profile.pk]
    with pytest.raises(Conflict):
        services.mentor_reinstate(profile_id=profile.pk, actor=staff)


def test_status_and_suspension_stay_as_they_are_when_staff_post_the_change_form(client, staff, profile, mentor):
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    client.force_login(staff)
    url = f"{PROFILES}{profile.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "skills"}
    data.update({"user": mentor.pk, "status": "approved", "suspension_reason": "", "rating_avg": "5",
                 "title": "Renamed by staff", "currency": "RUB", "timezone": "UTC",
                 "services-TOTAL_FORMS": 0, "services-INITIAL_FORMS": 0,
                 "weekly_rules-TOTAL_FORMS": 0, "weekly_rules-INITIAL_FORMS": 0})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    profile.refresh_from_db()
    assert profile.title == "Renamed by staff"  # the form works; only what it may change changed
    assert (profile.status, profile.suspension_reason, float(profile.rating_avg)) == ("suspended", "Complaints.", 0)


def test_people_who_are_not_staff_cannot_suspend_or_reinstate(client, profile, mentee, mentor):
    for user in (mentee, mentor):
        client.force_login(user)
        assert suspend_from_admin(client, profile).status_code == 302  # to the admin's login page
        with pytest.raises(PermissionDenied):
            services.mentor_suspend(profile_id=profile.pk, actor=user, reason="Mine.")
        with pytest.raises(PermissionDenied):
            services.mentor_reinstate(profile_id=profile.pk, actor=user)
    profile.refresh_from_db()
    assert profile.status == "approved"


@pytest.mark.parametrize("count", [3, 40])
def test_the_mentor_changelist_query_count_is_flat(client, staff, count, django_assert_max_num_queries):
    MentorProfileFactory.create_batch(count, skills=["Python", "Go"])
    MentorProfileFactory.create_batch(count // 3, status="suspended", suspension_reason="x")
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get(PROFILES).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(PROFILES, {"status__exact": "suspended", "q": "Python"}).status_code == 200


# --- slots ----------------------------------------------------------------------------------------


def test_slot_quota_and_seats_cannot_be_changed_from_the_admin(client, staff, one_seat_slot):
    client.force_login(staff)
    url = f"{SLOTS}{one_seat_slot.pk}/change/"
    assert client.get(url).status_code == 200  # staff look at it
    refused = client.post(url, {"capacity": 5, "seats_taken": 3, "mentor": one_seat_slot.mentor_id,
                                "start_0": "2030-01-01", "start_1": "10:00", "is_active": "on"})
    assert refused.status_code == 403
    assert client.get(f"{SLOTS}add/").status_code == 403
    assert client.post(f"{SLOTS}{one_seat_slot.pk}/delete/", {"post": "yes"}).status_code == 403
    one_seat_slot.refresh_from_db()
    assert (one_seat_slot.capacity, one_seat_slot.seats_taken, one_seat_slot.is_active) == (1, 0, True)


def test_the_slot_list_counts_live_bookings_and_filters_by_mentor_and_email(client, staff, profile, mentor):
    slot = SlotFactory(mentor=profile, capacity=4, seats_taken=2)
    BookingFactory.create_batch(2, slot=slot)
    BookingFactory(slot=slot, status=Booking.Status.CANCELLED)
    elsewhere = SlotFactory(mentor=MentorProfileFactory())
    client.force_login(staff)
    shown = client.get(SLOTS, {"mentor": profile.pk}).context["cl"].result_list
    assert [(s.pk, s.live_bookings) for s in shown] == [(slot.pk, 2)]
    found = client.get(SLOTS, {"q": mentor.email}).context["cl"].result_list
    assert [s.pk for s in found] == [slot.pk]
    assert elsewhere.pk in [s.pk for s in client.get(SLOTS).context["cl"].result_list]


def test_non_staff_cannot_open_the_slot_admin(client, mentor, one_seat_slot):
    client.force_login(mentor)
    assert client.get(SLOTS).status_code == 302


@pytest.mark.parametrize("count", [3, 40])
def test_the_slot_changelist_query_count_is_flat(client, staff, count, django_assert_max_num_queries):
    for _ in range(count):
        slot = SlotFactory(capacity=2, seats_taken=1)
        BookingFactory(slot=slot)
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        assert client.get(SLOTS).status_code == 200
    mentor_id = Slot.objects.values_list("mentor_id", flat=True).first()
    with django_assert_max_num_queries(8):
        assert client.get(SLOTS, {"mentor": mentor_id, "q": "@"}).status_code == 200
    assert MentorProfile.objects.count() >= count


def test_the_suspended_mentor_reads_why_in_their_own_api_and_cannot_change_it(api, staff, profile, mentor):
    services.mentor_suspend(profile_id=profile.pk, actor=staff, reason="Complaints.")
    mine = api(mentor).get("/api/v1/mentors/me").json()
    assert (mine["status"], mine["suspension_reason"]) == ("suspended", "Complaints.")
    api(mentor).patch("/api/v1/mentors/me", {"status": "approved", "suspension_reason": ""}, format="json")
    profile.refresh_from_db()
    assert (profile.status, profile.suspension_reason) == ("suspended", "Complaints.")
