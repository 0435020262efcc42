from bookings.tests.conftest import group_slot, one_seat_slot, profile, service, tomorrow_10  # noqa: F401
