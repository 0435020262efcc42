"""The session page: countdown, join, the room itself, its chat, the mentor's notes, completion and the review.

The room's own actions (join, notes, no-show, complete) are posted by the page's script with
``Accept: application/json`` and answered in JSON, so the page, and the call in it, stays; posted
as plain forms (no script) they redirect back to the room as usual.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bookings.models import Booking
from mentorhub.api.errors import error_body
from mentorhub.errors import DomainError, InvalidInput, NotFound
from mentorhub.pages import act_and_report
from sessions_app import chat, selectors, services
from sessions_app.video import room_for


class NotesForm(forms.Form):
    mentor_notes = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                                   label=_("Private notes (only you see these)"))


class ReviewForm(forms.Form):
    # Nothing is chosen until the mentee chooses: a preselected rating published stars nobody gave.
    rating = forms.TypedChoiceField(
        choices=[("", _("Choose a rating")), (5, _("5 ★ Excellent")), (4, _("4 ★ Good")), (3, _("3 ★ Okay")),
                 (2, _("2 ★ Poor")), (1, _("1 ★ Bad"))],
        coerce=int, label=_("Your rating"), error_messages={"required": _("Choose a rating from 1 to 5 stars.")})
    review = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             label=_("Your review (public, optional)"))


@login_required
def room(request, pk: int):
    try:
        # The page's words about the window use the zone its other times are shown in.
        booking, meeting, refusal = services.session_view(booking_id=pk, user=request.user,
                                                          zone=timezone.get_current_timezone())
    except DomainError as exc:
        raise Http404(exc.message) from exc
    is_mentor = booking.slot.mentor.user_id == request.user.pk
    video = room_for(meeting, booking_id=booking.pk, user=request.user)
    opens, closes = services.join_window(booking)
    return render(request, "sessions_app/room.html", {
        "booking": booking, "is_mentor": is_mentor, "video": video, "refusal": refusal,
        "opens": opens, "closes": closes, "ice_json": json.dumps(video.ice_servers),
        "not_open_yet": booking.status == Booking.Status.SCHEDULED and timezone.now() < opens,
        "notes_form": NotesForm(initial={"mentor_notes": booking.mentor_notes}) if is_mentor else None,
        "seats": list(selectors.room_seats(slot_id=booking.slot_id)) if is_mentor else [],
        "review_form": ReviewForm(), "reviewed": hasattr(booking, "review") and _has_review(booking),
        "chat": selectors.chat_transcript(user=request.user, booking_id=booking.pk),
        "chat_max_length": settings.MESSAGE_MAX_LENGTH,
    })


def _has_review(booking) -> bool:
    from reviews.models import Review

    return Review.objects.filter(booking=booking).exists()


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _act(request, pk: int, action, success: str):
    """Run one room action and say how it went: in JSON to the page's script, else as a message back in the room.

    The JSON names the acted-on booking's new status, so the page can show it without reloading.
    """
    if not _wants_json(request):
        act_and_report(request, action, success)
        # A mentor records a group seat's no-show from another seat's room page: back to that page.
        back = request.POST.get("room", "")
        return redirect("sessions:room", int(back) if back.isascii() and back.isdigit() else pk)
    try:
        result = action()
    except DomainError as exc:
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return JsonResponse(error_body(exc.status_code, exc.message, errors), status=exc.status_code)
    booking = result[0] if isinstance(result, tuple) else result
    body = {"detail": success}
    if isinstance(booking, Booking):
        body.update(id=booking.pk, status=booking.status, status_display=booking.get_status_display())
    return JsonResponse(body)


@login_required
@require_POST
def join(request, pk: int):
    return _act(request, pk, lambda: services.session_join(booking_id=pk, user=request.user,
                                                           zone=timezone.get_current_timezone()),
                gettext("You joined the room."))


def _notes_or_refuse(form: NotesForm) -> str:
    if not form.is_valid():
        # Saving nothing beats saving an empty text over the notes already kept.
        raise InvalidInput(form.errors["mentor_notes"][0], field="mentor_notes")
    return form.cleaned_data["mentor_notes"]


@login_required
@require_POST
def save_notes(request, pk: int):
    form = NotesForm(request.POST)
    return _act(request, pk, lambda: services.session_notes_update(booking_id=pk, user=request.user,
                                                                   mentor_notes=_notes_or_refuse(form)),
                gettext("Notes saved."))


@login_required
@require_POST
def complete(request, pk: int):
    return _act(request, pk, lambda: services.session_complete(booking_id=pk, user=request.user),
                gettext("Marked complete. The mentee can now leave a review."))


@login_required
@require_POST
def no_show(request, pk: int):
    return _act(request, pk, lambda: services.session_no_show(booking_id=pk, user=request.user),
                gettext("Recorded as a no-show."))


@login_required
@require_POST
def review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Pick a rating from 1 to 5."))
        return redirect("sessions:room", pk)
    return _act(request, pk, lambda: services.session_complete_by_mentee(
        booking_id=pk, user=request.user, rating=form.cleaned_data["rating"], review=form.cleaned_data["review"]),
        gettext("Thank you for your review!"))


@login_required
@require_POST
def chat_send(request, pk: int):
    """The chat form without JavaScript: send, then back to the chat in the room (a refusal is flashed there)."""
    try:
        chat.session_message_send(user=request.user, booking_id=pk, text=request.POST.get("text", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("sessions:room", args=[pk]) + "#session-chat")
