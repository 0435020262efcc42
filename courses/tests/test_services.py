"""Course use cases: authoring, enrolment, progress, completion, refunds, reviews."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from courses import services
from courses.models import Course, CourseReview, Enrollment, Lesson, LessonProgress
from courses.tests.conftest import course_with_lessons
from courses.tests.factories import CourseFactory, EnrollmentFactory, LessonFactory
from mentorhub.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from mentors.models import MentorProfile
from mentors.tests.factories import MentorProfileFactory
from payments import services as payment_services
from payments.models import Payment

pytestmark = pytest.mark.django_db


def pay(payment):
    return payment_services.offline_checkout_decide(payment_id=payment.pk, payer=payment.payer, succeed=True)


# --- authoring -------------------------------------------------------------------------------------


def test_an_approved_mentor_creates_a_draft_course_in_their_currency(author, mentor):
    course = services.course_create(author=mentor, title="Django in depth", category="programming",
                                    price=Decimal("5000"), skills=["Python", "Django"])
    assert course.status == "draft" and course.currency == author.currency
    assert sorted(s.slug for s in course.skills.all()) == ["django", "python"]


@pytest.mark.parametrize("status", [MentorProfile.Status.PENDING, MentorProfile.Status.REJECTED])
def test_a_mentor_not_yet_approved_cannot_create_a_course(mentor, status):
    MentorProfileFactory(user=mentor, status=status)
    with pytest.raises(PermissionDenied):
        services.course_create(author=mentor, title="X", category="programming")


def test_a_student_cannot_create_a_course(mentee):
    with pytest.raises(PermissionDenied):
        services.course_create(author=mentee, title="X", category="programming")


def test_publishing_needs_a_lesson_and_sets_the_publication_time(author, mentor):
    course = services.course_create(author=mentor, title="Empty", category="programming")
    with pytest.raises(Conflict):
        services.course_publish(course_id=course.pk, user=mentor)
    services.lesson_create(course_id=course.pk, user=mentor, title="Intro", body="Hello", estimated_minutes=5)
    course = services.course_publish(course_id=course.pk, user=mentor)
    assert course.status == "published" and course.published_at is not None


def test_a_course_of_a_mentor_no_longer_approved_cannot_be_published(author, mentor):
    course = course_with_lessons(author, status=Course.Status.DRAFT, published_at=None)
    MentorProfile.objects.filter(pk=author.pk).update(status=MentorProfile.Status.REJECTED)
    with pytest.raises(Conflict):
        services.course_publish(course_id=course.pk, user=mentor)


def test_someone_else_cannot_edit_a_course_but_staff_can_unpublish_it(paid_course, other_user, staff):
    with pytest.raises(NotFound):
        services.course_update(course_id=paid_course.pk, user=other_user, title="Mine now")
    with pytest.raises(NotFound):
        services.course_unpublish(course_id=paid_course.pk, user=other_user)
    assert services.course_unpublish(course_id=paid_course.pk, user=staff).status == "draft"


def test_lessons_are_appended_and_reordered_and_a_reorder_must_name_every_lesson(paid_course, mentor):
    lesson = services.lesson_create(course_id=paid_course.pk, user=mentor, title="Extra")
    assert lesson.position == 5
    ids = list(paid_course.lessons.values_list("pk", flat=True))
    with pytest.raises(InvalidInput) as error:
        services.lessons_reorder(course_id=paid_course.pk, user=mentor, lesson_ids=ids[:-1])
    assert error.value.field == "lesson_ids"
    services.lessons_reorder(course_id=paid_course.pk, user=mentor, lesson_ids=list(reversed(ids)))
    assert list(paid_course.lessons.order_by("position").values_list("pk", flat=True)) == list(reversed(ids))


def test_deleting_a_lesson_someone_completed_archives_it_and_keeps_their_progress(paid_course, mentor, mentee):
    enrollment = EnrollmentFactory(course=paid_course, user=mentee)
    first, second = paid_course.lessons.order_by("position")[:2]
    services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=[first.pk])
    assert services.lesson_delete(lesson_id=first.pk, user=mentor) == "archived"
    assert services.lesson_delete(lesson_id=second.pk, user=mentor) == "deleted"
    assert LessonProgress.objects.filter(enrollment=enrollment, lesson=first).exists()
    assert not Lesson.objects.filter(pk=second.pk).exists()
    assert list(Lesson.objects.filter(course=paid_course, archived_at=None).values_list("position", flat=True)) \
        == [1, 2]


def test_the_last_lesson_of_a_published_course_cannot_be_removed(author, mentor):
    course = course_with_lessons(author, lessons=1)
    with pytest.raises(Conflict):
        services.lesson_delete(lesson_id=course.lessons.get().pk, user=mentor)


# --- enrolment --------------------------------------------------------------------------------------


def test_a_free_course_is_active_at_once_and_counts_a_student(free_course, mentee):
    result = services.course_enroll(course_id=free_course.pk, user=mentee)
    assert result.created and result.payment is None and result.enrollment.status == "active"
    assert Course.objects.get(pk=free_course.pk).students_count == 1


def test_a_paid_course_waits_for_its_payment_and_enrolling_again_never_charges_twice(paid_course, mentee):
    first = services.course_enroll(course_id=paid_course.pk, user=mentee)
    again = services.course_enroll(course_id=paid_course.pk, user=mentee)
    assert first.enrollment.status == "pending_payment" and first.created and not again.created
    assert again.enrollment.pk == first.enrollment.pk and again.payment.pk == first.payment.pk
    assert first.payment.amount == Decimal("15000.00") and first.payment.enrollment_id == first.enrollment.pk
    assert pay(first.payment) == "succeeded: enrollment active"
    third = services.course_enroll(course_id=paid_course.pk, user=mentee)
    assert third.payment is None and third.enrollment.status == "active"
    assert Payment.objects.count() == 1 and Course.objects.get(pk=paid_course.pk).students_count == 1


def test_an_expired_checkout_is_voided_and_replaced_by_a_fresh_one(paid_course, mentee):
    first = services.course_enroll(course_id=paid_course.pk, user=mentee).payment
    later = timezone.now() + payment_services.ENROLLMENT_PAYMENT_WINDOW + timedelta(minutes=1)
    second = services.course_enroll(course_id=paid_course.pk, user=mentee, now=later).payment
    assert second.pk != first.pk
    assert Payment.objects.get(pk=first.pk).status == "cancelled"


def test_a_second_payment_that_succeeds_for_an_active_enrollment_is_refunded(paid_course, mentee):
    first = services.course_enroll(course_id=paid_course.pk, user=mentee).payment
    later = timezone.now() + payment_services.ENROLLMENT_PAYMENT_WINDOW + timedelta(minutes=1)
    second = services.course_enroll(course_id=paid_course.pk, user=mentee, now=later).payment
    pay(second)
    outcome = payment_services.payment_event_record(provider="offline", event={
        "id": "evt_late", "type": "payment_intent.succeeded", "data": {"object": {
            "id": first.provider_intent_id, "amount_received": 1500000, "currency": "rub"}}})
    assert outcome == "succeeded: enrollment already paid, refunded in full"
    assert Payment.objects.get(pk=first.pk).status == "refunded"


def test_a_payment_with_the_wrong_amount_is_flagged_and_opens_nothing(paid_course, mentee):
    payment = services.course_enroll(course_id=paid_course.pk, user=mentee).payment
    outcome = payment_services.payment_event_record(provider="offline", event={
        "id": "evt_short", "type": "payment_intent.succeeded", "data": {"object": {
            "id": payment.provider_intent_id, "amount_received": 100, "currency": "rub"}}})
    assert outcome.startswith("flagged")
    assert Enrollment.objects.get().status == "pending_payment"


def test_a_replayed_success_changes_nothing(paid_course, mentee):
    payment = services.course_enroll(course_id=paid_course.pk, user=mentee).payment
    event = {"id": "evt_once", "type": "payment_intent.succeeded", "data": {"object": {
        "id": payment.provider_intent_id, "amount_received": 1500000, "currency": "rub"}}}
    payment_services.payment_event_record(provider="offline", event=event)
    assert payment_services.payment_event_record(provider="offline", event=event) == "duplicate: already handled"
    assert Course.objects.get(pk=paid_course.pk).students_count == 1


def test_a_payment_arriving_after_the_learner_cancelled_goes_back(paid_course, mentee):
    result = services.course_enroll(course_id=paid_course.pk, user=mentee)
    services.enrollment_cancel(enrollment_id=result.enrollment.pk, user=mentee)
    assert Payment.objects.get().status == "cancelled"
    outcome = payment_services.payment_event_record(provider="offline", event={
        "id": "evt_after", "type": "payment_intent.succeeded", "data": {"object": {
            "id": result.payment.provider_intent_id, "amount_received": 1500000, "currency": "rub"}}})
    assert outcome == "succeeded: enrollment no longer open, refunded in full"
    assert Enrollment.objects.get().status == "cancelled" and Payment.objects.get().status == "refunded"


def test_the_author_cannot_enroll_in_their_own_course_and_drafts_cannot_be_joined(author, mentor, mentee):
    course = course_with_lessons(author)
    with pytest.raises(Conflict):
        services.course_enroll(course_id=course.pk, user=mentor)
    draft = CourseFactory(author=author, status=Course.Status.DRAFT)
    with pytest.raises(NotFound):
        services.course_enroll(course_id=draft.pk, user=mentee)


def test_one_enrollment_per_learner_and_course_is_enforced_by_the_database(paid_course, mentee):
    EnrollmentFactory(course=paid_course, user=mentee)
    with pytest.raises(IntegrityError):
        EnrollmentFactory(course=paid_course, user=mentee)


# --- progress and completion ------------------------------------------------------------------------


def test_progress_is_the_servers_count_and_completing_every_lesson_issues_a_certificate(paid_course, mentee):
    EnrollmentFactory(course=paid_course, user=mentee)
    ids = list(paid_course.lessons.order_by("position").values_list("pk", flat=True))
    summary = services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=ids[:1],
                                       current_lesson=ids[1])
    assert (summary.progress, summary.completed_lessons, summary.total_lessons) == (25, 1, 4)
    assert summary.certificate_id is None
    summary = services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=ids[1:])
    assert summary.progress == 100 and summary.completed_at is not None and len(summary.certificate_id) >= 20
    again = services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=ids)
    assert again.certificate_id == summary.certificate_id


def test_lessons_of_another_course_are_refused_naming_the_field(paid_course, free_course, mentee):
    EnrollmentFactory(course=paid_course, user=mentee)
    foreign = free_course.lessons.first().pk
    with pytest.raises(InvalidInput) as error:
        services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=[foreign])
    assert error.value.field == "completed_lessons"
    with pytest.raises(InvalidInput) as error:
        services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=[], current_lesson=foreign)
    assert error.value.field == "current_lesson"
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("status", ["pending_payment", "cancelled", "refunded"])
def test_only_an_active_enrollment_records_progress(paid_course, mentee, status):
    EnrollmentFactory(course=paid_course, user=mentee, status=status)
    with pytest.raises(Conflict):
        services.progress_record(course_id=paid_course.pk, user=mentee,
                                 completed_lessons=[paid_course.lessons.first().pk])


def test_progress_without_an_enrollment_is_not_found(paid_course, mentee):
    with pytest.raises(NotFound):
        services.progress_record(course_id=paid_course.pk, user=mentee, completed_lessons=[])


# --- refunds ------------------------------------------------------------------------------------------


def paid_enrollment(course, user):
    result = services.course_enroll(course_id=course.pk, user=user)
    pay(result.payment)
    return Enrollment.objects.get(pk=result.enrollment.pk)


def test_a_learner_gets_a_full_refund_early_and_loses_access(paid_course, mentee):
    enrollment = paid_enrollment(paid_course, mentee)
    quote = services.enrollment_refund(enrollment_id=enrollment.pk, user=mentee)
    assert quote.amount == Decimal("15000.00")
    assert Enrollment.objects.get().status == "refunded" and Payment.objects.get().status == "refunded"
    assert Course.objects.get(pk=paid_course.pk).students_count == 0


def test_no_refund_for_a_learner_after_14_days_or_past_20_percent(paid_course, mentee, other_user):
    enrollment = paid_enrollment(paid_course, mentee)
    with pytest.raises(Conflict, match="14 days"):
        services.enrollment_refund(enrollment_id=enrollment.pk, user=mentee,
                                   now=timezone.now() + timedelta(days=15))
    services.progress_record(course_id=paid_course.pk, user=mentee,
                             completed_lessons=[paid_course.lessons.first().pk])
    with pytest.raises(Conflict, match="20%"):
        services.enrollment_refund(enrollment_id=enrollment.pk, user=mentee)
    with pytest.raises(NotFound):
        services.enrollment_refund(enrollment_id=enrollment.pk, user=other_user)
    assert Enrollment.objects.get().status == "active"


def test_staff_can_always_refund(paid_course, mentee, staff):
    enrollment = paid_enrollment(paid_course, mentee)
    services.enrollment_refund(enrollment_id=enrollment.pk, user=staff, now=timezone.now() + timedelta(days=60))
    assert Enrollment.objects.get().status == "refunded"


def test_staff_refunding_the_payment_ends_the_enrollment(paid_course, mentee, staff):
    paid_enrollment(paid_course, mentee)
    payment_services.payment_refund_by_staff(payment_id=Payment.objects.get().pk, staff=staff)
    assert Enrollment.objects.get().status == "refunded"


def test_a_refund_made_at_the_provider_ends_the_enrollment(paid_course, mentee):
    paid_enrollment(paid_course, mentee)
    payment = Payment.objects.get()
    outcome = payment_services.payment_event_record(provider="offline", event={
        "id": "evt_refund", "type": "charge.refunded", "data": {"object": {
            "payment_intent": payment.provider_intent_id, "amount_refunded": 1500000, "currency": "rub"}}})
    assert outcome.endswith("enrollment refunded") and Enrollment.objects.get().status == "refunded"


def test_enrolling_again_after_a_refund_starts_a_new_payment(paid_course, mentee):
    enrollment = paid_enrollment(paid_course, mentee)
    services.enrollment_refund(enrollment_id=enrollment.pk, user=mentee)
    result = services.course_enroll(course_id=paid_course.pk, user=mentee)
    assert result.created and result.enrollment.status == "pending_payment" and result.payment.status == "pending"


# --- reviews --------------------------------------------------------------------------------------------


def test_an_enrolled_learner_reviews_once_and_the_rating_moves(paid_course, mentee, other_user):
    EnrollmentFactory(course=paid_course, user=mentee)
    services.course_review_create(course_id=paid_course.pk, author=mentee, rating=4, comment="Good")
    assert Course.objects.get(pk=paid_course.pk).rating_avg == Decimal("4.00")
    with pytest.raises(Conflict):
        services.course_review_create(course_id=paid_course.pk, author=mentee, rating=5)
    with pytest.raises(NotFound):
        services.course_review_create(course_id=paid_course.pk, author=other_user, rating=5)


@pytest.mark.parametrize("by", ["learner", "staff", "provider"])
def test_a_refund_takes_the_learners_review_out_of_the_rating(paid_course, mentee, other_user, staff, by):
    enrollment = paid_enrollment(paid_course, mentee)
    services.course_review_create(course_id=paid_course.pk, author=mentee, rating=1, comment="Meh")
    kept = paid_enrollment(paid_course, other_user)
    services.course_review_create(course_id=paid_course.pk, author=other_user, rating=5)
    assert Course.objects.get(pk=paid_course.pk).rating_count == 2
    if by == "provider":
        payment = Payment.objects.get(enrollment=enrollment)
        payment_services.payment_event_record(provider="offline", event={
            "id": "evt_refund", "type": "charge.refunded", "data": {"object": {
                "payment_intent": payment.provider_intent_id, "amount_refunded": 1500000, "currency": "rub"}}})
    else:
        services.enrollment_refund(enrollment_id=enrollment.pk, user=mentee if by == "learner" else staff)
    course = Course.objects.get(pk=paid_course.pk)
    assert (course.rating_count, course.rating_avg) == (1, Decimal("5.00"))
    assert list(CourseReview.objects.values_list("author_id", flat=True)) == [kept.user_id]


def test_a_learner_still_to_pay_cannot_review(paid_course, mentee):
    services.course_enroll(course_id=paid_course.pk, user=mentee)
    with pytest.raises(Conflict):
        services.course_review_create(course_id=paid_course.pk, author=mentee, rating=5)


def test_lesson_minutes_sum_up_for_the_duration(paid_course):
    LessonFactory(course=paid_course, estimated_minutes=60, archived_at=timezone.now())
    from courses.selectors import catalogue

    assert catalogue().get(pk=paid_course.pk).duration_minutes == 120
