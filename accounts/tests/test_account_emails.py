"""Account e-mails (sign-up confirmation, password reset) speak for the site at SITE_URL, never example.com."""

import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def public_site(settings):
    # The public address of this deployment; migrate (run by `make run` and by every deploy) syncs the Site.
    settings.SITE_URL = "https://mentors.example.org:8443"
    call_command("migrate", verbosity=0)
    yield
    Site.objects.clear_cache()


def test_migrate_makes_the_site_follow_site_url(public_site):
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("mentors.example.org:8443", "MentorHub")


def test_the_sign_up_confirmation_mail_names_mentorhub_and_its_address(client, mailoutbox, public_site):
    client.post("/accounts/signup/", {"full_name": "Nina Newcomer", "email": "nina@example.net",
                                      "password1": PASSWORD, "password2": PASSWORD})
    [message] = mailoutbox
    assert message.subject.startswith("[MentorHub] ")
    assert "Hello from MentorHub!" in message.body
    assert "mentors.example.org:8443" in message.body
    assert "example.com" not in message.subject + message.body


def test_the_password_reset_mail_names_mentorhub_and_its_address(client, mailoutbox, public_site):
    UserFactory(email="rita@example.net")
    client.post("/accounts/password/reset/", {"email": "rita@example.net"})
    [message] = mailoutbox
    assert message.subject.startswith("[MentorHub] ")
    assert "Hello from MentorHub!" in message.body
    assert "mentors.example.org:8443" in message.body
    assert "example.com" not in message.subject + message.body
