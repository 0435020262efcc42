from rest_framework import serializers

from mentors.api.serializers import MONEY, AnyOfNames
from payments.models import Payment


class IntentInput(AnyOfNames):
    aliases = {"sessionId": "session_id", "bookingId": "session_id", "booking_id": "session_id"}
    session_id = serializers.IntegerField(min_value=1, help_text="The booking (session) to pay for.")


class CreateInput(IntentInput):
    aliases = {**IntentInput.aliases, "paymentMethod": "payment_method"}
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0,
                                      help_text="Must equal the booking's price.")
    payment_method = serializers.ChoiceField(choices=["card"], default="card")


class PaymentOutput(serializers.ModelSerializer):
    payment_id = serializers.CharField(source="provider_intent_id")
    amount = serializers.DecimalField(**MONEY)
    payment_url = serializers.SerializerMethodField()
    session_id = serializers.IntegerField(source="booking_id", allow_null=True)

    class Meta:
        model = Payment
        fields = ["payment_id", "session_id", "amount", "currency", "status", "provider", "client_secret",
                  "payment_url", "expires_at"]

    def get_payment_url(self, payment) -> str:
        request = self.context.get("request")
        path = f"/payments/{payment.pk}/checkout/"
        return request.build_absolute_uri(path) if request else path


class HistoryItem(serializers.ModelSerializer):
    id = serializers.CharField(source="provider_intent_id")
    amount = serializers.DecimalField(**MONEY)
    refunded_amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = Payment
        fields = ["id", "amount", "refunded_amount", "currency", "status", "description", "created_at"]
