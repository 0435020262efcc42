"""Payment pages: start paying, checkout (offline test mode or Stripe Elements), result, history, receipts."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from bookings.models import Booking
from courses.services import REFUND_DAYS, REFUND_MAX_PROGRESS
from mentorhub.errors import DomainError
from mentors.models import MentorProfile
from payments import selectors, services
from payments.models import Payment
from payments.policy import refund_terms

PAGE_SIZE = 20


def _mine(request, pk: int) -> Payment:
    payment = (Payment.objects.select_related("booking__slot__mentor__user", "enrollment__course")
               .filter(pk=pk, payer=request.user).first())
    if payment is None:
        raise Http404("No such payment.")
    return payment


@login_required
def pay_booking(request, booking_id: int):
    """GET: what you are about to pay, by when, and the refund terms. POST (with CSRF): start the checkout."""
    booking = (Booking.objects.select_related("slot__mentor__user", "service")
               .filter(pk=booking_id, mentee=request.user).first())
    if booking is None:
        raise Http404("No such booking.")
    if request.method == "POST":
        try:
            payment = services.payment_start(booking_id=booking_id, payer=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("bookings:detail", booking_id)
        return redirect("payments:checkout", payment.pk)
    if refusal := services.payment_refusal(booking, now=timezone.now()):
        messages.info(request, refusal)
        return redirect("bookings:detail", booking_id)
    return render(request, "payments/pay.html", {
        "booking": booking, "terms": refund_terms(mentor=booking.slot.mentor, start=booking.slot.start),
        "offline_payments": not settings.STRIPE_SECRET_KEY,
    })


@login_required
def checkout(request, pk: int):
    payment = _mine(request, pk)
    if payment.status != Payment.Status.PENDING and payment.status != Payment.Status.FAILED:
        return redirect("payments:result", payment.pk)
    booking = payment.booking
    return render(request, "payments/checkout.html", {
        "payment": payment, "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
        "terms": refund_terms(mentor=booking.slot.mentor, start=booking.slot.start) if booking else None,
        "return_url": request.build_absolute_uri(f"/payments/{payment.pk}/result/"),
        "course_refund_days": REFUND_DAYS, "course_refund_progress": REFUND_MAX_PROGRESS,
    })


@login_required
@require_POST
def decide(request, pk: int):
    """The offline provider's test checkout: succeed or fail, delivered as a provider event."""
    try:
        services.offline_checkout_decide(payment_id=pk, payer=request.user,
                                         succeed=request.POST.get("outcome") == "succeed")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("payments:result", pk)


@login_required
def result(request, pk: int):
    return render(request, "payments/result.html", {"payment": _mine(request, pk)})


def _mentor_profile(user) -> MentorProfile | None:
    try:
        return user.mentor_profile  # cached on the user: the navigation asks too
    except MentorProfile.DoesNotExist:
        return None


@login_required
def history(request):
    """Payments I made; for a mentor, first what they earned (the "Earnings" tab)."""
    profile = _mentor_profile(request.user)
    context = {"profile": profile, "offline_payments": not settings.STRIPE_SECRET_KEY}
    number = request.GET.get("page")
    if profile is not None and request.GET.get("tab") != "made":
        months = selectors.mentor_earnings_by_month(user=request.user)
        earnings = selectors.mentor_earnings(user=request.user)
        return render(request, "payments/earnings.html", {
            **context, "months": months, "totals": selectors.totals_by_currency(months),
            "page": Paginator(earnings, PAGE_SIZE).get_page(number),
        })
    page = Paginator(selectors.payments_made(user=request.user), PAGE_SIZE).get_page(number)
    return render(request, "payments/history.html", {**context, "page": page})


class _Echo:
    """The one method csv.writer needs: each row is handed straight to the streaming response."""

    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection): names are user input.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@login_required
def earnings_csv(request):
    """Every payment a mentor earned (sessions and course enrollments), one row each, refunds deducted: for their
    accounts."""
    if _mentor_profile(request.user) is None:
        raise Http404("You have no mentor profile.")
    zone = timezone.get_current_timezone()

    def rows():
        yield ["paid_at", "booking_id", "session_start", "mentee", "service", "course", "currency", "amount",
               "refunded", "kept", "status"]
        for payment in selectors.mentor_earnings(user=request.user).iterator(chunk_size=500):
            paid_at = timezone.localtime(payment.created_at, zone).isoformat(timespec="seconds")
            money = [payment.currency, f"{payment.amount:.2f}", f"{payment.refunded_amount:.2f}",
                     f"{payment.kept:.2f}", payment.status]
            if booking := payment.booking:
                service = booking.service.name if booking.service else gettext("Session")
                yield [paid_at, booking.pk, timezone.localtime(booking.slot.start, zone).isoformat(timespec="minutes"),
                       _cell(booking.mentee.display_name), _cell(service), "", *money]
            else:  # a learner's enrollment in one of the mentor's courses
                enrollment = payment.enrollment
                yield [paid_at, "", "", _cell(enrollment.user.display_name), "", _cell(enrollment.course.title), *money]

    writer = csv.writer(_Echo())
    filename = f"mentorhub-earnings-{timezone.localdate():%Y-%m-%d}.csv"
    return StreamingHttpResponse((writer.writerow(row) for row in rows()), content_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@login_required
def receipt(request, pk: int):
    payment = _mine(request, pk)
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED):
        raise Http404("No receipt: this payment did not go through.")
    return render(request, "payments/receipt.html", {"payment": payment})
