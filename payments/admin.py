from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentorhub.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from mentorhub.errors import DomainError
from payments import services
from payments.models import Payment, PaymentEvent


class BookingPaymentInline(ReadOnlyInline):
    """The payments of a booking, on the booking's admin page (given to bookings through bookings.ports)."""

    model = Payment
    fields = ("created_at", "amount", "refunded_amount", "currency", "status", "provider", "provider_intent_id",
              "flagged")
    readonly_fields = fields
    show_change_link = True  # the payment's own page has its provider events and the refund action


class PaymentEventInline(ReadOnlyInline):
    """The payment's history: provider events (replays and mismatches included) and staff refunds."""

    model = PaymentEvent
    verbose_name_plural = "history (provider events and staff refunds)"
    fields = ("received_at", "type", "event_id", "outcome")
    readonly_fields = fields


class NeedsAttention(admin.SimpleListFilter):
    """Payments whose provider events could not be trusted (wrong amount or currency, refunds made elsewhere)."""

    title = "needs attention"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged")]

    def queryset(self, request, queryset):
        return queryset.exclude(flagged="") if self.value() == "yes" else queryset


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        min_value=0.01, max_digits=10, decimal_places=2, required=False,
        help_text=_("Leave empty to refund everything the payment still keeps. A payment for a live booking is "
                    "refunded only in full, which cancels the booking."))
    reason = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             help_text=_("Kept in the payment's history."))


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "provider_intent_id", "payer", "booking", "amount", "refunded_amount", "currency", "status",
                    "provider", "flagged", "created_at")
    list_filter = (NeedsAttention, "status", "provider", "currency")
    search_fields = ("provider_intent_id", "payer__email", "payer__full_name", "description")
    list_select_related = ("payer", "booking")
    date_hierarchy = "created_at"
    # Amounts, statuses and provider ids change only through the provider's events and the refund action.
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "client_secret"]
    exclude = ("client_secret",)  # a checkout credential, of no use to staff
    inlines = [PaymentEventInline]
    actions = ["refund_in_full", "refund"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payer", "booking", "enrollment")

    @admin.action(description=_("Refund the selected payments in full (a live booking they pay for is cancelled)"))
    def refund_in_full(self, request, queryset):
        self._refund_each(request, queryset, amount=None, reason="")

    @admin.action(description=_("Refund part or all of the selected payments (asks an amount)…"))
    def refund(self, request, queryset):
        form = RefundForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {**self.admin_site.each_context(request), "form": form, "items": queryset, "action": "refund",
                       "opts": self.model._meta, "action_checkbox_name": ACTION_CHECKBOX_NAME,
                       "title": gettext("Refund payments"), "submit": gettext("Refund"),
                       "intro": gettext("Give money back through the payment provider. Refunding all of a live "
                                        "booking's payment cancels the booking and frees its seat; both sides are "
                                        "told.")}
            return TemplateResponse(request, "admin/staff_action_form.html", context)
        self._refund_each(request, queryset, amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"])
        return None

    def _refund_each(self, request, queryset, *, amount, reason) -> None:
        for payment in queryset:
            try:
                refunded = services.payment_refund_by_staff(payment_id=payment.pk, staff=request.user,
                                                            amount=amount, reason=reason)
            except DomainError as exc:
                said = gettext("Payment %(pk)s: %(result)s") % {"pk": payment.pk, "result": exc.message}
                self.message_user(request, said, messages.ERROR)
                continue
            self.message_user(request, gettext("Payment %(pk)s: refunded %(amount)s %(currency)s.") % {
                "pk": payment.pk, "amount": refunded, "currency": payment.currency}, messages.SUCCESS)


@admin.register(PaymentEvent)
class PaymentEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "provider", "payment", "outcome", "received_at")
    list_filter = ("type", "provider")
    search_fields = ("event_id",)
    list_select_related = ("payment",)
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]

