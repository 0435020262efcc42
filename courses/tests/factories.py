from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import Course, Enrollment, Lesson
from mentors.tests.factories import MentorProfileFactory


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    author = factory.SubFactory(MentorProfileFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    description = "A practical course."
    category = "programming"
    level = Course.Level.BEGINNER
    price = Decimal("15000.00")
    currency = "RUB"
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "Read **this** first."
    estimated_minutes = 30


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    status = Enrollment.Status.ACTIVE
    price = factory.LazyAttribute(lambda o: o.course.price)
    currency = factory.LazyAttribute(lambda o: o.course.currency)
    enrolled_at = factory.LazyFunction(timezone.now)
    activated_at = factory.LazyFunction(timezone.now)
