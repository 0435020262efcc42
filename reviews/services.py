from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import Conflict, InvalidInput, NotFound
from mentors.models import MentorProfile
from reviews.models import Review


@transaction.atomic
def mentor_rating_recompute(*, mentor_id: int) -> MentorProfile:
    """Bring a mentor's rating average and count in line with their reviews, under the profile's lock."""
    profile = MentorProfile.objects.select_for_update().get(pk=mentor_id)
    stats = Review.objects.filter(mentor_id=mentor_id).aggregate(avg=Avg("rating"), count=Count("id"))
    profile.rating_count = stats["count"]
    profile.rating_avg = Decimal(stats["avg"] or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    profile.save(update_fields=["rating_avg", "rating_count", "updated_at"])
    return profile


@transaction.atomic
def review_create(*, booking_id: int, author: User, rating: int, comment: str = "") -> Review:
    """The mentee reviews a completed session, once; the mentor's rating moves in the same transaction."""
    booking = (Booking.objects.select_for_update(of=("self",)).select_related("slot").filter(pk=booking_id)
               .first())
    if booking is None or booking.mentee_id != author.pk:
        raise NotFound("No such session.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput("Give a rating from 1 to 5.", field="rating")
    if booking.status != Booking.Status.COMPLETED:
        raise Conflict("Only a completed session can be reviewed.")
    if not booking.is_settled:
        raise Conflict("Only a paid (or free) session can be reviewed.")
    if Review.objects.filter(booking=booking).exists():
        raise Conflict("You already reviewed this session.")
    try:
        with transaction.atomic():
            review = Review.objects.create(mentor_id=booking.slot.mentor_id, author=author, booking=booking,
                                           rating=rating, comment=comment)
    except IntegrityError as exc:  # a concurrent review of the same booking won
        raise Conflict("You already reviewed this session.") from exc
    mentor_rating_recompute(mentor_id=booking.slot.mentor_id)
    return review


@transaction.atomic
def review_reply(*, review_id: int, user: User, text: str) -> Review:
    """The mentor answers a review publicly, once."""
    review = Review.objects.select_for_update(of=("self",)).select_related("mentor").filter(pk=review_id).first()
    if review is None or review.mentor.user_id != user.pk:
        raise NotFound("No such review.")
    if review.mentor_reply:
        raise Conflict("You already replied to this review.")
    if not text.strip():
        raise InvalidInput("Write a reply.", field="text")
    review.mentor_reply = text.strip()
    review.save(update_fields=["mentor_reply"])
    return review
