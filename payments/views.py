"""Payment pages: start paying, checkout (offline test mode or Stripe Elements), result, history, receipts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.models import Booking
from mentorhub.errors import DomainError
from payments import services
from payments.models import Payment
from payments.policy import refund_terms


def _mine(request, pk: int) -> Payment:
    payment = Payment.objects.select_related("booking__slot__mentor__user").filter(pk=pk, payer=request.user).first()
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


@login_required
def history(request):
    payments = Payment.objects.filter(payer=request.user).exclude(provider_intent_id=None)
    return render(request, "payments/history.html", {
        "page": Paginator(payments, 20).get_page(request.GET.get("page")),
        "offline_payments": not settings.STRIPE_SECRET_KEY,
    })


@login_required
def receipt(request, pk: int):
    payment = _mine(request, pk)
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED):
        raise Http404("No receipt: this payment did not go through.")
    return render(request, "payments/receipt.html", {"payment": payment})
