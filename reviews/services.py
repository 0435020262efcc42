from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count

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
