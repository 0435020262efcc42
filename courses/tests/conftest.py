from decimal import Decimal

import pytest

from courses.tests.factories import CourseFactory, LessonFactory
from mentors.tests.factories import MentorProfileFactory
from payments.tests.conftest import stripe_http  # noqa: F401  (the Stripe SDK stubbed, for paid enrolment)


@pytest.fixture
def author(mentor):
    """The ``mentor`` user's approved profile."""
    return MentorProfileFactory(user=mentor)


def course_with_lessons(author, *, lessons: int = 4, **fields):
    course = CourseFactory(author=author, **fields)
    for n in range(lessons):
        LessonFactory(course=course, position=n + 1, title=f"Lesson {n + 1}", is_preview=n == 0)
    return course


@pytest.fixture
def paid_course(author):
    return course_with_lessons(author, title="Python для начинающих", price=Decimal("15000.00"))


@pytest.fixture
def free_course(author):
    return course_with_lessons(author, title="Git basics", price=Decimal("0"), lessons=2)
