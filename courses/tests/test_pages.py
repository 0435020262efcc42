"""The course pages through Django's test client: access rules, forms, and flat query counts."""

from decimal import Decimal

import pytest

from courses.models import Course, Enrollment, Lesson, LessonProgress
from courses.tests.conftest import course_with_lessons
from courses.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory
from mentors.tests.factories import MentorProfileFactory
from payments.models import Payment

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(Lesson.objects.filter(course=course, archived_at=None).order_by("position"))


# --- the catalogue -----------------------------------------------------------------------------------


def test_the_catalogue_lists_published_courses_with_their_card_details(client, paid_course, author):
    CourseFactory(author=author, title="Secret draft", status=Course.Status.DRAFT)
    page = client.get("/courses/").content.decode()
    assert "Python для начинающих" in page and "RUB\xa015,000.00" in page and "Beginner" in page
    assert "Marcus Mentor" in page and "0 students" in page and "2 h" in page  # 4 lessons x 30 min
    assert "Secret draft" not in page


def test_the_catalogue_filters_by_level_price_and_words(client, author):
    CourseFactory(author=author, title="Advanced SQL", level="advanced", price=Decimal("900"))
    CourseFactory(author=author, title="Python basics", level="beginner", price=Decimal("100"))
    page = client.get("/courses/?level=advanced").content.decode()
    assert "Advanced SQL" in page and "Python basics" not in page
    page = client.get("/courses/?max_price=500").content.decode()
    assert "Python basics" in page and "Advanced SQL" not in page
    page = client.get("/courses/?q=sql").content.decode()
    assert "Advanced SQL" in page and "Python basics" not in page


def test_impossible_catalogue_filters_are_explained_not_answered(client, paid_course):
    response = client.get("/courses/?min_price=500&max_price=100")
    assert response.status_code == 400
    assert "The upper price is below the lower one." in response.content.decode()


def test_the_main_navigation_links_the_catalogue_which_links_my_learning(client, mentee):
    assert 'data-testid="nav-courses"' in client.get("/").content.decode()
    client.force_login(mentee)
    assert 'href="/courses/my/"' in client.get("/courses/").content.decode()
    assert 'href="/courses/my/"' in client.get("/sessions/").content.decode()


@pytest.mark.parametrize("rows", [5, 60])
def test_the_catalogue_page_takes_the_same_queries_for_few_or_many_courses(client, django_assert_max_num_queries,
                                                                          rows):
    for _ in range(rows):
        course = CourseFactory()
        LessonFactory(course=course)
    with django_assert_max_num_queries(2):
        assert client.get("/courses/?ordering=popular").status_code == 200


# --- a course ------------------------------------------------------------------------------------------


def test_a_course_page_shows_the_outline_with_preview_lessons_openable_and_the_enrol_button(client, mentee,
                                                                                           paid_course):
    first, second = lessons_of(paid_course)[:2]
    client.force_login(mentee)
    page = client.get(f"/courses/{paid_course.pk}/").content.decode()
    assert f'/courses/{paid_course.pk}/lessons/{first.pk}/"' in page
    assert f'/courses/{paid_course.pk}/lessons/{second.pk}/"' not in page
    assert "Enrol and pay" in page and "No reviews yet." in page


def test_drafts_are_404_to_everyone_but_their_author_and_staff(client, mentee, mentor, staff, author):
    draft = course_with_lessons(author, status=Course.Status.DRAFT, published_at=None)
    assert client.get(f"/courses/{draft.pk}/").status_code == 404
    client.force_login(mentee)
    assert client.get(f"/courses/{draft.pk}/").status_code == 404
    client.force_login(mentor)
    assert client.get(f"/courses/{draft.pk}/").status_code == 200
    client.force_login(staff)
    assert client.get(f"/courses/{draft.pk}/").status_code == 200


def test_enrolling_in_a_free_course_opens_it_at_the_first_lesson(client, mentee, free_course):
    client.force_login(mentee)
    response = client.post(f"/courses/{free_course.pk}/enrol/")
    assert response.status_code == 302
    assert response["Location"] == f"/courses/{free_course.pk}/lessons/{lessons_of(free_course)[0].pk}/"
    assert Enrollment.objects.get(user=mentee).status == "active"


def test_enrolling_in_a_paid_course_goes_to_the_payment_checkout_and_paying_opens_it(client, mentee, paid_course):
    client.force_login(mentee)
    response = client.post(f"/courses/{paid_course.pk}/enrol/")
    payment = Payment.objects.get()
    assert response["Location"] == f"/payments/{payment.pk}/checkout/"
    closed = lessons_of(paid_course)[1]
    assert client.get(f"/courses/{paid_course.pk}/lessons/{closed.pk}/").status_code == 404
    result = client.post(f"/payments/{payment.pk}/checkout/decide/", {"outcome": "succeed"}, follow=True)
    assert f'href="/courses/{paid_course.pk}/"' in result.content.decode()
    assert client.get(f"/courses/{paid_course.pk}/lessons/{closed.pk}/").status_code == 200
    assert "Continue learning" in client.get(f"/courses/{paid_course.pk}/").content.decode()


