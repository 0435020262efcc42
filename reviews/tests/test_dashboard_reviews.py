"""Mentors answer reviews from their dashboard (issue 10, point 14)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from reviews.models import Review

pytestmark = pytest.mark.django_db

DASHBOARD = "/mentor/dashboard/"


@pytest.fixture
def profile(mentor):
    return MentorProfileFactory(user=mentor)


def review(profile, *, comment="Great session", rating=5, reply="", days_ago=1, author=None) -> Review:
    start = timezone.now() - timedelta(days=days_ago + 1)
    booking = BookingFactory(slot=SlotFactory(mentor=profile, start=start, seats_taken=1), status="completed",
                             mentee=author or UserFactory(), payment_status="paid", payment_due_at=None)
    row = Review.objects.create(mentor=profile, booking=booking, author=booking.mentee, rating=rating,
                                comment=comment, mentor_reply=reply)
    Review.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return row


def section(html: str) -> str:
    return html.split('data-testid="dashboard-reviews"')[1].split("</section>")[0]


def test_the_dashboard_lists_reviews_unanswered_first_with_a_reply_form(client, mentor, profile):
    review(profile, comment="Answered long ago", reply="Thank you!", days_ago=1)
    waiting = review(profile, comment="Please answer me", author=UserFactory(full_name="Ivan Ivanov"), days_ago=5)
    client.force_login(mentor)

    reviews = section(client.get(DASHBOARD).content.decode())

    assert reviews.index("Please answer me") < reviews.index("Answered long ago")
    assert reviews.count('data-testid="dashboard-review"') == 2
    assert reviews.count('data-testid="dashboard-reply-form"') == 1
    assert f'action="/reviews/{waiting.pk}/reply/"' in reviews and "Ivan Ivanov" in reviews
    assert "Your reply:</strong> Thank you!" in reviews
    assert "1 waiting for your reply" in reviews


def test_a_reply_from_the_dashboard_is_published_and_leads_back_to_the_reviews(client, mentor, profile):
    waiting = review(profile)
    client.force_login(mentor)

    response = client.post(f"/reviews/{waiting.pk}/reply/", {"text": "Glad it helped!", "next": "dashboard"})

    assert response.status_code == 302 and response["Location"] == "/mentor/dashboard/#reviews"
    waiting.refresh_from_db()
    assert waiting.mentor_reply == "Glad it helped!"
    after = client.get(DASHBOARD).content.decode()
    assert "Your reply is published." in after and 'data-testid="dashboard-reply-form"' not in section(after)
    assert "Glad it helped!" in client.get(f"/mentors/{profile.pk}/").content.decode()


def test_an_empty_reply_from_the_dashboard_is_refused_and_explained(client, mentor, profile):
    waiting = review(profile)
    client.force_login(mentor)
    response = client.post(f"/reviews/{waiting.pk}/reply/", {"text": "   ", "next": "dashboard"}, follow=True)
    assert "Write a reply." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.mentor_reply == ""


def test_nobody_replies_to_another_mentors_review_from_their_dashboard(client, profile):
    theirs = review(profile)
    intruder = MentorProfileFactory().user
    client.force_login(intruder)
    client.post(f"/reviews/{theirs.pk}/reply/", {"text": "Not mine", "next": "dashboard"})
    theirs.refresh_from_db()
    assert theirs.mentor_reply == ""
    assert "Not mine" not in client.get(DASHBOARD).content.decode()


def test_the_next_field_names_a_page_and_is_never_followed_as_a_url(client, mentor, profile):
    waiting = review(profile)
    client.force_login(mentor)
    response = client.post(f"/reviews/{waiting.pk}/reply/", {"text": "Thanks", "next": "https://evil.example/"})
    assert response["Location"] == f"/mentors/{profile.pk}/"


def test_the_dashboards_reviews_are_paginated(client, mentor, profile):
    for days in range(13):
        review(profile, comment=f"Review {days}", days_ago=days + 1)
    client.force_login(mentor)
    first = section(client.get(DASHBOARD).content.decode())
    second = section(client.get(DASHBOARD, {"reviews_page": 2}).content.decode())
    assert first.count('data-testid="dashboard-review"') == 10 and second.count('data-testid="dashboard-review"') == 3
    assert "?reviews_page=2#reviews" in first


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(DASHBOARD).status_code == 200
    return len(context.captured_queries)


def test_the_dashboards_reviews_cost_the_same_queries_for_2_or_25_reviews(client, mentor, profile):
    client.force_login(mentor)
    for days in range(2):
        review(profile, days_ago=days + 1)
    few = _queries(client)
    for days in range(2, 25):
        review(profile, days_ago=days + 1, reply="Thanks" if days % 2 else "")
    assert _queries(client) == few
