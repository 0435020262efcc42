"""The messaging pages: inbox, a conversation without JavaScript, starting one, and booking from a chat."""

import pytest
from django.test import override_settings

from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory, SlotFactory
from messaging import services
from messaging.models import Conversation, Message
from messaging.tests.factories import MessageFactory, conversation_between

pytestmark = pytest.mark.django_db


def _chat(mentee, mentor, *texts):
    conversation = conversation_between(mentee, mentor)
    for text in texts:
        MessageFactory(conversation=conversation, sender=mentee, text=text)
    return conversation


def test_the_inbox_lists_my_conversations_with_the_other_person_last_message_and_unread_count(
        client, mentee, listed_mentor, other_user):
    chat = _chat(mentee, listed_mentor, "Hi", "Are you free on Friday?")
    _chat(other_user, listed_mentor, "Not for Mia")
    client.force_login(listed_mentor)
    html = client.get("/messages/").content.decode()
    assert mentee.display_name in html and "Are you free on Friday?" in html and f"/messages/{chat.pk}/" in html
    assert 'data-testid="conversation-unread"' in html and "Not for Mia" in html
    client.force_login(mentee)
    html = client.get("/messages/").content.decode()
    assert "Not for Mia" not in html and 'data-testid="conversation-unread"' not in html


def test_the_navigation_shows_my_unread_message_count(client, mentee, listed_mentor):
    _chat(mentee, listed_mentor, "One", "Two")
    client.force_login(listed_mentor)
    html = client.get("/messages/").content.decode()
    assert 'aria-label="Messages, 2 unread"' in html and 'data-testid="nav-unread-messages">2<' in html
    client.force_login(mentee)
    assert 'data-testid="nav-unread-messages"' not in client.get("/messages/").content.decode()


def test_opening_a_conversation_shows_its_messages_and_marks_them_read(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, "Hello there")
    client.force_login(listed_mentor)
    html = client.get(f"/messages/{chat.pk}/").content.decode()
    assert "Hello there" in html and 'data-chat="/ws/chat"' in html
    assert not Message.objects.filter(read_at__isnull=True).exists()


def test_an_older_link_scrolls_back_through_a_long_conversation(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, *[f"Line {n}" for n in range(35)])
    client.force_login(mentee)
    html = client.get(f"/messages/{chat.pk}/").content.decode()
    assert "Line 34" in html and "Line 4<" not in html and 'data-testid="chat-older"' in html
    oldest_shown = Message.objects.get(text="Line 5").pk
    older = client.get(f"/messages/{chat.pk}/?before={oldest_shown}").content.decode()
    assert "Line 4<" in older and "Line 0<" in older and "Line 5<" not in older


def test_sending_without_javascript_posts_and_comes_back_to_the_conversation(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, "Hi")
    client.force_login(listed_mentor)
    response = client.post(f"/messages/{chat.pk}/", {"text": "  Hello Mia  "})
    assert response.status_code == 302 and response["Location"] == f"/messages/{chat.pk}/"
    assert Message.objects.filter(conversation=chat, sender=listed_mentor, text="Hello Mia").exists()


@pytest.mark.parametrize(("text", "error"), [("   ", "Write something first."), ("x" * 11, "At most 10 characters.")])
def test_an_empty_or_too_long_message_is_refused_in_the_form(client, mentee, listed_mentor, text, error):
    chat = _chat(mentee, listed_mentor, "Hi")
    client.force_login(mentee)
    with override_settings(MESSAGE_MAX_LENGTH=10):
        response = client.post(f"/messages/{chat.pk}/", {"text": text})
    assert response.status_code == 400 and error in response.content.decode()
    assert Message.objects.count() == 1


def test_a_blocked_conversation_refuses_sends_in_the_form(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, "Hi")
    client.force_login(listed_mentor)
    client.post(f"/messages/{chat.pk}/block/", {"blocked": "1"})
    client.force_login(mentee)
    page = client.get(f"/messages/{chat.pk}/").content.decode()
    assert "does not accept your messages" in page and 'data-testid="chat-text"' not in page
    response = client.post(f"/messages/{chat.pk}/", {"text": "Still there?"})
    assert response.status_code == 400 and "does not accept your messages" in response.content.decode()
    client.force_login(listed_mentor)
    client.post(f"/messages/{chat.pk}/block/", {"blocked": "0"})
    client.force_login(mentee)
    assert client.post(f"/messages/{chat.pk}/", {"text": "Still there?"}).status_code == 302


@override_settings(MESSAGES_PER_MINUTE=1)
def test_the_send_limit_is_explained_in_the_form(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, "Hi")
    client.force_login(mentee)
    assert client.post(f"/messages/{chat.pk}/", {"text": "One"}).status_code == 302
    response = client.post(f"/messages/{chat.pk}/", {"text": "Two"})
    assert response.status_code == 400 and "too fast" in response.content.decode()


def test_outsiders_get_404_for_a_conversation_and_its_block_button(client, mentee, listed_mentor, other_user):
    chat = _chat(mentee, listed_mentor, "Private")
    client.force_login(other_user)
    assert client.get(f"/messages/{chat.pk}/").status_code == 404
    assert client.post(f"/messages/{chat.pk}/", {"text": "Hi"}).status_code == 404
    assert client.post(f"/messages/{chat.pk}/block/", {"blocked": "1"}).status_code == 404
    assert not Conversation.objects.filter(low_blocked=True).exists() and Message.objects.count() == 1