def test_enrolling_twice_from_the_page_never_makes_a_second_payment(client, mentee, paid_course):
    client.force_login(mentee)
    client.post(f"/courses/{paid_course.pk}/enrol/")
    client.post(f"/courses/{paid_course.pk}/enrol/")
    assert Payment.objects.count() == 1 and Enrollment.objects.count() == 1


def test_enrolling_needs_a_signed_in_post(client, free_course):
    assert client.get(f"/courses/{free_course.pk}/enrol/").status_code in (302, 405)
    assert client.post(f"/courses/{free_course.pk}/enrol/")["Location"].startswith("/accounts/login/")
    assert not Enrollment.objects.exists()


def test_the_author_cannot_enrol_in_their_own_course_and_is_told_why(client, mentor, free_course):
    client.force_login(mentor)
    page = client.post(f"/courses/{free_course.pk}/enrol/", follow=True).content.decode()
    assert "This is your own course." in page and not Enrollment.objects.exists()


# --- the lesson player ---------------------------------------------------------------------------------


def test_a_preview_lesson_is_open_to_anyone_but_other_bodies_are_404(client, paid_course):
    first, second = lessons_of(paid_course)[:2]
    page = client.get(f"/courses/{paid_course.pk}/lessons/{first.pk}/")
    assert page.status_code == 200 and "<strong>this</strong>" in page.content.decode()
    assert "Mark complete" not in page.content.decode()
    assert client.get(f"/courses/{paid_course.pk}/lessons/{second.pk}/").status_code == 404


def test_a_lesson_of_another_course_is_404_in_this_one(client, mentee, free_course, paid_course):
    EnrollmentFactory(user=mentee, course=free_course)
    client.force_login(mentee)
    other = lessons_of(paid_course)[0]
    assert client.get(f"/courses/{free_course.pk}/lessons/{other.pk}/").status_code == 404
    assert client.get(f"/courses/{free_course.pk}/lessons/{2**63}/").status_code == 404


def test_the_lesson_body_is_sanitised_markdown_and_a_video_is_a_link_the_csp_allows(client, mentee, free_course):
    lesson = lessons_of(free_course)[0]
    lesson.body = "# Start\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    lesson.video_url = "https://video.example.com/watch/1"
    lesson.save()
    EnrollmentFactory(user=mentee, course=free_course)
    client.force_login(mentee)
    page = client.get(f"/courses/{free_course.pk}/lessons/{lesson.pk}/").content.decode()
    body = page.split('data-testid="lesson-body">')[1].split("</div>")[0]
    assert "<h1>Start</h1>" in body and "<script>" not in body and 'href="javascript:' not in body
    assert 'href="https://video.example.com/watch/1"' in page and "<iframe" not in page


def test_mark_complete_records_progress_and_moves_to_the_next_lesson(client, mentee, free_course):
    first, second = lessons_of(free_course)
    EnrollmentFactory(user=mentee, course=free_course)
    client.force_login(mentee)
    response = client.post(f"/courses/{free_course.pk}/lessons/{first.pk}/complete/")
    assert response["Location"] == f"/courses/{free_course.pk}/lessons/{second.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "1 of 2 lessons done (50%)" in page and 'value="50"' in page and "← Previous" in page
    response = client.post(f"/courses/{free_course.pk}/lessons/{second.pk}/complete/")
    assert response["Location"] == "/courses/my/"
    assert Enrollment.objects.get(user=mentee).certificate_id


def test_mark_complete_without_paying_is_refused(client, mentee, paid_course):
    client.force_login(mentee)
    client.post(f"/courses/{paid_course.pk}/enrol/")
    page = client.post(f"/courses/{paid_course.pk}/lessons/{lessons_of(paid_course)[0].pk}/complete/",
                       follow=True).content.decode()
    assert "pay for the course first" in page and not LessonProgress.objects.exists()


# --- my learning ---------------------------------------------------------------------------------------


def test_my_learning_shows_progress_the_next_lesson_and_the_certificate_when_completed(client, mentee, author):
    going = course_with_lessons(author, title="Going", price=0)
    done = course_with_lessons(author, title="Done", price=0, lessons=1)
    client.force_login(mentee)
    client.post(f"/courses/{going.pk}/enrol/")
    client.post(f"/courses/{going.pk}/lessons/{lessons_of(going)[0].pk}/complete/")
    client.post(f"/courses/{done.pk}/enrol/")
    client.post(f"/courses/{done.pk}/lessons/{lessons_of(done)[0].pk}/complete/")
    page = client.get("/courses/my/").content.decode()
    assert "1 of 4 lessons · 25%" in page and lessons_of(going)[1].title in page
    certificate = Enrollment.objects.get(course=done).certificate_id
    assert f"/certificates/{certificate}/" in page


def test_my_learning_offers_to_pay_for_a_course_waiting_for_payment(client, mentee, paid_course):
    client.force_login(mentee)
    client.post(f"/courses/{paid_course.pk}/enrol/")
    page = client.get("/courses/my/").content.decode()
    assert "Waiting for payment" in page and f"/payments/{Payment.objects.get().pk}/checkout/" in page


