"""The session page: countdown, join, the room itself, the mentor's notes, completion and the review."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorhub.errors import DomainError
from mentorhub.pages import act_and_report
from sessions_app import services
from sessions_app.video import room_for


class NotesForm(forms.Form):
    mentor_notes = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6}),
                                   label="Private notes (only you see these)")


class ReviewForm(forms.Form):
    # Nothing is chosen until the mentee chooses: a preselected rating published stars nobody gave.
    rating = forms.TypedChoiceField(
        choices=[("", "Choose a rating"), (5, "5 ★ Excellent"), (4, "4 ★ Good"), (3, "3 ★ Okay"), (2, "2 ★ Poor"),
                 (1, "1 ★ Bad")],
        coerce=int, label="Your rating", error_messages={"required": "Choose a rating from 1 to 5 stars."})
    review = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             label="Your review (public, optional)")


@login_required
def room(request, pk: int):
    try:
        booking, meeting, refusal = services.session_view(booking_id=pk, user=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    is_mentor = booking.slot.mentor.user_id == request.user.pk
    video = room_for(meeting, booking_id=booking.pk, user=request.user)
    opens, closes = services.join_window(booking)
    return render(request, "sessions_app/room.html", {
        "booking": booking, "is_mentor": is_mentor, "video": video, "refusal": refusal,
        "opens": opens, "closes": closes, "ice_json": json.dumps(video.ice_servers),
        "notes_form": NotesForm(initial={"mentor_notes": booking.mentor_notes}) if is_mentor else None,
        "review_form": ReviewForm(), "reviewed": hasattr(booking, "review") and _has_review(booking),
    })


def _has_review(booking) -> bool:
    from reviews.models import Review

    return Review.objects.filter(booking=booking).exists()


def _act(request, pk: int, action, success: str):
    """Run one room action, say how it went, and go back to the room."""
    act_and_report(request, action, success)
    return redirect("sessions:room", pk)


@login_required
@require_POST
def join(request, pk: int):
    return _act(request, pk, lambda: services.session_join(booking_id=pk, user=request.user), "You joined the room.")


@login_required
@require_POST
def save_notes(request, pk: int):
    form = NotesForm(request.POST)
    notes = form.cleaned_data["mentor_notes"] if form.is_valid() else ""
    return _act(request, pk, lambda: services.session_notes_update(booking_id=pk, user=request.user,
                                                                   mentor_notes=notes), "Notes saved.")


@login_required
@require_POST
def complete(request, pk: int):
    return _act(request, pk, lambda: services.session_complete(booking_id=pk, user=request.user),
                "Marked complete. The mentee can now leave a review.")


@login_required
@require_POST
def no_show(request, pk: int):
    return _act(request, pk, lambda: services.session_no_show(booking_id=pk, user=request.user),
                "Recorded as a no-show.")


@login_required
@require_POST
def review(request, pk: int):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick a rating from 1 to 5.")
        return redirect("sessions:room", pk)
    return _act(request, pk, lambda: services.session_complete_by_mentee(
        booking_id=pk, user=request.user, rating=form.cleaned_data["rating"], review=form.cleaned_data["review"]),
        "Thank you for your review!")
