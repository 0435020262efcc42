"""Course use cases: authoring, enrolment (paid through payments), progress, completion, refunds, reviews.

Each is one transaction that locks what it decides on. An enrollment is locked before its payments, in the
same order as the payments services use. Counters on the course (``students_count``, the rating) change only
here, with conditional or recomputed updates.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses import notify, ports
from courses.models import Course, CourseReview, Enrollment, Lesson, LessonProgress, new_certificate_id
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors.cache import invalidate_catalog
from mentors.models import MAX_PRICE, MentorProfile, Skill

E = Enrollment.Status
# The refund policy a learner can use on their own; staff can always refund in full.
REFUND_DAYS = 14
REFUND_MAX_PROGRESS = 20  # percent of the lessons completed, strictly below
COURSE_FIELDS = {"title", "description", "category", "level", "price", "currency", "skills"}
LESSON_FIELDS = {"title", "body", "video_url", "estimated_minutes", "is_preview"}


@dataclass(frozen=True)
class Progress:
    course_id: int
    progress: int  # percent of the course's lessons completed, 0-100
    completed_lessons: int
    total_lessons: int
    completed_at: datetime | None
    certificate_id: str | None


@dataclass(frozen=True)
class RefundQuote:
    allowed: bool
    amount: Decimal
    rule: str


# --- authoring ------------------------------------------------------------------------------------


def _approved_profile(user: User) -> MentorProfile:
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None or profile.status != MentorProfile.Status.APPROVED:
        raise PermissionDenied(_("Only approved mentors can write courses."))
    return profile


def _lock_course_for_editor(course_id: int, user: User) -> Course:
    """The course, locked, if ``user`` may edit it (its author or staff); 404 for everyone else."""
    course = Course.objects.select_for_update().filter(pk=course_id).first()
    if course is None or not (user.is_staff or course.author.user_id == user.pk):
        raise NotFound(_("No such course."))
    return course


def _clean_course_fields(fields: dict) -> dict:
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown field %(field)s.") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0])
    if "title" in fields and not str(fields["title"]).strip():
        raise InvalidInput(_("Give the course a title."), field="title")
    if "price" in fields:
        price = Decimal(fields["price"])
        if price < 0 or price > MAX_PRICE:
            raise InvalidInput(_("A price is from 0 up to 999,999."), field="price")
        fields["price"] = price
    if "level" in fields and fields["level"] not in Course.Level.values:
        raise InvalidInput(_("Level is one of %(levels)s.") % {"levels": ", ".join(Course.Level.values)}, field="level")
    return fields


def _set_skills(course: Course, names: list[str]) -> None:
    skills = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        skill = Skill.objects.filter(slug=name.lower()).first() or Skill.objects.filter(name__iexact=name).first()
        if skill is None:
            from django.utils.text import slugify

            skill, _created = Skill.objects.get_or_create(slug=slugify(name)[:64] or name.lower()[:64],
                                                   defaults={"name": name[:64]})
        skills.append(skill)
    course.skills.set(skills)


@transaction.atomic
def course_create(*, author: User, title: str, category: str, description: str = "",
                  level: str = Course.Level.BEGINNER, price: Decimal = Decimal("0"), currency: str | None = None,
                  skills: list[str] | None = None) -> Course:
    """An approved mentor starts a course, as a draft; the currency defaults to their own."""
    profile = _approved_profile(author)
    fields = _clean_course_fields({"title": title, "category": category, "description": description,
                                   "level": level, "price": price})
    course = Course.objects.create(author=profile, currency=currency or profile.currency, **fields)
    if skills:
        _set_skills(course, skills)
    return course


@transaction.atomic
def course_update(*, course_id: int, user: User, **fields) -> Course:
    """The author (or staff) edits a course. Learners already enrolled keep the price they enrolled at."""
    course = _lock_course_for_editor(course_id, user)
    fields = _clean_course_fields(dict(fields))
    skills = fields.pop("skills", None)
    for name, value in fields.items():
        setattr(course, name, value)
    course.save()
    if skills is not None:
        _set_skills(course, skills)
    if course.status == Course.Status.PUBLISHED:
        invalidate_catalog()
    return course


def _clean_lesson_fields(fields: dict) -> dict:
    unknown = set(fields) - LESSON_FIELDS
    if unknown:
        raise InvalidInput(_("Unknown field %(field)s.") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0])
    if "title" in fields and not str(fields["title"]).strip():
        raise InvalidInput(_("Give the lesson a title."), field="title")
    if "estimated_minutes" in fields and not 1 <= int(fields["estimated_minutes"]) <= 24 * 60:
        raise InvalidInput(_("A lesson takes from 1 minute to 24 hours."), field="estimated_minutes")
    return fields


def _live_lessons(course: Course):
    return Lesson.objects.filter(course=course, archived_at=None)


@transaction.atomic
def lesson_create(*, course_id: int, user: User, title: str, body: str = "", video_url: str = "",
                  estimated_minutes: int = 10, is_preview: bool = False) -> Lesson:
    """Add a lesson at the end of the course."""
    course = _lock_course_for_editor(course_id, user)
    fields = _clean_lesson_fields({"title": title, "body": body, "video_url": video_url,
                                   "estimated_minutes": estimated_minutes, "is_preview": is_preview})
    last = _live_lessons(course).aggregate(last=Max("position"))["last"]
    lesson = Lesson.objects.create(course=course, position=(last or 0) + 1, **fields)
    if course.status == Course.Status.PUBLISHED:
        invalidate_catalog()  # the duration changed
    return lesson


def _lock_lesson_for_editor(lesson_id: int, user: User) -> tuple[Course, Lesson]:
    course_id = Lesson.objects.filter(pk=lesson_id, archived_at=None).values_list("course_id", flat=True).first()
    if course_id is None:
        raise NotFound(_("No such lesson."))
    course = _lock_course_for_editor(course_id, user)
    return course, Lesson.objects.select_for_update().get(pk=lesson_id)


@transaction.atomic
def lesson_update(*, lesson_id: int, user: User, **fields) -> Lesson:
    """The author (or staff) edits a lesson; learners' progress on it stays."""
    course, lesson = _lock_lesson_for_editor(lesson_id, user)
    for name, value in _clean_lesson_fields(dict(fields)).items():
        setattr(lesson, name, value)
    lesson.save()
    if course.status == Course.Status.PUBLISHED:
        invalidate_catalog()
    return lesson


