from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        """Reviews the public sees and the rating counts: every one staff have not hidden."""
        return self.filter(hidden_at__isnull=True)


class Review(models.Model):
    """A mentee's rating of a mentor (one per completed booking once bookings exist).

    Staff may hide a review (``review_hide``): it leaves every public list and the mentor's rating, and only
    its author still sees it, marked hidden. Hiding never edits what the author wrote.
    """

    mentor = models.ForeignKey("mentors.MentorProfile", on_delete=models.CASCADE, related_name="reviews")
    booking = models.OneToOneField("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="review", help_text="The completed session reviewed.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=4000, blank=True)
    mentor_reply = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", help_text="The staff member who hid it.")
    hidden_reason = models.TextField(max_length=2000, blank=True, help_text="Told to the author and the mentor.")

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentor", "-created_at"], name="review_mentor_latest")]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")]

    def __str__(self):
        return f"{self.rating}★ for {self.mentor_id} by {self.author_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
