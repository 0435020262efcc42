"""The sign-up page never tells a visitor whether an address already has an account."""

import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
PASSWORD = "a-long-and-unusual-passphrase"


def sign_up(client, email: str, name: str = "Nina Newcomer"):
    return client.post(SIGNUP, {"full_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
                       follow=True)


def visible_text(response) -> str:
    # The page as a person reads it: no markup, no per-request tokens, the address itself left out.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.mark.parametrize("verification", ["optional", "mandatory"])
def test_a_taken_and_a_new_address_get_the_same_check_your_email_page(client, settings, mailoutbox, verification):
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    owner = UserFactory(email="taken@example.com", full_name="Tara Taken")

    fresh = sign_up(client, "fresh@example.com")
    client.cookies.clear()
    taken = sign_up(client, "Taken@Example.com", name="Someone Else")

    assert fresh.status_code == taken.status_code == 200
    assert fresh.redirect_chain == taken.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert visible_text(fresh).replace("fresh@example.com", "") == visible_text(taken).replace(
        "taken@example.com", "")
    assert "Verify Your Email Address" in visible_text(taken)
    assert not fresh.context["user"].is_authenticated and not taken.context["user"].is_authenticated

    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.full_name == "Tara Taken" and owner.check_password(TEST_PASSWORD)
    assert User.objects.filter(email="fresh@example.com", full_name="Nina Newcomer").exists()
    sent = {message.to[0]: message.body for message in mailoutbox}
    assert set(sent) == {"fresh@example.com", "taken@example.com"}
    assert "/accounts/confirm-email/" in sent["fresh@example.com"]
    assert "already exists" in sent["taken@example.com"]


def test_with_optional_verification_a_new_user_may_log_in_before_confirming(client):
    sign_up(client, "fresh@example.com")
    assert not EmailAddress.objects.get(email="fresh@example.com").verified
    response = client.post("/accounts/login/", {"login": "fresh@example.com", "password": PASSWORD}, follow=True)
    assert response.context["user"].email == "fresh@example.com"


def test_following_the_link_confirms_the_address_and_signs_the_new_user_in(client, mailoutbox):
    sign_up(client, "fresh@example.com")
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+)", mailoutbox[0].body).group(1)
    response = client.post(link, follow=True)
    assert EmailAddress.objects.get(email="fresh@example.com").verified
    assert response.context["user"].email == "fresh@example.com"


def test_with_verification_off_sign_up_signs_in_at_once_and_a_taken_address_is_refused(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    UserFactory(email="taken@example.com")
    taken = sign_up(client, "taken@example.com")
    assert "already registered" in visible_text(taken)
    fresh = sign_up(client, "fresh@example.com")
    assert fresh.context["user"].email == "fresh@example.com"
