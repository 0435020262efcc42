"""The e-mail digest of unread messages: one e-mail for someone away from the site, once per unread run."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from freezegun import freeze_time

from accounts.tests.factories import UserFactory
from mentorhub.testing import requires_postgresql
from messaging import services
from messaging.models import Conversation, Message, Presence
from messaging.tasks import send_message_digests
from messaging.tests.factories import MessageFactory, conversation_between
from notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def write(conversation, sender, *, at=T0, text=None, **kwargs) -> Message:
    return MessageFactory(conversation=conversation, sender=sender, sent_at=at,
                          **({"text": text} if text else {}), **kwargs)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def run(at: datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.message_digests_send(now=at)
    return run


@pytest.fixture
def chat(mentee, mentor):
    return conversation_between(mentee, mentor)


def test_one_email_lists_every_conversation_with_unread_messages_of_someone_away(
        sweep, mailoutbox, mentee, mentor, other_user, settings):
    with_mentor, with_olga = conversation_between(mentee, mentor), conversation_between(mentee, other_user)
    write(with_mentor, mentor, at=minutes(0), text="Hello there")
    write(with_mentor, mentor, at=minutes(2), text="Are you free   on\nThursday?")
    write(with_olga, other_user, at=minutes(5), text="Quick question")
    write(with_olga, mentee, at=minutes(1), text="My own words are not news to me")
    services.presence_connect(user_id=other_user.pk, now=minutes(15))  # Olga is on the site: no digest for her

    assert sweep(minutes(16)) == 1

    [mail] = mailoutbox
    assert mail.to == [mentee.email]
    assert mail.subject == "3 unread messages from Olga Outsider and 1 other"
    base = settings.SITE_URL
    assert mail.body.startswith("Hello Mia Mentee,\n\n3 unread messages from Olga Outsider and 1 other")
    assert ("Olga Outsider — 1 unread\n\"Quick question\"\n"
            f"{base}/messages/{with_olga.pk}/") in mail.body
    assert ("Marcus Mentor — 2 unread\n\"Are you free on Thursday?\"\n"
            f"{base}/messages/{with_mentor.pk}/") in mail.body
    assert "My own words" not in mail.body
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html" and f'href="{base}/messages/{with_mentor.pk}/"' in html
    assert "Are you free on Thursday?" in html


def test_nothing_is_sent_before_the_messages_are_old_enough(sweep, mailoutbox, chat, mentor):
    write(chat, mentor, at=minutes(0))
    assert sweep(minutes(14)) == 0
    assert sweep(minutes(15)) == 1
    assert len(mailoutbox) == 1


def test_the_delay_is_the_setting(sweep, mailoutbox, chat, mentor, settings):
    settings.MESSAGE_DIGEST_AFTER_MINUTES = 3
    write(chat, mentor, at=minutes(0))
    assert sweep(minutes(2)) == 0
    assert sweep(minutes(3)) == 1


def test_nobody_with_a_live_socket_gets_a_digest(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    services.presence_connect(user_id=mentee.pk, now=minutes(-30))
    for minute in range(1, 60):  # the page pings every minute
        services.presence_touch(user_id=mentee.pk, now=minutes(minute))
        assert sweep(minutes(minute) + timedelta(seconds=30)) == 0
    assert mailoutbox == []


def test_a_socket_not_heard_from_for_long_is_stale_and_its_user_away(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    services.presence_connect(user_id=mentee.pk, now=minutes(0))  # then its process died: never closed
    assert Presence.objects.get(user=mentee).open_sockets == 1
    assert sweep(minutes(14)) == 0
    assert sweep(minutes(15)) == 1
    assert len(mailoutbox) == 1


def test_someone_who_left_recently_is_given_the_full_delay(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    services.presence_connect(user_id=mentee.pk, now=minutes(-5))
    services.presence_disconnect(user_id=mentee.pk, now=minutes(10))
    assert sweep(minutes(20)) == 0
    assert sweep(minutes(25)) == 1


def test_the_same_unread_messages_never_give_a_second_digest(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    assert sweep(minutes(16)) == 1
    assert sweep(minutes(16)) == 0
    write(chat, mentor, at=minutes(20), text="Still there?")  # the same unread run
    assert sweep(minutes(60)) == 0
    assert len(mailoutbox) == 1
    chat.refresh_from_db()
    assert getattr(chat, f"{chat.side(mentee.pk)}_digested_at") == minutes(16)


def test_reading_the_conversation_arms_a_new_digest_for_the_next_message(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    assert sweep(minutes(16)) == 1
    services.conversation_mark_read(user=mentee, conversation_id=chat.pk, now=minutes(30))
    write(chat, mentor, at=minutes(40), text="One more thing")
    assert sweep(minutes(50)) == 0
    assert sweep(minutes(56)) == 1
    assert len(mailoutbox) == 2 and "One more thing" in mailoutbox[1].body


def test_reading_only_part_of_a_conversation_keeps_its_digest_sent(sweep, mailoutbox, chat, mentee, mentor):
    first = write(chat, mentor, at=minutes(0))
    write(chat, mentor, at=minutes(1))
    assert sweep(minutes(16)) == 1
    services.conversation_mark_read(user=mentee, conversation_id=chat.pk, up_to_id=first.pk, now=minutes(20))
    assert sweep(minutes(60)) == 0


def test_a_conversation_already_digested_is_left_out_of_the_next_digest(
        sweep, mailoutbox, mentee, mentor, other_user):
    with_mentor, with_olga = conversation_between(mentee, mentor), conversation_between(mentee, other_user)
    write(with_mentor, mentor, at=minutes(0), text="First news")
    assert sweep(minutes(16)) == 1
    write(with_olga, other_user, at=minutes(20), text="Later news")
    assert sweep(minutes(36)) == 1
    assert "Later news" in mailoutbox[1].body and "First news" not in mailoutbox[1].body
    assert mailoutbox[1].subject == "1 unread message from Olga Outsider"


@pytest.mark.parametrize("blocker", ["recipient", "sender"])
def test_a_blocked_conversation_is_never_digested(sweep, mailoutbox, chat, mentee, mentor, blocker):
    write(chat, mentor, at=minutes(0))
    services.conversation_block(user=mentee if blocker == "recipient" else mentor, conversation_id=chat.pk)
    assert sweep(minutes(30)) == 0
    assert mailoutbox == []


def test_an_inactive_user_is_never_digested(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert sweep(minutes(30)) == 0
    assert mailoutbox == []


def test_like_every_notice_e_mail_it_goes_only_to_users_with_an_address(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0))
    mentee.email = ""
    mentee.save(update_fields=["email"])
    assert sweep(minutes(30)) == 0
    assert mailoutbox == []


def test_system_messages_alone_give_no_digest(sweep, mailoutbox, chat, mentee, mentor):
    write(chat, mentor, at=minutes(0), kind=Message.Kind.SYSTEM, text="Booked a session")
    assert sweep(minutes(30)) == 0
    write(chat, mentor, at=minutes(31), text="See you then")
    assert sweep(minutes(50)) == 1
    assert "See you then" in mailoutbox[0].body and "Booked a session" not in mailoutbox[0].body
    assert "1 unread" in mailoutbox[0].body


def test_sending_still_gives_one_in_app_notice_per_conversation_and_no_e_mail_at_once(
        listed_mentor, mentee, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(sender=mentee, recipient_id=listed_mentor.pk, text="One")
        services.message_send(sender=mentee, recipient_id=listed_mentor.pk, text="Two")
    assert list(Notification.objects.values_list("user_id", "kind")) == [(listed_mentor.pk, services.NOTICE_KIND)]
    assert mailoutbox == []


def test_the_beat_task_sends_the_digests_every_minute_and_is_safe_to_run_twice(
        mailoutbox, chat, mentor, settings, django_capture_on_commit_callbacks):
    assert settings.CELERY_BEAT_SCHEDULE["send-message-digests"] == {
        "task": "messaging.tasks.send_message_digests", "schedule": 60.0}
    write(chat, mentor, at=minutes(0))
    with freeze_time(minutes(16)), django_capture_on_commit_callbacks(execute=True):
        assert send_message_digests.delay().get() == 1
        assert send_message_digests.delay().get() == 0
    assert len(mailoutbox) == 1


def test_presence_counts_sockets_never_below_zero_and_a_stale_count_restarts(mentee, settings):
    for _ in range(2):
        services.presence_connect(user_id=mentee.pk, now=minutes(0))
    services.presence_disconnect(user_id=mentee.pk, now=minutes(1))
    assert (Presence.objects.get(user=mentee).open_sockets, Presence.objects.get(user=mentee).last_seen_at) == (
        1, minutes(1))
    services.presence_disconnect(user_id=mentee.pk, now=minutes(2))
    services.presence_disconnect(user_id=mentee.pk, now=minutes(2))
    assert Presence.objects.get(user=mentee).open_sockets == 0
    services.presence_connect(user_id=mentee.pk, now=minutes(3))
    services.presence_connect(user_id=mentee.pk, now=minutes(3))  # then that process died
    later = minutes(3) + timedelta(seconds=settings.PRESENCE_STALE_SECONDS + 1)
    services.presence_connect(user_id=mentee.pk, now=later)
    assert Presence.objects.get(user=mentee).open_sockets == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_send_each_digest_exactly_once(mailoutbox):
    recipients = [UserFactory() for _ in range(5)]
    sender = UserFactory()
    for recipient in recipients:
        conversation = conversation_between(recipient, sender)
        write(conversation, sender, at=minutes(0))
        write(conversation, sender, at=minutes(1))
    sweeps = 4
    barrier, results, errors = threading.Barrier(sweeps), [], []

    def run():
        try:
            barrier.wait()
            results.append(services.message_digests_send(now=minutes(20)))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(sweeps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == sweeps and sum(results) == len(recipients)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(user.email for user in recipients)
    assert Conversation.objects.filter(low_digested_at__isnull=True, high_digested_at__isnull=True).count() == 0
