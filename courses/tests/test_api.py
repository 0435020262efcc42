"""The courses API: the spec's three examples, the catalogue, access rules, learners' and authors' endpoints."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Course, Enrollment, Lesson, LessonProgress
from courses.tests.conftest import course_with_lessons
from courses.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory
from mentorhub.tests.test_error_shape import assert_error_shape
from mentors.tests.factories import MentorProfileFactory, SkillFactory

pytestmark = pytest.mark.django_db

CARD_FIELDS = {"id", "title", "description", "category", "level", "duration_hours", "price", "rating",
               "students_count", "author", "currency"}


# --- the spec's examples ------------------------------------------------------------------------------


def test_the_spec_catalogue_example_finds_a_beginner_python_course_in_programming(api, author):
    course = course_with_lessons(author, title="Python для начинающих", description="Базовый курс Python",
                                 lessons=4)
    course.skills.add(SkillFactory(name="Python", slug="python"))
    course_with_lessons(author, title="Advanced Python", level="advanced").skills.add(course.skills.get())
    course_with_lessons(author, title="Drawing", category="art")
    for prefix in ("/api/v1", "/api"):
        response = api().get(f"{prefix}/courses?category=python&level=beginner")
        assert response.status_code == 200
        body = response.json()
        assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)
        [item] = body["items"]
        assert set(item) >= CARD_FIELDS
        assert item["id"] == course.pk and item["category"] == "programming" and item["level"] == "beginner"
        assert item["duration_hours"] == 2.0 and item["price"] == 15000.0 and item["currency"] == "RUB"
        assert item["author"]["mentor_id"] == author.pk


def test_the_spec_enroll_example_answers_201_with_a_payment_url_then_200_for_the_same_enrollment(
        api, mentee, paid_course):
    response = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    assert response.status_code == 201
    body = response.json()
    assert {"enrollment_id", "course", "enrolled_at", "progress", "payment_url"} <= set(body)
    assert body["course"] == {"id": paid_course.pk, "title": "Python для начинающих"}
    assert body["progress"] == 0 and body["status"] == "pending_payment"
    assert body["payment_url"].startswith("http://testserver/payments/") and body["payment_url"].endswith(
        "/checkout/")
    again = api(mentee).post(f"/api/courses/{paid_course.pk}/enroll")
    assert again.status_code == 200
    assert again.json()["enrollment_id"] == body["enrollment_id"]
    assert again.json()["payment_url"] == body["payment_url"]


def test_a_free_course_enrolls_active_with_no_payment_url(api, mentee, free_course):
    body = api(mentee).post(f"/api/v1/courses/{free_course.pk}/enroll").json()
    assert body["status"] == "active" and body["payment_url"] is None


def test_the_spec_progress_example_counts_on_the_server_and_ignores_the_clients_percentage(api, mentee, author):
    course = course_with_lessons(author, lessons=12)
    EnrollmentFactory(course=course, user=mentee)
    ids = list(course.lessons.order_by("position").values_list("pk", flat=True))
    response = api(mentee).put(f"/api/v1/courses/{course.pk}/progress", {
        "completed_lessons": ids[:3], "current_lesson": ids[3], "progress_percentage": 90}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("course_id", "progress", "completed_lessons", "total_lessons")} == {
        "course_id": course.pk, "progress": 25, "completed_lessons": 3, "total_lessons": 12}
    assert Enrollment.objects.get().current_lesson_id == ids[3]


def test_progress_with_a_lesson_of_another_course_is_a_400_naming_the_field(api, mentee, paid_course, free_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    response = api(mentee).put(f"/api/v1/courses/{paid_course.pk}/progress", {
        "completed_lessons": [free_course.lessons.first().pk]}, format="json")
    assert_error_shape(response, 400)
    assert response.json()["errors"][0]["field"] == "completed_lessons"


def test_progress_before_paying_is_a_409(api, mentee, paid_course):
    api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    response = api(mentee).put(f"/api/v1/courses/{paid_course.pk}/progress", {
        "completed_lessons": [paid_course.lessons.first().pk]}, format="json")
    assert_error_shape(response, 409)


# --- the catalogue ------------------------------------------------------------------------------------


def test_the_catalogue_filters_by_price_words_and_orders(api, author):
    cheap = course_with_lessons(author, title="Cheap SQL", price=Decimal("100"), lessons=1)
    dear = course_with_lessons(author, title="Dear Rust", price=Decimal("9000"), lessons=1)
    popular = course_with_lessons(author, title="Popular Go", price=Decimal("500"), lessons=1)
    Course.objects.filter(pk=popular.pk).update(students_count=99)
    Course.objects.filter(pk=dear.pk).update(rating_avg=Decimal("4.9"))
    get = api().get
    assert [i["id"] for i in get("/api/v1/courses?ordering=price").json()["items"]] == [cheap.pk, popular.pk, dear.pk]
    assert [i["id"] for i in get("/api/v1/courses?ordering=-price").json()["items"]][0] == dear.pk
    assert [i["id"] for i in get("/api/v1/courses?ordering=popular").json()["items"]][0] == popular.pk
    assert [i["id"] for i in get("/api/v1/courses").json()["items"]][0] == dear.pk  # by rating
    assert [i["id"] for i in get("/api/v1/courses?ordering=newest").json()["items"]][0] == popular.pk
    assert [i["id"] for i in get("/api/v1/courses?min_price=200&max_price=1000").json()["items"]] == [popular.pk]
    assert [i["id"] for i in get("/api/v1/courses?q=rust").json()["items"]] == [dear.pk]


def test_drafts_are_not_in_the_catalogue_and_a_bad_filter_is_a_400(api, author):
    course_with_lessons(author, status=Course.Status.DRAFT)
    assert api().get("/api/v1/courses").json()["total"] == 0
    assert_error_shape(api().get("/api/v1/courses?level=expert"), 400)
    assert_error_shape(api().get("/api/v1/courses?min_price=10&max_price=5"), 400)


def test_the_catalogue_is_cached_and_a_newly_published_course_shows_at_once(api, author, mentor,
                                                                             django_assert_num_queries):
    course_with_lessons(author, lessons=1)
    assert api().get("/api/v1/courses").json()["total"] == 1
    with django_assert_num_queries(0):
        assert api().get("/api/v1/courses").json()["total"] == 1
    draft = course_with_lessons(author, status=Course.Status.DRAFT, published_at=None)
    api(mentor).post(f"/api/v1/courses/{draft.pk}/publish")
    assert api().get("/api/v1/courses").json()["total"] == 2


def _many_courses(author, n: int) -> None:
    courses = Course.objects.bulk_create([Course(author=author, title=f"Course {i}", category="programming",
                                                 price=Decimal(i), status="published", published_at=timezone.now())
                                          for i in range(n)])
    Lesson.objects.bulk_create([Lesson(course=c, position=1, title="One", estimated_minutes=30) for c in courses])


@pytest.mark.parametrize("rows", [5, 500])
def test_the_catalogue_takes_the_same_few_queries_for_5_or_500_courses(api, author, rows,
                                                                       django_assert_max_num_queries):
    _many_courses(author, rows)
    with django_assert_max_num_queries(3):
        body = api().get("/api/v1/courses?limit=100").json()
    assert body["total"] == rows and len(body["items"]) == min(rows, 100)


# --- one course and its lessons ---------------------------------------------------------------------


def test_a_course_shows_its_outline_but_lesson_bodies_only_to_those_with_access(api, mentee, other_user, mentor,
                                                                                staff, paid_course):
    body = api().get(f"/api/v1/courses/{paid_course.pk}").json()
    assert [lesson["position"] for lesson in body["lessons"]] == [1, 2, 3, 4]
    assert body["enrollment"] is None
    assert [lesson["body_html"] is not None for lesson in body["lessons"]] == [True, False, False, False]
    assert [lesson["can_open"] for lesson in body["lessons"]] == [True, False, False, False]
    assert all(lesson["body_html"] for lesson in api(mentor).get(f"/api/v1/courses/{paid_course.pk}").json()[
        "lessons"])
    preview, closed = paid_course.lessons.order_by("position")[:2]
    assert api().get(f"/api/v1/courses/{paid_course.pk}/lessons/{preview.pk}").status_code == 200
    assert_error_shape(api(other_user).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed.pk}"), 404)
    for user in (mentor, staff):
        assert api(user).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed.pk}").status_code == 200
    EnrollmentFactory(course=paid_course, user=mentee)
    lesson = api(mentee).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed.pk}").json()
    assert lesson["body_html"] == "<p>Read <strong>this</strong> first.</p>\n"


def test_a_learner_waiting_to_pay_cannot_read_closed_lessons(api, mentee, paid_course):
    api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll")
    closed = paid_course.lessons.order_by("position")[1]
    assert api(mentee).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed.pk}").status_code == 404


def test_lesson_markdown_is_rendered_safely(api, mentor, paid_course):
    lesson = LessonFactory(course=paid_course, body='<script>alert(1)</script>\n\n[x](javascript:alert(1)) '
                                                    '<img src=x onerror=alert(1)>', is_preview=True)
    html = api().get(f"/api/v1/courses/{paid_course.pk}/lessons/{lesson.pk}").json()["body_html"]
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_a_lesson_without_a_video_has_a_null_video_url_not_an_empty_string(api, paid_course):
    bare = LessonFactory(course=paid_course, video_url="", is_preview=True)
    filmed = LessonFactory(course=paid_course, video_url="https://video.example.com/1", is_preview=True)
    assert api().get(f"/api/v1/courses/{paid_course.pk}/lessons/{bare.pk}").json()["video_url"] is None
    assert api().get(f"/api/v1/courses/{paid_course.pk}/lessons/{filmed.pk}").json()["video_url"] == (
        "https://video.example.com/1")


def test_a_draft_is_404_to_everyone_but_its_author_and_staff(api, author, mentor, staff, other_user):
    draft = course_with_lessons(author, status=Course.Status.DRAFT, published_at=None)
    assert_error_shape(api().get(f"/api/v1/courses/{draft.pk}"), 404)
    assert_error_shape(api(other_user).get(f"/api/v1/courses/{draft.pk}"), 404)
    assert api(mentor).get(f"/api/v1/courses/{draft.pk}").json()["status"] == "draft"
    assert api(staff).get(f"/api/v1/courses/{draft.pk}").status_code == 200


def test_learners_keep_their_course_after_it_is_unpublished(api, mentee, mentor, paid_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    api(mentor).post(f"/api/v1/courses/{paid_course.pk}/unpublish")
    assert api(mentee).get(f"/api/v1/courses/{paid_course.pk}").status_code == 200


# --- my learning, reviews, refunds, certificates ----------------------------------------------------------


def test_my_learning_lists_my_courses_with_progress_and_the_next_lesson(api, mentee, other_user, paid_course,
                                                                        free_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    first, second = paid_course.lessons.order_by("position")[:2]
    api(mentee).put(f"/api/v1/courses/{paid_course.pk}/progress", {"completed_lessons": [first.pk]}, format="json")
    api(mentee).post(f"/api/v1/courses/{free_course.pk}/enroll")
    body = api(mentee).get("/api/v1/courses/my").json()
    assert body["total"] == 2
    item = next(i for i in body["items"] if i["course"]["id"] == paid_course.pk)
    assert (item["progress"], item["completed_lessons"], item["total_lessons"]) == (25, 1, 4)
    assert item["next_lesson"] == {"id": second.pk, "title": second.title}
    assert item["course"]["duration_hours"] == 2.0
    assert api(other_user).get("/api/v1/courses/my").json()["total"] == 0


@pytest.mark.parametrize("rows", [5, 500])
def test_my_learning_takes_the_same_few_queries_for_5_or_500_enrollments(api, mentee, author, rows,
                                                                         django_assert_max_num_queries):
    _many_courses(author, rows)
    Enrollment.objects.bulk_create([Enrollment(user=mentee, course=c, status="active", enrolled_at=timezone.now())
                                    for c in Course.objects.all()])
    with django_assert_max_num_queries(4):
        body = api(mentee).get("/api/v1/courses/my?limit=100").json()
    assert body["total"] == rows and body["items"][0]["next_lesson"]["title"] == "One"


def test_an_enrolled_learner_reviews_once_and_anyone_reads_the_reviews(api, mentee, other_user, paid_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    url = f"/api/v1/courses/{paid_course.pk}/reviews"
    assert api(mentee).post(url, {"rating": 5, "comment": "Clear"}, format="json").status_code == 201
    assert_error_shape(api(mentee).post(url, {"rating": 4}, format="json"), 409)
    assert_error_shape(api(other_user).post(url, {"rating": 1}, format="json"), 404)
    assert api().get(url).json()["items"][0]["comment"] == "Clear"
    assert api().get(f"/api/v1/courses/{paid_course.pk}").json()["rating"] == 5.0


def test_a_learner_refunds_by_the_policy_and_loses_the_lessons(api, mentee, client, paid_course):
    payment_url = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/enroll").json()["payment_url"]
    client.force_login(mentee)
    client.post(payment_url.replace("http://testserver", "") + "decide/", {"outcome": "succeed"})
    response = api(mentee).post(f"/api/v1/courses/{paid_course.pk}/refund")
    assert response.status_code == 200
    assert response.json()["status"] == "refunded" and response.json()["refunded"] == 15000.0
    closed = paid_course.lessons.order_by("position")[1]
    assert api(mentee).get(f"/api/v1/courses/{paid_course.pk}/lessons/{closed.pk}").status_code == 404
    assert_error_shape(api(mentee).post(f"/api/v1/courses/{paid_course.pk}/refund"), 409)


def test_a_certificate_is_verifiable_by_anyone_with_its_id(api, mentee, free_course):
    api(mentee).post(f"/api/v1/courses/{free_course.pk}/enroll")
    ids = list(free_course.lessons.values_list("pk", flat=True))
    body = api(mentee).put(f"/api/v1/courses/{free_course.pk}/progress", {"completed_lessons": ids},
                           format="json").json()
    assert body["progress"] == 100 and body["certificate_id"]
    certificate = api().get(f"/api/v1/certificates/{body['certificate_id']}").json()
    assert certificate["learner_name"] == "Mia Mentee" and certificate["course"]["id"] == free_course.pk
    assert certificate["verification_url"] == f"http://testserver/certificates/{body['certificate_id']}/"
    assert_error_shape(api().get("/api/v1/certificates/not-a-real-certificate"), 404)


def test_the_certificate_page_shows_who_completed_what_and_is_404_for_a_wrong_id(api, client, mentee, free_course):
    api(mentee).post(f"/api/v1/courses/{free_course.pk}/enroll")
    ids = list(free_course.lessons.values_list("pk", flat=True))
    certificate_id = api(mentee).put(f"/api/v1/courses/{free_course.pk}/progress", {"completed_lessons": ids},
                                     format="json").json()["certificate_id"]
    page = client.get(f"/certificates/{certificate_id}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Mia Mentee" in html and "Git basics" in html and "Marcus Mentor" in html
    assert client.get("/certificates/not-a-real-certificate/").status_code == 404


# --- authoring -------------------------------------------------------------------------------------------


def test_a_mentor_writes_orders_and_publishes_a_course_through_the_api(api, author, mentor, mentee):
    created = api(mentor).post("/api/v1/courses", {"title": "SQL basics", "category": "data", "price": "990.00",
                                                   "skills": ["SQL"]}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert_error_shape(api(mentor).post(f"/api/v1/courses/{pk}/publish"), 409)
    ids = [api(mentor).post(f"/api/v1/courses/{pk}/lessons", {"title": f"Part {n}", "body": "# Hi",
                                                              "estimated_minutes": 45}, format="json").json()["id"]
           for n in (1, 2)]
    order = api(mentor).put(f"/api/v1/courses/{pk}/lessons/order", {"lesson_ids": ids[::-1]}, format="json")
    assert [lesson["id"] for lesson in order.json()] == ids[::-1]
    response = api(mentor).patch(f"/api/v1/courses/{pk}/lessons/{ids[0]}", {"title": "Part one"}, format="json")
    assert response.json()["title"] == "Part one"
    published = api(mentor).post(f"/api/v1/courses/{pk}/publish").json()
    assert published["status"] == "published" and published["lessons_count"] == 2
    assert published["duration_hours"] == 1.5
    assert api(mentor).patch(f"/api/v1/courses/{pk}", {"price": "1200.00"}, format="json").json()["price"] == 1200.0
    assert api(mentor).get("/api/v1/courses/authored").json()["total"] == 1
    assert api().get("/api/v1/courses?category=sql").json()["total"] == 1
    assert_error_shape(api(mentee).patch(f"/api/v1/courses/{pk}", {"title": "Hijack"}, format="json"), 404)


def test_a_student_cannot_create_a_course(api, mentee):
    assert_error_shape(api(mentee).post("/api/v1/courses", {"title": "X", "category": "data"}, format="json"), 403)


def test_deleting_a_completed_lesson_through_the_api_archives_it(api, mentee, mentor, paid_course):
    EnrollmentFactory(course=paid_course, user=mentee)
    lesson = paid_course.lessons.order_by("position").first()
    api(mentee).put(f"/api/v1/courses/{paid_course.pk}/progress", {"completed_lessons": [lesson.pk]}, format="json")
    response = api(mentor).delete(f"/api/v1/courses/{paid_course.pk}/lessons/{lesson.pk}")
    assert response.json() == {"outcome": "archived"}
    assert LessonProgress.objects.filter(lesson=lesson).exists()
    assert len(api(mentee).get(f"/api/v1/courses/{paid_course.pk}").json()["lessons"]) == 3


def test_a_mentor_not_approved_cannot_publish(api, mentor):
    profile = MentorProfileFactory(user=mentor, status="pending")
    course = CourseFactory(author=profile, status=Course.Status.DRAFT)
    LessonFactory(course=course)
    assert_error_shape(api(mentor).post(f"/api/v1/courses/{course.pk}/publish"), 409)


@pytest.mark.parametrize("path", ["courses/{big}", "courses/{big}/lessons/1", "courses/1/lessons/{big}",
                                  "courses/{big}/progress", "courses/{big}/reviews"])
def test_an_id_past_any_database_key_is_a_404(api, mentee, path):
    url = "/api/v1/" + path.format(big="43314215710021551094")
    assert_error_shape(api(mentee).get(url), 404)
    response = api(mentee).put(url, {"completed_lessons": [1]}, format="json") if "progress" in path else \
        api(mentee).delete(url) if "lessons/" in path else None
    if response is not None:
        assert_error_shape(response, 404)
