"""Staff look up what was sent to whom; the record itself cannot be changed."""

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


def test_staff_find_a_users_notices_by_e_mail_and_by_whether_they_were_read(client, staff, mentee, other_user):
    unread = NotificationFactory(user=mentee)
    read = NotificationFactory(user=mentee, read_at=timezone.now())
    NotificationFactory(user=other_user)
    client.force_login(staff)
    found = lambda **query: set(client.get(CHANGELIST, query).context["cl"].result_list)  # noqa: E731
    assert found(q=mentee.email) == {unread, read}
    assert found(q=mentee.email, unread="yes") == {unread}
    assert found(q=mentee.email, unread="no") == {read}


def test_notices_cannot_be_added_changed_or_deleted_in_the_admin(client, staff, mentee):
    notice = NotificationFactory(user=mentee)
    client.force_login(staff)
    url = f"/admin/notifications/notification/{notice.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Rewritten", "user": mentee.pk, "kind": "x"}).status_code == 403
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.post(f"/admin/notifications/notification/{notice.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Notification.objects.get(pk=notice.pk).title == notice.title


@pytest.mark.parametrize("count", [3, 40])
def test_the_notice_list_takes_the_same_number_of_queries_for_few_or_many(client, staff, count,
                                                                          django_assert_max_num_queries):
    NotificationFactory.create_batch(count)
    client.force_login(staff)
    with django_assert_max_num_queries(9):
        assert client.get(CHANGELIST, {"q": "example.com"}).status_code == 200
