import factory

from accounts.tests.factories import UserFactory
from mentors.tests.factories import MentorProfileFactory
from reviews.models import Review


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review made directly (tests of reads and moderation); writing one goes through reviews.services."""

    class Meta:
        model = Review

    mentor = factory.SubFactory(MentorProfileFactory)
    author = factory.SubFactory(UserFactory)
    rating = 5
    comment = "Clear and kind."
