import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from bookings import services
from bookings.calendar import booking_ics, google_calendar_url, user_feed_ics
from bookings.calendar_services import user_calendar_token_regenerate
from bookings.tests.factories import BookingFactory
from mentors.tests.factories import SlotFactory

pytestmark = pytest.mark.django_db


def events_of(ics: bytes | str):
    calendar = Calendar.from_ical(ics)
    return calendar, calendar.walk("VEVENT")


def only_event(ics: bytes | str):
    calendar, events = events_of(ics)
    assert len(events) == 1
    return calendar, events[0]


def invites(mailoutbox):
    """(recipient, METHOD, event) for each mail carrying invite.ics."""
    found = []
    for mail in mailoutbox:
        for name, content, mimetype in mail.attachments:
            if name == "invite.ics":
                calendar, event = only_event(content)
                assert mimetype == f"text/calendar; method={calendar['METHOD']}"
                found.append((mail.to[0], str(calendar["METHOD"]), event))
    return found


@pytest.fixture
def booking(mentee, profile, service, tomorrow_10):
    return services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)


# --- the .ics of one booking ---------------------------------------------------------------------------


def test_an_invite_is_one_event_at_the_slot_times_in_utc_from_the_mentor_to_the_mentee(booking, mentee, mentor):
    calendar, event = only_event(booking_ics(booking=booking, method="REQUEST"))
    assert (calendar["VERSION"], calendar["METHOD"]) == ("2.0", "REQUEST") and calendar["PRODID"]
    assert event["UID"] == f"{booking.ical_uid}@mentorhub" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == booking.slot.start and event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == booking.slot.end and event["DTEND"].to_ical().endswith(b"Z")
    assert event["DTSTAMP"] and event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Mentoring session with Marcus Mentor"
    assert f"{settings.SITE_URL}/bookings/{booking.pk}/" in event["DESCRIPTION"]
    assert (event["ORGANIZER"], event["ATTENDEE"]) == (f"mailto:{mentor.email}", f"mailto:{mentee.email}")


def test_the_summary_is_the_topic_when_there_is_one(booking):
    booking.topic = "System design interview"
    _, event = only_event(booking_ics(booking=booking, method="REQUEST"))
    assert event["SUMMARY"] == "System design interview"


def test_the_uid_stays_and_the_sequence_grows_when_a_booking_is_rescheduled(booking, mentee, tomorrow_10):
    _, before = only_event(booking_ics(booking=booking, method="REQUEST"))
    moved = services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    _, after = only_event(booking_ics(booking=moved, method="REQUEST"))
    assert after["UID"] == before["UID"]
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == tomorrow_10 + timedelta(hours=3)
    assert after.decoded("DTEND") == tomorrow_10 + timedelta(hours=4)


def test_a_cancelled_booking_is_a_cancel_with_status_cancelled(booking, mentee):
    cancelled = services.booking_cancel(booking_id=booking.pk, actor=mentee)
    calendar, event = only_event(booking_ics(booking=cancelled, method="CANCEL"))
    assert (calendar["METHOD"], event["STATUS"]) == ("CANCEL", "CANCELLED")
    assert event["UID"] == f"{booking.ical_uid}@mentorhub"


def test_a_request_is_tentative_until_the_mentor_confirms(mentee, mentor, profile, tomorrow_10):
    profile.requires_confirmation = True
    profile.save()
    request = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10)
    assert only_event(booking_ics(booking=request, method="REQUEST"))[1]["STATUS"] == "TENTATIVE"
    confirmed = services.booking_confirm(booking_id=request.pk, actor=mentor)
    assert only_event(booking_ics(booking=confirmed, method="REQUEST"))[1]["STATUS"] == "CONFIRMED"


def test_the_google_calendar_link_carries_the_utc_dates(profile, mentee):
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    slot = SlotFactory(mentor=profile, start=datetime(2031, 1, 15, 11, 0, tzinfo=berlin),
                       end=datetime(2031, 1, 15, 12, 30, tzinfo=berlin), seats_taken=1)
    url = google_calendar_url(BookingFactory(mentee=mentee, slot=slot, topic="Career chat"))
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    assert "dates=20310115T100000Z/20310115T113000Z" in url
    assert "text=Career%20chat" in url and "details=" in url


