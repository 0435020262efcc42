import pytest

from bookings import services as booking_services
from bookings.models import Booking
from mentors.models import MentorProfile
from reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(mentee, one_seat_slot):
    booking = booking_services.booking_hold(mentee=mentee, slot_id=one_seat_slot.pk)
    Booking.objects.filter(pk=booking.pk).update(status="completed", payment_status="paid")
    return booking


def test_the_spec_000_review_by_session_id(api, mentee, completed):
    response = api(mentee).post(f"/api/reviews/{completed.pk}", {"rating": 5, "text": "Great session!"})
    assert response.status_code == 201
    assert (response.json()["rating"], response.json()["comment"]) == (5, "Great session!")


def test_posting_a_review_with_session_id_updates_the_mentors_rating(api, mentee, completed):
    response = api(mentee).post("/api/v1/reviews", {"session_id": completed.pk, "rating": 4, "comment": "Useful"})
    assert response.status_code == 201
    profile = MentorProfile.objects.get(pk=completed.slot.mentor_id)
    assert (profile.rating_count, float(profile.rating_avg)) == (1, 4.0)


def test_reviews_received_are_listed_newest_first_by_the_mentors_user_id(api, mentee, mentor, completed):
    api(mentee).post("/api/v1/reviews", {"session_id": completed.pk, "rating": 4})
    Review.objects.create(mentor_id=completed.slot.mentor_id, author=mentee, rating=2, comment="older")
    body = api().get(f"/api/v1/reviews/{mentor.pk}").json()
    assert body["total"] == 2 and [r["rating"] for r in body["items"]] == [2, 4]


def test_review_refusals(api, mentee, other_user, completed, one_seat_slot):
    assert api(other_user).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5}).status_code == 404
    for bad in (0, 6):
        assert api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": bad}).status_code == 400
    assert api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5}).status_code == 201
    again = api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5})
    assert again.status_code == 409 and "already" in again.json()["detail"]


def test_a_session_that_is_not_completed_cannot_be_reviewed(api, mentee, completed):
    Booking.objects.filter(pk=completed.pk).update(status="scheduled")
    assert api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5}).status_code == 409


def test_an_unpaid_priced_session_cannot_be_reviewed(api, mentee, completed):
    Booking.objects.filter(pk=completed.pk).update(payment_status="pending")
    refused = api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5})
    assert refused.status_code == 409 and "paid" in refused.json()["detail"]
    assert not Review.objects.exists()


def test_the_mentor_replies_once_publicly(api, mentee, mentor, other_user, completed):
    review_id = api(mentee).post(f"/api/v1/reviews/{completed.pk}", {"rating": 5}).json()["id"]
    assert api(other_user).post(f"/api/v1/reviews/{review_id}/reply", {"text": "Hi"}).status_code == 404
    assert api(mentor).post(f"/api/v1/reviews/{review_id}/reply", {"text": "Thank you!"}).status_code == 200
    assert api(mentor).post(f"/api/v1/reviews/{review_id}/reply", {"text": "Again"}).status_code == 409
    assert api().get(f"/api/v1/mentors/{completed.slot.mentor_id}").json()["reviews"][0]["mentor_reply"] == "Thank you!"


def test_the_reviews_list_query_count_is_flat(api, mentee, mentor, completed, django_assert_max_num_queries):
    for n in range(30):
        Review.objects.create(mentor_id=completed.slot.mentor_id, author=mentee, rating=5, comment=str(n))
    with django_assert_max_num_queries(2):
        assert api().get(f"/api/v1/reviews/{mentor.pk}").status_code == 200


def test_the_mentor_replies_from_their_profile_page(client, mentee, mentor, completed):
    review = Review.objects.create(mentor_id=completed.slot.mentor_id, author=mentee, rating=5, comment="Great",
                                   booking=completed)
    client.force_login(mentor)
    assert 'data-testid="reply-form"' in client.get(f"/mentors/{completed.slot.mentor_id}/").content.decode()
    client.post(f"/reviews/{review.pk}/reply/", {"text": "Thanks, Mia!"})
    review.refresh_from_db()
    assert review.mentor_reply == "Thanks, Mia!"
    client.force_login(mentee)
    assert 'data-testid="reply-form"' not in client.get(f"/mentors/{completed.slot.mentor_id}/").content.decode()
