"""Staff hide and show reviews from the admin (issue 14): through the services, with a reason, told to both sides."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.tests.factories import BookingFactory
from mentorhub.errors import Conflict, InvalidInput, PermissionDenied
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from notifications.models import Notification
from reviews import services
from reviews.models import Review
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reviews/review/"


@pytest.fixture
def profile(mentor):
    profile = MentorProfileFactory(user=mentor)
    ReviewFactory(mentor=profile, rating=5)
    services.mentor_rating_recompute(mentor_id=profile.pk)
    return profile


@pytest.fixture
def rude(profile, mentee):
    review = ReviewFactory(mentor=profile, author=mentee, rating=1, comment="Rude words here.")
    services.mentor_rating_recompute(mentor_id=profile.pk)
    return review


def rating(profile) -> tuple[int, float]:
    profile.refresh_from_db()
    return profile.rating_count, float(profile.rating_avg)


def hide_from_admin(client, review, reason="Insults the mentor."):
    return client.post(CHANGELIST, {"action": "hide", "_selected_action": [review.pk], "apply": "1",
                                    "reason": reason})


def test_staff_hide_a_review_from_the_admin_with_a_reason(client, staff, profile, rude, mentee, mentor):
    assert rating(profile) == (2, 3.0)
    client.force_login(staff)
    asked = client.post(CHANGELIST, {"action": "hide", "_selected_action": [rude.pk]})
    assert asked.status_code == 200 and b'name="reason"' in asked.content
    assert hide_from_admin(client, rude).status_code == 302
    rude.refresh_from_db()
    assert (rude.hidden_by, rude.hidden_reason, rude.is_hidden) == (staff, "Insults the mentor.", True)
    assert rude.comment == "Rude words here."  # what the author wrote is kept as written
    assert rating(profile) == (1, 5.0)
    told = Notification.objects.filter(kind="review.hidden")
    assert sorted(n.user_id for n in told) == sorted([mentee.pk, mentor.pk])
    assert all("Insults the mentor." in n.body for n in told)


def test_hiding_without_a_reason_asks_again_and_hides_nothing(client, staff, rude):
    client.force_login(staff)
    again = hide_from_admin(client, rude, reason="  ")
    assert again.status_code == 200 and b"This field is required" in again.content
    rude.refresh_from_db()
    assert not rude.is_hidden and not Notification.objects.exists()
    with pytest.raises(InvalidInput):
        services.review_hide(review_id=rude.pk, actor=staff, reason="")


def test_staff_show_a_hidden_review_again_and_the_rating_counts_it(client, staff, profile, rude, mentee):
    services.review_hide(review_id=rude.pk, actor=staff, reason="Checking a complaint.")
    client.force_login(staff)
    client.post(CHANGELIST, {"action": "unhide", "_selected_action": [rude.pk]})
    rude.refresh_from_db()
    assert (rude.hidden_at, rude.hidden_by, rude.hidden_reason) == (None, None, "")
    assert rating(profile) == (2, 3.0)
    assert Notification.objects.filter(kind="review.unhidden").count() == 2


def test_hiding_twice_or_showing_a_shown_review_is_refused(staff, rude):
    with pytest.raises(Conflict):
        services.review_unhide(review_id=rude.pk, actor=staff)
    services.review_hide(review_id=rude.pk, actor=staff, reason="Spam.")
    with pytest.raises(Conflict):
        services.review_hide(review_id=rude.pk, actor=staff, reason="Spam.")


def test_a_refused_review_in_the_selection_is_reported_and_the_others_are_hidden(client, staff, profile, rude):
    other = ReviewFactory(mentor=profile)
    services.review_hide(review_id=rude.pk, actor=staff, reason="Spam.")
    client.force_login(staff)
    page = client.post(CHANGELIST, {"action": "hide", "_selected_action": [rude.pk, other.pk], "apply": "1",
                                    "reason": "Spam."}, follow=True)
    assert b"already hidden" in page.content
    other.refresh_from_db()
    assert other.is_hidden


def test_a_hidden_review_leaves_every_public_list_but_its_author_still_sees_it_marked(
        api, client, staff, profile, rude, mentee, mentor, other_user):
    services.review_hide(review_id=rude.pk, actor=staff, reason="Spam.")
    for viewer in (None, other_user, mentor):
        body = api(viewer).get(f"/api/v1/reviews/{mentor.pk}").json()
        assert [r["id"] for r in body["items"]] == [profile.reviews.get(hidden_at=None).pk]
    own = api(mentee).get(f"/api/v1/reviews/{mentor.pk}").json()["items"]
    assert {(r["id"], r["is_hidden"]) for r in own} == {(rude.pk, True), (own[-1]["id"], False)}
    detail = api().get(f"/api/v1/mentors/{profile.pk}").json()
    assert rude.pk not in [r["id"] for r in detail["reviews"]]
    assert (detail["rating"], detail["rating_count"]) == (5.0, 1)
    page = client.get(f"/mentors/{profile.pk}/")
    assert b"Rude words here." not in page.content
    client.force_login(mentor)
    assert b"Rude words here." not in client.get("/mentor/dashboard/").content


def test_the_mentor_cannot_reply_to_a_hidden_review(api, staff, rude, mentor):
    services.review_hide(review_id=rude.pk, actor=staff, reason="Spam.")
    assert api(mentor).post(f"/api/v1/reviews/{rude.pk}/reply", {"text": "Thanks"}).status_code == 404


def test_what_people_wrote_stays_as_it_is_when_staff_post_the_change_form(client, staff, rude):
    client.force_login(staff)
    url = f"{CHANGELIST}{rude.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"rating": 5, "comment": "Edited by staff", "mentor_reply": "x", "hidden_reason": "y"})
    rude.refresh_from_db()
    assert (rude.rating, rude.comment, rude.mentor_reply, rude.hidden_reason) == (1, "Rude words here.", "", "")


def test_staff_can_neither_add_nor_delete_reviews_in_the_admin(client, staff, rude):
    client.force_login(staff)
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{rude.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Review.objects.filter(pk=rude.pk).exists()


def test_people_who_are_not_staff_cannot_hide_reviews(client, rude, mentee, mentor):
    for user in (mentee, mentor):
        client.force_login(user)
        assert hide_from_admin(client, rude).status_code == 302  # to the admin's login page
        with pytest.raises(PermissionDenied):
            services.review_hide(review_id=rude.pk, actor=user, reason="Mine.")
    rude.refresh_from_db()
    assert not rude.is_hidden


@pytest.mark.parametrize("count", [3, 40])
def test_the_review_changelist_query_count_is_flat(client, staff, count, django_assert_max_num_queries):
    ReviewFactory.create_batch(count)
    ReviewFactory.create_batch(count // 3, hidden_at="2026-01-01T00:00:00Z", hidden_reason="Spam.")
    client.force_login(staff)
    with django_assert_max_num_queries(6):
        page = client.get(CHANGELIST)
    assert page.status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(CHANGELIST, {"hidden": "yes", "q": "Clear"}).status_code == 200


def test_the_author_sees_on_the_session_page_that_staff_hid_their_review(client, staff, profile, mentee):
    start = timezone.now() - timedelta(days=2)
    booking = BookingFactory(slot=SlotFactory(mentor=profile, start=start, seats_taken=1), mentee=mentee,
                             status="completed", payment_status="paid", payment_due_at=None)
    review = ReviewFactory(mentor=profile, author=mentee, booking=booking, rating=2)
    client.force_login(mentee)
    assert b"Your review is on the mentor" in client.get(f"/sessions/{booking.pk}/room/").content
    services.review_hide(review_id=review.pk, actor=staff, reason="Names another mentee.")
    page = client.get(f"/sessions/{booking.pk}/room/").content.decode()
    assert "Your review is hidden" in page and "Names another mentee." in page
