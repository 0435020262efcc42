"""The session chat: who reads and writes it (REST and pages), its limits, and its transcript by cursor."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from bookings.tests.factories import BookingFactory
from sessions_app import chat
from sessions_app.models import SessionMessage

pytestmark = pytest.mark.django_db

S = Booking.Status


@pytest.fixture
def seat(mentee, group_slot):
    return BookingFactory(slot=group_slot, mentee=mentee)


@pytest.fixture
def other_seat(group_slot):
    return BookingFactory(slot=group_slot, mentee=UserFactory(full_name="Gus Groupmate"))


def url(booking) -> str:
    return f"/api/v1/bookings/{booking.pk}/chat"


def say(api, user, booking, text="Hello, everyone!", prefix="/api/v1"):
    return api(user).post(f"{prefix}/bookings/{booking.pk}/chat", {"text": text}, format="json")


def texts(response) -> list[str]:
    return [item["text"] for item in response.json()["items"]]


# --- who takes part ------------------------------------------------------------------------------


def test_two_mentees_of_a_group_slot_and_its_mentor_all_read_each_others_messages(api, mentee, mentor, seat,
                                                                                   other_seat):
    groupmate = other_seat.mentee
    assert say(api, mentee, seat, "From Mia").status_code == 201
    assert say(api, groupmate, other_seat, "From Gus").status_code == 201
    # The mentor names the slot through either seat.
    assert say(api, mentor, other_seat, "From the mentor").status_code == 201
    for user, booking in ((mentee, seat), (groupmate, other_seat), (mentor, seat), (mentor, other_seat)):
        response = api(user).get(url(booking))
        assert response.status_code == 200
        assert texts(response) == ["From the mentor", "From Gus", "From Mia"]
    first = api(mentee).get(url(seat)).json()["items"][-1]
    assert first == {"id": first["id"], "sender_id": mentee.pk, "sender_name": "Mia Mentee", "text": "From Mia",
                     "sent_at": first["sent_at"]}
    assert api(mentee).get(f"/api/bookings/{seat.pk}/chat").json() == api(mentee).get(url(seat)).json()


def test_a_mentee_cannot_read_through_another_mentees_booking(api, mentee, seat, other_seat):
    assert api(mentee).get(url(other_seat)).status_code == 404
    assert say(api, mentee, other_seat).status_code == 404


def test_outsiders_and_staff_get_404(api, other_user, staff, seat):
    say(api, seat.mentee, seat)
    for user in (other_user, staff):
        assert api(user).get(url(seat)).status_code == 404
        assert say(api, user, seat).status_code == 404
    assert api().get(url(seat)).status_code == 401
    assert api(other_user).get("/api/v1/bookings/999999/chat").status_code == 404
    assert SessionMessage.objects.count() == 1


@pytest.mark.parametrize("status", [S.CANCELLED, S.DECLINED, S.EXPIRED])
def test_a_seat_that_ended_without_a_session_loses_the_chat(api, mentee, mentor, seat, other_seat, status):
    say(api, mentee, seat, "Before cancelling")
    Booking.objects.filter(pk=seat.pk).update(status=status)
    assert api(mentee).get(url(seat)).status_code == 404
    assert say(api, mentee, seat).status_code == 404
    # The others keep it, the message included.
    assert texts(api(other_seat.mentee).get(url(other_seat))) == ["Before cancelling"]
    assert texts(api(mentor).get(url(seat))) == ["Before cancelling"]


def test_a_requested_seat_takes_part(api, mentee, seat):
    Booking.objects.filter(pk=seat.pk).update(status=S.REQUESTED)
    assert say(api, mentee, seat).status_code == 201


def test_a_completed_seat_writes_for_seven_days_after_the_end_then_only_reads(api, mentee, mentor, seat):
    Booking.objects.filter(pk=seat.pk).update(status=S.COMPLETED)
    with freeze_time(seat.slot.end + timedelta(days=7) - timedelta(minutes=1)):
        assert say(api, mentee, seat, "Thanks!").status_code == 201
        assert say(api, mentor, seat, "You are welcome").status_code == 201
    with freeze_time(seat.slot.end + timedelta(days=7, minutes=1)):
        late = say(api, mentee, seat, "Late")
        assert late.status_code == 403 and "closed" in late.json()["detail"]
        assert say(api, mentor, seat, "Late too").status_code == 403
        assert texts(api(mentee).get(url(seat))) == ["You are welcome", "Thanks!"]
    with freeze_time(seat.slot.end + timedelta(days=365)):
        assert api(mentor).get(url(seat)).status_code == 200


def test_a_scheduled_session_nobody_completed_closes_for_writing_seven_days_after_its_end(api, mentee, seat):
    with freeze_time(seat.slot.end + timedelta(days=6)):
        assert say(api, mentee, seat).status_code == 201
    with freeze_time(seat.slot.end + timedelta(days=7, minutes=1)):
        assert say(api, mentee, seat).status_code == 403
        assert api(mentee).get(url(seat)).status_code == 200


def test_a_no_show_reads_but_does_not_write(api, mentee, mentor, seat):
    say(api, mentor, seat, "Are you coming?")
    Booking.objects.filter(pk=seat.pk).update(status=S.NO_SHOW)
    assert texts(api(mentee).get(url(seat))) == ["Are you coming?"]
    assert say(api, mentee, seat).status_code == 403
    # Nobody else's seat is live, so the mentor's chat is closed too.
    assert say(api, mentor, seat).status_code == 403


def test_the_mentor_writes_while_any_seat_is_live(api, mentor, seat, other_seat):
    Booking.objects.filter(pk=seat.pk).update(status=S.NO_SHOW)
    assert say(api, mentor, seat).status_code == 201


def test_the_mentor_of_a_slot_whose_seats_all_cancelled_still_reads_it(api, mentee, mentor, seat):
    say(api, mentee, seat, "See you")
    Booking.objects.filter(pk=seat.pk).update(status=S.CANCELLED)
    assert texts(api(mentor).get(url(seat))) == ["See you"]
    assert say(api, mentor, seat).status_code == 403


# --- the text and the rate -----------------------------------------------------------------------


def test_empty_and_too_long_texts_are_400(api, mentee, seat, settings):
    settings.MESSAGE_MAX_LENGTH = 10
    empty = say(api, mentee, seat, "   \n ")
    assert empty.status_code == 400 and empty.json()["errors"][0]["field"] == "text"
    assert say(api, mentee, seat, "x" * 11).status_code == 400
    assert api(mentee).post(url(seat), {}, format="json").status_code == 400
    stored = say(api, mentee, seat, "  " + "x" * 10 + "\n")
    assert stored.status_code == 201 and stored.json()["text"] == "x" * 10


def test_session_chats_and_conversations_share_one_send_rate(api, mentee, mentor, seat, settings):
    settings.MESSAGES_PER_MINUTE = 3
    assert [say(api, mentee, seat).status_code for _ in range(2)] == [201, 201]
    assert api(mentee).post("/api/v1/messages", {"recipient_id": mentor.pk, "text": "Hi"},
                            format="json").status_code == 201
    limited = say(api, mentee, seat)
    assert limited.status_code == 429 and limited.json()["status_code"] == 429
    assert SessionMessage.objects.count() == 2


# --- the transcript -------------------------------------------------------------------------------


def test_the_transcript_reads_newest_first_and_scrolls_back_by_cursor(api, mentee, seat):
    start = timezone.now() - timedelta(hours=1)
    for i in range(5):
        chat.session_message_send(user=mentee, booking_id=seat.pk, text=f"m{i}", now=start + timedelta(minutes=i))
    client = api(mentee)
    page = client.get(f"{url(seat)}?limit=2").json()
    assert [m["text"] for m in page["items"]] == ["m4", "m3"]
    older = client.get(f"{url(seat)}?limit=2&before={page['next_before']}").json()
    assert [m["text"] for m in older["items"]] == ["m2", "m1"]
    last = client.get(f"{url(seat)}?limit=2&before={older['next_before']}").json()
    assert [m["text"] for m in last["items"]] == ["m0"] and last["next_before"] is None
    assert client.get(f"{url(seat)}?limit=101").status_code == 400


def test_a_slots_chat_is_its_own(api, mentee, seat, one_seat_slot):
    elsewhere = BookingFactory(slot=one_seat_slot, mentee=mentee)
    say(api, mentee, seat, "Group")
    say(api, mentee, elsewhere, "One to one")
    assert texts(api(mentee).get(url(seat))) == ["Group"]
    assert texts(api(mentee).get(url(elsewhere))) == ["One to one"]


@pytest.mark.parametrize("size", [1, 40])
def test_the_transcript_takes_a_fixed_number_of_queries(api, mentor, group_slot, django_assert_max_num_queries,
                                                        size):
    seats = [BookingFactory(slot=group_slot) for _ in range(min(size, 5))]
    for i in range(size):
        seat = seats[i % len(seats)]
        SessionMessage.objects.create(slot=group_slot, sender=seat.mentee, text=f"m{i}", sent_at=timezone.now())
    for user, booking in ((mentor, seats[0]), (seats[-1].mentee, seats[-1])):
        client = api(user)
        with django_assert_max_num_queries(4):  # the user, the booking, its seats, the page
            response = client.get(f"{url(booking)}?limit=100")
        assert len(response.json()["items"]) == size


# --- the pages -------------------------------------------------------------------------------------


def test_the_room_shows_the_chat_and_its_form_posts_without_javascript(client, mentee, mentor, seat, other_seat):
    chat.session_message_send(user=other_seat.mentee, booking_id=other_seat.pk, text="Hi from Gus")
    client.force_login(mentee)
    html = client.get(f"/sessions/{seat.pk}/room/").content.decode()
    assert 'data-testid="session-chat"' in html and "Hi from Gus" in html and "Gus Groupmate" in html
    assert f'action="/sessions/{seat.pk}/room/chat/"' in html
    response = client.post(f"/sessions/{seat.pk}/room/chat/", {"text": "Hi Gus, Mia here"})
    assert response.status_code == 302 and response["Location"] == f"/sessions/{seat.pk}/room/#session-chat"
    assert SessionMessage.objects.filter(sender=mentee, text="Hi Gus, Mia here").exists()
    client.force_login(mentor)
    html = client.get(f"/sessions/{other_seat.pk}/room/").content.decode()
    assert "Hi from Gus" in html and "Hi Gus, Mia here" in html


def test_a_refused_post_from_the_room_says_why(client, mentee, seat):
    client.force_login(mentee)
    response = client.post(f"/sessions/{seat.pk}/room/chat/", {"text": "  "}, follow=True)
    assert "Write something first." in response.content.decode()
    assert not SessionMessage.objects.exists()


def test_outsiders_cannot_post_into_the_room_chat(client, other_user, seat):
    client.force_login(other_user)
    assert client.post(f"/sessions/{seat.pk}/room/chat/", {"text": "Hi"}).status_code == 404
    assert not SessionMessage.objects.exists()


def test_a_cancelled_seats_room_has_no_chat(client, mentee, seat, other_seat):
    chat.session_message_send(user=other_seat.mentee, booking_id=other_seat.pk, text="Private to the group")
    Booking.objects.filter(pk=seat.pk).update(status=S.CANCELLED)
    client.force_login(mentee)
    for page in (f"/sessions/{seat.pk}/room/", f"/bookings/{seat.pk}/"):
        html = client.get(page).content.decode()
        assert 'data-testid="session-chat"' not in html and "Private to the group" not in html


def test_the_booking_page_keeps_the_transcript_to_read(client, mentee, seat):
    Booking.objects.filter(pk=seat.pk).update(status=S.COMPLETED)
    with freeze_time(seat.slot.end - timedelta(minutes=5)):
        chat.session_message_send(user=mentee, booking_id=seat.pk, text="Thanks for today")
    with freeze_time(seat.slot.end + timedelta(days=30)):
        client.force_login(mentee)
        html = client.get(f"/bookings/{seat.pk}/").content.decode()
    assert "Thanks for today" in html and 'data-testid="session-chat-closed"' in html
    assert 'data-testid="session-chat-text"' not in html


def test_the_booking_page_scrolls_back_through_a_long_transcript(client, mentee, seat, settings):
    settings.MESSAGES_PER_MINUTE = 100
    start = timezone.now() - timedelta(hours=2)
    sent = [chat.session_message_send(user=mentee, booking_id=seat.pk, text=f"Line {i:02}",
                                      now=start + timedelta(minutes=i)) for i in range(55)]
    client.force_login(mentee)
    html = client.get(f"/bookings/{seat.pk}/").content.decode()
    assert "Line 54" in html and "Line 04" not in html and 'data-testid="session-chat-older"' in html
    assert 'data-testid="session-chat-write"' in html
    older = client.get(f"/bookings/{seat.pk}/?chat_before={sent[5].pk}").content.decode()
    assert "Line 04" in older and "Line 05" not in older


# --- the admin ---------------------------------------------------------------------------------------


def test_staff_find_session_messages_by_sender_and_cannot_change_them(client, staff, mentee, mentor, seat):
    mine = chat.session_message_send(user=mentee, booking_id=seat.pk, text="Find me")
    chat.session_message_send(user=mentor, booking_id=seat.pk, text="Not this one")
    client.force_login(staff)
    for query in ("Mia", mentee.email):
        found = client.get("/admin/sessions_app/sessionmessage/", {"q": query})
        assert found.status_code == 200 and list(found.context["cl"].result_list) == [mine]
    assert client.get(f"/admin/sessions_app/sessionmessage/{mine.pk}/change/").status_code == 200
    assert client.get("/admin/sessions_app/sessionmessage/add/").status_code == 403
    assert client.post(f"/admin/sessions_app/sessionmessage/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SessionMessage.objects.count() == 2
