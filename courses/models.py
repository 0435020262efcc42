import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentors.currencies import CURRENCY_CHOICES, DEFAULT_CURRENCY
from mentors.models import price_validators


def new_certificate_id() -> str:
    # Anyone holding the id can open the certificate page: it must not be guessable from an enrollment id.
    return secrets.token_urlsafe(18)


class Course(models.Model):
    """A mentor's self-paced course. Written through courses.services only; counters are kept by them."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("course status", "Draft")
        PUBLISHED = "published", pgettext_lazy("course status", "Published")
        ARCHIVED = "archived", pgettext_lazy("course status", "Archived")

    author = models.ForeignKey("mentors.MentorProfile", on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=5000, blank=True)
    category = models.SlugField(max_length=64, help_text='A broad area as a slug, e.g. "programming".')
    skills = models.ManyToManyField("mentors.Skill", related_name="courses", blank=True,
                                    help_text="Narrower topics; the catalogue's category filter matches these too.")
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"), validators=price_validators())
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default=DEFAULT_CURRENCY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)

    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    rating_count = models.PositiveIntegerField(default=0)
    students_count = models.PositiveIntegerField(default=0, help_text="Learners with an active or completed "
                                                                      "enrollment.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The catalogue always filters on published courses first.
            models.Index(fields=["status", "category"], name="course_listed_category"),
            models.Index(fields=["status", "level"], name="course_listed_level"),
            models.Index(fields=["status", "price"], name="course_listed_price"),
            models.Index(fields=["status", "-rating_avg"], name="course_listed_rating"),
            models.Index(fields=["status", "-students_count"], name="course_listed_popular"),
            models.Index(fields=["status", "-published_at"], name="course_listed_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(condition=Q(rating_avg__gte=0, rating_avg__lte=5), name="course_rating_0_to_5"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price <= 0


class Lesson(models.Model):
    """One step of a course, shown in ``position`` order. A lesson someone completed is archived, never deleted."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=100_000, blank=True, help_text="Markdown; rendered and sanitised on output.")
    video_url = models.URLField(blank=True)
    estimated_minutes = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1),
                                                                            MaxValueValidator(24 * 60)])
    is_preview = models.BooleanField(default=False, help_text="Open to everyone, enrolled or not.")
    archived_at = models.DateTimeField(null=True, blank=True,
                                       help_text="Removed from the course but kept for learners' progress.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["course", "archived_at", "position"], name="lesson_course_live_position")]
        constraints = [models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="lesson_minutes_positive")]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Enrollment(models.Model):
    """A learner's place in a course. Only an active one opens lessons and records progress."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", pgettext_lazy("enrollment status", "Pending payment")
        ACTIVE = "active", pgettext_lazy("enrollment status", "Active")
        CANCELLED = "cancelled", pgettext_lazy("enrollment status", "Cancelled")
        REFUNDED = "refunded", pgettext_lazy("enrollment status", "Refunded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_PAYMENT)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"),
                                help_text="What this learner pays: the course's price when they enrolled.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY)
    enrolled_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Cancelled or refunded at.")
    current_lesson = models.ForeignKey(Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    certificate_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        indexes = [models.Index(fields=["user", "status", "-enrolled_at"], name="enrollment_user_status")]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_user_course"),
            models.CheckConstraint(condition=Q(completed_at__isnull=True) | Q(certificate_id__isnull=False),
                                   name="enrollment_completed_has_certificate"),
        ]

    def __str__(self):
        return f"{self.user_id} in {self.course_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="progress")
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["completed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")]

    def __str__(self):
        return f"{self.enrollment_id}: lesson {self.lesson_id}"


class CourseReview(models.Model):
    """A learner's rating of a course: one each, by someone who enrolled and got access."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "author"], name="one_review_per_course_author"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="course_review_rating_1_to_5"),
        ]

    def __str__(self):
        return f"{self.rating}★ for course {self.course_id} by {self.author_id}"
