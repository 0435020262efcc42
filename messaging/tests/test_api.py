"""The REST side of messaging: the spec's two examples, conversation history, read, block, and who may write."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from messaging.models import Conversation, Message
from messaging.tests.factories import MessageFactory, conversation_between
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def send(api, user, recipient, text="Hello!", prefix="/api/v1"):
    return api(user).post(f"{prefix}/messages", {"recipient_id": recipient.pk, "text": text}, format="json")


@pytest.mark.parametrize("prefix", ["/api/v1", "/api"])
def test_a_mentee_messages_a_listed_mentor_as_the_spec_shows(api, mentee, listed_mentor, prefix):
    response = send(api, mentee, listed_mentor, "  Здравствуйте! Готов к завтрашней сессии \n", prefix=prefix)
    assert response.status_code == 201, response.json()
    body = response.json()
    message = Message.objects.get()
    assert body == {"id": message.pk, "sender_id": mentee.pk, "recipient_id": listed_mentor.pk,
                    "text": "Здравствуйте! Готов к завтрашней сессии", "sent_at": body["sent_at"], "read": False}
    assert body["sent_at"].endswith("Z")


def test_one_conversation_per_pair_whoever_writes_first(api, mentee, listed_mentor):
    send(api, mentee, listed_mentor)
    assert send(api, listed_mentor, mentee, "Hi back").status_code == 201
    assert Conversation.objects.count() == 1 and Message.objects.count() == 2


def test_nobody_starts_a_conversation_with_someone_who_is_not_a_listed_mentor(api, mentee, other_user, mentor):
    MentorProfileFactory(user=mentor, status="pending")
    for recipient in (other_user, mentor):
        response = send(api, mentee, recipient)
        assert response.status_code == 403
        assert set(response.json()) == {"detail", "status_code", "errors"}
    assert not Message.objects.exists()


def test_a_mentor_writes_to_people_who_booked_them(api, mentor, mentee):
    profile = MentorProfileFactory(user=mentor, status="pending")
    BookingFactory(slot=SlotFactory(mentor=profile), mentee=mentee)
    assert send(api, mentor, mentee).status_code == 201


def test_staff_write_to_anyone_and_the_reply_is_allowed(api, staff, other_user):
    assert send(api, staff, other_user).status_code == 201
    assert send(api, other_user, staff, "Thanks").status_code == 201


def test_nobody_messages_themselves_and_empty_or_long_text_is_refused(api, mentee, listed_mentor, settings):
    settings.MESSAGE_MAX_LENGTH = 10
    assert send(api, listed_mentor, listed_mentor).json()["errors"][0]["field"] == "recipient_id"
    empty = send(api, mentee, listed_mentor, "   \n ")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "text"
    assert send(api, mentee, listed_mentor, "x" * 11).status_code == 400
    assert send(api, mentee, listed_mentor, "x" * 10).status_code == 201


def test_an_unknown_recipient_is_not_found(api, mentee):
    response = api(mentee).post("/api/v1/messages", {"recipient_id": 999999, "text": "Hi"}, format="json")
    assert response.status_code == 404


def test_sending_past_the_per_minute_limit_is_a_429(api, mentee, listed_mentor, settings):
    settings.MESSAGES_PER_MINUTE = 2
    assert [send(api, mentee, listed_mentor).status_code for _ in range(3)] == [201, 201, 429]
    assert send(api, mentee, listed_mentor).json()["status_code"] == 429


def test_the_next_minute_gives_a_fresh_allowance(api, mentee, listed_mentor, settings, monkeypatch):
    settings.MESSAGES_PER_MINUTE = 1
    assert [send(api, mentee, listed_mentor).status_code for _ in range(2)] == [201, 429]
    monkeypatch.setattr("messaging.services.rate_window", lambda: 29_000_001)
    assert send(api, mentee, listed_mentor).status_code == 201


def test_anonymous_clients_cannot_send_or_list(api, listed_mentor):
    assert api().post("/api/v1/messages", {"recipient_id": listed_mentor.pk, "text": "x"}).status_code == 401
    assert api().get("/api/v1/messages/chats").status_code == 401


def test_chats_list_as_the_spec_shows_newest_first_with_my_unread_count(api, mentee, mentor, other_user):
    now = timezone.now()
    mentor.avatar_url = "https://example.com/m.png"
    mentor.save()
    with_mentor = conversation_between(mentee, mentor)
    MessageFactory(conversation=with_mentor, sender=mentor, text="One", sent_at=now - timedelta(hours=3))
    MessageFactory(conversation=with_mentor, sender=mentor, text="Увидимся завтра!", sent_at=now - timedelta(hours=2))
    MessageFactory(conversation=with_mentor, sender=mentee, text="Mine", sent_at=now - timedelta(hours=4))
    with_other = conversation_between(mentee, other_user)
    MessageFactory(conversation=with_other, sender=mentee, text="Newer", sent_at=now - timedelta(hours=1))
    conversation_between(mentor, other_user)  # not mine
    conversation_between(UserFactory(), mentee)  # mine but empty: not listed

    body = api(mentee).get("/api/v1/messages/chats").json()
    assert body["total"] == 2 and body["page"] == 1 and body["pages"] == 1
    first, second = body["items"]
    assert first["id"] == with_other.pk and first["unread_count"] == 0
    assert second == {"id": with_mentor.pk,
                      "participant": {"id": mentor.pk, "full_name": "Marcus Mentor",
                                      "avatar_url": "https://example.com/m.png"},
                      "last_message": {"text": "Увидимся завтра!", "sent_at": second["last_message"]["sent_at"]},
                      "unread_count": 2}
    assert api(mentor).get("/api/v1/messages/chats").json()["items"][0]["unread_count"] == 1


@pytest.mark.parametrize("size", [1, 25])
def test_the_chats_list_takes_a_fixed_number_of_queries(api, mentee, django_assert_max_num_queries, size):
    for _ in range(size):
        conversation = conversation_between(mentee, UserFactory())
        MessageFactory.create_batch(2, conversation=conversation, sender_id=conversation.other_id(mentee.pk))
    client = api(mentee)
    with django_assert_max_num_queries(3):  # the user, the count, the page
        assert client.get("/api/v1/messages/chats?limit=100").status_code == 200


def test_a_conversation_reads_newest_first_and_scrolls_back_by_cursor(api, mentee, mentor):
    conversation = conversation_between(mentee, mentor)
    start = timezone.now() - timedelta(hours=1)
    messages = [MessageFactory(conversation=conversation, sender=mentor, sent_at=start + timedelta(minutes=i))
                for i in range(5)]
    client = api(mentee)
    page = client.get(f"/api/v1/messages/chats/{conversation.pk}?limit=2").json()
    assert [m["id"] for m in page["items"]] == [messages[4].pk, messages[3].pk]
    assert page["items"][0]["recipient_id"] == mentee.pk and page["items"][0]["kind"] == "user"
    page = client.get(f"/api/v1/messages/chats/{conversation.pk}/?limit=2&before={page['next_before']}").json()
    assert [m["id"] for m in page["items"]] == [messages[2].pk, messages[1].pk]
    page = client.get(f"/api/v1/messages/chats/{conversation.pk}?limit=2&before={page['next_before']}").json()
    assert [m["id"] for m in page["items"]] == [messages[0].pk] and page["next_before"] is None


def test_outsiders_get_404_for_conversations_they_are_not_in(api, mentee, mentor, other_user):
    conversation = conversation_between(mentee, mentor)
    MessageFactory(conversation=conversation)
    client = api(other_user)
    base = f"/api/v1/messages/chats/{conversation.pk}"
    assert client.get(base).status_code == 404
    for action in ("read", "block", "unblock"):
        assert client.post(f"{base}/{action}", {}, format="json").status_code == 404
    assert not Conversation.objects.filter(low_blocked=True).exists()


def test_marking_read_up_to_a_message_leaves_later_ones_unread(api, mentee, mentor):
    conversation = conversation_between(mentee, mentor)
    first, second, third = MessageFactory.create_batch(3, conversation=conversation, sender=mentor)
    mine = MessageFactory(conversation=conversation, sender=mentee)
    response = api(mentee).post(f"/api/v1/messages/chats/{conversation.pk}/read", {"up_to_id": second.pk},
                                format="json")
    assert response.status_code == 200
    assert response.json()["marked"] == 2 and response.json()["up_to_id"] == second.pk
    assert list(Message.objects.filter(read_at__isnull=True).order_by("id")) == [third, mine]
    assert api(mentee).post(f"/api/v1/messages/chats/{conversation.pk}/read").json()["marked"] == 1


def test_one_notification_per_conversation_until_it_is_read(api, mentee, listed_mentor):
    for _ in range(3):
        send(api, mentee, listed_mentor)
    assert Notification.objects.filter(user=listed_mentor, kind="message.unread").count() == 1
    conversation = Conversation.objects.get()
    # The notice opens the conversation.
    assert Notification.objects.get(user=listed_mentor).link == f"/messages/{conversation.pk}/"
    api(listed_mentor).post(f"/api/v1/messages/chats/{conversation.pk}/read")
    # Reading the conversation reads its notice too.
    assert not Notification.objects.filter(user=listed_mentor, read_at__isnull=True).exists()
    send(api, mentee, listed_mentor)
    assert Notification.objects.filter(user=listed_mentor, kind="message.unread").count() == 2
    assert not Notification.objects.filter(user=mentee).exists()


def test_a_blocked_conversation_refuses_both_sides_and_third_parties_see_nothing(api, mentee, listed_mentor,
                                                                                  other_user):
    send(api, mentee, listed_mentor)
    conversation = Conversation.objects.get()
    blocked = api(listed_mentor).post(f"/api/v1/messages/chats/{conversation.pk}/block")
    assert blocked.json() == {"conversation_id": conversation.pk, "blocked": True}
    refused = send(api, mentee, listed_mentor)
    assert refused.status_code == 403 and refused.json()["detail"] == "This person does not accept your messages."
    assert send(api, listed_mentor, mentee).status_code == 403
    assert send(api, other_user, listed_mentor).status_code == 201  # a third party is unaffected
    api(listed_mentor).post(f"/api/v1/messages/chats/{conversation.pk}/unblock")
    assert send(api, mentee, listed_mentor).status_code == 201



def test_a_chat_partner_without_an_avatar_has_a_null_avatar_url_as_everywhere_else(api, mentee, other_user):
    other_user.avatar_url = ""
    other_user.save(update_fields=["avatar_url"])
    MessageFactory(conversation=conversation_between(mentee, other_user), sender=other_user, text="Hi")
    item, = api(mentee).get("/api/v1/messages/chats").json()["items"]
    assert item["participant"]["avatar_url"] is None
