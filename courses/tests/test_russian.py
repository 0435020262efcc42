"""The course catalogue, a course's pages and a learner's notices speak Russian to a Russian reader (issue 17)."""

import pytest
from django.utils import translation

from courses import notify
from courses.tests.factories import EnrollmentFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def main_of(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def test_the_course_catalogue_reads_in_russian_with_roubles_and_russian_plurals(client, paid_course):
    page = main_of(client.get("/courses/", **RU))
    assert "Курсы" in page and "Найден 1 курс." in page and "Начальный" in page and "0 учеников" in page
    assert "15\xa0000\xa0₽" in page and "Применить" in page
    assert "Beginner" not in page and "RUB" not in page and "students" not in page


def test_a_course_page_in_russian_offers_to_enrol_and_lists_its_lessons(client, paid_course, mentee):
    client.force_login(mentee)
    page = main_of(client.get(f"/courses/{paid_course.pk}/", **RU))
    assert "О курсе" in page and "Уроки" in page and "Записаться и оплатить" in page and "Ознакомительный" in page
    assert "Enrol" not in page and "Lessons" not in page


def test_a_course_search_error_from_the_api_follows_accept_language(api):
    query = {"min_price": "500", "max_price": "100"}
    russian, english = api().get("/api/v1/courses", query, **RU), api().get("/api/v1/courses", query)
    assert russian.status_code == english.status_code == 400
    assert russian.json()["errors"][0]["message"] == "Не может быть меньше min_price (500)."
    assert english.json()["errors"][0]["message"] == "Must not be below min_price (500)."


def test_a_learner_hears_about_their_enrollment_in_their_own_language(paid_course, mentee):
    mentee.language = "ru"
    mentee.save(update_fields=["language"])
    enrollment = EnrollmentFactory(course=paid_course, user=mentee)
    with translation.override("en"):  # set off by an English-speaking author or a webhook
        notify.enrollment_changed(enrollment, "active")
    notice = Notification.objects.get(user=mentee, kind="course.active")
    assert notice.title == "Курс «Python для начинающих» открыт"
    assert notice.body == "Оплата получена: все уроки курса теперь доступны вам."


def test_an_english_learner_still_hears_in_english_when_the_site_speaks_russian(paid_course, mentee):
    enrollment = EnrollmentFactory(course=paid_course, user=mentee)
    with translation.override("ru"):
        notify.enrollment_changed(enrollment, "refunded")
    assert Notification.objects.get(user=mentee, kind="course.refunded").title == "“Python для начинающих” refunded"
