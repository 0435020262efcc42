"""A mail server that refuses never turns a saved change into an error: the change stands, the failure is logged."""

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from accounts.models import User
from mentors import services as mentor_services
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


class DownBackend(BaseEmailBackend):
    """Every message fails, as with an SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def mail_is_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"


def test_registering_while_mail_is_down_still_creates_the_account(api, mail_is_down, caplog,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api().post("/api/v1/auth/register", {"email": "new@example.com", "password": "Sup3r-secret-pass",
                                                        "full_name": "New Person"})
    assert response.status_code == 202
    assert User.objects.filter(email="new@example.com").exists()
    assert "SMTPServerDisconnected" in caplog.text


def test_approving_a_mentor_while_mail_is_down_still_approves(staff, mail_is_down, caplog,
                                                               django_capture_on_commit_callbacks):
    profile = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        mentor_services.mentor_approve(profile_id=profile.pk, actor=staff)
    profile.refresh_from_db()
    assert profile.status == MentorProfile.Status.APPROVED
    assert "SMTPServerDisconnected" in caplog.text
