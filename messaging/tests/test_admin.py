import pytest

from messaging.tests.factories import MessageFactory, conversation_between

pytestmark = pytest.mark.django_db


def test_staff_find_conversations_and_messages_by_a_participant_and_cannot_change_them(client, staff, mentee,
                                                                                        mentor, other_user):
    conversation = conversation_between(mentee, mentor)
    message = MessageFactory(conversation=conversation, sender=mentee, text="Find me")
    MessageFactory(conversation=conversation_between(other_user, staff), sender=other_user, text="Not this one")
    client.force_login(staff)
    found = client.get("/admin/messaging/conversation/", {"q": "Marcus"})
    assert found.status_code == 200 and list(found.context["cl"].result_list) == [conversation]
    messages = client.get("/admin/messaging/message/", {"q": mentor.email})
    assert list(messages.context["cl"].result_list) == [message]
    page = client.get(f"/admin/messaging/conversation/{conversation.pk}/change/")
    assert page.status_code == 200 and b"Find me" in page.content
    assert client.get("/admin/messaging/message/add/").status_code == 403
    assert client.post(f"/admin/messaging/message/{message.pk}/delete/", {"post": "yes"}).status_code == 403


def test_people_who_are_not_staff_cannot_open_them(client, mentee):
    client.force_login(mentee)
    assert client.get("/admin/messaging/conversation/").status_code == 302
