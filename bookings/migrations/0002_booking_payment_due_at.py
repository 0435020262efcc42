from django.conf import settings
from datetime import timedelta

from django.db import migrations, models


def due_before_the_start(apps, schema_editor):
    """Unpaid bookings made before this field keep the deadline they were shown: the start minus the lead time."""
    Booking = apps.get_model("bookings", "Booking")
    lead = timedelta(minutes=settings.PAYMENT_DEADLINE_MINUTES)
    for booking in Booking.objects.filter(payment_status="pending").select_related("slot"):
        booking.payment_due_at = booking.slot.start - lead
        booking.save(update_fields=["payment_due_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='booking',
            name='payment_due_at',
            field=models.DateTimeField(blank=True, help_text='A priced booking still unpaid at this time is cancelled and its seat freed.', null=True),
        ),
        migrations.AddIndex(
            model_name='booking',
            index=models.Index(fields=['payment_status', 'payment_due_at'], name='booking_unpaid_sweep'),
        ),
        migrations.RunPython(due_before_the_start, migrations.RunPython.noop),
    ]
