"""Reads of courses shared by the API (and, later, the pages), scoped to the viewer, with flat query counts."""

from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from courses.models import Course, CourseReview, Enrollment, Lesson, LessonProgress

ORDERINGS = {
    "rating": ("-rating_avg", "-rating_count", "-id"),
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "popular": ("-students_count", "-id"),
    "newest": ("-published_at", "-id"),
}
# Enrollments that open a course's lessons to the learner.
OPEN = (Enrollment.Status.ACTIVE,)


def _live_lessons(course_ref="pk"):
    return Lesson.objects.filter(course=OuterRef(course_ref), archived_at=None)


def _minutes(course_ref="pk"):
    minutes = (_live_lessons(course_ref).order_by().values("course").annotate(total=Sum("estimated_minutes"))
               .values("total"))
    return Coalesce(Subquery(minutes, output_field=IntegerField()), Value(0))


def with_duration(queryset: QuerySet[Course]) -> QuerySet[Course]:
    """``duration_minutes``: the live lessons' estimated minutes, as a subquery (no row multiplication)."""
    return queryset.annotate(duration_minutes=_minutes())


def authored_courses(*, user: User | None) -> QuerySet[Course]:
    """The courses this user wrote (None: everyone's, for staff), drafts included, newest first, with
    ``lessons_count`` and the duration."""
    count = _live_lessons().order_by().values("course").annotate(n=Count("id")).values("n")
    queryset = Course.objects.all() if user is None else Course.objects.filter(author__user=user)
    return (with_duration(queryset).select_related("author__user")
            .annotate(lessons_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))
            .order_by("-created_at", "-id"))


def catalogue(*, category: str | None = None, level: str | None = None, q: str | None = None,
              min_price: Decimal | None = None, max_price: Decimal | None = None,
              ordering: str = "rating") -> QuerySet[Course]:
    """Published courses matching the filters. ``category`` matches the course's category or one of its skills
    (``python`` finds a "programming" course about Python)."""
    queryset = Course.objects.filter(status=Course.Status.PUBLISHED)
    if category:
        skill = Course.skills.through.objects.filter(course=OuterRef("pk"), skill__slug=category)
        queryset = queryset.filter(Q(category=category) | Exists(skill))
    if level:
        queryset = queryset.filter(level=level)
    if min_price is not None:
        queryset = queryset.filter(price__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(price__lte=max_price)
    for word in (q or "").split()[:8]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return (with_duration(queryset).select_related("author__user")
            .order_by(*ORDERINGS.get(ordering, ORDERINGS["rating"])))


def course_for_viewer(*, course_id: int, viewer: User | None) -> Course | None:
    """A course the viewer may see, with its live lessons (``lessons_live``), its skills, and the viewer's
    enrollment (``viewer_enrollment``, or None). Published courses are public; a draft or archived one only for
    its author, staff, and learners already in it."""
    queryset = with_duration(Course.objects.filter(pk=course_id)).select_related("author__user").prefetch_related(
        "skills", Prefetch("lessons", queryset=Lesson.objects.filter(archived_at=None), to_attr="lessons_live"))
    course = queryset.first()
    if course is None:
        return None
    signed_in = viewer is not None and viewer.is_authenticated
    enrollment = None
    if signed_in:
        enrollment = Enrollment.objects.filter(course=course, user=viewer).first()
    course.viewer_enrollment = enrollment
    course.viewer_is_editor = signed_in and (viewer.is_staff or course.author.user_id == viewer.pk)
    course.viewer_has_access = course.viewer_is_editor or (enrollment is not None and enrollment.status in OPEN)
    if course.status != Course.Status.PUBLISHED and not course.viewer_has_access:
        return None
    return course


def completed_lesson_ids(enrollment: Enrollment | None) -> set[int]:
    if enrollment is None:
        return set()
    return set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))


def my_courses(*, user: User) -> QuerySet[Enrollment]:
    """The learner's enrollments (those still open or waiting to be paid), newest first, each with
    ``done`` and ``total`` lesson counts, the course's ``course_minutes``, and the next lesson to take
    (``next_lesson_id``/``next_lesson_title``)."""
    done = (LessonProgress.objects.filter(enrollment=OuterRef("pk"), lesson__archived_at=None).order_by()
            .values("enrollment").annotate(n=Count("id")).values("n"))
    total = (_live_lessons("course").order_by().values("course").annotate(n=Count("id")).values("n"))
    upcoming = (_live_lessons("course")
                .exclude(pk__in=LessonProgress.objects.filter(enrollment=OuterRef(OuterRef("pk"))).values("lesson"))
                .order_by("position", "id"))
    return (Enrollment.objects.filter(user=user, status__in=[Enrollment.Status.ACTIVE,
                                                             Enrollment.Status.PENDING_PAYMENT])
            .select_related("course__author__user")
            .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
                      total=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
                      course_minutes=_minutes("course"),
                      next_lesson_id=Subquery(upcoming.values("pk")[:1]),
                      next_lesson_title=Subquery(upcoming.values("title")[:1]))
            .order_by("-enrolled_at", "-id"))


def latest_reviews(*, course: Course, limit: int = 10) -> list[CourseReview]:
    return list(CourseReview.objects.filter(course=course).select_related("author")[:limit])
