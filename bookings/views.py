"""Booking pages: book a time, my sessions, a booking and its history, the mentor's request inbox."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings import forms, selectors, services
from bookings.models import Booking
from mentorhub.dates import week_from
from mentorhub.errors import DomainError, NotFound
from mentorhub.pages import act_and_report
from mentors import selectors as mentor_selectors
from mentors.models import Service
from payments.policy import refund_terms


def _booking_or_404(request, pk: int) -> Booking:
    booking = selectors.booking_for_participant(user=request.user, booking_id=pk)
    if booking is None:
        raise Http404("No such booking.")
    return booking


@login_required
def book(request, mentor_id: int):
    """Review a chosen time (from the profile's week view), add a topic and agenda, then book it."""
    mentor = mentor_selectors.mentor_for_viewer(mentor_id=mentor_id, viewer=request.user)
    if mentor is None:
        raise Http404("No such mentor.")
    form = forms.BookForm(request.POST or request.GET)
    choice = terms = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            choice = services.booking_quote(mentor=mentor, slot_id=data.get("slot"), service_id=data.get("service"),
                                            start=data.get("start"))
        except NotFound as exc:
            raise Http404(exc.message) from exc  # a stale or edited link: nothing to review or book
        except DomainError as exc:
            messages.error(request, exc.message)
    if choice is not None:
        terms = refund_terms(mentor=mentor, start=choice.start)
        if request.method == "POST":
            try:
                booking = services.booking_hold(
                    mentee=request.user, slot_id=choice.slot.pk if choice.slot else None,
                    service_id=data.get("service"), mentor_id=None if choice.slot else mentor.pk,
                    start=None if choice.slot else choice.start, topic=data["topic"], agenda=data["agenda"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Request sent — the mentor will confirm it." if booking.status == "requested"
                                 else "Booked! See you there.")
                return redirect("bookings:detail", booking.pk)
    return render(request, "bookings/book.html", {"mentor": mentor, "form": form, "choice": choice, "terms": terms})


@login_required
def my_sessions(request):
    tab = "past" if request.GET.get("tab") == "past" else "upcoming"
    mine = selectors.bookings_as_participant(user=request.user)
    queryset = selectors.past(mine) if tab == "past" else selectors.upcoming(mine)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "bookings/my_sessions.html", {"tab": tab, "page": page})


@login_required
def detail(request, pk: int):
    booking = _booking_or_404(request, pk)
    is_mentor = booking.slot.mentor.user_id == request.user.pk
    from payments.policy import refund_quote

    context = {
        "booking": booking, "is_mentor": is_mentor, "events": booking.events.select_related("actor"),
        "refund": refund_quote(booking=booking, actor=request.user, now=timezone.now()),
        "can_change": booking.is_live and booking.slot.start > timezone.now(),
        "cancel_form": forms.CancelForm(), "decline_form": forms.DeclineForm(),
    }
    return render(request, "bookings/detail.html", context)


def _act(request, pk: int, act, success: str):
    act_and_report(request, act, success)
    # Only a known page is a return target: a free-form "next" would be an open redirect.
    if request.POST.get("next") == "inbox":
        return redirect("bookings:inbox")
    return redirect("bookings:detail", pk)


@login_required
@require_POST
def cancel(request, pk: int):
    form = forms.CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    expected = request.POST.get("expected_status") or None
    return _act(request, pk, lambda: services.booking_cancel(booking_id=pk, actor=request.user, reason=reason,
                                                             expected_status=expected),
                "The session was cancelled.")


@login_required
@require_POST
def confirm(request, pk: int):
    return _act(request, pk, lambda: services.booking_confirm(booking_id=pk, actor=request.user),
                "Confirmed. The mentee has been told.")


@login_required
@require_POST
def decline(request, pk: int):
    form = forms.DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, lambda: services.booking_decline(booking_id=pk, actor=request.user, reason=reason),
                "Declined. The seat is free again.")


@login_required
def reschedule(request, pk: int):
    """Pick a new time from the mentor's bookable times (a week at a time, in your zone)."""
    booking = _booking_or_404(request, pk)
    if request.method == "POST":
        form = forms.RescheduleForm(request.POST)
        if form.is_valid():
            return _act(request, pk, lambda: services.booking_reschedule(
                booking_id=pk, actor=request.user, start=form.cleaned_data["start"]), "Moved to the new time.")
        messages.error(request, "Pick one of the times shown.")
    today = timezone.localdate()
    first = week_from(request.GET.get("week"), today=today)
    week_start = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
    service = booking.service if booking.service and booking.service.capacity == 1 else None
    probe = service or Service(duration_minutes=booking.slot.duration_minutes, capacity=1)
    times = [t for t in mentor_selectors.bookable_times(mentor=booking.slot.mentor, service=probe,
                                                        window_start=week_start,
                                                        window_end=week_start + timedelta(days=7))
             if t.start != booking.slot.start]
    days = [{"date": first + timedelta(days=i),
             "times": [t for t in times if timezone.localtime(t.start).date() == first + timedelta(days=i)]}
            for i in range(7)]
    return render(request, "bookings/reschedule.html", {
        "booking": booking, "days": days, "next_week": first + timedelta(days=7),
        "prev_week": first - timedelta(days=7) if first > today else None,
    })


@login_required
def inbox(request):
    """The mentor's requests waiting for an answer, most urgent first, and upcoming sessions."""
    try:
        requests = selectors.requests_for_mentor(user=request.user)
        upcoming = selectors.upcoming_for_mentor(user=request.user)[:20]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "bookings/inbox.html", {
        "requests": requests, "upcoming": upcoming, "decline_form": forms.DeclineForm(),
    })
