import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from notifications.context_processors import unread_count
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CENTRE = "/notifications/"


def unread_badge(html: str) -> re.Match:
    return re.search(r'<span class="bell-count" data-testid="unread-count"( hidden)?>([^<]*)</span>', html)


def test_the_bell_on_a_page_shows_my_unread_count_and_links_to_the_centre(client, mentee, other_user):
    NotificationFactory.create_batch(2, user=mentee)
    NotificationFactory(user=mentee, read_at=timezone.now())
    NotificationFactory(user=other_user)
    client.force_login(mentee)
    html = client.get("/").content.decode()
    assert 'data-testid="bell"' in html and f'href="{CENTRE}"' in html
    badge = unread_badge(html)
    assert badge.group(1) is None and badge.group(2) == "2"


def test_the_bell_hides_the_count_when_nothing_is_unread(client, mentee):
    NotificationFactory(user=mentee, read_at=timezone.now())
    client.force_login(mentee)
    badge = unread_badge(client.get("/").content.decode())
    assert badge.group(1) == " hidden"


def test_anonymous_visitors_get_no_bell(client, db):
    assert 'data-testid="bell"' not in client.get("/").content.decode()


def test_the_unread_count_costs_no_query_for_anonymous_visitors(django_assert_num_queries, db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert unread_count(request)["unread_notifications"] == 0


def test_the_unread_count_is_one_count_query_and_only_when_used(mentee, django_assert_num_queries):
    NotificationFactory.create_batch(3, user=mentee)
    request = RequestFactory().get("/")
    request.user = mentee
    with django_assert_num_queries(0):
        count = unread_count(request)["unread_notifications"]
    with django_assert_num_queries(1) as queries:
        assert count == 3 and f"{count}" == "3" and count > 2
    assert "COUNT(" in queries.captured_queries[0]["sql"].upper()


def test_the_centre_lists_my_notifications_only(client, mentee, other_user):
    NotificationFactory(user=mentee, title="Session with Marcus Mentor is booked")
    NotificationFactory(user=other_user, title="Someone else's news")
    client.force_login(mentee)
    html = client.get(CENTRE).content.decode()
    assert "Session with Marcus Mentor is booked" in html
    assert "Someone else" not in html
    assert html.count('data-testid="notification"') == 1


def test_the_unread_tab_shows_only_unread_notifications(client, mentee):
    NotificationFactory(user=mentee, title="Fresh")
    NotificationFactory(user=mentee, title="Seen", read_at=timezone.now())
    client.force_login(mentee)
    html = client.get(CENTRE, {"tab": "unread"}).content.decode()
    assert "Fresh" in html and "Seen" not in html


def test_the_centre_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(CENTRE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_marking_one_read_from_the_centre(client, mentee):
    notice = NotificationFactory(user=mentee)
    client.force_login(mentee)
    response = client.post(f"{CENTRE}{notice.pk}/read/", {"tab": "unread"})
    assert response.status_code == 302 and response["Location"] == f"{CENTRE}?tab=unread"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_an_unread_notification_marks_it_read_and_follows_its_link(client, mentee):
    notice = NotificationFactory(user=mentee, link="/sessions/")
    client.force_login(mentee)
    response = client.post(f"{CENTRE}{notice.pk}/read/", {"open": "1"})
    assert response["Location"] == "/sessions/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_never_followed(client, mentee):
    notice = NotificationFactory(user=mentee, link="https://evil.example/")
    client.force_login(mentee)
    assert client.post(f"{CENTRE}{notice.pk}/read/", {"open": "1"})["Location"] == CENTRE


def test_someone_elses_notification_cannot_be_marked_from_the_centre(client, mentee, other_user):
    theirs = NotificationFactory(user=other_user)
    client.force_login(mentee)
    assert client.post(f"{CENTRE}{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_from_the_centre(client, mentee, other_user):
    NotificationFactory.create_batch(3, user=mentee)
    NotificationFactory(user=other_user)
    client.force_login(mentee)
    response = client.post(f"{CENTRE}read-all/", follow=True)
    html = response.content.decode()
    assert "Marked 3 notifications as read." in html
    assert unread_badge(html).group(1) == " hidden"
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_marking_is_post_only(client, mentee):
    notice = NotificationFactory(user=mentee)
    client.force_login(mentee)
    assert client.get(f"{CENTRE}{notice.pk}/read/").status_code == 405
    assert client.get(f"{CENTRE}read-all/").status_code == 405


def test_the_centre_query_count_stays_flat(client, mentee, django_assert_max_num_queries):
    client.force_login(mentee)
    NotificationFactory.create_batch(3, user=mentee)
    # 7: the navigation's unread-messages count is one of them.
    with django_assert_max_num_queries(7) as few:
        client.get(CENTRE)
    NotificationFactory.create_batch(40, user=mentee)
    with django_assert_max_num_queries(7) as many:
        client.get(CENTRE)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_sms_reminders_can_be_turned_on_and_off_from_the_centre(client, mentee):
    mentee.phone = "+79150480249"
    mentee.save()
    client.force_login(mentee)
    assert 'data-testid="sms-opt-in"' in client.get(CENTRE).content.decode()
    client.post(f"{CENTRE}sms/", {"sms_opt_in": "on"})
    mentee.refresh_from_db()
    assert mentee.sms_opt_in is True
    client.post(f"{CENTRE}sms/", {})
    mentee.refresh_from_db()
    assert mentee.sms_opt_in is False


def test_without_a_phone_number_the_centre_asks_for_one_before_sms(client, mentee):
    client.force_login(mentee)
    assert 'data-testid="sms-needs-phone"' in client.get(CENTRE).content.decode()
    html = client.post(f"{CENTRE}sms/", {"sms_opt_in": "on"}, follow=True).content.decode()
    assert "Add a phone number to your profile first." in html
    mentee.refresh_from_db()
    assert mentee.sms_opt_in is False
