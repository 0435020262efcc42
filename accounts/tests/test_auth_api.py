import pytest

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
STRONG = "SecurePass123!"


def fields_in(response) -> set:
    return {e["field"] for e in response.json()["errors"]}


def login(api, email, password=TEST_PASSWORD):
    return api().post(LOGIN, {"email": email, "password": password})


# --- register ------------------------------------------------------------------------


def test_registering_creates_the_account_and_says_to_check_the_mail(api, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api().post(REGISTER, {"email": "User@Example.com", "password": STRONG,
                                         "full_name": "Иван Иванов", "role": "student"})
    assert response.status_code == 202
    assert response.json() == {
        "email": "user@example.com",
        "detail": "Check your e-mail: we sent a message to user@example.com to finish signing up.",
    }
    user = User.objects.get()
    assert (user.email, user.full_name, user.role) == ("user@example.com", "Иван Иванов", "student")
    assert user.check_password(STRONG)
    assert [m.to for m in mailoutbox] == [["user@example.com"]]


def test_registering_also_works_under_the_unversioned_alias_and_with_a_trailing_slash(api):
    assert api().post("/api/auth/register", {"email": "a@example.com", "password": STRONG}).status_code == 202
    assert api().post("/api/v1/auth/register/", {"email": "b@example.com", "password": STRONG}).status_code == 202
    assert User.objects.count() == 2


def test_registering_as_a_mentor_is_allowed(api):
    response = api().post(REGISTER, {"email": "m@example.com", "password": STRONG, "role": "mentor"})
    assert response.status_code == 202
    assert User.objects.get(email="m@example.com").role == "mentor"


def test_nobody_can_register_as_admin(api):
    response = api().post(REGISTER, {"email": "evil@example.com", "password": STRONG, "role": "admin"})
    assert response.status_code == 400
    assert fields_in(response) == {"role"}
    assert not User.objects.filter(email="evil@example.com").exists()


def test_a_taken_email_gets_the_same_answer_and_its_owner_a_notice_instead_of_a_second_account(
    api, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        fresh = api().post(REGISTER, {"email": "Fresh@Example.com", "password": STRONG})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taken = api().post(REGISTER, {"email": "Taken@Example.com", "password": STRONG, "role": "mentor"})

    assert taken.status_code == fresh.status_code == 202
    assert taken.json() == {**fresh.json(), "email": "taken@example.com",
                            "detail": fresh.json()["detail"].replace("fresh@", "taken@")}
    assert set(taken.headers) == set(fresh.headers)
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD) and owner.role == "student"
    assert [m.to for m in mailoutbox] == [["taken@example.com"]]
    assert "already exists" in mailoutbox[0].body and "/accounts/password/reset/" in mailoutbox[0].body


def test_the_owners_notice_is_not_repeated_for_every_attempt(api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.com")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert api().post(REGISTER, {"email": "taken@example.com", "password": STRONG}).status_code == 202
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("email", ["taken@example.com", "fresh@example.com"])
def test_a_weak_password_is_refused_before_the_address_is_looked_at(api, email):
    UserFactory(email="taken@example.com")
    response = api().post(REGISTER, {"email": email, "password": "123"})
    assert response.status_code == 400
    assert fields_in(response) == {"password"}


def test_with_verification_off_a_taken_email_is_refused_as_there_is_no_mail_to_hide_behind(api, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    UserFactory(email="taken@example.com")
    response = api().post(REGISTER, {"email": "Taken@Example.com", "password": STRONG})
    assert response.status_code == 400
    assert fields_in(response) == {"email"}
    ready = api().post(REGISTER, {"email": "new@example.com", "password": STRONG})
    assert ready.status_code == 202 and "log in" in ready.json()["detail"]


def test_a_malformed_email_is_refused(api):
    response = api().post(REGISTER, {"email": "not-an-email", "password": STRONG})
    assert response.status_code == 400
    assert fields_in(response) == {"email"}


@pytest.mark.parametrize("password", ["123", "password", "12345678901", "user@example.com"])
def test_a_weak_password_is_refused_by_djangos_validators(api, password):
    response = api().post(REGISTER, {"email": "user@example.com", "password": password})
    assert response.status_code == 400
    assert fields_in(response) == {"password"}
    assert not User.objects.exists()


def test_missing_fields_are_each_named(api):
    response = api().post(REGISTER, {})
    assert response.status_code == 400
    assert fields_in(response) == {"email", "password"}


def test_emails_are_stored_lower_case(api):
    api().post(REGISTER, {"email": "MiXeD@Example.COM", "password": STRONG})
    assert User.objects.get().email == "mixed@example.com"


# --- login -----------------------------------------------------------------------------


def test_logging_in_returns_tokens_and_the_user(api, mentee):
    response = login(api, mentee.email)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert body["access_token"] and body["refresh_token"]
    assert body["user"] == {"id": mentee.id, "email": mentee.email, "full_name": mentee.full_name}


def test_the_access_token_authenticates_api_requests(api, mentee):
    token = login(api, mentee.email).json()["access_token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/users/me").json()["email"] == mentee.email


def test_login_ignores_the_case_of_the_email(api, mentee):
    assert login(api, mentee.email.upper()).status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(api, mentee):
    wrong_password = login(api, mentee.email, "nope-nope-nope")
    unknown_email = login(api, "nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    assert wrong_password.json()["detail"] == "Invalid e-mail or password."
    assert "WWW-Authenticate" in wrong_password.headers


def test_a_deactivated_user_cannot_log_in(api, mentee):
    mentee.is_active = False
    mentee.save()
    assert login(api, mentee.email).status_code == 401


def test_login_without_a_password_names_the_field(api):
    response = api().post(LOGIN, {"email": "x@example.com"})
    assert response.status_code == 400
    assert fields_in(response) == {"password"}


# --- refresh and logout -------------------------------------------------------------------


def test_refresh_accepts_the_token_in_the_body_and_rotates_it(api, mentee):
    old = login(api, mentee.email).json()["refresh_token"]
    response = api().post(REFRESH, {"refresh_token": old})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 1800
    assert body["access_token"] and body["refresh_token"] and body["refresh_token"] != old


def test_refresh_accepts_the_token_as_a_bearer_header_as_the_spec_shows(api, mentee):
    old = login(api, mentee.email).json()["refresh_token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {old}")
    assert client.post(REFRESH).status_code == 200


def test_a_refresh_token_works_only_once(api, mentee):
    old = login(api, mentee.email).json()["refresh_token"]
    assert api().post(REFRESH, {"refresh_token": old}).status_code == 200
    reused = api().post(REFRESH, {"refresh_token": old})
    assert reused.status_code == 401
    assert reused.json()["status_code"] == 401


def test_an_access_token_cannot_be_used_to_refresh(api, mentee):
    access = login(api, mentee.email).json()["access_token"]
    assert api().post(REFRESH, {"refresh_token": access}).status_code == 401


def test_refresh_without_a_token_is_a_400_naming_the_field(api):
    response = api().post(REFRESH, {})
    assert response.status_code == 400
    assert fields_in(response) == {"refresh_token"}


def test_logout_revokes_the_refresh_token(api, mentee):
    refresh = login(api, mentee.email).json()["refresh_token"]
    assert api().post(LOGOUT, {"refresh_token": refresh}).status_code == 204
    assert api().post(REFRESH, {"refresh_token": refresh}).status_code == 401


def test_logout_with_a_garbage_token_is_a_400(api):
    response = api().post(LOGOUT, {"refresh_token": "garbage"})
    assert response.status_code == 400
    assert fields_in(response) == {"refresh_token"}


@pytest.mark.parametrize("path", [REFRESH, LOGOUT, LOGIN, REGISTER])
@pytest.mark.parametrize("body", [[], [1, 2], "text", 7])
def test_a_json_body_that_is_not_an_object_is_a_400_not_a_crash(api, path, body):
    response = api().post(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["status_code"] == 400


def test_registering_mails_a_confirmation_link_after_commit(api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api().post(REGISTER, {"email": "new@example.com", "password": STRONG})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new@example.com"]
    assert "/accounts/confirm-email/" in mailoutbox[0].body


def test_with_mandatory_verification_login_waits_for_the_confirmed_email(api, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    api().post(REGISTER, {"email": "new@example.com", "password": STRONG})
    refused = login(api, "new@example.com", STRONG)
    assert refused.status_code == 403
    assert "Confirm your e-mail" in refused.json()["detail"]

    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(email="new@example.com").update(verified=True)
    assert login(api, "new@example.com", STRONG).status_code == 200


def test_with_verification_off_no_mail_is_sent(api, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    with django_capture_on_commit_callbacks(execute=True):
        api().post(REGISTER, {"email": "new@example.com", "password": STRONG})
    assert mailoutbox == []
