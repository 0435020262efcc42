from django.contrib import admin, messages
from django.db import transaction

from payments import services
from payments.models import Payment, PaymentEvent


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    fields = ("event_id", "type", "outcome", "received_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("provider_intent_id", "payer", "amount", "currency", "status", "refunded_amount", "provider",
                    "created_at")
    list_filter = ("status", "provider", "currency")
    search_fields = ("provider_intent_id", "payer__email", "description")
    list_select_related = ("payer",)
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]
    actions = ["refund_in_full"]

    @admin.action(description="Refund the rest of the selected payments in full")
    def refund_in_full(self, request, queryset):
        for payment in queryset:
            with transaction.atomic():
                locked = Payment.objects.select_for_update().get(pk=payment.pk)
                if locked.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED):
                    self.message_user(request, f"{locked}: nothing to refund.", messages.WARNING)
                    continue
                amount = services.payment_refund(payment=locked, amount=locked.amount - locked.refunded_amount,
                                                 reason=f"Refunded by staff ({request.user.email}).")
            self.message_user(request, f"Refunded {amount} {locked.currency} of {locked}.", messages.SUCCESS)


@admin.register(PaymentEvent)
class PaymentEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "provider", "payment", "outcome", "received_at")
    list_filter = ("type", "provider")
    search_fields = ("event_id",)
    readonly_fields = [f.name for f in PaymentEvent._meta.fields]
