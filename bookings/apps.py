from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Bookings"

    def ready(self):
        from bookings.selectors import booking_between
        from messaging.contacts import register_contact_rule

        # messaging sits below bookings: a booking between two people lets them write (messaging/contacts.py).
        register_contact_rule(booking_between)
