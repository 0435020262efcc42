from django.contrib import admin, messages

from mentorhub.errors import DomainError
from payments import services
from payments.models import Payment, PaymentEvent


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    fields = ("event_id", "type", "outcome", "received_at")
    readonly_fields = fields
    can_delete = False


class NeedsAttention(admin.SimpleListFilter):
    """Payments whose provider events could not be trusted (wrong amount or currency, refunds made elsewhere)."""

    title = "needs attention"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged")]

    def queryset(self, request, queryset):
        return queryset.exclude(flagged="") if self.value() == "yes" else queryset


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("provider_intent_id", "payer", "amount", "currency", "status", "refunded_amount", "provider",
                    "flagged", "created_at")
    list_filter = (NeedsAttention, "status", "provider", "currency")
    search_fields = ("provider_intent_id", "payer__email", "description")
    list_select_related = ("payer",)
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]
    actions = ["refund_in_full"]

    @admin.action(description="Refund the selected payments in full (a live booking they pay for is cancelled)")
    def refund_in_full(self, request, queryset):
        for payment in queryset:
            try:
                amount = services.payment_refund_by_staff(payment_id=payment.pk, staff=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.WARNING)
                continue
            self.message_user(request, f"Refunded {amount} {payment.currency} of {payment}.", messages.SUCCESS)


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "provider", "payment", "outcome", "received_at")
    list_filter = ("type", "provider")
    search_fields = ("event_id",)
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]
