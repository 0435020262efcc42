import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from payments.models import Payment, PaymentEvent


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment row made directly (tests of reads and of data); tests of rules go through payments.services."""

    class Meta:
        model = Payment

    payer = factory.LazyAttribute(lambda o: o.booking.mentee if o.booking else UserFactory())
    booking = None
    description = "Mentoring session"
    amount = factory.LazyAttribute(lambda o: o.booking.price if o.booking else Decimal("3000.00"))
    currency = factory.LazyAttribute(lambda o: o.booking.currency if o.booking else "RUB")
    provider = "offline"
    provider_intent_id = factory.LazyFunction(lambda: f"pi_{uuid.uuid4().hex}")
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))


class PaymentEventFactory(factory.django.DjangoModelFactory):
    """A provider event as payments.services.payment_event_record stores it."""

    class Meta:
        model = PaymentEvent

    provider = "offline"
    event_id = factory.LazyFunction(lambda: f"evt_{uuid.uuid4().hex}")
    type = "payment_intent.succeeded"
    payment = None
    payload = "{}"
    outcome = "applied"
