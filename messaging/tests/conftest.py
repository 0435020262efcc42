import pytest

from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory


@pytest.fixture
def listed_mentor(mentor):
    """``mentor`` with an approved profile: anyone may start a conversation with them."""
    MentorProfileFactory(user=mentor, status=MentorProfile.Status.APPROVED)
    return mentor
