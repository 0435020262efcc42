"""Password reset, password change and e-mail confirmation over the API (accounts.api.password)."""

import re

import pytest
from allauth.account.models import EmailAddress
from freezegun import freeze_time

from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password-reset"
RESET_CONFIRM = "/api/v1/auth/password-reset/confirm"
CHANGE = "/api/v1/auth/password-change"
VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"
LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
REGISTER = "/api/v1/auth/register"
NEW_PASSWORD = "a-brand-new-passphrase-42"
RESET_LINK = re.compile(r"/accounts/password/reset/key/([0-9a-z]+)-([0-9a-z]+-[0-9a-f]+)/")
CONFIRM_LINK = re.compile(r"/accounts/confirm-email/([^/\s]+)/")


def fields_in(response) -> set:
    return {e["field"] for e in response.json()["errors"]}


def login(api, email, password=TEST_PASSWORD):
    return api().post(LOGIN, {"email": email, "password": password})


@pytest.fixture
def send(api, django_capture_on_commit_callbacks):
    """POST as an anonymous client and run the mails queued for after commit."""

    def post(path, body, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api()).post(path, body, format="json")

    return post


def reset_link_in(message) -> tuple[str, str]:
    uid, token = RESET_LINK.search(message.body).groups()
    return uid, token


@pytest.fixture
def rita(db):
    return UserFactory(email="rita@example.net")


@pytest.fixture
def reset_key(send, rita, mailoutbox):
    send(RESET, {"email": rita.email})
    [message] = mailoutbox
    mailoutbox.clear()
    return reset_link_in(message)


