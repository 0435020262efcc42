"""Booking pages: book a time, my sessions, a booking and its history, the mentor's request inbox."""

import contextlib
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings import forms, ports, selectors, services
from bookings.models import Booking
from mentorhub.dates import week_from
from mentorhub.errors import DomainError, NotFound
from mentorhub.pages import act_and_report
from mentors import selectors as mentor_selectors
from mentors.models import Service
from messaging.services import conversation_link_booking, message_may_write


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
    valid = form.is_valid()
    # The chosen time is quoted even when the topic or agenda is invalid: the page then shows that time
    # again, with the field's error and what was typed, instead of "Pick a time first".
    data = form.cleaned_data
    chosen = not any(name in form.errors for name in ("slot", "service", "start"))
    if chosen and (data.get("slot") or data.get("start")):
        try:
            choice = services.booking_quote(mentor=mentor, slot_id=data.get("slot"), service_id=data.get("service"),
                                            start=data.get("start"))
        except NotFound as exc:
            raise Http404(exc.message) from exc  # a stale or edited link: nothing to review or book
        except DomainError as exc:
            messages.error(request, exc.message)
    if choice is not None:
        terms = ports.money().refund_terms(mentor=mentor, start=choice.start)
        if request.method == "POST" and valid:
            try:
                booking = services.booking_hold(
                    mentee=request.user, slot_id=choice.slot.pk if choice.slot else None,
                    service_id=data.get("service"), mentor_id=None if choice.slot else mentor.pk,
                    start=None if choice.slot else choice.start, topic=data["topic"], agenda=data["agenda"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if data.get("from_conversation"):
                    _link_conversation(request, data["from_conversation"], booking)
                messages.success(request, _("Request sent — the mentor will confirm it.")
                                 if booking.status == "requested" else _("Booked! See you there."))
                return redirect("bookings:detail", booking.pk)
    return render(request, "bookings/book.html", {"mentor": mentor, "form": form, "choice": choice, "terms": terms})


def _link_conversation(request, conversation_id: int, booking: Booking) -> None:
    # After the booking's own transaction: a conversation that is gone or not the user's only loses the note.
    with contextlib.suppress(DomainError):
        conversation_link_booking(user=request.user, conversation_id=conversation_id, booking=booking)


@login_required
def my_sessions(request):
    tab = "past" if request.GET.get("tab") == "past" else "upcoming"
    mine = selectors.with_live_status(selectors.bookings_as_participant(user=request.user))
    queryset = selectors.over(mine) if tab == "past" else selectors.not_over(mine)
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "bookings/my_sessions.html", {"tab": tab, "page": page})


def _can_change(booking: Booking) -> bool:
    return booking.is_live and booking.slot.start > timezone.now()


@login_required
def detail(request, pk: int):
    booking = _booking_or_404(request, pk)
    is_mentor = booking.slot.mentor.user_id == request.user.pk
    context = {
        "booking": booking, "is_mentor": is_mentor, "is_participant": is_mentor or booking.mentee_id == request.user.pk,
        "events": booking.events.select_related("actor"),
        "refund": ports.money().refund_quote(booking=booking, actor=request.user, now=timezone.now()),
        "can_change": _can_change(booking), "decline_form": forms.DeclineForm(),
        "late_move_refusal": services.late_move_refusal(booking=booking, actor=request.user, now=timezone.now()),
        # A session that will never take place has no room to open (it would only say so).
        "has_room": booking.status not in (Booking.Status.CANCELLED, Booking.Status.DECLINED, Booking.Status.EXPIRED),
    }
    other = booking.mentee if is_mentor else booking.slot.mentor.user
    context["message_user"] = other if message_may_write(sender=request.user, recipient=other) else None
    # The session's chat, kept here to read (it is written in the room); ?chat_before= scrolls back.
    before = request.GET.get("chat_before", "")
    context["older_view"] = before.isdigit()
    context["chat"] = ports.sessions().chat_transcript(user=request.user, booking_id=booking.pk,
                                                       before_id=int(before) if before.isdigit() else None)
    return render(request, "bookings/detail.html", context)


def _act(request, pk: int, act, success: str):
    act_and_report(request, act, success)
    # Only a known page is a return target: a free-form "next" would be an open redirect.
    if request.POST.get("next") == "inbox":
        return redirect("bookings:inbox")
    return redirect("bookings:detail", pk)


@login_required
def cancel(request, pk: int):
    """GET: what cancelling now gives back, and a reason to leave. POST: cancel, on the terms that were shown."""
    booking = _booking_or_404(request, pk)
    if not _can_change(booking):
        messages.info(request, _("This session can no longer be cancelled."))
        return redirect("bookings:detail", pk)
    refund = ports.money().refund_quote(booking=booking, actor=request.user, now=timezone.now())
    form = forms.CancelForm(request.POST or None,
                            initial={"expected_status": booking.status, "quoted_refund": refund.amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["quoted_refund"] is not None and data["quoted_refund"] != refund.amount:
            # The refund tier changed while the page was open (a notice window passed): confirm the new one.
            messages.warning(request, _("The refund changed since this page was opened. Check it and confirm again."))
            form = forms.CancelForm(initial={"expected_status": booking.status, "quoted_refund": refund.amount,
                                             "reason": data["reason"]})
        else:
            return _act(request, pk, lambda: services.booking_cancel(
                booking_id=pk, actor=request.user, reason=data["reason"],
                expected_status=data["expected_status"] or None), _("The session was cancelled."))
    return render(request, "bookings/cancel.html", {"booking": booking, "refund": refund, "form": form,
                                                    "is_mentor": booking.slot.mentor.user_id == request.user.pk})


@login_required
@require_POST
def confirm(request, pk: int):
    return _act(request, pk, lambda: services.booking_confirm(booking_id=pk, actor=request.user),
                _("Confirmed. The mentee has been told."))


@login_required
@require_POST
def decline(request, pk: int):
    form = forms.DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, lambda: services.booking_decline(booking_id=pk, actor=request.user, reason=reason),
                _("Declined. The seat is free again."))


def _new_times(booking: Booking, *, window_start: datetime, window_end: datetime):
    """The mentor's bookable times a booking could move to: same length, not its own time."""
    service = booking.service if booking.service and booking.service.capacity == 1 else None
    probe = service or Service(duration_minutes=booking.slot.duration_minutes, capacity=1)
    return [t for t in mentor_selectors.bookable_times(mentor=booking.slot.mentor, service=probe,
                                                       window_start=window_start, window_end=window_end)
            if t.start != booking.slot.start]


@login_required
def reschedule(request, pk: int):
    """Pick a new time from the mentor's bookable times (a week at a time, in your zone), then confirm the move.

    Choosing a time (``?start=``) only shows the move side by side; the POST from that page makes it."""
    booking = _booking_or_404(request, pk)
    if not _can_change(booking):
        messages.info(request, _("This session can no longer be moved."))
        return redirect("bookings:detail", pk)
    if request.method == "POST":
        form = forms.RescheduleForm(request.POST)
        if form.is_valid():
            return _act(request, pk, lambda: services.booking_reschedule(
                booking_id=pk, actor=request.user, start=form.cleaned_data["start"]), _("Moved to the new time."))
        messages.error(request, _("Pick one of the times shown."))
    elif "start" in request.GET:
        form = forms.RescheduleForm(request.GET)
        if form.is_valid():
            start = form.cleaned_data["start"]
            chosen = next(iter(_new_times(booking, window_start=start, window_end=start + timedelta(seconds=1))),
                          None)
            if chosen is not None:
                return render(request, "bookings/reschedule_confirm.html", {
                    "booking": booking, "form": form, "new_start": chosen.start, "new_end": chosen.end,
                    "week": timezone.localdate(chosen.start),
                })
            messages.error(request, _("That time is no longer free. Pick another one."))
        else:
            messages.error(request, _("Pick one of the times shown."))
    today = timezone.localdate()
    first = week_from(request.GET.get("week"), today=today)
    week_start = datetime.combine(first, time.min, tzinfo=timezone.get_current_timezone())
    times = _new_times(booking, window_start=week_start, window_end=week_start + timedelta(days=7))
    days = [{"date": first + timedelta(days=i),
             "times": [t for t in times if timezone.localtime(t.start).date() == first + timedelta(days=i)]}
            for i in range(7)]
    return render(request, "bookings/reschedule.html", {
        "booking": booking, "days": days, "week": first, "next_week": first + timedelta(days=7),
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