def test_my_learning_needs_signing_in(client):
    assert client.get("/courses/my/")["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("rows", [5, 60])
def test_my_learning_takes_the_same_queries_for_few_or_many_courses(client, mentee, django_assert_max_num_queries,
                                                                    rows):
    for n in range(rows):
        enrollment = EnrollmentFactory(user=mentee, status="pending_payment" if n % 3 == 0 else "active")
        lesson = LessonFactory(course=enrollment.course)
        LessonFactory(course=enrollment.course)
        if n % 2:
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson, completed_at=enrollment.enrolled_at)
    client.force_login(mentee)
    with django_assert_max_num_queries(7):
        assert client.get("/courses/my/").status_code == 200


# --- authoring -----------------------------------------------------------------------------------------


def test_a_mentor_creates_a_course_adds_lessons_and_publishes_it(client, mentor, author):
    client.force_login(mentor)
    assert client.get("/mentor/courses/new/").status_code == 200
    response = client.post("/mentor/courses/new/", {"title": "Django in depth", "category": "programming",
                                                    "description": "", "skills": "Django, SQL",
                                                    "level": "intermediate", "price": "0", "currency": "RUB"})
    course = Course.objects.get()
    assert response["Location"] == f"/mentor/courses/{course.pk}/" and course.status == "draft"
    page = client.post(f"/mentor/courses/{course.pk}/publish/", {"action": "publish"}, follow=True).content
    assert "Add at least one lesson before publishing." in page.decode()
    for title in ("Models", "Views"):
        client.post(f"/mentor/courses/{course.pk}/lessons/new/", {"title": title, "body": "Text",
                                                                  "estimated_minutes": "15"})
    assert [lesson.title for lesson in lessons_of(course)] == ["Models", "Views"]
    views = lessons_of(course)[1]
    client.post(f"/mentor/courses/{course.pk}/lessons/{views.pk}/move/", {"direction": "up"})
    assert [lesson.title for lesson in lessons_of(course)] == ["Views", "Models"]
    client.post(f"/mentor/courses/{course.pk}/lessons/{views.pk}/", {"title": "Views and URLs", "body": "",
                                                                     "estimated_minutes": "20",
                                                                     "is_preview": "on"})
    views.refresh_from_db()
    assert views.title == "Views and URLs" and views.is_preview
    client.post(f"/mentor/courses/{course.pk}/publish/", {"action": "publish"})
    course.refresh_from_db()
    assert course.status == "published"
    assert "Django in depth" in client.get("/mentor/courses/").content.decode()


def test_course_form_errors_are_shown_in_the_form(client, mentor, author):
    client.force_login(mentor)
    response = client.post("/mentor/courses/new/", {"title": "", "category": "not a slug!", "level": "expert",
                                                    "price": "-1", "currency": "RUB"})
    page = response.content.decode()
    assert response.status_code == 400 and not Course.objects.exists()
    assert "This field is required." in page and "Select a valid choice" in page
    assert "greater than or equal to 0" in page


def test_a_lesson_form_rejects_a_non_web_video_address(client, mentor, free_course):
    client.force_login(mentor)
    response = client.post(f"/mentor/courses/{free_course.pk}/lessons/new/",
                           {"title": "x", "video_url": "javascript:alert(1)", "estimated_minutes": "0"})
    assert response.status_code == 400 and "Enter a valid URL." in response.content.decode()
    assert len(lessons_of(free_course)) == 2


def test_deleting_a_completed_lesson_archives_it(client, mentor, mentee, author):
    course = course_with_lessons(author, price=0, lessons=3)
    first = lessons_of(course)[0]
    enrollment = EnrollmentFactory(user=mentee, course=course)
    LessonProgress.objects.create(enrollment=enrollment, lesson=first, completed_at=enrollment.enrolled_at)
    client.force_login(mentor)
    page = client.post(f"/mentor/courses/{course.pk}/lessons/{first.pk}/delete/", follow=True).content.decode()
    assert "Lesson archived" in page
    first.refresh_from_db()
    assert first.archived_at is not None


def test_a_mentee_becoming_a_mentor_only_sees_their_own_courses_to_edit(client, mentee, other_user, paid_course):
    MentorProfileFactory(user=other_user)
    client.force_login(other_user)
    assert client.get(f"/mentor/courses/{paid_course.pk}/").status_code == 404
    assert client.post(f"/mentor/courses/{paid_course.pk}/publish/", {"action": "unpublish"}).status_code == 404
    client.force_login(mentee)
    assert client.post("/mentor/courses/new/", {"title": "Mine", "category": "x", "level": "beginner",
                                                "price": "0", "currency": "RUB"}).status_code == 400
    assert not Course.objects.filter(title="Mine").exists()


def test_staff_can_unpublish_any_course(client, staff, paid_course):
    client.force_login(staff)
    client.post(f"/mentor/courses/{paid_course.pk}/publish/", {"action": "unpublish"})
    paid_course.refresh_from_db()
    assert paid_course.status == "draft"
