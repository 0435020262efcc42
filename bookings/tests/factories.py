from datetime import timedelta
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from bookings.models import Booking
from mentors.tests.factories import SlotFactory


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking made directly (tests of reads); tests of rules go through bookings.services."""

    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory, seats_taken=1)
    mentee = factory.SubFactory(UserFactory)
    status = Booking.Status.SCHEDULED
    price = Decimal("3000.00")
    currency = "RUB"
    payment_status = Booking.PaymentStatus.PENDING
    payment_due_at = factory.LazyAttribute(
        lambda o: o.slot.start - timedelta(minutes=60) if o.payment_status == Booking.PaymentStatus.PENDING else None)
