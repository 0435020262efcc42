"""Notices in the recipient's language: the e-mail's frame around the caller's title and body, and the
notification centre."""

import pytest
from django.utils import translation

from notifications.services import notification_send
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_the_notice_email_frame_is_in_the_recipients_language_whoever_set_it_off(
        mentee, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language = "ru"
    mentee.save(update_fields=["language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notification_send(user=mentee, kind="test", title="Сессия подтверждена", body="Вт, 10:00",
                          link="/bookings/1/")
    [message] = mailoutbox
    assert message.body.startswith("Здравствуйте, Mia Mentee!\n\nСессия подтверждена\nВт, 10:00\n")
    html, _mime = message.alternatives[0]
    assert '<html lang="ru">' in html and "Открыть в MentorHub" in html
    assert "Hello" not in message.body + html and "Open in MentorHub" not in html


def test_the_notice_email_frame_stays_english_for_an_english_speaker(
        mentee, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language = "en"
    mentee.save(update_fields=["language"])
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        notification_send(user=mentee, kind="test", title="Session booked", link="/bookings/1/")
    [message] = mailoutbox
    assert message.body.startswith("Hello Mia Mentee,\n\nSession booked\n")
    assert '<html lang="en">' in message.alternatives[0][0]


def test_the_notification_centre_is_in_russian_for_a_russian_reader(client, mentee):
    NotificationFactory(user=mentee, title="Сессия подтверждена")
    client.force_login(mentee)
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Уведомления</h1>" in html and "Отметить все как прочитанные" in html
    assert ">Прочитано</button>" in html and "назад</time>" in html
    assert "Mark all as read" not in html and "Booking updates" not in html


def test_a_bad_unread_filter_is_explained_in_russian(api, mentee):
    response = api(mentee).get("/api/v1/notifications?unread=maybe", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "unread", "message": "Нужно true или false, а не 'maybe'."}]


def test_the_admin_list_of_notices_is_labelled_in_russian(client, staff, mentee):
    NotificationFactory(user=mentee)
    client.force_login(staff)
    notices = client.get("/admin/notifications/notification/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Заголовок" in notices and "Непрочитанные" in notices and "Прочитанные" in notices
