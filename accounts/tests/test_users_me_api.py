import pytest

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def test_me_shows_the_signed_in_user(api, mentee):
    response = api(mentee).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == mentee.id
    assert body["email"] == mentee.email
    assert {"full_name", "role", "avatar_url", "bio", "phone", "timezone", "is_premium", "created_at"} <= set(body)


def test_me_requires_authentication(api):
    response = api().get(ME)
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


def test_put_updates_the_fields_from_the_spec(api, mentee):
    response = api(mentee).put(
        ME, {"full_name": "Иван Петрович Иванов", "bio": "Senior Python Developer", "phone": "+79150480249"}
    )
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.bio, mentee.phone) == (
        "Иван Петрович Иванов", "Senior Python Developer", "+79150480249",
    )
    assert response.json()["phone"] == "+79150480249"


def test_patch_changes_only_what_is_sent(api, mentee):
    response = api(mentee).patch(ME, {"timezone": "Europe/Moscow", "avatar_url": "https://example.com/a.png"})
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert mentee.timezone == "Europe/Moscow"
    assert mentee.avatar_url == "https://example.com/a.png"
    assert mentee.full_name == "Mia Mentee"


@pytest.mark.parametrize("field,value", [("email", "new@example.com"), ("role", "admin"), ("is_premium", True)])
def test_email_role_and_premium_cannot_be_changed(api, mentee, field, value):
    response = api(mentee).patch(ME, {field: value})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    mentee.refresh_from_db()
    assert (mentee.email, mentee.role, mentee.is_premium) != ("new@example.com", "admin", True)
    assert getattr(mentee, field) != value


def test_sending_back_the_unchanged_read_only_fields_is_fine(api, mentee):
    client = api(mentee)
    current = client.get(ME).json()
    current["bio"] = "Edited"
    response = client.put(ME, current)
    assert response.status_code == 200
    assert response.json()["bio"] == "Edited"


@pytest.mark.parametrize(
    "field,value",
    [("timezone", "Mars/Olympus"), ("timezone", "+03:00"), ("timezone", "localtime"), ("timezone", "Factory"),
     ("phone", "call me"), ("avatar_url", "not a url"),
     ("full_name", "x" * 151)],
)
def test_bad_profile_values_are_refused_by_field(api, mentee, field, value):
    response = api(mentee).patch(ME, {field: value})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_missing_avatar_is_null_and_can_be_cleared_with_null(api, mentee):
    client = api(mentee)
    assert client.get(ME).json()["avatar_url"] is None
    client.patch(ME, {"avatar_url": "https://example.com/a.png"})
    assert client.get(ME).json()["avatar_url"] == "https://example.com/a.png"
    assert client.patch(ME, {"avatar_url": None}).status_code == 200
    mentee.refresh_from_db()
    assert mentee.avatar_url == ""


def test_sms_reminders_need_a_phone_number(api, mentee):
    response = api(mentee).patch(ME, {"sms_opt_in": True})
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["sms_opt_in"]
    assert "phone number" in response.json()["errors"][0]["message"]
    mentee.refresh_from_db()
    assert mentee.sms_opt_in is False

    refused = api(mentee).put(ME, {"full_name": "Mia", "phone": "", "sms_opt_in": True})
    assert refused.status_code == 400


def test_sms_opt_in_with_a_phone_number_in_the_same_request_is_accepted(api, mentee):
    response = api(mentee).patch(ME, {"phone": "+79150480249", "sms_opt_in": True})
    assert response.status_code == 200 and response.json()["sms_opt_in"] is True


def test_removing_the_phone_number_also_stops_sms_reminders(api, mentee):
    mentee.phone, mentee.sms_opt_in = "+79150480249", True
    mentee.save()
    response = api(mentee).patch(ME, {"phone": ""})
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["sms_opt_in"]) == ("", False)
    mentee.refresh_from_db()
    assert (mentee.phone, mentee.sms_opt_in) == ("", False)
