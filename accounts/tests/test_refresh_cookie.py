"""The refresh token in an HttpOnly cookie, and refresh and logout with a token from any source."""

import pytest
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts import services
from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login"
REFRESH = "/api/v1/auth/refresh"
LOGOUT = "/api/v1/auth/logout"
COOKIE = "mentorhub_refresh"
SPA = "http://localhost:5173"
FOURTEEN_DAYS = 14 * 24 * 3600


@pytest.fixture
def browser():
    """A client with a cookie jar, as a browser is (DRF's APIClient keeps cookies too, but this is plainer)."""
    return Client()


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


def cookie_login(client, user, **headers):
    return post(client, LOGIN, {"email": user.email, "password": TEST_PASSWORD, "refresh_cookie": True}, **headers)


def refresh_is_alive(token: str) -> bool:
    return post(Client(), REFRESH, {"refresh_token": token}).status_code == 200


def fields_in(response) -> set:
    return {e["field"] for e in response.json()["errors"]}


# --- login -----------------------------------------------------------------------------


def test_login_with_refresh_cookie_sets_an_httponly_cookie_and_keeps_the_token_out_of_the_body(browser, mentee):
    response = cookie_login(browser, mentee)
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert body["access_token"] and body["expires_in"] == 1800 and body["user"]["id"] == mentee.pk
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["path"] == "/api/v1/auth/"
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == FOURTEEN_DAYS
    assert not cookie["domain"]  # this host only
    assert str(RefreshToken(cookie.value)["user_id"]) == str(mentee.pk)


def test_the_cookie_is_secure_per_the_setting_which_defaults_to_on_outside_debug(browser, mentee, settings):
    settings.AUTH_REFRESH_COOKIE_SECURE = False
    assert not cookie_login(browser, mentee).cookies[COOKIE]["secure"]
    settings.AUTH_REFRESH_COOKIE_SECURE = True
    assert cookie_login(browser, mentee).cookies[COOKIE]["secure"] is True


def test_samesite_follows_its_setting(browser, mentee, settings):
    settings.AUTH_REFRESH_COOKIE_SAMESITE = "Strict"
    assert cookie_login(browser, mentee).cookies[COOKIE]["samesite"] == "Strict"


