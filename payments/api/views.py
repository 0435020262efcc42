import json

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

from payments import services
from payments.api import serializers as s
from payments.models import Payment

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
            event = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError):
            raise ValidationError({"Stripe-Signature": ["Invalid or stale signature."]}) from None
        if not isinstance(event, dict) or "id" not in event or "type" not in event:
            raise ValidationError({"body": ["Not a Stripe event."]})
        outcome = services.payment_event_record(provider=_provider_for(event), event=event, payload=payload)
        return Response({"received": True, "outcome": outcome})


def _provider_for(event: dict) -> str:
    data = event.get("data", {}).get("object", {})
    intent = data.get("payment_intent") or data.get("id") or ""
    return "offline" if str(intent).startswith("pi_offline_") else "stripe"
