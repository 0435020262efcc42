"""Names, phone numbers and mentor titles are one line of visible text, wherever they are entered."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.validators import validate_single_line
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

REFUSED = {
    "CR LF": "Mia\r\nBcc: victim@example.com",
    "LF": "Mia\nMentee",
    "NUL": "Mia\x00",
    "tab": "Mia\tMentee",
    "escape": "Mia\x1b[31m",
    "line separator": "Mia\u2028Mentee",
    "right-to-left override": "Mia\u202eeetneM",
    "zero-width space": "Mia\u200bMentee",
}
ACCEPTED = ["Mia Mentee", "Zoë O'Brien-Łukasiewicz", "Иван Петрович", "山田 太郎", "نیما\u200cرضایی", "Ana 👩\u200d💻"]


def fields_of(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_control_and_invisible_format_characters_are_refused(value):
    with pytest.raises(ValidationError):
        validate_single_line(value)


@pytest.mark.parametrize("value", ACCEPTED)
def test_ordinary_names_in_any_script_are_accepted(value):
    assert validate_single_line(value) is None  # raises ValidationError when refused


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_registering_through_the_api_with_such_a_name_is_a_400(api, value):
    response = api().post("/api/v1/auth/register", {"email": "new@example.com", "password": "Sup3r-secret-pass",
                                                    "full_name": value})
    assert response.status_code == 400
    assert set(fields_of(response)) == {"full_name"}
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("field", ["full_name", "phone"])
def test_changing_my_name_or_phone_through_the_api_to_two_lines_is_a_400(api, mentee, field):
    value = "+7915 048\n0249" if field == "phone" else "Mia\r\nMentee"
    response = api(mentee).patch("/api/v1/users/me", {field: value})
    assert response.status_code == 400
    assert fields_of(response) == [field]
    mentee.refresh_from_db()
    assert "\n" not in getattr(mentee, field)


def test_a_phone_number_with_a_trailing_newline_is_not_a_phone_number():
    from accounts.validators import validate_phone

    with pytest.raises(ValidationError):
        validate_phone("+79150480249\n")


def test_the_sign_up_page_refuses_such_a_name(client):
    response = client.post("/accounts/signup/", {"full_name": "Mia\r\nMentee", "email": "new@example.com",
                                                 "password1": "Sup3r-secret-pass", "password2": "Sup3r-secret-pass"})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.com").exists()


def test_the_profile_page_refuses_such_a_name(client, mentee):
    client.force_login(mentee)
    response = client.post("/profile/", {"full_name": "Mia\nMentee", "timezone": "UTC", "phone": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name"}
    mentee.refresh_from_db()
    assert mentee.full_name == "Mia Mentee"


def test_the_admin_refuses_such_a_name(client, staff, mentee):
    client.force_login(staff)
    response = client.post("/admin/accounts/user/add/", {"email": "new@example.com", "full_name": "New\r\nUser",
                                                         "role": "student", "password1": "Sup3r-secret-pass",
                                                         "password2": "Sup3r-secret-pass", "usable_password": "true"})
    assert response.status_code == 200
    assert "full_name" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize("field", ["title", "company"])
def test_applying_as_a_mentor_with_a_two_line_title_or_company_is_a_400(api, mentee, field):
    body = {"title": "Senior Python Developer", "price_per_hour": 3000, field: "Senior\r\nDeveloper"}
    response = api(mentee).post("/api/v1/mentors/apply", body)
    assert response.status_code == 400
    assert fields_of(response) == [field]
    assert not MentorProfile.objects.exists()


@pytest.mark.parametrize("field", ["title", "company"])
def test_a_mentor_changing_the_title_or_company_to_two_lines_gets_a_400(api, mentor, field):
    profile = MentorProfileFactory(user=mentor)
    response = api(mentor).patch("/api/v1/mentors/me", {field: "Senior\nDeveloper"})
    assert response.status_code == 400
    assert fields_of(response) == [field]
    profile.refresh_from_db()
    assert "\n" not in getattr(profile, field)


def test_the_mentor_pages_refuse_a_two_line_title(client, mentee, mentor):
    client.force_login(mentee)
    response = client.post("/mentors/apply/", {"title": "A\r\nB", "price_per_hour": "3000", "timezone": "UTC"})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not MentorProfile.objects.exists()