def _renumber(course: Course, order: list[int] | None = None) -> None:
    ids = order or list(_live_lessons(course).order_by("position", "id").values_list("pk", flat=True))
    for position, pk in enumerate(ids, start=1):
        Lesson.objects.filter(pk=pk).exclude(position=position).update(position=position)


@transaction.atomic
def lesson_delete(*, lesson_id: int, user: User, now: datetime | None = None) -> str:
    """Remove a lesson. One that a learner completed is archived instead, so nobody's progress is lost.

    Returns "archived" or "deleted". A published course keeps at least one lesson."""
    course, lesson = _lock_lesson_for_editor(lesson_id, user)
    if course.status == Course.Status.PUBLISHED and _live_lessons(course).count() <= 1:
        raise Conflict(_("A published course needs at least one lesson: unpublish it first."))
    if LessonProgress.objects.filter(lesson=lesson).exists():
        lesson.archived_at = now or timezone.now()
        lesson.save(update_fields=["archived_at", "updated_at"])
        outcome = "archived"
    else:
        Enrollment.objects.filter(current_lesson=lesson).update(current_lesson=None)
        lesson.delete()
        outcome = "deleted"
    _renumber(course)
    if course.status == Course.Status.PUBLISHED:
        invalidate_catalog()
    return outcome


@transaction.atomic
def lessons_reorder(*, course_id: int, user: User, lesson_ids: list[int]) -> list[Lesson]:
    """Put the course's lessons in this order; the list must name every lesson of the course once."""
    course = _lock_course_for_editor(course_id, user)
    current = set(_live_lessons(course).select_for_update().values_list("pk", flat=True))
    if len(lesson_ids) != len(set(lesson_ids)) or set(lesson_ids) != current:
        raise InvalidInput(_("List every lesson of this course exactly once."), field="lesson_ids")
    _renumber(course, list(lesson_ids))
    return list(_live_lessons(course).order_by("position", "id"))