def test_the_pages_ask_to_sign_in(client):
    assert client.get("/messages/")["Location"].startswith("/accounts/login/")


def test_a_new_conversation_starts_from_a_form(client, mentee, listed_mentor):
    client.force_login(mentee)
    assert client.get(f"/messages/new/{listed_mentor.pk}/").status_code == 200
    assert client.post(f"/messages/new/{listed_mentor.pk}/", {"text": ""}).status_code == 400
    response = client.post(f"/messages/new/{listed_mentor.pk}/", {"text": "Hello!"})
    chat = Conversation.objects.get()
    assert response["Location"] == f"/messages/{chat.pk}/"
    assert client.get(f"/messages/new/{listed_mentor.pk}/")["Location"] == f"/messages/{chat.pk}/"


def test_nobody_starts_a_conversation_they_may_not(client, mentee, other_user):
    client.force_login(mentee)
    assert client.get(f"/messages/new/{other_user.pk}/").status_code == 404
    assert client.post(f"/messages/new/{other_user.pk}/", {"text": "Hi"}).status_code == 404
    assert client.get(f"/messages/new/{mentee.pk}/")["Location"] == "/messages/"


def test_a_mentor_profile_has_a_message_button_for_people_who_may_write(client, mentee, listed_mentor):
    profile = listed_mentor.mentor_profile
    assert 'data-testid="message-button"' not in client.get(f"/mentors/{profile.pk}/").content.decode()
    client.force_login(mentee)
    html = client.get(f"/mentors/{profile.pk}/").content.decode()
    assert f'href="/messages/new/{listed_mentor.pk}/" data-testid="message-button"' in html
    client.force_login(listed_mentor)
    assert 'data-testid="message-button"' not in client.get(f"/mentors/{profile.pk}/").content.decode()
    chat = _chat(mentee, listed_mentor, "Hi")
    services.conversation_block(user=listed_mentor, conversation_id=chat.pk)
    client.force_login(mentee)
    assert 'data-testid="message-button"' not in client.get(f"/mentors/{profile.pk}/").content.decode()


def test_a_booking_page_has_a_message_button_for_both_sides(client, mentee, mentor):
    profile = MentorProfileFactory(user=mentor, status=MentorProfile.Status.PENDING)
    booking = BookingFactory(slot=SlotFactory(mentor=profile, seats_taken=1), mentee=mentee)
    client.force_login(mentor)
    assert f'href="/messages/new/{mentee.pk}/"' in client.get(f"/bookings/{booking.pk}/").content.decode()
    client.force_login(mentee)
    assert f'href="/messages/new/{mentor.pk}/"' in client.get(f"/bookings/{booking.pk}/").content.decode()


def test_a_session_booked_from_a_conversation_is_linked_in_it(client, mentee, listed_mentor):
    chat = _chat(mentee, listed_mentor, "Can we talk about interviews?")
    profile = listed_mentor.mentor_profile
    slot = SlotFactory(mentor=profile)
    client.force_login(mentee)
    page = client.get(f"/messages/{chat.pk}/").content.decode()
    assert f'href="/mentors/{profile.pk}/?from_conversation={chat.pk}#times"' in page
    profile_page = client.get(f"/mentors/{profile.pk}/?from_conversation={chat.pk}").content.decode()
    assert f"from_conversation={chat.pk}" in profile_page.split('data-testid="bookable-time"', 1)[1][:400]
    url = f"/mentors/{profile.pk}/book/?slot={slot.pk}&from_conversation={chat.pk}"
    assert f'name="from_conversation" value="{chat.pk}"' in client.get(url).content.decode()
    client.post(url, {"slot": slot.pk, "topic": "Interviews", "from_conversation": chat.pk})
    booking = Booking.objects.get()
    note = Message.objects.get(kind=Message.Kind.SYSTEM)
    assert (note.conversation, note.booking, note.sender) == (chat, booking, mentee)
    html = client.get(f"/messages/{chat.pk}/").content.decode()
    assert f'href="/bookings/{booking.pk}/" data-testid="chat-booking-link"' in html


def test_a_booking_names_only_my_own_conversation_with_that_mentor(client, mentee, listed_mentor, other_user):
    theirs = _chat(other_user, listed_mentor, "Not Mia's")
    slot = SlotFactory(mentor=listed_mentor.mentor_profile)
    client.force_login(mentee)
    client.post(f"/mentors/{listed_mentor.mentor_profile.pk}/book/", {"slot": slot.pk, "from_conversation": theirs.pk})
    assert Booking.objects.count() == 1 and not Message.objects.filter(kind=Message.Kind.SYSTEM).exists()


def test_the_navigation_count_is_one_count_query_and_only_when_used(rf, mentee, listed_mentor,
                                                                      django_assert_num_queries):
    from messaging.context_processors import unread_messages

    _chat(mentee, listed_mentor, "One", "Two")
    request = rf.get("/")
    request.user = listed_mentor
    with django_assert_num_queries(0):
        count = unread_messages(request)["unread_messages"]
    with django_assert_num_queries(1):
        assert count == 2 and count > 1
