"""The catalogue, the mentor's pages and what mentors are told speak Russian to a Russian reader (issue 17)."""

import io
from datetime import time

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from mentors import services
from mentors.models import MentorProfile, Service
from mentors.tests.factories import MentorProfileFactory, ServiceFactory, WeeklyRuleFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def main_of(response) -> str:
    """The page's own content, without the site's header and footer (another part of the product)."""
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def listed(mentor):
    profile = MentorProfileFactory(user=mentor, price_per_hour="3000", currency="RUB", total_sessions=5)
    ServiceFactory(mentor=profile, name="Разбор резюме", price="3000", session_type=Service.SessionType.VIDEO)
    WeeklyRuleFactory(mentor=profile, weekday=0, start_time=time(9), end_time=time(17))
    return profile


def test_the_mentor_search_reads_in_russian_with_russian_prices_and_plurals(client, listed):
    page = main_of(client.get("/mentors/", **RU))
    assert "Найти ментора" in page and "Найден 1 ментор" in page
    assert "Применить" in page and "Цена за час от" in page and "Все форматы" in page
    assert "3\xa0000\xa0₽" in page and "5 сессий" in page
    assert "Пн, " in page and "Дата сессии" in page and "Видеозвонок" in page
    assert "Find a mentor" not in page and "Apply filters" not in page and "RUB" not in page and "Mon" not in page


def test_the_mentor_search_still_reads_in_english_without_a_language(client, listed):
    page = main_of(client.get("/mentors/"))
    assert "Find a mentor" in page and "1 mentor matches" in page and "RUB\xa03,000.00" in page and "5 sessions" in page


def test_a_mentor_profile_in_russian_names_weekdays_months_formats_and_prices(client, listed):
    page = main_of(client.get(f"/mentors/{listed.pk}/", **RU))
    assert "Свободное время" in page and "Расписание на неделю" in page and "Понедельник" in page
    assert "Видеозвонок" in page and "60 мин" in page and "за час" in page
    assert any(month in page for month in ("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                           "августа", "сентября", "октября", "ноября", "декабря"))
    assert "Bookable times" not in page and "Video Call" not in page and "Monday" not in page


def test_the_dashboard_speaks_russian_to_a_russian_speaking_mentor(client, listed):
    listed.user.language = "ru"
    listed.user.save(update_fields=["language"])
    client.force_login(listed.user)
    page = main_of(client.get("/mentor/dashboard/"))
    assert "Панель ментора" in page and "Сохранить расписание" in page and "Опубликовать слот" in page
    assert "Одобрен" in page and "Отзывов пока нет" in page
    assert "Save hours" not in page and "Mentor dashboard" not in page
    assert ">Удалить</button>" in page and "Remove" not in page  # the service's button


def test_the_same_search_error_comes_in_russian_or_english_from_the_api(api, listed):
    query = {"min_price": "5000", "max_price": "1000"}
    russian = api().get("/api/v1/mentors", query, **RU)
    english = api().get("/api/v1/mentors", query)
    assert russian.status_code == english.status_code == 400
    assert russian.json()["errors"][0]["field"] == english.json()["errors"][0]["field"] == "max_price"
    assert russian.json()["errors"][0]["message"] == "Не может быть меньше min_price (5000)."
    assert english.json()["errors"][0]["message"] == "Must not be below min_price (5000)."


def test_a_service_error_from_the_api_follows_accept_language(api, listed):
    response = api(listed.user).post("/api/v1/mentors/me/slots", {"start": "2001-01-01T10:00:00Z"}, format="json",
                                     **RU)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Слот не может начинаться в прошлом."


def test_the_cached_mentor_detail_gives_session_types_in_each_readers_language(api, listed):
    path = f"/api/v1/mentors/{listed.pk}"
    russian = api().get(path, **RU).json()
    english = api().get(path).json()
    again_russian = api().get(path, **RU).json()
    assert [s["session_type_display"] for s in russian["services"]] == ["Видеозвонок"]
    assert [s["session_type_display"] for s in english["services"]] == ["Video Call"]
    assert again_russian == russian


def test_a_decision_e_mail_goes_in_the_applicants_language_whoever_decides(
        mentee, staff, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language, mentee.full_name = "ru", "Ольга Соколова"
    mentee.save(update_fields=["language", "full_name"])
    profile = MentorProfileFactory(user=mentee, status="pending", title="Аналитик данных")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # an English-speaking admin
        services.mentor_approve(profile_id=profile.pk, actor=staff)
    [message] = mailoutbox
    assert message.subject == "Теперь вы ментор MentorHub"
    assert "Здравствуйте, Ольга Соколова!" in message.body and "«Аналитик данных»" in message.body
    assert "<strong>Аналитик данных</strong>" in message.alternatives[0][0]
    assert "approved" not in message.body and "Hello" not in message.body


def test_an_english_applicant_still_gets_the_english_e_mail_from_a_russian_admin(
        mentee, staff, mailoutbox, django_capture_on_commit_callbacks):
    profile = MentorProfileFactory(user=mentee, status="pending")
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        services.mentor_reject(profile_id=profile.pk, actor=staff, reason="Too short")
    [message] = mailoutbox
    assert message.subject == "Your MentorHub mentor application" and "Reason: Too short" in message.body


def test_a_suspension_notice_is_in_the_mentors_language(listed, staff):
    listed.user.language = "ru"
    listed.user.save(update_fields=["language"])
    with translation.override("en"):
        services.mentor_suspend(profile_id=listed.pk, actor=staff, reason="Жалобы учеников")
    notice = Notification.objects.get(user=listed.user, kind="mentor.suspended")
    assert notice.title == "Ваш профиль ментора приостановлен"
    assert notice.body.endswith("Причина: Жалобы учеников")


def test_the_demo_has_russian_speaking_mentors_with_russian_profiles_prices_hours_and_slots(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    russian = MentorProfile.objects.filter(user__language="ru", status=MentorProfile.Status.APPROVED)
    assert russian.count() >= 3
    for profile in russian:
        assert any("А" <= ch <= "я" for ch in profile.user.full_name)
        assert any("А" <= ch <= "я" for ch in profile.title) and any("а" <= ch <= "я" for ch in profile.description)
        assert profile.currency == "RUB" and profile.skills.exists() and profile.weekly_rules.exists()
        assert profile.services.filter(name="Индивидуальная сессия").exists()
        assert profile.slots.exists()
    call_command("seed_demo", stdout=io.StringIO())  # a second run adds nobody
    assert User.objects.filter(language="ru").count() == russian.count()


def test_a_bad_weekly_range_is_explained_in_the_readers_language(api, listed):
    body = {"monday": ["18:00-10:00"]}
    russian = api(listed.user).put("/api/v1/mentors/me/availability", body, format="json", **RU)
    english = api(listed.user).put("/api/v1/mentors/me/availability", body, format="json")
    assert russian.status_code == english.status_code == 400
    assert russian.json()["errors"][0]["message"].startswith("Интервал «18:00-10:00» должен заканчиваться позже")
    assert english.json()["errors"][0]["message"].startswith('"18:00-10:00" must end after it starts.')
