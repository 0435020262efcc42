"""Moderation notices reach the review's author and the mentor each in their own language (issue 17)."""

import pytest
from django.utils import translation

from mentors.tests.factories import MentorProfileFactory
from notifications.models import Notification
from reviews import services
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_hiding_a_review_tells_a_russian_author_in_russian_and_an_english_mentor_in_english(mentee, mentor, staff):
    mentee.language = "ru"
    mentee.save(update_fields=["language"])
    review = ReviewFactory(mentor=MentorProfileFactory(user=mentor), author=mentee, rating=2)
    with translation.override("en"):
        services.review_hide(review_id=review.pk, actor=staff, reason="Оскорбления")
    to_author = Notification.objects.get(user=mentee, kind="review.hidden")
    to_mentor = Notification.objects.get(user=mentor, kind="review.hidden")
    assert to_author.title == "Отзыв скрыт"
    assert to_author.body == (f"Администрация скрыла ваш отзыв на 2★ о менторе {mentor.display_name} из его профиля. "
                              "Причина: Оскорбления")
    assert to_mentor.title == "A review was hidden" and to_mentor.body.startswith("Staff hid a 2★ review")


def test_a_review_error_from_the_api_comes_in_russian(api, mentee):
    response = api(mentee).post("/api/v1/reviews", {"session_id": 999999, "rating": 5}, format="json",
                                HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Такой сессии нет." in response.content.decode()
