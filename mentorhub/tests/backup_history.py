"""Bookings, payments and their events for the backup tests, and a snapshot of them read straight from a
database (any DB-API connection: SQLite's or psycopg's), to compare a restored copy with its source.

Run as a script (``python -m mentorhub.tests.backup_history``) it migrates the configured database and fills
it: how the SQLite test gets a source database of its own whatever database the suite runs on.
"""

from decimal import Decimal

from django.apps import apps

# Per table: the key fields a restored copy must carry over unchanged, ids first.
KEY_FIELDS = {
    "bookings.Booking": ["id", "status", "payment_status", "price", "currency", "slot_id", "mentee_id"],
    "bookings.BookingEvent": ["id", "booking_id", "from_status", "to_status", "reason", "actor_id"],
    "payments.Payment": ["id", "booking_id", "payer_id", "status", "amount", "refunded_amount", "currency",
                         "provider_intent_id"],
    "payments.PaymentEvent": ["id", "event_id", "type", "payment_id", "outcome"],
}


def make_history() -> None:
    """Three bookings that went different ways, their audit rows, payments with provider events (one refunded
    in part, one still open) and an event that matched no payment."""
    from django.db import transaction

    from bookings.models import Booking
    from bookings.services import transition
    from bookings.tests.factories import BookingFactory
    from payments.models import Payment
    from payments.tests.factories import PaymentEventFactory, PaymentFactory

    s, paid = Booking.Status, Booking.PaymentStatus.PAID
    with transaction.atomic():
        held = BookingFactory(payment_status=paid, price=Decimal("2450.50"))
        mentor = held.slot.mentor.user
        payment = PaymentFactory(booking=held, status=Payment.Status.SUCCEEDED)
        PaymentEventFactory(payment=payment, type="payment_intent.succeeded")
        transition(held, to=s.COMPLETED, actor=mentor)

        cancelled = BookingFactory(payment_status=paid, price=Decimal("3000.00"))
        refund = PaymentFactory(booking=cancelled, status=Payment.Status.PARTIALLY_REFUNDED,
                                refunded_amount=Decimal("1500.25"))
        PaymentEventFactory(payment=refund, type="payment_intent.succeeded")
        PaymentEventFactory(payment=refund, type="charge.refunded", outcome="refunded 1500.25")
        transition(cancelled, to=s.CANCELLED, actor=cancelled.mentee, reason="Cannot make it")

        requested = BookingFactory(status=s.REQUESTED, price=Decimal("1200.00"))
        transition(requested, to=s.SCHEDULED, actor=requested.slot.mentor.user)
        PaymentFactory(booking=requested)
        PaymentEventFactory(type="payment_intent.succeeded", outcome="ignored: no such payment")


def tables() -> list[str]:
    """Every table the models keep (many-to-many ones included)."""
    return sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)
                   if model._meta.managed and not model._meta.proxy})


def _value(value):
    # SQLite keeps a decimal column's 2450.50 as a REAL: compare numbers as numbers.
    return Decimal(str(value)) if isinstance(value, float | Decimal) else value


def snapshot(database) -> dict:
    """The key fields of every booking, payment and event, and the row count of every table."""
    cursor = database.cursor()
    rows = {}
    for label, fields in KEY_FIELDS.items():
        table = apps.get_model(label)._meta.db_table
        cursor.execute(f"SELECT {', '.join(fields)} FROM {table} ORDER BY id")  # noqa: S608 (names from models)
        rows[label] = [tuple(_value(value) for value in row) for row in cursor.fetchall()]
    counts = {}
    for table in tables():
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return {"rows": rows, "counts": counts}


if __name__ == "__main__":
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    make_history()
