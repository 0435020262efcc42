import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "booking.scheduled"
    title = factory.Sequence(lambda n: f"Notice {n}")
    body = "Career guidance — Tue 04 Mar 2031, 10:00 (UTC)."
    link = "/sessions/"
