"""The shell and the account pages in Russian: the layout, the home page, allauth's pages and the auth API
follow the reader's language, and a new account keeps the language it signed up in."""

import html
import json
import re

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
REGISTER = "/api/v1/auth/register"
STRONG = "SecurePass123!"
# Latin words a Russian page may show: the product's name, the language switcher's "English", the zone,
# the links to the API documentation, which is in English, and "E-mail", which allauth's Russian catalogue
# writes in Latin letters as Russian does ("Добавить E-mail").
ALLOWED_LATIN = {"MentorHub", "English", "UTC", "API", "ReDoc", "M", "E-mail"}


def visible_text(page: str) -> str:
    """What a reader sees or hears: text outside tags, plus titles, placeholders, labels and button values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<option\b.*?</option>", " ", page, flags=re.S)  # time zone names and the like: data
    said = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', page)
    said += re.findall(r'<input[^>]*type="submit"[^>]*value="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", " ".join([text, *said])).strip())


def english_in(html: str, *, allowed=()) -> set[str]:
    text = visible_text(html)
    for data in allowed:  # names, addresses and the like: data, not interface
        text = text.replace(data, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))
    return {word for word in words if word not in ALLOWED_LATIN}


def test_the_home_page_reads_in_russian_with_no_english_left(client):
    html = client.get("/", **RU).content.decode()
    assert 'lang="ru"' in html
    assert "Найти ментора" in html and "Войти" in html and "Как это работает" in html
    assert english_in(html) == set()


def test_the_home_page_still_reads_in_english(client):
    html = client.get("/", **EN).content.decode()
    assert "Find a mentor" in html and "How it works" in html and "Найти ментора" not in html


def test_a_signed_in_users_navigation_and_profile_read_in_russian(client):
    user = UserFactory(full_name="Anna Smith", email="anna@example.com", language="ru")
    client.force_login(user)
    html = client.get("/profile/", **RU).content.decode()
    assert "Ваш профиль" in html and "Мои сессии" in html and "Выйти" in html and "Ученик" in html
    # The bell's label is the notifications area's (templates/notifications/_bell.html), translated there.
    assert english_in(html, allowed=["Anna Smith", "anna@example.com", "Notifications"]) == set()


def test_a_missing_page_says_so_in_russian(client):
    response = client.get("/no-such-page/", **RU)
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_allauths_pages_read_in_russian_in_the_sites_layout(client, path):
    html = client.get(path, **RU).content.decode()
    assert 'lang="ru"' in html and "Найти ментора" in html  # the site's own layout
    assert english_in(html) == set(), path


def test_the_check_your_email_page_after_signing_up_reads_in_russian(client):
    response = client.post("/accounts/signup/", {"full_name": "Нина Новикова", "email": "nina@example.com",
                                                 "password1": STRONG, "password2": STRONG}, follow=True, **RU)
    assert response.redirect_chain == [("/accounts/confirm-email/", 302)]
    html = response.content.decode()
    assert "Подтвердите Ваш адрес электронной почты" in html
    assert english_in(html, allowed=["nina@example.com"]) == set()


def test_signing_up_on_the_page_in_russian_keeps_russian_for_the_account_and_its_mail(client, mailoutbox):
    client.post("/accounts/signup/", {"full_name": "Нина Новикова", "email": "nina@example.com",
                                      "password1": STRONG, "password2": STRONG}, **RU)
    assert User.objects.get(email="nina@example.com").language == "ru"
    assert [m.to for m in mailoutbox] == [["nina@example.com"]]
    assert "Подтвердите" in mailoutbox[0].subject or "подтвер" in mailoutbox[0].body


def test_signing_up_through_the_api_keeps_the_language_the_visitor_uses(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ru = api().post(REGISTER, {"email": "ru@example.com", "password": STRONG}, **RU)
        api().post(REGISTER, {"email": "en@example.com", "password": STRONG}, **EN)
    assert ru.json()["detail"] == "Проверьте почту: мы отправили письмо на ru@example.com, чтобы завершить регистрацию."
    assert User.objects.get(email="ru@example.com").language == "ru"
    assert User.objects.get(email="en@example.com").language == "en"
    confirmations = {m.to[0]: m for m in mail.outbox}
    assert "подтвер" in confirmations["ru@example.com"].body.lower()
    assert "confirm" in confirmations["en@example.com"].body.lower()


def test_the_same_invalid_email_is_refused_in_english_and_in_russian(api):
    sent = {"email": "not-an-address", "password": STRONG}
    english = api().post(REGISTER, sent, **EN)
    russian = api().post(REGISTER, sent, **RU)
    assert english.status_code == russian.status_code == 400
    assert english.json()["errors"] == [{"field": "email", "message": "Enter a valid email address."}]
    assert russian.json()["errors"] == [{"field": "email", "message": "Введите правильный адрес электронной почты."}]
    assert russian.json()["detail"] == "email: Введите правильный адрес электронной почты."


def test_the_same_short_password_is_refused_in_english_and_in_russian(api):
    sent = {"email": "short@example.com", "password": "Ab1!"}
    english = api().post(REGISTER, sent, **EN).json()
    russian = api().post(REGISTER, sent, **RU).json()
    assert english["errors"][0]["field"] == russian["errors"][0]["field"] == "password"
    assert "This password is too short" in english["detail"]
    assert "Введённый пароль слишком короткий" in russian["detail"]
    assert not User.objects.exists()


def test_a_wrong_password_at_login_is_refused_in_russian(api):
    UserFactory(email="known@example.com")
    response = api().post("/api/v1/auth/login", {"email": "known@example.com", "password": "wrong-one"}, **RU)
    assert response.status_code == 401
    assert response.json()["detail"] == "Неверный адрес электронной почты или пароль."


def test_an_unrouted_api_path_answers_in_the_readers_language(api):
    assert api().get("/api/v1/no-such-thing", **RU).json()["detail"] == "Не найдено."
    assert api().get("/api/v1/no-such-thing", **EN).json()["detail"] == "Not found."


def test_role_labels_follow_the_language():
    from django.utils import translation

    user = UserFactory.build(role=User.Role.MENTOR)
    with translation.override("ru"):
        assert user.get_role_display() == "Ментор"
    with translation.override("en"):
        assert user.get_role_display() == "Mentor"


def test_a_password_reset_asked_for_in_english_reaches_a_russian_speaker_in_russian(
        api, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="olga@example.com", language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        response = api().post("/api/v1/auth/password-reset", {"email": "olga@example.com"}, **EN)
    assert response.json()["detail"].startswith("If an account uses this address")  # the asker's language
    [message] = mailoutbox
    assert "Письмо для сброса пароля" in message.subject
    assert "Вы получили это письмо" in message.body and "You're receiving" not in message.body



def test_a_page_number_that_is_not_a_number_is_refused_in_the_readers_language(api):
    russian = api().get("/api/v1/mentors", {"page": "x"}, **RU)
    english = api().get("/api/v1/mentors", {"page": "x"}, **EN)
    assert russian.status_code == english.status_code == 400
    assert russian.json()["errors"] == [{"field": "page", "message": "Должно быть целым числом, а не 'x'."}]
    assert english.json()["errors"] == [{"field": "page", "message": "Must be a whole number, not 'x'."}]


def test_the_users_admin_reads_in_russian(client):
    admin = UserFactory(email="root@example.com", is_staff=True, is_superuser=True, language="ru")
    client.force_login(admin)
    html = client.get("/admin/accounts/user/", **RU).content.decode()
    assert "Имя и фамилия" in html and "Роль" in html and "Администратор" in html


def test_the_link_in_the_confirmation_mail_opens_a_russian_page(client, mailoutbox):
    client.post("/accounts/signup/", {"full_name": "Нина Новикова", "email": "nina@example.com",
                                      "password1": STRONG, "password2": STRONG}, **RU)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mailoutbox[0].body).group(1)
    client.cookies.clear()
    html = client.get(link, **RU).content.decode()
    assert "Подтвердите" in html
    assert english_in(html, allowed=["nina@example.com", "Нина Новикова"]) == set()


@pytest.mark.parametrize("path", ["/accounts/password/change/", "/accounts/email/"])
def test_allauths_pages_for_a_signed_in_user_read_in_russian(client, path):
    user = UserFactory(full_name="Anna Smith", email="anna@example.com", language="ru")
    client.force_login(user)
    html = client.get(path, **RU).content.decode()
    assert 'lang="ru"' in html
    assert english_in(html, allowed=["Anna Smith", "anna@example.com", "Notifications"]) == set(), path


def test_a_body_past_the_limit_is_refused_in_the_readers_language(client, api, settings):
    settings.MAX_REQUEST_BODY_BYTES = 100
    page = client.post("/accounts/login/", {"login": "a@example.com", "password": "x" * 200}, **RU)
    assert page.status_code == 413
    assert "Слишком большой запрос" in page.content.decode() and 'lang="ru"' in page.content.decode()
    body = '{"email": "nobody@example.com", "password": "' + "x" * 100 + '"}'
    answer = api().post("/api/v1/auth/login", data=body, content_type="application/json", **RU)
    assert answer.json()["detail"] == "Тело запроса слишком велико: не больше 100 байт."


def test_the_javascript_catalogue_carries_the_shells_russian_with_its_plural_forms(client):
    script = client.get("/jsi18n/?v=ru", **RU).content.decode()
    assert json.dumps("осталось %(m)s мин %(s)s с")[1:-1] in script  # the catalogue is JSON with \\u escapes
    assert "n%10==1 && n%100!=11" in script


def test_choosing_russian_on_the_profile_says_it_was_saved_in_russian(client):
    user = UserFactory(language="en", timezone="UTC")
    client.force_login(user)
    saved = client.post("/profile/", {"full_name": user.full_name, "timezone": "UTC", "language": "ru"}, follow=True)
    page = saved.content.decode()
    assert "Профиль сохранён." in page and "Your profile was saved." not in page
