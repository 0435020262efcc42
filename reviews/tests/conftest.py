from bookings.tests.conftest import one_seat_slot, profile, service, tomorrow_10  # noqa: F401
