from bookings.tests.factories import BookingFactory


def test_a_booking_is_open_to_its_mentee_its_mentor_and_staff_only(mentee, mentor, other_user, staff):
    booking = BookingFactory(mentee=mentee, slot__mentor__user=mentor)

    assert booking.is_open_to(mentee)
    assert booking.is_open_to(mentor)
    assert booking.is_open_to(staff)
    assert not booking.is_open_to(other_user)
