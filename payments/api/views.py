import stripe
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorhub.api import parsers
from payments import services
from payments.api import serializers as s
from payments.models import Payment, PaymentEvent

PAY_ERRORS = ["404", "409"]


class IntentView(APIView):
    extra_error_codes = PAY_ERRORS

    @extend_schema(tags=["payments"], request=s.IntentInput, responses={201: s.PaymentOutput},
                   summary="Start paying for one of my bookings (asking again returns the same live intent)")
    def post(self, request):
        data = s.IntentInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_start(booking_id=data.validated_data["session_id"], payer=request.user)
        return Response(s.PaymentOutput(payment, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CreateView(APIView):
    extra_error_codes = PAY_ERRORS

    @extend_schema(tags=["payments"], request=s.CreateInput, responses={201: s.PaymentOutput},
                   summary="Create a payment for a session (the amount must be the server's price)")
    def post(self, request):
        data = s.CreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.payment_start(booking_id=data.validated_data["session_id"], payer=request.user,
                                         amount=data.validated_data["amount"])
        return Response(s.PaymentOutput(payment, context={"request": request}).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["payments"], summary="My payments, newest first")
class HistoryView(ListAPIView):
    serializer_class = s.HistoryItem
    queryset = Payment.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        return Payment.objects.filter(payer=self.request.user).exclude(provider_intent_id=None)


class WebhookView(APIView):
    """Stripe's webhook: the signature over the raw body is checked before anything is read."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []  # Stripe retries; signatures, not rate limits, keep strangers out

    @extend_schema(tags=["payments"], request={"application/json": OpenApiTypes.OBJECT},
                   responses={200: OpenApiResponse(description="Handled (or already handled)")},
                   summary="Stripe events, verified by the Stripe-Signature header")
    def post(self, request):
        header = request.headers.get("Stripe-Signature")
        if not settings.STRIPE_WEBHOOK_SECRET:
            raise ValidationError({"Stripe-Signature": ["Webhooks are not configured (no STRIPE_WEBHOOK_SECRET)."]})
        if not header:
            raise ValidationError({"Stripe-Signature": ["Missing signature header."]})
        payload = request.body.decode("utf-8", errors="replace")
        try:
            stripe.WebhookSignature.verify_header(payload, header, settings.STRIPE_WEBHOOK_SECRET,
                                                  tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS)
        except stripe.SignatureVerificationError:
            raise ValidationError({"Stripe-Signature": ["Invalid or stale signature."]}) from None
        event = parsers.loads(payload)
        if errors := _shape_errors(event):
            raise ValidationError(errors)
        outcome = services.payment_event_record(provider=_provider_for(event), event=event, payload=payload)
        return Response({"received": True, "outcome": outcome})


EVENT_ID_MAX = PaymentEvent._meta.get_field("event_id").max_length
EVENT_TYPE_MAX = PaymentEvent._meta.get_field("type").max_length
AMOUNT_FIELDS = ("amount", "amount_received", "amount_refunded", "amount_captured")
AMOUNT_MAX = 10**12  # far past any real charge in minor units; keeps every sum exact and storable


def _shape_errors(event) -> dict[str, list[str]]:
    """What is wrong with a signed event's shape, by field: the parts the payment services read must be sound.

    Stripe never sends these; a leaked or misused signing secret, or a provider bug, could. Refusing them here
    keeps ``payment_event_record`` to events it can apply, and records nothing for one it cannot.
    """
    if not isinstance(event, dict):
        return {"body": ["Not a Stripe event (expected a JSON object)."]}
    errors = {}
    if not _is_text(event.get("id"), EVENT_ID_MAX):
        errors["id"] = [f"Must be a string of 1 to {EVENT_ID_MAX} characters."]
    if not _is_text(event.get("type"), EVENT_TYPE_MAX):
        errors["type"] = [f"Must be a string of 1 to {EVENT_TYPE_MAX} characters."]
    data = event.get("data")
    if not isinstance(data, dict):
        errors["data"] = ["Must be an object."]
        return errors
    obj = data.get("object")
    if not isinstance(obj, dict):
        errors["data.object"] = ["Must be an object."]
        return errors
    for name in ("id", "payment_intent"):
        if obj.get(name) is not None and not _is_text(obj[name], 255):
            errors[f"data.object.{name}"] = ["Must be a string id or null."]
    for name in AMOUNT_FIELDS:
        value = obj.get(name)
        # bool is an int in Python, never an amount in JSON
        if value is not None and (type(value) is not int or not 0 <= value <= AMOUNT_MAX):
            errors[f"data.object.{name}"] = ["Must be a whole, non-negative amount in minor units."]
    currency = obj.get("currency")
    if currency is not None and not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        errors["data.object.currency"] = ["Must be a three-letter currency code."]
    return errors


def _is_text(value, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length


def _provider_for(event: dict) -> str:
    data = event["data"]["object"]
    intent = data.get("payment_intent") or data.get("id") or ""
    return "offline" if intent.startswith("pi_offline_") else "stripe"
