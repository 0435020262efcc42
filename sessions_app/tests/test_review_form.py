"""A review's rating is the mentee's choice: nothing is preselected, and a submit without one publishes nothing."""

import pytest

from bookings import services as booking_services
from bookings.models import Booking
from reviews.models import Review
from sessions_app.views import ReviewForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(status="completed", payment_status="paid")
    return booking


def test_the_review_form_preselects_no_rating(client, mentee, completed):
    client.force_login(mentee)
    form = client.get(f"/sessions/{completed.pk}/room/").context["review_form"]
    html = str(form["rating"])
    assert html.count(" selected") == 1 and '<option value="" selected>Choose a rating</option>' in html
    assert "required" in html  # the browser, too, refuses to send it empty


def test_a_review_without_a_rating_is_refused_even_with_text():
    form = ReviewForm({"rating": "", "review": "Nice"})
    assert not form.is_valid() and form.errors["rating"] == ["Choose a rating from 1 to 5 stars."]


def test_an_empty_submit_publishes_nothing_and_says_why(client, mentee, completed):
    client.force_login(mentee)
    response = client.post(f"/sessions/{completed.pk}/room/review/", {"rating": "", "review": ""}, follow=True)
    assert not Review.objects.exists()
    assert "Pick a rating from 1 to 5." in response.content.decode()


def test_a_rating_without_text_is_a_review(client, mentee, completed):
    client.force_login(mentee)
    client.post(f"/sessions/{completed.pk}/room/review/", {"rating": "3", "review": ""})
    assert Review.objects.get().rating == 3