def test_login_without_the_flag_sets_no_cookie_and_answers_the_refresh_token_as_before(browser, mentee):
    response = post(browser, LOGIN, {"email": mentee.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert response.json()["refresh_token"]
    assert COOKIE not in response.cookies


def test_a_wrong_password_sets_no_cookie(browser, mentee):
    response = post(browser, LOGIN, {"email": mentee.email, "password": "wrong-wrong-wrong", "refresh_cookie": True})
    assert response.status_code == 401
    assert COOKIE not in response.cookies


def test_a_listed_spa_may_ask_for_the_cookie_and_a_stranger_may_not(browser, mentee, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    assert cookie_login(browser, mentee, HTTP_ORIGIN=SPA).status_code == 200
    assert cookie_login(Client(), mentee, HTTP_ORIGIN="http://testserver").status_code == 200  # the site itself
    refused = cookie_login(Client(), mentee, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    assert COOKIE not in refused.cookies


# --- refresh -----------------------------------------------------------------------------


def test_refresh_reads_the_cookie_rotates_it_and_sets_the_new_one(browser, mentee):
    old = cookie_login(browser, mentee).cookies[COOKIE].value
    response = post(browser, REFRESH)
    assert response.status_code == 200
    assert "refresh_token" not in response.json()
    assert response.json()["access_token"] and response.json()["expires_in"] == 1800
    new = response.cookies[COOKIE]
    assert new.value != old
    assert new["httponly"] and new["path"] == "/api/v1/auth/" and int(new["max-age"]) == FOURTEEN_DAYS
    assert not refresh_is_alive(old)
    assert post(browser, REFRESH).status_code == 200  # the browser sends the new one next time


def test_refresh_still_takes_the_token_from_the_body_or_the_header_and_answers_it_in_the_body(api, mentee):
    first = str(RefreshToken.for_user(mentee))
    from_body = api().post(REFRESH, {"refresh_token": first})
    assert from_body.status_code == 200 and COOKIE not in from_body.cookies
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {from_body.json()['refresh_token']}")
    from_header = client.post(REFRESH)
    assert from_header.status_code == 200 and from_header.json()["refresh_token"]
    assert COOKIE not in from_header.cookies


def test_an_spa_that_sends_its_access_token_everywhere_still_refreshes_with_its_cookie(browser, mentee):
    access = cookie_login(browser, mentee).json()["access_token"]
    assert post(browser, REFRESH, HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200


def test_a_used_cookie_is_a_401_in_the_error_shape(browser, mentee):
    old = cookie_login(browser, mentee).cookies[COOKIE].value
    assert post(browser, REFRESH).status_code == 200
    browser.cookies[COOKIE] = old
    reused = post(browser, REFRESH)
    assert reused.status_code == 401
    assert reused.json()["status_code"] == 401 and reused.json()["detail"]


def test_refresh_with_the_cookie_from_a_foreign_origin_is_refused_and_rotates_nothing(browser, mentee, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    token = cookie_login(browser, mentee).cookies[COOKIE].value
    refused = post(browser, REFRESH, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403 and COOKIE not in refused.cookies
    assert post(browser, REFRESH, HTTP_ORIGIN=SPA).status_code == 200
    assert not refresh_is_alive(token)  # rotated by the SPA's call, not the stranger's


# --- logout -----------------------------------------------------------------------------


def test_logout_with_the_cookie_revokes_it_and_clears_it(browser, mentee):
    token = cookie_login(browser, mentee).cookies[COOKIE].value
    response = post(browser, LOGOUT)
    assert response.status_code == 204
    cleared = response.cookies[COOKIE]
    assert cleared.value == "" and cleared["path"] == "/api/v1/auth/" and int(cleared["max-age"]) == 0
    assert not refresh_is_alive(token)


def test_logout_with_a_dead_cookie_is_a_400_and_still_clears_it(browser, mentee):
    cookie_login(browser, mentee)
    browser.cookies[COOKIE] = "garbage"
    response = post(browser, LOGOUT)
    assert response.status_code == 400 and fields_in(response) == {"refresh_token"}
    assert response.cookies[COOKIE].value == ""


def test_logout_with_the_refresh_token_in_the_body_revokes_only_that_one(api, mentee):
    this, other = str(RefreshToken.for_user(mentee)), str(RefreshToken.for_user(mentee))
    assert api().post(LOGOUT, {"refresh_token": this}).status_code == 204
    assert not refresh_is_alive(this)
    assert refresh_is_alive(other)


def test_logout_with_the_refresh_token_as_a_bearer_header_revokes_only_that_one(api, mentee):
    this, other = str(RefreshToken.for_user(mentee)), str(RefreshToken.for_user(mentee))
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {this}")
    assert client.post(LOGOUT).status_code == 204
    assert not refresh_is_alive(this)
    assert refresh_is_alive(other)


def test_logout_with_only_an_access_token_ends_every_session_of_that_user(api, mentee, other_user):
    phone, laptop = RefreshToken.for_user(mentee), RefreshToken.for_user(mentee)
    rotated = post(Client(), REFRESH, {"refresh_token": str(laptop)}).json()["refresh_token"]
    someone_else = str(RefreshToken.for_user(other_user))
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {phone.access_token}")
    response = client.post(LOGOUT)
    assert response.status_code == 204
    assert not refresh_is_alive(str(phone))
    assert not refresh_is_alive(rotated)
    assert refresh_is_alive(someone_else)


def test_ending_sessions_twice_is_harmless(mentee):
    RefreshToken.for_user(mentee)
    assert services.user_sessions_end(user=mentee) == 1
    assert services.user_sessions_end(user=mentee) == 0
    assert OutstandingToken.objects.filter(user=mentee).count() == 1


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer a.b.c"])
def test_logout_with_a_garbage_bearer_is_a_clean_400(api, header):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(LOGOUT)
    assert response.status_code == 400
    assert response.json()["status_code"] == 400 and fields_in(response) == {"refresh_token"}


def test_logout_with_the_access_token_of_a_deactivated_user_is_a_401(api, mentee):
    access = str(AccessToken.for_user(mentee))
    mentee.is_active = False
    mentee.save()
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = client.post(LOGOUT)
    assert response.status_code == 401 and response.json()["status_code"] == 401


def test_logout_with_nothing_names_the_missing_token(api):
    response = api().post(LOGOUT, {})
    assert response.status_code == 400 and fields_in(response) == {"refresh_token"}


def test_logout_with_the_cookie_from_a_foreign_origin_is_refused_and_keeps_the_cookie(browser, mentee, settings):
    settings.CORS_ALLOWED_ORIGINS = [SPA]
    token = cookie_login(browser, mentee).cookies[COOKIE].value
    refused = post(browser, LOGOUT, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    assert COOKIE not in refused.cookies
    assert refresh_is_alive(token)


def test_a_refresh_token_of_a_deleted_account_is_a_401_not_a_crash(mentee):
    token = str(RefreshToken.for_user(mentee))
    mentee.delete()
    response = post(Client(), REFRESH, {"refresh_token": token})
    assert response.status_code == 401 and response.json()["status_code"] == 401


# --- password change -----------------------------------------------------------------------


def test_a_cookie_client_that_changes_its_password_gets_the_new_refresh_token_as_the_cookie(browser, mentee):
    login = cookie_login(browser, mentee)
    old = login.cookies[COOKIE].value
    access = login.json()["access_token"]
    response = post(browser, "/api/v1/auth/password-change",
                    {"old_password": TEST_PASSWORD, "new_password": "a brand new passphrase 42"},
                    HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 200, response.content
    assert "refresh_token" not in response.json() and response.json()["access_token"]
    new = response.cookies[COOKIE]
    assert new.value != old and new["httponly"]
    assert not refresh_is_alive(old)
    assert post(browser, REFRESH).status_code == 200  # still signed in, through the new cookie


def test_a_client_without_the_cookie_gets_the_new_refresh_token_in_the_body(api, mentee):
    response = api(mentee).post("/api/v1/auth/password-change",
                                {"old_password": TEST_PASSWORD, "new_password": "a brand new passphrase 42"},
                                format="json")
    assert response.status_code == 200
    assert refresh_is_alive(response.json()["refresh_token"])
    assert COOKIE not in response.cookies


def test_a_password_change_from_a_foreign_origin_with_the_cookie_changes_nothing(browser, mentee):
    access = cookie_login(browser, mentee).json()["access_token"]
    response = post(browser, "/api/v1/auth/password-change",
                    {"old_password": TEST_PASSWORD, "new_password": "a brand new passphrase 42"},
                    HTTP_AUTHORIZATION=f"Bearer {access}", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    mentee.refresh_from_db()
    assert mentee.check_password(TEST_PASSWORD)