@transaction.atomic
def course_publish(*, course_id: int, user: User, now: datetime | None = None) -> Course:
    """Open a course in the catalogue: it needs at least one lesson, and its author must be an approved mentor."""
    course = _lock_course_for_editor(course_id, user)
    if course.author.status != MentorProfile.Status.APPROVED:
        raise Conflict(_("Only an approved mentor's course can be published."))
    if not _live_lessons(course).exists():
        raise Conflict(_("Add at least one lesson before publishing."), field="lessons")
    if course.status != Course.Status.PUBLISHED:
        course.status = Course.Status.PUBLISHED
        course.published_at = course.published_at or now or timezone.now()
        course.save(update_fields=["status", "published_at", "updated_at"])
        invalidate_catalog()
    return course


@transaction.atomic
def course_unpublish(*, course_id: int, user: User) -> Course:
    """Take a course out of the catalogue (author or staff). Learners already in it keep their access."""
    course = _lock_course_for_editor(course_id, user)
    if course.status == Course.Status.PUBLISHED:
        course.status = Course.Status.DRAFT
        course.save(update_fields=["status", "updated_at"])
        invalidate_catalog()
    return course


# --- enrolment --------------------------------------------------------------------------------------


def lock_enrollment(enrollment_id: int) -> Enrollment:
    """The enrollment row, locked for the caller's transaction (used by payments)."""
    enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("course", "user")
                  .filter(pk=enrollment_id).first())
    if enrollment is None:
        raise NotFound(_("No such enrollment."))
    return enrollment


def _count_student(course_id: int, change: int) -> None:
    if change > 0:
        Course.objects.filter(pk=course_id).update(students_count=F("students_count") + 1)
    else:
        Course.objects.filter(pk=course_id, students_count__gt=0).update(students_count=F("students_count") - 1)
    invalidate_catalog()


def _activate(enrollment: Enrollment, now: datetime) -> None:
    enrollment.status = E.ACTIVE
    enrollment.activated_at = now
    enrollment.ended_at = None
    enrollment.save(update_fields=["status", "activated_at", "ended_at", "updated_at"])
    _count_student(enrollment.course_id, +1)


@dataclass(frozen=True)
class EnrollResult:
    enrollment: Enrollment
    payment: object | None  # payments.models.Payment for a paid course still to pay
    created: bool


@transaction.atomic
def course_enroll(*, course_id: int, user: User, now: datetime | None = None) -> EnrollResult:
    """Join a published course. Free: active at once. Paid: pending until the payment arrives, with one open
    payment to complete. Enrolling again returns the same enrollment (and the same open payment), never a
    second charge."""
    now = now or timezone.now()
    course = (Course.objects.select_for_update(of=("self",)).select_related("author")
              .filter(pk=course_id, status=Course.Status.PUBLISHED).first())
    if course is None:
        raise NotFound(_("No such course."))
    if course.author.user_id == user.pk:
        raise Conflict(_("This is your own course."))
    enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
    created = enrollment is None or enrollment.status in (E.CANCELLED, E.REFUNDED)
    if enrollment is None:
        enrollment = Enrollment(user=user, course=course)
    elif enrollment.status == E.ACTIVE:
        return EnrollResult(enrollment, None, False)
    elif enrollment.status == E.PENDING_PAYMENT:
        return EnrollResult(enrollment, ports.money().payment_start(enrollment=enrollment, now=now), False)
    # New, or back after a cancellation or refund: today's price, a fresh start date.
    enrollment.price, enrollment.currency, enrollment.enrolled_at = course.price, course.currency, now
    enrollment.status, enrollment.ended_at = E.PENDING_PAYMENT, None
    enrollment.save()
    if course.is_free:
        _activate(enrollment, now)
        return EnrollResult(enrollment, None, created)
    payment = ports.money().payment_start(enrollment=enrollment, now=now)
    return EnrollResult(enrollment, payment, created)


def enrollment_mark_paid(*, enrollment: Enrollment, now: datetime) -> None:
    """The payment arrived (payments calls this, enrollment locked): the learner's access opens."""
    if enrollment.status != E.PENDING_PAYMENT:
        raise Conflict(_("Only an enrollment waiting for payment can be paid."))
    _activate(enrollment, now)
    notify.enrollment_changed_on_commit(enrollment.pk, "active")


