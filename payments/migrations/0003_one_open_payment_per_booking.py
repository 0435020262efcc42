from django.conf import settings
from django.db import migrations, models


def void_all_but_the_newest_open_intent(apps, schema_editor):
    """Before only one open intent per booking is allowed, older failed ones are marked cancelled.

    They are not cancelled with the provider here (a migration makes no network calls); if one of them
    is still paid, its success event is handled like any late one: it pays the booking if nothing else
    did, and is refunded in full if something did.
    """
    Payment = apps.get_model("payments", "Payment")
    seen = set()
    for payment in Payment.objects.filter(status__in=["pending", "failed"]).order_by("-created_at", "-id"):
        if payment.booking_id in seen:
            payment.status = "cancelled"
            payment.save(update_fields=["status"])
        elif payment.booking_id is not None:
            seen.add(payment.booking_id)


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_booking_payment_due_at'),
        ('payments', '0002_payment_flagged'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(void_all_but_the_newest_open_intent, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='payment',
            name='one_pending_payment_per_booking',
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'failed'])), fields=('booking',), name='one_open_payment_per_booking'),
        ),
    ]
