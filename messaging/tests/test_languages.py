"""Messaging in Russian and English: the pages follow the reader, the API's errors follow Accept-Language,
and the e-mail digest speaks its recipient's language, not the language of whoever wrote."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from messaging import services
from messaging.tests.factories import MessageFactory, conversation_between

pytestmark = pytest.mark.django_db

T0 = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


def test_the_inbox_and_a_conversation_are_in_russian_for_a_russian_reader(client, mentee, listed_mentor):
    chat = conversation_between(mentee, listed_mentor)
    MessageFactory(conversation=chat, sender=mentee, text="Hi")
    client.force_login(listed_mentor)
    inbox = client.get("/messages/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Сообщения</h1>" in inbox and "Ваши переписки, сначала новые." in inbox
    assert "назад</time>" in inbox and "Your conversations" not in inbox
    page = client.get(f"/messages/{chat.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'placeholder="Напишите сообщение…"' in page and ">Отправить</button>" in page
    assert ">Заблокировать</button>" in page and "Все сообщения" in page
    assert "Write a message" not in page and ">Send</button>" not in page


def test_an_empty_message_is_refused_over_the_api_in_the_readers_language(api, mentee, listed_mentor):
    def refusal(language):
        return api(mentee).post("/api/v1/messages", {"recipient_id": listed_mentor.pk, "text": "  "},
                                format="json", HTTP_ACCEPT_LANGUAGE=language)

    russian, english = refusal("ru"), refusal("en")
    assert russian.status_code == english.status_code == 400
    assert russian.json()["detail"] == "Сначала напишите что-нибудь."
    assert russian.json()["errors"] == [{"field": "text", "message": "Сначала напишите что-нибудь."}]
    assert english.json()["detail"] == "Write something first."


def test_the_digest_to_a_russian_speaker_is_in_russian_though_an_english_speaker_wrote(
        mentee, mentor, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language, mentor.language = "ru", "en"
    mentee.save(update_fields=["language"])
    mentor.save(update_fields=["language"])
    chat = conversation_between(mentee, mentor)
    for minute in (0, 1):
        MessageFactory(conversation=chat, sender=mentor, text="Are you free on Thursday?",
                       sent_at=T0 + timedelta(minutes=minute))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert services.message_digests_send(now=T0 + timedelta(minutes=30)) == 1
    [mail] = mailoutbox
    assert mail.subject == "2 непрочитанных сообщения от Marcus Mentor"
    assert mail.body.startswith("Здравствуйте, Mia Mentee!\n\n2 непрочитанных сообщения от Marcus Mentor, "
                                "пока вас не было:")
    assert "Marcus Mentor — 2 непрочитанных" in mail.body and "unread" not in mail.body
    html, _mime = mail.alternatives[0]
    assert '<html lang="ru">' in html and "Открыть переписку" in html and "Open the conversation" not in html


def test_the_digest_to_an_english_speaker_stays_in_english_though_the_sender_reads_russian(
        mentee, mentor, mailoutbox, django_capture_on_commit_callbacks):
    mentee.language = "en"
    mentee.save(update_fields=["language"])
    chat = conversation_between(mentee, mentor)
    MessageFactory(conversation=chat, sender=mentor, text="Привет", sent_at=T0)
    with translation.override("ru"), django_capture_on_commit_callbacks(execute=True):
        assert services.message_digests_send(now=T0 + timedelta(minutes=30)) == 1
    [mail] = mailoutbox
    assert mail.subject == "1 unread message from Marcus Mentor"
    assert mail.body.startswith("Hello Mia Mentee,\n\n1 unread message from Marcus Mentor while you were away:")


def test_the_in_app_notice_of_a_new_message_is_in_the_recipients_language(api, mentee, listed_mentor):
    listed_mentor.language = "ru"
    listed_mentor.save(update_fields=["language"])
    response = api(mentee).post("/api/v1/messages", {"recipient_id": listed_mentor.pk, "text": "Hello"},
                                format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    assert listed_mentor.notifications.get().title == "Новое сообщение от Mia Mentee"


def test_the_admin_list_of_conversations_is_labelled_in_russian(client, staff, mentee, other_user):
    conversation_between(mentee, other_user)
    client.force_login(staff)
    conversations = client.get("/admin/messaging/conversation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Первый участник" in conversations and "Последнее сообщение" in conversations


def _socket(user, headers):
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from rest_framework_simplejwt.tokens import AccessToken

    from mentorhub.routing import websocket_urlpatterns
    from mentorhub.ws_auth import JWTQueryStringAuthMiddleware

    return WebsocketCommunicator(JWTQueryStringAuthMiddleware(URLRouter(websocket_urlpatterns)),
                                 f"/ws/chat?token={AccessToken.for_user(user)}", headers=headers)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("language", "headers", "expected"), [
    ("ru", [], "Сначала напишите что-нибудь."),
    ("", [(b"accept-language", b"ru-RU,ru;q=0.9,en;q=0.5")], "Сначала напишите что-нибудь."),
    ("", [(b"cookie", b"django_language=ru")], "Сначала напишите что-нибудь."),
    ("", [(b"accept-language", b"en-GB")], "Write something first."),
    ("en", [(b"accept-language", b"ru")], "Write something first."),
])
def test_the_chat_socket_refuses_in_the_language_a_page_would_speak(mentee, listed_mentor, language, headers,
                                                                       expected):
    from asgiref.sync import async_to_sync

    mentee.language = language
    mentee.save(update_fields=["language"])

    async def scenario():
        socket = _socket(mentee, headers)
        connected, _subprotocol = await socket.connect()
        assert connected
        await socket.send_json_to({"type": "message", "recipient_id": listed_mentor.pk, "text": " ", "client_id": "1"})
        answer = await socket.receive_json_from()
        await socket.disconnect()
        return answer

    answer = async_to_sync(scenario)()
    assert answer["type"] == "error" and answer["detail"] == expected


def test_the_new_message_page_is_headed_as_a_new_message_and_the_booking_page_button_says_write(
        client, mentee, listed_mentor):
    from bookings.tests.factories import BookingFactory
    from mentors.tests.factories import SlotFactory

    booking = BookingFactory(mentee=mentee, slot=SlotFactory(mentor=listed_mentor.mentor_profile, seats_taken=1))
    name = listed_mentor.display_name
    client.force_login(mentee)
    page = client.get(f"/messages/new/{listed_mentor.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f"<h1>Новое сообщение: {name}</h1>" in page and f"<title>Новое сообщение: {name}" in page
    button = client.get(f"/bookings/{booking.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'data-testid="message-button">Написать: {name}</a>' in button
    english = client.get(f"/messages/new/{listed_mentor.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<h1>Message {name}</h1>" in english
