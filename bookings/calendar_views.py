"""Calendar pages: the secret subscription feed, the page that manages it, and one booking's .ics file."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import User
from bookings import selectors
from bookings.calendar import booking_ics, calendar_feed_url, user_feed_ics
from bookings.calendar_services import user_calendar_token_regenerate

ICS_TYPE = "text/calendar; charset=utf-8"


@require_safe
def feed(request, token: str):
    """No login: calendar apps fetch it by its secret URL. An unknown or replaced token is a 404."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(user_feed_ics(user=user), content_type=ICS_TYPE)
    response["Content-Disposition"] = 'inline; filename="mentorhub.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_safe
def calendar_page(request):
    feed_url = calendar_feed_url(request.user)
    webcal_url = "webcal://" + feed_url.split("://", 1)[-1]
    return render(request, "bookings/calendar.html", {
        "feed_url": feed_url, "webcal_url": webcal_url,
        "google_subscribe_url": f"https://calendar.google.com/calendar/r?cid={quote(webcal_url, safe='')}",
    })


@login_required
@require_POST
def calendar_regenerate(request):
    user_calendar_token_regenerate(user=request.user)
    messages.success(request, _("Your calendar link was replaced. The old link no longer works; "
                                "subscribe again with the new one."))
    return redirect("calendar-page")


@login_required
@require_safe
def booking_invite(request, pk: int):
    """One booking as an .ics file to import (PUBLISH: same UID as the e-mailed invites). Participants only."""
    booking = selectors.booking_for_participant(user=request.user, booking_id=pk)
    if booking is None:
        raise Http404("No such booking.")
    response = HttpResponse(booking_ics(booking=booking, method="PUBLISH", viewer=request.user), content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mentorhub-session-{booking.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("calendar/", calendar_page, name="calendar-page"),
    path("calendar/regenerate/", calendar_regenerate, name="calendar-regenerate"),
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]+)\.ics$", feed, name="calendar-feed"),
    path("bookings/<int:pk>/invite.ics", booking_invite, name="booking-invite-ics"),
]
