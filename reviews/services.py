from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors.models import MentorProfile
from notifications.services import notification_send
from reviews.models import Review


@transaction.atomic
def mentor_rating_recompute(*, mentor_id: int) -> MentorProfile:
    """Bring a mentor's rating average and count in line with their visible reviews, under the profile's lock."""
    profile = MentorProfile.objects.select_for_update().get(pk=mentor_id)
    stats = Review.objects.visible().filter(mentor_id=mentor_id).aggregate(avg=Avg("rating"), count=Count("id"))
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
    if review is None or review.mentor.user_id != user.pk or review.is_hidden:
        raise NotFound("No such review.")
    if review.mentor_reply:
        raise Conflict("You already replied to this review.")
    if not text.strip():
        raise InvalidInput("Write a reply.", field="text")
    review.mentor_reply = text.strip()
    review.save(update_fields=["mentor_reply"])
    return review


# --- moderation (staff) ------------------------------------------------------------------------


def _lock_for_moderation(review_id: int, actor: User) -> Review:
    if not actor.is_staff:
        raise PermissionDenied("Only staff moderate reviews.")
    review = (Review.objects.select_for_update(of=("self",)).select_related("author", "mentor__user")
              .filter(pk=review_id).first())
    if review is None:
        raise NotFound("No such review.")
    return review


def _tell_both(review: Review, *, kind: str, title: str, author_body: str, mentor_body: str) -> None:
    profile_link = reverse("mentors:detail", args=[review.mentor_id])
    notification_send(user=review.author, kind=kind, title=title, body=author_body, link=profile_link)
    notification_send(user=review.mentor.user, kind=kind, title=title, body=mentor_body,
                      link=reverse("mentors:dashboard") + "#reviews")


@transaction.atomic
def review_hide(*, review_id: int, actor: User, reason: str) -> Review:
    """Staff hide a review, saying why: it leaves public lists and the mentor's rating; author and mentor are told.

    The text stays as written; the author still sees it, marked hidden. Hiding a hidden review is refused.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the review is hidden.", field="reason")
    review = _lock_for_moderation(review_id, actor)
    if review.is_hidden:
        raise Conflict("This review is already hidden.")
    review.hidden_at = timezone.now()
    review.hidden_by = actor
    review.hidden_reason = reason
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    mentor_rating_recompute(mentor_id=review.mentor_id)
    _tell_both(review, kind="review.hidden", title="A review was hidden",
               author_body=f"Staff hid your {review.rating}★ review of {review.mentor.user.display_name} from "
                           f"their profile. Reason: {reason}",
               mentor_body=f"Staff hid a {review.rating}★ review from your profile; it no longer counts in "
                           f"your rating. Reason: {reason}")
    return review


@transaction.atomic
def review_unhide(*, review_id: int, actor: User) -> Review:
    """Staff show a hidden review again: it is public and counts in the rating once more; both sides are told."""
    review = _lock_for_moderation(review_id, actor)
    if not review.is_hidden:
        raise Conflict("This review is not hidden.")
    review.hidden_at = None
    review.hidden_by = None
    review.hidden_reason = ""
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    mentor_rating_recompute(mentor_id=review.mentor_id)
    _tell_both(review, kind="review.unhidden", title="A review is shown again",
               author_body=f"Your review of {review.mentor.user.display_name} is on their profile again.",
               mentor_body=f"Staff showed a {review.rating}★ review on your profile again; it counts in your "
                           "rating.")
    return review