def enrollment_end_refunded(*, enrollment: Enrollment, now: datetime | None = None) -> None:
    """The money went back (payments calls this, enrollment locked): access ends, and the learner's review
    of the course with it. A rating counts only from someone who kept the course: otherwise anyone could
    buy, rate (five stars, or one for a rival) and take the money back."""
    if enrollment.status == E.ACTIVE:
        _count_student(enrollment.course_id, -1)
    enrollment.status = E.REFUNDED
    enrollment.ended_at = now or timezone.now()
    enrollment.save(update_fields=["status", "ended_at", "updated_at"])
    removed, _kinds = CourseReview.objects.filter(course_id=enrollment.course_id, author_id=enrollment.user_id).delete()
    if removed:
        course_rating_recompute(course_id=enrollment.course_id)
    notify.enrollment_changed_on_commit(enrollment.pk, "refunded")


@transaction.atomic
def enrollment_cancel(*, enrollment_id: int, user: User, now: datetime | None = None) -> Enrollment:
    """Give up an enrollment still waiting for its payment: its open checkout is voided."""
    enrollment = lock_enrollment(enrollment_id)
    if enrollment.user_id != user.pk and not user.is_staff:
        raise NotFound(_("No such enrollment."))
    if enrollment.status != E.PENDING_PAYMENT:
        raise Conflict(_("Only an enrollment waiting for payment can be cancelled; a paid one is refunded."))
    ports.money().void_open_payments(enrollment=enrollment)
    enrollment.status, enrollment.ended_at = E.CANCELLED, now or timezone.now()
    enrollment.save(update_fields=["status", "ended_at", "updated_at"])
    return enrollment


def refund_quote(*, enrollment: Enrollment, actor: User, now: datetime) -> RefundQuote:
    """What refunding this enrollment now would give back, and why, in words shown to the learner."""
    paid = ports.money().paid_amount(enrollment)
    if enrollment.status != E.ACTIVE:
        return RefundQuote(False, Decimal("0"), _("Only an active enrollment can be refunded."))
    if paid <= 0:
        return RefundQuote(False, Decimal("0"), _("Nothing was paid for this enrollment."))
    if actor.is_staff:
        return RefundQuote(True, paid, _("Refunded by staff: full refund."))
    started = enrollment.activated_at or enrollment.enrolled_at
    if now - started > timedelta(days=REFUND_DAYS):
        return RefundQuote(False, Decimal("0"), _("Refunds are possible within %(days)d days of enrolling.")
                           % {"days": REFUND_DAYS})
    done = progress_of(enrollment).progress
    if done >= REFUND_MAX_PROGRESS:
        return RefundQuote(False, Decimal("0"), _("Refunds are possible before %(limit)s%% of the course is completed "
                                                  "(%(done)s%% is).") % {"limit": REFUND_MAX_PROGRESS, "done": done})
    return RefundQuote(True, paid, _("Within %(days)d days and under %(limit)s%% completed: full refund.")
                       % {"days": REFUND_DAYS, "limit": REFUND_MAX_PROGRESS})


@transaction.atomic
def enrollment_refund(*, enrollment_id: int, user: User, now: datetime | None = None) -> RefundQuote:
    """Refund an enrollment by the policy (the learner) or in full (staff); access ends."""
    now = now or timezone.now()
    enrollment = lock_enrollment(enrollment_id)
    if enrollment.user_id != user.pk and not user.is_staff:
        raise NotFound(_("No such enrollment."))
    quote = refund_quote(enrollment=enrollment, actor=user, now=now)
    if not quote.allowed:
        raise Conflict(quote.rule)
    ports.money().refund_in_full(enrollment=enrollment, reason=quote.rule)
    enrollment_end_refunded(enrollment=enrollment, now=now)
    return quote


# --- progress ---------------------------------------------------------------------------------------


def progress_of(enrollment: Enrollment) -> Progress:
    """The server's count: completed live lessons over the course's live lessons."""
    total = Lesson.objects.filter(course_id=enrollment.course_id, archived_at=None).count()
    done = LessonProgress.objects.filter(enrollment=enrollment, lesson__archived_at=None).count()
    return _summary(enrollment, done, total)


