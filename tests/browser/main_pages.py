"""The product's main pages, each with demo content to show: one list shared by the screenshot set
(`make screenshots`) and the browser test that no page scrolls sideways.

``demo_sessions`` runs after ``seed_demo``: it gives the demo people sessions in every state (requested,
scheduled and unpaid, paid, live now, completed, cancelled) through the same services the site uses,
so the booking, inbox, checkout and room pages have something real on them.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

from django.utils import timezone

from accounts.models import User
from bookings import services as booking_services
from bookings.models import Booking
from courses.models import Course, Enrollment
from mentors import selectors as mentor_selectors
from mentors.models import MentorProfile, Slot
from messaging import services as message_services
from payments import services as payment_services
from payments.models import Payment
from sessions_app import services as session_services

STUDENT = "ivan.student@mentorhub.local"
OTHER_STUDENT = "emma.student@mentorhub.local"
MENTOR = "james.mentor@mentorhub.local"  # confirms each request: his inbox has some
LIVE_MENTOR = "maria.mentor@mentorhub.local"  # books at once; has a session going on now
STAFF = "admin@mentorhub.local"  # the staff dashboard's figures cover everyone's sessions above

WIDE, NARROW = 1280, 390


@dataclass(frozen=True)
class MainPage:
    name: str  # the screenshot's file name
    who: str | None  # the demo user's e-mail; None: anonymous
    path: str


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _profile(email: str) -> MentorProfile:
    return MentorProfile.objects.get(user__email=email)


def _free_times(mentor: MentorProfile, *, days: int = 21):
    now = timezone.now()
    service = mentor.services.filter(capacity=1).order_by("duration_minutes").last()
    times = mentor_selectors.bookable_times(mentor=mentor, service=service, window_start=now,
                                            window_end=now + timedelta(days=days))
    return service, [t for t in times if t.slot_id is None]


def _iso(moment) -> str:
    return quote(moment.strftime("%Y-%m-%dT%H:%M:%S%z"))


def _paid(booking: Booking, payer: User) -> None:
    payment = payment_services.payment_start(booking_id=booking.pk, payer=payer)
    payment_services.offline_checkout_decide(payment_id=payment.pk, payer=payer, succeed=True)


def _held_now(*, mentor: MentorProfile, mentee: User, start, minutes: int, status: str, topic: str) -> Booking:
    """A session at a time no one can book any more (going on now, or over): made directly, paid."""
    slot = Slot.objects.create(mentor=mentor, start=start, end=start + timedelta(minutes=minutes), seats_taken=1)
    price = (mentor.price_per_hour * minutes / 60).quantize(Decimal("1"))
    booking = Booking.objects.create(slot=slot, mentee=mentee, status=status, payment_status="paid", price=price,
                                     currency=mentor.currency, topic=topic)
    Payment.objects.create(payer=mentee, booking=booking, description=f"Session with {mentor.user.display_name}",
                           amount=price, currency=mentor.currency, provider="offline",
                           provider_intent_id=f"offline_demo_{booking.pk}", status=Payment.Status.SUCCEEDED,
                           idempotency_key=f"demo-{booking.pk}", expires_at=start)
    return booking


def demo_sessions() -> list[MainPage]:
    """Sessions in every state for the demo people; then every main page, with who looks at it."""
    now = timezone.now()
    student, other, mentor_user = _user(STUDENT), _user(OTHER_STUDENT), _user(MENTOR)
    maria, james = _profile(LIVE_MENTOR), _profile(MENTOR)

    service, maria_times = _free_times(maria)
    unpaid = booking_services.booking_hold(
        mentee=student, mentor_id=maria.pk, start=maria_times[0].start, service_id=service.pk,
        topic="Django architecture review", agenda="Our monolith is 200k lines: where do we draw app boundaries?")
    checkout = payment_services.payment_start(booking_id=unpaid.pk, payer=student)
    new_time = next(t.start for t in maria_times if t.start >= unpaid.slot.start + timedelta(days=1))

    james_service, james_times = _free_times(james)
    request = booking_services.booking_hold(
        mentee=student, mentor_id=james.pk, start=james_times[0].start, service_id=james_service.pk,
        topic="Staff engineer promotion packet", agenda="Feedback on my packet draft and the system design story.")
    confirmed = booking_services.booking_hold(
        mentee=other, mentor_id=james.pk, start=james_times[3].start, service_id=james_service.pk,
        topic="System design mock interview")
    booking_services.booking_confirm(booking_id=confirmed.pk, actor=mentor_user)
    _paid(confirmed, other)
    booking_services.booking_hold(mentee=other, mentor_id=james.pk, start=james_times[6].start,
                                  service_id=james_service.pk, topic="Go concurrency patterns")

    lena = _profile("lena.mentor@mentorhub.local")
    lena_service, lena_times = _free_times(lena)
    dropped = booking_services.booking_hold(mentee=student, mentor_id=lena.pk, start=lena_times[0].start,
                                            service_id=lena_service.pk, topic="ML in production")
    booking_services.booking_cancel(booking_id=dropped.pk, actor=student, reason="My team moved the launch.")

    live = _held_now(mentor=maria, mentee=student, start=now - timedelta(minutes=5), minutes=60, status="scheduled",
                     topic="Python interview practice")
    session_services.session_join(booking_id=live.pk, user=maria.user)  # someone is in: "In progress"
    done = _held_now(mentor=_profile("aiko.mentor@mentorhub.local"), mentee=student,
                     start=now - timedelta(days=2), minutes=60, status="completed", topic="React performance")

    chat = message_services.message_send(
        sender=student, recipient_id=mentor_user.pk,
        text="Hi James! Before my promotion session: could you read my system design story first?").conversation
    message_services.message_send(sender=mentor_user, recipient_id=student.pk,
                                  text="Sure. Send it over and book a slot this week; I'll read it beforehand.")
    message_services.message_send(sender=student, recipient_id=mentor_user.pk,
                                  text="https://example.com/a-very-long-link-to-a-shared-document-without-any-spaces-in-it")

    learning = Enrollment.objects.select_related("course").filter(user=student, completed_at=None,
                                                                   status="active").order_by("pk").first()
    lesson = learning.course.lessons.filter(archived_at=None).order_by("position").last()
    james_course = Course.objects.filter(author__user=mentor_user).order_by("pk").first()

    return [
        MainPage("home", None, "/"),
        MainPage("search", None, "/mentors/"),
        MainPage("mentor-profile", None, f"/mentors/{maria.pk}/"),
        MainPage("login", None, "/accounts/login/"),
        MainPage("signup", None, "/accounts/signup/"),
        MainPage("book", STUDENT, f"/mentors/{maria.pk}/book/?start={_iso(maria_times[1].start)}"
                                  f"&service={service.pk}"),
        MainPage("my-sessions", STUDENT, "/sessions/"),
        MainPage("my-sessions-past", STUDENT, "/sessions/?tab=past"),
        MainPage("booking-detail", STUDENT, f"/bookings/{unpaid.pk}/"),
        MainPage("booking-in-progress", STUDENT, f"/bookings/{live.pk}/"),
        MainPage("cancel", STUDENT, f"/bookings/{unpaid.pk}/cancel/"),
        MainPage("reschedule", STUDENT, f"/bookings/{unpaid.pk}/reschedule/"),
        MainPage("reschedule-confirm", STUDENT, f"/bookings/{unpaid.pk}/reschedule/?start={_iso(new_time)}"),
        MainPage("pay", STUDENT, f"/bookings/{unpaid.pk}/pay/"),
        MainPage("checkout", STUDENT, f"/payments/{checkout.pk}/checkout/"),
        MainPage("payments", STUDENT, "/payments/"),
        MainPage("notifications", STUDENT, "/notifications/"),
        MainPage("messages", STUDENT, "/messages/"),
        MainPage("conversation", STUDENT, f"/messages/{chat.pk}/"),
        MainPage("room", STUDENT, f"/sessions/{live.pk}/room/"),
        MainPage("room-review", STUDENT, f"/sessions/{done.pk}/room/"),
        MainPage("profile", STUDENT, "/profile/"),
        MainPage("apply", STUDENT, "/mentors/apply/"),
        MainPage("courses", None, "/courses/"),
        MainPage("course", STUDENT, f"/courses/{learning.course_id}/"),
        MainPage("lesson", STUDENT, f"/courses/{learning.course_id}/lessons/{lesson.pk}/"),
        MainPage("my-learning", STUDENT, "/courses/my/"),
        MainPage("my-courses", MENTOR, "/mentor/courses/"),
        MainPage("course-edit", MENTOR, f"/mentor/courses/{james_course.pk}/"),
        MainPage("inbox", MENTOR, "/mentor/requests/"),
        MainPage("dashboard", MENTOR, "/mentor/dashboard/"),
        MainPage("mentor-analytics", MENTOR, "/mentor/analytics/"),
        MainPage("request-detail", MENTOR, f"/bookings/{request.pk}/"),
        MainPage("conversation-mentor", MENTOR, f"/messages/{chat.pk}/"),
        MainPage("room-mentor", LIVE_MENTOR, f"/sessions/{live.pk}/room/"),
        MainPage("staff-dashboard", STAFF, "/staff/"),
    ]
