from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications"


def read(pk: int) -> str:
    return f"/api/v1/notifications/{pk}/read"


def test_the_list_shows_only_my_notifications_newest_first(api, mentee, other_user):
    older = NotificationFactory(user=mentee, title="Older")
    newer = NotificationFactory(user=mentee, title="Newer")
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    NotificationFactory(user=other_user, title="Not mine")
    body = api(mentee).get(LIST).json()
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    assert (body["total"], body["page"], body["pages"]) == (2, 1, 1)
    assert set(body["items"][0]) == {"id", "kind", "title", "body", "link", "read", "read_at", "created_at"}
    assert body["items"][0]["read"] is False and body["items"][0]["read_at"] is None


def test_the_list_is_paginated_with_the_project_paginator(api, mentee):
    NotificationFactory.create_batch(5, user=mentee)
    body = api(mentee).get(LIST, {"limit": 2, "page": 3}).json()
    assert (len(body["items"]), body["total"], body["page"], body["pages"]) == (1, 5, 3, 3)


@pytest.mark.parametrize("value,expected", [("true", {"Unread"}), ("false", {"Read"}), ("", {"Unread", "Read"})])
def test_unread_filters_the_list(api, mentee, value, expected):
    NotificationFactory(user=mentee, title="Unread")
    NotificationFactory(user=mentee, title="Read", read_at=timezone.now())
    body = api(mentee).get(LIST, {"unread": value}).json()
    assert {item["title"] for item in body["items"]} == expected


def test_a_bad_unread_value_is_a_400_in_the_error_shape(api, mentee):
    response = api(mentee).get(LIST, {"unread": "maybe"})
    assert response.status_code == 400
    body = response.json()
    assert body["status_code"] == 400 and body["detail"]
    assert [e["field"] for e in body["errors"]] == ["unread"]


def test_the_api_needs_a_signed_in_user(api):
    response = api().get(LIST)
    assert response.status_code == 401
    assert response.json()["status_code"] == 401


def test_marking_my_notification_read_returns_it_read_and_keeps_the_first_time(api, mentee):
    notice = NotificationFactory(user=mentee)
    client = api(mentee)
    first = client.post(read(notice.pk))
    assert first.status_code == 200
    assert first.json()["id"] == notice.pk and first.json()["read"] is True
    notice.refresh_from_db()
    read_at = notice.read_at
    assert read_at is not None
    assert client.post(read(notice.pk)).json()["read"] is True
    notice.refresh_from_db()
    assert notice.read_at == read_at


def test_another_users_notification_is_not_found_and_stays_unread(api, mentee, other_user):
    theirs = NotificationFactory(user=other_user)
    response = api(mentee).post(read(theirs.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such notification.", "status_code": 404, "errors": []}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_my_unread_ones_and_says_how_many(api, mentee, other_user):
    NotificationFactory.create_batch(3, user=mentee)
    NotificationFactory(user=mentee, read_at=timezone.now() - timedelta(days=1))
    NotificationFactory(user=other_user)
    client = api(mentee)
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 3}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 0}
    assert not Notification.objects.filter(user=mentee, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_user, read_at__isnull=True).count() == 1


def test_the_routes_also_answer_under_the_api_alias_and_without_a_trailing_slash(api, mentee):
    notice = NotificationFactory(user=mentee)
    client = api(mentee)
    assert client.get("/api/notifications/").status_code == 200
    assert client.post(f"/api/notifications/{notice.pk}/read/").status_code == 200


def test_the_list_query_count_stays_flat_from_3_to_40_notifications(api, mentee, django_assert_max_num_queries):
    client = api(mentee)
    counts = []
    for total in (3, 40):
        Notification.objects.filter(user=mentee).delete()
        NotificationFactory.create_batch(total, user=mentee)
        with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).json()["total"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_schema_documents_the_notification_routes(api, staff):
    schema = api(staff).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = {path.rstrip("/"): operations for path, operations in schema["paths"].items()}
    assert {"/api/v1/notifications", "/api/v1/notifications/read-all", "/api/v1/notifications/{id}/read"} <= set(paths)
    assert {"200", "404"} <= set(paths["/api/v1/notifications/{id}/read"]["post"]["responses"])
    listing = paths["/api/v1/notifications"]["get"]
    assert "400" in listing["responses"]
    assert {"unread", "page", "limit"} <= {parameter["name"] for parameter in listing["parameters"]}


def test_sms_opt_in_is_shown_and_writable_through_users_me(api, mentee):
    client = api(mentee)
    assert client.get("/api/v1/users/me").json()["sms_opt_in"] is False
    assert client.patch("/api/v1/users/me", {"phone": "+79150480249", "sms_opt_in": True}).json()["sms_opt_in"] is True
    mentee.refresh_from_db()
    assert (mentee.phone, mentee.sms_opt_in) == ("+79150480249", True)


def test_notice_emails_have_a_text_and_an_html_part(mentee, mailoutbox, django_capture_on_commit_callbacks):
    from notifications.services import notification_send

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(user=mentee, kind="test", title="Session booked", body="Tue 10:00", link="/bookings/1/")
    [message] = mailoutbox
    assert "Session booked" in message.body and "/bookings/1/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Open in MentorHub" in html and "Tue 10:00" in html