# --- e-mails --------------------------------------------------------------------------------------------


def test_booking_at_once_mails_both_sides_an_invite(mentee, mentor, profile, service, tomorrow_10, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10, service_id=service.pk)
    found = invites(mailoutbox)
    assert len(mailoutbox) == 2 and {to for to, _, _ in found} == {mentee.email, mentor.email}
    assert all(method == "REQUEST" and event["UID"] == f"{booking.ical_uid}@mentorhub" for _, method, event in found)
    assert all("/bookings/" in mail.body for mail in mailoutbox)


def test_a_confirmation_mails_both_sides_an_invite_and_the_request_did_not(
    mentee, mentor, profile, tomorrow_10, mailoutbox, django_capture_on_commit_callbacks
):
    profile.requires_confirmation = True
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10)
    assert len(mailoutbox) == 2 and invites(mailoutbox) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm(booking_id=request.pk, actor=mentor)
    found = invites(mailoutbox[2:])
    assert sorted(to for to, _, _ in found) == sorted([mentee.email, mentor.email])
    assert {(method, event["STATUS"], event["SEQUENCE"]) for _, method, event in found} == {("REQUEST", "CONFIRMED", 0)}


def test_a_reschedule_mails_both_sides_the_moved_invite(booking, mentee, mentor, tomorrow_10, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(booking_id=booking.pk, actor=mentee, start=tomorrow_10 + timedelta(hours=3))
    found = invites(mailoutbox)
    assert sorted(to for to, _, _ in found) == sorted([mentee.email, mentor.email])
    for _, method, event in found:
        assert (method, event["SEQUENCE"], event["UID"]) == ("REQUEST", 1, f"{booking.ical_uid}@mentorhub")
        assert event.decoded("DTSTART") == tomorrow_10 + timedelta(hours=3)
    assert all("moved" in mail.subject for mail in mailoutbox)


def test_a_cancellation_mails_both_sides_a_cancel(booking, mentee, mentor, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking_id=booking.pk, actor=mentor, reason="Ill")
    found = invites(mailoutbox)
    assert sorted(to for to, _, _ in found) == sorted([mentee.email, mentor.email])
    assert {(method, event["STATUS"]) for _, method, event in found} == {("CANCEL", "CANCELLED")}


def test_other_changes_keep_their_plain_e_mail(mentee, mentor, profile, tomorrow_10, mailoutbox,
                                               django_capture_on_commit_callbacks):
    profile.requires_confirmation = True
    profile.save()
    request = services.booking_hold(mentee=mentee, mentor_id=profile.pk, start=tomorrow_10)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decline(booking_id=request.pk, actor=mentor)
    assert len(mailoutbox) == 2 and all(not mail.attachments for mail in mailoutbox)


# --- the secret feed ------------------------------------------------------------------------------------


def test_the_feed_by_token_lists_my_sessions_only(client, mentee, other_user, mentor, booking):
    theirs = BookingFactory(mentee=other_user)
    response = client.get(f"/calendar/{mentee.calendar_token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    uids = {str(event["UID"]) for event in events_of(response.content)[1]}
    assert uids == {f"{booking.ical_uid}@mentorhub"}
    assert f"{theirs.ical_uid}@mentorhub" not in uids


def test_the_feed_has_my_sessions_as_a_mentor_too(client, mentor, booking):
    _, events = events_of(client.get(f"/calendar/{mentor.calendar_token}.ics").content)
    assert [str(e["UID"]) for e in events] == [f"{booking.ical_uid}@mentorhub"]
    assert events[0]["SUMMARY"] == "Mentoring session with Mia Mentee"


def test_the_feed_marks_cancelled_sessions_and_leaves_out_old_ones(client, mentee, profile):
    now = timezone.now()
    recent = SlotFactory(mentor=profile, start=now - timedelta(days=29), seats_taken=1)
    old = SlotFactory(mentor=profile, start=now - timedelta(days=31), seats_taken=1)
    done = BookingFactory(mentee=mentee, slot=recent, status="completed")
    BookingFactory(mentee=mentee, slot=old, status="completed")
    cancelled = BookingFactory(mentee=mentee, slot=SlotFactory(mentor=profile), status="cancelled")
    _, events = events_of(user_feed_ics(user=mentee))
    assert {str(e["UID"]): str(e["STATUS"]) for e in events} == {
        f"{done.ical_uid}@mentorhub": "CONFIRMED", f"{cancelled.ical_uid}@mentorhub": "CANCELLED"}


def test_an_unknown_token_is_a_404(client, mentee):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_the_feed_query_count_is_flat(client, mentee):
    def queries_with(count: int) -> int:
        BookingFactory.create_batch(count - mentee.bookings.count(), mentee=mentee)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/calendar/{mentee.calendar_token}.ics")
        assert len(events_of(response.content)[1]) == count
        return len(ctx.captured_queries)

    assert queries_with(2) == queries_with(20) <= 2


def test_the_calendar_page_shows_my_feed_url_and_needs_a_login(client, mentee):
    assert client.get("/calendar/").status_code == 302
    client.force_login(mentee)
    html = client.get("/calendar/").content.decode()
    assert 'data-testid="feed-url"' in html and f"/calendar/{mentee.calendar_token}.ics" in html
    assert "Regenerate" in html


def test_regenerating_replaces_the_token_and_the_old_url_stops_working(client, mentee, booking):
    old_url = f"/calendar/{mentee.calendar_token}.ics"
    client.force_login(mentee)
    response = client.post("/calendar/regenerate/", follow=True)
    mentee.refresh_from_db()
    new_url = f"/calendar/{mentee.calendar_token}.ics"
    assert new_url != old_url and new_url in response.content.decode()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200


def test_the_regenerate_service_changes_the_token(mentee):
    old = mentee.calendar_token
    user = user_calendar_token_regenerate(user=mentee)
    user.refresh_from_db()
    assert user.calendar_token == mentee.calendar_token != old


def test_the_api_gives_the_feed_url_and_regenerates_it(api, mentee):
    first = api(mentee).get("/api/v1/calendar/feed")
    assert first.status_code == 200 and first.json()["feed_url"].endswith(f"/calendar/{mentee.calendar_token}.ics")
    second = api(mentee).post("/api/v1/calendar/feed/regenerate/")
    mentee.refresh_from_db()
    assert second.status_code == 200 and second.json()["feed_url"] != first.json()["feed_url"]
    assert second.json()["feed_url"].endswith(f"/calendar/{mentee.calendar_token}.ics")
    assert api().get("/api/v1/calendar/feed").status_code == 401


def test_the_api_schema_documents_the_calendar_routes(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    feed = next(ops for p, ops in paths.items() if p.rstrip("/") == "/api/v1/calendar/feed")
    regenerate = next(ops for p, ops in paths.items() if p.rstrip("/") == "/api/v1/calendar/feed/regenerate")
    assert {"200", "401", "429"} <= set(feed["get"]["responses"])
    assert {"200", "400", "401", "429"} <= set(regenerate["post"]["responses"]) and "requestBody" in regenerate["post"]


# --- one booking's .ics download and the booking page links ----------------------------------------------


def test_invite_ics_is_for_participants_only(client, booking, mentee, mentor, other_user):
    url = f"/bookings/{booking.pk}/invite.ics"
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    for user in (mentee, mentor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        assert only_event(response.content)[1]["UID"] == f"{booking.ical_uid}@mentorhub"


def test_the_calendar_links_snippet_offers_google_and_the_download(booking, mentee):
    request = RequestFactory().get("/")
    request.user = mentee
    html = render_to_string("bookings/_calendar_links.html", {"booking": booking}, request=request)
    assert "Add to Google Calendar" in html and 'target="_blank"' in html
    assert booking.slot.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in html
    assert f'href="/bookings/{booking.pk}/invite.ics"' in html and "Download .ics" in html