def percent(done: int, total: int) -> int:
    return int(Decimal(100 * done / total).quantize(Decimal("1"), rounding=ROUND_HALF_UP)) if total else 0


def _summary(enrollment: Enrollment, done: int, total: int) -> Progress:
    return Progress(course_id=enrollment.course_id, progress=percent(done, total), completed_lessons=done,
                    total_lessons=total, completed_at=enrollment.completed_at,
                    certificate_id=enrollment.certificate_id)


def _course_lessons(course_id: int, ids: list[int], field: str) -> list[Lesson]:
    """These lessons of this course; any id that is not one is a 400 naming the field."""
    lessons = list(Lesson.objects.filter(course_id=course_id, pk__in=ids))
    if len(lessons) != len(set(ids)):
        missing = sorted(set(ids) - {lesson.pk for lesson in lessons})
        raise InvalidInput(_("Not lessons of this course: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
                           field=field)
    return lessons


@transaction.atomic
def progress_record(*, course_id: int, user: User, completed_lessons: list[int], current_lesson: int | None = None,
                    now: datetime | None = None) -> Progress:
    """Mark lessons completed (adding to what was completed before) and where the learner is.

    Progress is always the server's count of completed lessons: a client's own percentage is not taken. The
    last lesson completed completes the course, with its certificate."""
    now = now or timezone.now()
    found = Enrollment.objects.filter(user=user, course_id=course_id).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound(_("You are not enrolled in this course."))
    enrollment = lock_enrollment(found)
    if enrollment.status != E.ACTIVE:
        raise Conflict(_("Only an active enrollment records progress: pay for the course first.")
                       if enrollment.status == E.PENDING_PAYMENT else _("Only an active enrollment records progress."))
    lessons = _course_lessons(course_id, list(completed_lessons), "completed_lessons")
    if current_lesson is not None:
        enrollment.current_lesson = _course_lessons(course_id, [current_lesson], "current_lesson")[0]
    already = set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
    LessonProgress.objects.bulk_create(
        [LessonProgress(enrollment=enrollment, lesson=lesson, completed_at=now)
         for lesson in lessons if lesson.pk not in already and lesson.archived_at is None],
        ignore_conflicts=True)
    summary = progress_of(enrollment)
    if summary.total_lessons and summary.completed_lessons >= summary.total_lessons and not enrollment.completed_at:
        enrollment.completed_at = now
        enrollment.certificate_id = new_certificate_id()
        notify.enrollment_changed_on_commit(enrollment.pk, "completed")
    enrollment.save(update_fields=["current_lesson", "completed_at", "certificate_id", "updated_at"])
    return _summary(enrollment, summary.completed_lessons, summary.total_lessons)


# --- reviews ----------------------------------------------------------------------------------------


@transaction.atomic
def course_rating_recompute(*, course_id: int) -> Course:
    course = Course.objects.select_for_update().get(pk=course_id)
    stats = CourseReview.objects.filter(course_id=course_id).aggregate(avg=Avg("rating"), count=Count("id"))
    course.rating_count = stats["count"]
    course.rating_avg = Decimal(stats["avg"] or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    course.save(update_fields=["rating_avg", "rating_count", "updated_at"])
    invalidate_catalog()
    return course


@transaction.atomic
def course_review_create(*, course_id: int, author: User, rating: int, comment: str = "") -> CourseReview:
    """A learner who has access to the course rates it, once; the course's rating moves with it."""
    enrollment = Enrollment.objects.select_for_update().filter(user=author, course_id=course_id).first()
    if enrollment is None or not Course.objects.filter(pk=course_id).exists():
        raise NotFound(_("You are not enrolled in this course."))
    if enrollment.status != E.ACTIVE:
        raise Conflict(_("Only learners with access to the course can review it."))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(_("Give a rating from 1 to 5."), field="rating")
    if CourseReview.objects.filter(course_id=course_id, author=author).exists():
        raise Conflict(_("You already reviewed this course."))
    try:
        with transaction.atomic():
            review = CourseReview.objects.create(course_id=course_id, author=author, rating=rating,
                                                 comment=comment.strip())
    except IntegrityError as exc:
        raise Conflict(_("You already reviewed this course.")) from exc
    course_rating_recompute(course_id=course_id)
    return review
