from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class Review(models.Model):
    """A mentee's rating of a mentor (one per completed booking once bookings exist)."""

    mentor = models.ForeignKey("mentors.MentorProfile", on_delete=models.CASCADE, related_name="reviews")
    booking = models.OneToOneField("bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="review", help_text="The completed session reviewed.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=4000, blank=True)
    mentor_reply = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentor", "-created_at"], name="review_mentor_latest")]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")]

    def __str__(self):
        return f"{self.rating}★ for {self.mentor_id} by {self.author_id}"
