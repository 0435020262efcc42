"""Password guessing is limited on every login form, per address and per address+account,
without letting a stranger lock the owner out."""

import pytest

from accounts.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def web_login(client, email, password, address):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address)


def admin_login(client, email, password, address):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password},
                       REMOTE_ADDR=address)


def test_guessing_an_admin_password_stops_before_the_right_one_is_found(client, staff):
    for _ in range(30):
        admin_login(client, staff.email, "wrong-guess", ATTACKER)
    response = admin_login(client, staff.email, TEST_PASSWORD, ATTACKER)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_login_counts_failures_per_address_across_accounts(client, staff, mentee, other_user):
    emails = [f"nobody{n}@example.com" for n in range(10)]
    for email in emails:
        admin_login(client, email, "wrong-guess", ATTACKER)
    response = admin_login(client, staff.email, TEST_PASSWORD, ATTACKER)
    assert "Too many failed login attempts" in response.content.decode()


def test_a_stranger_cannot_lock_the_owner_out_of_the_web_login(client, mentee):
    for _ in range(20):
        web_login(client, mentee.email, "wrong-guess", ATTACKER)
    assert "Too many failed login attempts" in web_login(client, mentee.email, "x", ATTACKER).content.decode()

    response = web_login(client, mentee.email, TEST_PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(mentee.pk)


def test_a_stranger_cannot_lock_the_owner_out_of_the_admin_login(client, staff):
    for _ in range(20):
        admin_login(client, staff.email, "wrong-guess", ATTACKER)
    response = admin_login(client, staff.email, TEST_PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_web_and_admin_logins_share_one_budget_per_address_and_account(client, staff):
    for _ in range(3):
        web_login(client, staff.email, "wrong-guess", ATTACKER)
    for _ in range(2):
        admin_login(client, staff.email, "wrong-guess", ATTACKER)
    response = admin_login(client, staff.email, TEST_PASSWORD, ATTACKER)
    assert "Too many failed login attempts" in response.content.decode()


def test_rotating_x_forwarded_for_does_not_reset_the_web_login_limit(client, mentee):
    for n in range(12):
        client.post("/accounts/login/", {"login": f"guess{n}@example.com", "password": "x"},
                    REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    response = client.post("/accounts/login/", {"login": mentee.email, "password": TEST_PASSWORD},
                           REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="10.0.1.1")
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_a_successful_login_does_not_spend_the_budget(client, mentee):
    for _ in range(8):
        assert web_login(client, mentee.email, TEST_PASSWORD, OWNER).status_code == 302
        client.logout()
