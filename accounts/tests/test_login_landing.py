"""After logging in, people land where they work: the page they came from, else My sessions or the
mentor's dashboard, never the marketing page."""

import pytest

from accounts.tests.factories import TEST_PASSWORD
from mentors.models import MentorProfile

pytestmark = pytest.mark.django_db


def log_in(client, user, query=""):
    return client.post(f"/accounts/login/{query}", {"login": user.email, "password": TEST_PASSWORD})


def test_a_mentee_lands_on_my_sessions(client, mentee):
    assert log_in(client, mentee)["Location"] == "/sessions/"


def test_a_mentor_lands_on_the_dashboard(client, mentor):
    MentorProfile.objects.create(user=mentor, title="Go mentor", price_per_hour=1000, status="approved")
    assert log_in(client, mentor)["Location"] == "/mentor/dashboard/"


def test_an_applicant_waiting_for_review_lands_on_the_dashboard_that_shows_the_application(client, mentee):
    MentorProfile.objects.create(user=mentee, title="Go mentor", price_per_hour=1000, status="pending")
    assert log_in(client, mentee)["Location"] == "/mentor/dashboard/"


def test_staff_land_in_the_admin(client, staff):
    assert log_in(client, staff)["Location"] == "/admin/"


def test_the_page_someone_came_from_wins(client, mentee):
    assert log_in(client, mentee, "?next=/mentors/7/")["Location"] == "/mentors/7/"


def test_a_next_on_another_site_is_ignored(client, mentee):
    assert log_in(client, mentee, "?next=https://evil.example/")["Location"] == "/sessions/"


def test_the_log_in_link_brings_people_back_to_the_page_they_were_on(client, db):
    html = client.get("/mentors/?skill=python").content.decode()
    assert 'href="/accounts/login/?next=/mentors/%3Fskill%3Dpython"' in html
