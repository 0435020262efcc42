import pytest

from accounts.models import User
from mentorhub.errors import Conflict, InvalidInput, PermissionDenied
from mentors import services
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

APPLY = "/api/v1/mentors/apply"
SPEC_BODY = {
    "title": "Senior Python Developer",
    "description": "10+ лет опыта в Python разработке",
    "skills": ["Python", "Django", "FastAPI"],
    "price_per_hour": 3000,
    "availability": {"monday": ["10:00-18:00"], "wednesday": ["14:00-20:00"]},
}


def test_applying_with_the_spec_body_creates_a_pending_profile(api, mentee):
    response = api(mentee).post(APPLY, SPEC_BODY)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending" and body["message"]
    profile = MentorProfile.objects.get(pk=body["id"])
    assert profile.user == mentee and profile.status == "pending"
    assert sorted(profile.skills.values_list("name", flat=True)) == ["Django", "FastAPI", "Python"]
    assert [(r.weekday, f"{r.start_time:%H:%M}", f"{r.end_time:%H:%M}") for r in profile.weekly_rules.all()] == [
        (0, "10:00", "18:00"), (2, "14:00", "20:00"),
    ]
    assert profile.timezone == mentee.timezone


@pytest.mark.parametrize(
    "availability,field",
    [
        ({"funday": ["10:00-18:00"]}, "availability.funday"),
        ({"monday": ["18:00-10:00"]}, "availability.monday.0"),
        ({"monday": ["10:00-12:00", "11:00-13:00"]}, "availability.monday"),
        ({"monday": ["25:00-26:00"]}, "availability.monday.0"),
        ({"monday": ["10am-6pm"]}, "availability.monday.0"),
    ],
)
def test_malformed_availability_is_a_400_naming_the_field(api, mentee, availability, field):
    response = api(mentee).post(APPLY, {**SPEC_BODY, "availability": availability})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not MentorProfile.objects.exists()


@pytest.mark.parametrize("body,field", [({"price_per_hour": -1}, "price_per_hour"), ({"title": ""}, "title"),
                                        ({"timezone": "Nowhere/Land"}, "timezone")])
def test_other_bad_fields_are_named(api, mentee, body, field):
    response = api(mentee).post(APPLY, {**SPEC_BODY, **body})
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]


def test_applying_twice_while_pending_is_a_409(api, mentee):
    assert api(mentee).post(APPLY, SPEC_BODY).status_code == 201
    again = api(mentee).post(APPLY, SPEC_BODY)
    assert again.status_code == 409
    assert again.json()["status_code"] == 409
    assert MentorProfile.objects.count() == 1


def test_reapplying_after_rejection_puts_the_profile_back_in_review(api, mentee, staff):
    profile_id = api(mentee).post(APPLY, SPEC_BODY).json()["id"]
    services.mentor_reject(profile_id=profile_id, actor=staff, reason="Add more detail.")
    response = api(mentee).post(APPLY, {**SPEC_BODY, "title": "Staff Engineer"})
    assert response.status_code == 201 and response.json()["id"] == profile_id
    profile = MentorProfile.objects.get()
    assert (profile.status, profile.title, profile.rejection_reason) == ("pending", "Staff Engineer", "")


def test_applying_needs_an_account(api):
    assert api().post(APPLY, SPEC_BODY).status_code == 401


def test_approval_lists_the_mentor_makes_the_user_a_mentor_and_mails_them(
    mentee, staff, mailoutbox, django_capture_on_commit_callbacks
):
    profile = MentorProfileFactory(user=mentee, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_approve(profile_id=profile.pk, actor=staff)
    profile.refresh_from_db()
    mentee.refresh_from_db()
    assert profile.status == "approved" and profile.reviewed_at is not None
    assert mentee.role == User.Role.MENTOR
    assert len(mailoutbox) == 1 and "approved" in mailoutbox[0].body


def test_rejection_needs_a_reason_and_mails_it(mentee, staff, mailoutbox, django_capture_on_commit_callbacks):
    profile = MentorProfileFactory(user=mentee, status="pending")
    with pytest.raises(InvalidInput):
        services.mentor_reject(profile_id=profile.pk, actor=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.mentor_reject(profile_id=profile.pk, actor=staff, reason="Please add your experience.")
    profile.refresh_from_db()
    assert profile.status == "rejected" and profile.rejection_reason == "Please add your experience."
    assert "Please add your experience." in mailoutbox[0].body


def test_only_staff_can_review_applications(mentee, other_user):
    profile = MentorProfileFactory(user=mentee, status="pending")
    with pytest.raises(PermissionDenied):
        services.mentor_approve(profile_id=profile.pk, actor=other_user)


def test_an_approved_mentor_cannot_apply_again(mentee):
    MentorProfileFactory(user=mentee)
    with pytest.raises(Conflict):
        services.mentor_apply(user=mentee, title="x", price_per_hour=1)


def test_staff_approve_and_reject_from_the_admin(client, staff, mentee, other_user):
    pending = MentorProfileFactory(user=mentee, status="pending")
    other = MentorProfileFactory(user=other_user, status="pending")
    client.force_login(staff)
    url = "/admin/mentors/mentorprofile/"
    client.post(url, {"action": "approve", "_selected_action": [pending.pk]})
    asked = client.post(url, {"action": "reject", "_selected_action": [other.pk]})
    assert asked.status_code == 200 and b"reason" in asked.content
    client.post(url, {"action": "reject", "_selected_action": [other.pk], "apply": "1", "reason": "Too vague."})
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.status == "approved"
    assert (other.status, other.rejection_reason) == ("rejected", "Too vague.")
