"""The demo courses read like a real catalogue, give the demo learners something to continue, and seed once."""

import io

import pytest
from django.core.management import call_command

from courses.models import Course, CourseReview, Enrollment, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_catalogue_has_courses_by_demo_mentors_with_lessons_and_one_draft(api, seeded):
    body = api().get("/api/v1/courses", {"limit": 100}).json()
    assert body["total"] >= 5
    assert len({item["author"]["mentor_id"] for item in body["items"]}) >= 4
    assert any(item["price"] == 0 for item in body["items"]) and any(item["rating"] > 4 for item in body["items"])
    assert api().get("/api/v1/courses", {"category": "python", "level": "beginner"}).json()["items"][0]["title"] \
        == "Python для начинающих"
    assert Course.objects.filter(status="draft").exists()
    assert all(Lesson.objects.filter(course=course).exists() for course in Course.objects.all())


def test_demo_learners_are_part_way_through_and_one_course_is_finished(api, seeded):
    from accounts.models import User

    ivan = User.objects.get(email="ivan.student@mentorhub.local")
    items = api(ivan).get("/api/v1/courses/my").json()["items"]
    progress = {item["course"]["title"]: item["progress"] for item in items}
    assert progress["Python для начинающих"] == 50 and progress["SQL for analytics interviews"] == 100
    finished = Enrollment.objects.get(user=ivan, course__title="SQL for analytics interviews")
    assert finished.certificate_id and api().get(f"/api/v1/certificates/{finished.certificate_id}").status_code == 200
    popular = Course.objects.get(title="Python для начинающих")
    assert popular.students_count == Enrollment.objects.filter(course=popular, status="active").count() > 1


def test_seeding_twice_adds_no_course_lesson_enrollment_or_review(settings, seeded):
    counts = lambda: [model.objects.count() for model in (Course, Lesson, Enrollment, LessonProgress, CourseReview)]  # noqa: E731
    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