# --- password reset: asking for the mail -----------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(send, rita):
    known = send(RESET, {"email": rita.email})
    unknown = send(RESET, {"email": "nobody@example.net"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert "If an account uses this address" in known.json()["detail"]


def test_only_the_known_address_gets_a_reset_link(send, rita, mailoutbox):
    send(RESET, {"email": rita.email})
    send(RESET, {"email": "nobody@example.net"})
    reset_mails = [m for m in mailoutbox if RESET_LINK.search(m.body)]
    assert [m.to for m in reset_mails] == [[rita.email]]
    assert "http://testserver/accounts/password/reset/key/" in reset_mails[0].body
    # The unknown address hears, as from the page, that no account uses it (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS).
    [notice] = [m for m in mailoutbox if m.to == ["nobody@example.net"]]
    assert "/accounts/signup/" in notice.body


def test_with_unknown_account_mails_off_an_unknown_address_gets_nothing(send, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
    assert send(RESET, {"email": "nobody@example.net"}).status_code == 202
    assert mailoutbox == []


def test_the_reset_mail_is_the_one_the_page_sends(send, client, rita, mailoutbox, django_capture_on_commit_callbacks):
    send(RESET, {"email": rita.email})
    client.post("/accounts/password/reset/", {"email": rita.email})
    api_mail, page_mail = mailoutbox
    assert api_mail.subject == page_mail.subject
    assert RESET_LINK.sub("LINK", api_mail.body) == RESET_LINK.sub("LINK", page_mail.body)


def test_the_reset_address_is_matched_whatever_its_case(send, rita, mailoutbox):
    send(RESET, {"email": "  RITA@Example.NET "})
    assert [m.to for m in mailoutbox if RESET_LINK.search(m.body)] == [[rita.email]]


def test_a_malformed_reset_address_is_a_400_naming_email(send):
    response = send(RESET, {"email": "not-an-address"})
    assert response.status_code == 400 and fields_in(response) == {"email"}


def test_repeated_resets_for_one_address_stop_mailing_but_answer_the_same(send, rita, mailoutbox):
    answers = {send(RESET, {"email": rita.email}).content for _ in range(7)}
    assert len(answers) == 1
    assert len(mailoutbox) == 5  # allauth's "reset_password" limit: 5 a minute per address


def test_password_reset_is_also_served_under_the_unversioned_alias(send, rita, mailoutbox):
    assert send("/api/auth/password-reset/", {"email": rita.email}).status_code == 202
    assert len(mailoutbox) == 1


# --- password reset: choosing the new password -----------------------------------------------


def test_the_key_from_the_mail_sets_a_new_password_that_logs_in(api, rita, reset_key):
    uid, token = reset_key
    response = api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 200
    assert "log in with the new one" in response.json()["detail"]
    assert login(api, rita.email, NEW_PASSWORD).status_code == 200
    assert login(api, rita.email, TEST_PASSWORD).status_code == 401


def test_a_password_reset_revokes_every_refresh_token(api, send, rita, mailoutbox):
    old_refresh = [login(api, rita.email).json()["refresh_token"] for _ in range(2)]
    send(RESET, {"email": rita.email})
    uid, token = reset_link_in(mailoutbox[0])
    assert api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 200
    for refresh in old_refresh:
        assert api().post(REFRESH, {"refresh_token": refresh}).status_code == 401


def test_a_reset_link_works_only_once(api, reset_key):
    uid, token = reset_key
    assert api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 200
    again = api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": "yet-another-passphrase-7"})
    assert again.status_code == 400 and fields_in(again) == {"token"}


@pytest.mark.parametrize("uid, token", [
    ("1", "garbage"), ("zzzzzzzzzzzzzzzzzzzz", "abc-def"), ("not a uid!", "c5x-0123abcd"),
])
def test_a_garbage_reset_token_is_a_400_naming_token(api, rita, uid, token):
    response = api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400 and fields_in(response) == {"token"}
    assert response.json()["status_code"] == 400


def test_a_token_for_another_account_is_refused(api, reset_key):
    other = UserFactory()
    from allauth.account.utils import user_pk_to_url_str

    _, token = reset_key
    response = api().post(RESET_CONFIRM, {"uid": user_pk_to_url_str(other), "token": token,
                                          "new_password": NEW_PASSWORD})
    assert response.status_code == 400 and fields_in(response) == {"token"}


@pytest.mark.parametrize("weak", ["short", "password123", "12345678901"])
def test_a_weak_new_password_is_a_400_naming_new_password_and_keeps_the_link_usable(api, rita, reset_key, weak):
    uid, token = reset_key
    response = api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": weak})
    assert response.status_code == 400 and fields_in(response) == {"new_password"}
    assert api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 200


def test_reset_confirm_names_each_missing_field(api):
    response = api().post(RESET_CONFIRM, {})
    assert response.status_code == 400 and fields_in(response) == {"uid", "token", "new_password"}


def test_a_reset_asked_for_on_the_page_can_be_finished_over_the_api(api, client, rita, mailoutbox):
    client.post("/accounts/password/reset/", {"email": rita.email})
    uid, token = reset_link_in(mailoutbox[0])
    assert api().post(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 200
    assert login(api, rita.email, NEW_PASSWORD).status_code == 200


def test_the_api_reset_link_opens_the_page(client, reset_key):
    uid, token = reset_key
    page = client.get(f"/accounts/password/reset/key/{uid}-{token}/", follow=True)
    assert page.status_code == 200
    assert b'name="password1"' in page.content


# --- password change ----------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one(api, mentee):
    response = api(mentee).post(CHANGE, {"old_password": "not-my-password", "new_password": NEW_PASSWORD})
    assert response.status_code == 400 and fields_in(response) == {"old_password"}
    assert login(api, mentee.email, TEST_PASSWORD).status_code == 200


def test_changing_the_password_without_the_current_one_names_it(api, mentee):
    response = api(mentee).post(CHANGE, {"new_password": NEW_PASSWORD})
    assert response.status_code == 400 and fields_in(response) == {"old_password"}


def test_a_weak_new_password_is_refused_on_change(api, mentee):
    response = api(mentee).post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": "short"})
    assert response.status_code == 400 and fields_in(response) == {"new_password"}


def test_changing_the_password_revokes_other_sessions_and_keeps_this_client_signed_in(api, mentee):
    other_device = login(api, mentee.email).json()["refresh_token"]
    response = api(mentee).post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert {"detail", "access_token", "refresh_token", "token_type", "expires_in"} <= set(body)
    assert api().post(REFRESH, {"refresh_token": other_device}).status_code == 401
    assert api().post(REFRESH, {"refresh_token": body["refresh_token"]}).status_code == 200
    me = api()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.get("/api/v1/users/me").status_code == 200
    assert login(api, mentee.email, NEW_PASSWORD).status_code == 200
    assert login(api, mentee.email, TEST_PASSWORD).status_code == 401


def test_current_password_is_accepted_as_the_name_of_the_old_one(api, mentee):
    response = api(mentee).post(CHANGE, {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 200


def test_changing_the_password_needs_a_signed_in_user(api):
    response = api().post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 401


def test_a_browser_session_that_changes_the_password_stays_signed_in(client, mentee):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=False)
    browser.force_login(mentee)
    response = browser.post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200
    assert browser.get("/api/v1/users/me").status_code == 200


# --- e-mail confirmation ---------------------------------------------------------------------


@pytest.fixture
def mandatory(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def confirmation_key_in(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


def test_the_key_from_the_sign_up_mail_confirms_the_address_and_opens_login(api, send, mandatory, mailoutbox):
    send(REGISTER, {"email": "nina@example.net", "password": NEW_PASSWORD})
    assert login(api, "nina@example.net", NEW_PASSWORD).status_code == 403
    key = confirmation_key_in(mailoutbox[0])
    response = api().post(VERIFY, {"key": key})
    assert response.status_code == 200
    assert response.json() == {"detail": "Your e-mail address is confirmed.", "email": "nina@example.net"}
    assert EmailAddress.objects.get(email="nina@example.net").verified
    assert login(api, "nina@example.net", NEW_PASSWORD).status_code == 200


def test_confirming_twice_succeeds_again(api, send, mailoutbox):
    send(REGISTER, {"email": "nina@example.net", "password": NEW_PASSWORD})
    key = confirmation_key_in(mailoutbox[0])
    first, second = api().post(VERIFY, {"key": key}), api().post(VERIFY, {"key": key})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


@pytest.mark.parametrize("key", ["garbage", "MQ:1tAbCd:xyz", "x" * 64])
def test_a_bad_confirmation_key_is_a_400_naming_key(api, key):
    response = api().post(VERIFY, {"key": key})
    assert response.status_code == 400 and fields_in(response) == {"key"}


def test_an_expired_confirmation_key_is_refused(api, send, mailoutbox, settings):
    with freeze_time("2026-11-01 10:00:00"):
        send(REGISTER, {"email": "nina@example.net", "password": NEW_PASSWORD})
    key = confirmation_key_in(mailoutbox[0])
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
    with freeze_time("2026-11-05 10:00:00"):
        response = api().post(VERIFY, {"key": key})
    assert response.status_code == 400 and fields_in(response) == {"key"}


def test_database_confirmation_keys_work_too(api, send, mailoutbox, settings):
    settings.ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
    send(REGISTER, {"email": "nina@example.net", "password": NEW_PASSWORD})
    key = confirmation_key_in(mailoutbox[0])
    assert api().post(VERIFY, {"key": key}).status_code == 200
    assert api().post(VERIFY, {"key": key}).status_code == 200
    assert EmailAddress.objects.get(email="nina@example.net").verified


# --- resending the confirmation --------------------------------------------------------------


def test_resend_answers_the_same_whoever_the_address_belongs_to(send, mentee, mailoutbox):
    EmailAddress.objects.create(user=mentee, email=mentee.email, primary=True, verified=True)
    UserFactory(email="pending@example.net")
    EmailAddress.objects.create(user=UserFactory(email="waiting@example.net"), email="waiting@example.net",
                                primary=True, verified=False)
    answers = [send(RESEND, {"email": email}) for email in
               ("waiting@example.net", mentee.email, "nobody@example.net")]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1


def test_resend_mails_a_working_link_only_to_an_unconfirmed_address(api, send, mentee, mailoutbox):
    EmailAddress.objects.create(user=mentee, email=mentee.email, primary=True, verified=True)
    user = UserFactory(email="waiting@example.net")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    for email in ("waiting@example.net", mentee.email, "nobody@example.net"):
        send(RESEND, {"email": email})
    [message] = mailoutbox
    assert message.to == ["waiting@example.net"]
    assert api().post(VERIFY, {"key": confirmation_key_in(message)}).status_code == 200


def test_resend_waits_out_allauths_cooldown(send, mailoutbox):
    user = UserFactory(email="waiting@example.net")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    first, second = send(RESEND, {"email": user.email}), send(RESEND, {"email": user.email})
    assert first.content == second.content
    assert len(mailoutbox) == 1


# --- throttling ------------------------------------------------------------------------------


@pytest.mark.parametrize("path, body", [
    (RESET, {"email": "a@example.net"}),
    (RESET_CONFIRM, {"uid": "1", "token": "x", "new_password": NEW_PASSWORD}),
    (VERIFY, {"key": "garbage"}),
    (RESEND, {"email": "a@example.net"}),
])
def test_the_password_and_email_endpoints_are_throttled_like_login(api, settings, path, body):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/minute"},
    }
    with freeze_time("2026-11-23 10:00:00", tick=True):
        statuses = [api().post(path, body).status_code for _ in range(3)]
        refused = api().post(path, body)
    assert statuses[2] == 429 and refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["status_code"] == 429


def test_password_change_is_throttled_like_login(api, mentee, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/minute"},
    }
    with freeze_time("2026-11-23 10:00:00", tick=True):
        statuses = [api(mentee).post(CHANGE, {"old_password": "wrong", "new_password": NEW_PASSWORD}).status_code
                    for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_password_change_shares_the_pages_per_user_limit(api, mentee, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "change_password": "2/m/user"}
    statuses = [api(mentee).post(CHANGE, {"old_password": "wrong", "new_password": NEW_PASSWORD}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    refused = api(mentee).post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 60


def test_a_password_reset_clears_the_failed_logins_counted_from_that_address(api, client, send, rita, settings,
                                                                            mailoutbox):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "2/5m/key"}
    for _ in range(3):
        client.post("/accounts/login/", {"login": rita.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"login": rita.email, "password": TEST_PASSWORD})
    assert b"Too many failed login attempts" in locked.content
    send(RESET, {"email": rita.email})
    uid, token = reset_link_in(mailoutbox[0])
    assert send(RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}).status_code == 200
    assert client.post("/accounts/login/", {"login": rita.email, "password": NEW_PASSWORD}).status_code == 302
