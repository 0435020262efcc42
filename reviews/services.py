from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from bookings.models import Booking
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentorhub.i18n import speaking_to
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
        raise NotFound(_("No such session."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(_("Give a rating from 1 to 5."), field="rating")
    if booking.status != Booking.Status.COMPLETED:
        raise Conflict(_("Only a completed session can be reviewed."))
    if not booking.is_settled:
        raise Conflict(_("Only a paid (or free) session can be reviewed."))
    if Review.objects.filter(booking=booking).exists():
        raise Conflict(_("You already reviewed this session."))
    try:
        with transaction.atomic():
            review = Review.objects.create(mentor_id=booking.slot.mentor_id, author=author, booking=booking,
                                           rating=rating, comment=comment)
    except IntegrityError as exc:  # a concurrent review of the same booking won
        raise Conflict(_("You already reviewed this session.")) from exc
    mentor_rating_recompute(mentor_id=booking.slot.mentor_id)
    return review


@transaction.atomic
def review_reply(*, review_id: int, user: User, text: str) -> Review:
    """The mentor answers a review publicly, once."""
    review = Review.objects.select_for_update(of=("self",)).select_related("mentor").filter(pk=review_id).first()
    if review is None or review.mentor.user_id != user.pk or review.is_hidden:
        raise NotFound(_("No such review."))
    if review.mentor_reply:
        raise Conflict(_("You already replied to this review."))
    if not text.strip():
        raise InvalidInput(_("Write a reply."), field="text")
    review.mentor_reply = text.strip()
    review.save(update_fields=["mentor_reply"])
    return review


# --- moderation (staff) ------------------------------------------------------------------------


def _lock_for_moderation(review_id: int, actor: User) -> Review:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff moderate reviews."))
    review = (Review.objects.select_for_update(of=("self",)).select_related("author", "mentor__user")
              .filter(pk=review_id).first())
    if review is None:
        raise NotFound(_("No such review."))
    return review


def _tell_both(review: Review, *, kind: str, words) -> None:
    """``words(to_author)`` gives (title, body); it runs once per recipient, in that recipient's language."""
    profile_link = reverse("mentors:detail", args=[review.mentor_id])
    with speaking_to(review.author):
        title, body = words(True)
    notification_send(user=review.author, kind=kind, title=title, body=body, link=profile_link)
    with speaking_to(review.mentor.user):
        title, body = words(False)
    notification_send(user=review.mentor.user, kind=kind, title=title, body=body,
                      link=reverse("mentors:dashboard") + "#reviews")


@transaction.atomic
def review_hide(*, review_id: int, actor: User, reason: str) -> Review:
    """Staff hide a review, saying why: it leaves public lists and the mentor's rating; author and mentor are told.

    The text stays as written; the author still sees it, marked hidden. Hiding a hidden review is refused.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the review is hidden."), field="reason")
    review = _lock_for_moderation(review_id, actor)
    if review.is_hidden:
        raise Conflict(_("This review is already hidden."))
    review.hidden_at = timezone.now()
    review.hidden_by = actor
    review.hidden_reason = reason
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    mentor_rating_recompute(mentor_id=review.mentor_id)
    facts = {"rating": review.rating, "name": review.mentor.user.display_name, "reason": reason}
    _tell_both(review, kind="review.hidden", words=lambda to_author: (_("A review was hidden"), (
        _("Staff hid your %(rating)s★ review of %(name)s from their profile. Reason: %(reason)s") if to_author
        else _("Staff hid a %(rating)s★ review from your profile; it no longer counts in your rating. "
               "Reason: %(reason)s")) % facts))
    return review


@transaction.atomic
def review_unhide(*, review_id: int, actor: User) -> Review:
    """Staff show a hidden review again: it is public and counts in the rating once more; both sides are told."""
    review = _lock_for_moderation(review_id, actor)
    if not review.is_hidden:
        raise Conflict(_("This review is not hidden."))
    review.hidden_at = None
    review.hidden_by = None
    review.hidden_reason = ""
    review.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    mentor_rating_recompute(mentor_id=review.mentor_id)
    facts = {"rating": review.rating, "name": review.mentor.user.display_name}
    _tell_both(review, kind="review.unhidden", words=lambda to_author: (_("A review is shown again"), (
        _("Your review of %(name)s is on their profile again.") if to_author
        else _("Staff showed a %(rating)s★ review on your profile again; it counts in your rating.")) % facts))
    return review
