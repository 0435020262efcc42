"""Thin DRF layer over courses.services and courses.selectors."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import selectors, services
from courses.api import serializers as s
from courses.models import Course, CourseReview, Enrollment, Lesson
from mentorhub.api.fields import MAX_KEY
from mentorhub.errors import NotFound
from mentors.cache import cached_json

COURSE_ERRORS = ["404", "409"]
# The largest key SQLite and PostgreSQL can compare: a longer number in the path is simply not found.


class BoundedIds:
    """Ids in the path beyond any key the database can hold answer 404 instead of failing in the query."""

    def initial(self, request, *args, **kwargs):
        for name in ("pk", "lesson_id"):
            if name in kwargs and int(kwargs[name]) > MAX_KEY:
                raise NotFound(_("No such course.") if name == "pk" else _("No such lesson."))
        super().initial(request, *args, **kwargs)
TAGS = ["courses"]
AUTHORING = ["course authoring"]


def _visible_or_404(request, pk: int) -> Course:
    course = selectors.course_for_viewer(course_id=pk, viewer=request.user)
    if course is None:
        raise NotFound(_("No such course."))
    return course


def _my_enrollment_id(request, pk: int) -> int:
    found = Enrollment.objects.filter(course_id=pk, user=request.user).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound(_("You are not enrolled in this course."))
    return found


def _checkout_url(request, payment) -> str | None:
    if payment is None:
        return None
    return request.build_absolute_uri(reverse("payments:checkout", args=[payment.pk]))


def _progress_data(summary: services.Progress) -> dict:
    return s.ProgressOutput(summary).data


# --- the catalogue and one course ------------------------------------------------------------------


class CourseListView(ListAPIView):
    """Published courses, filtered and ordered; mentors also create courses here (as drafts)."""

    serializer_class = s.CourseCard
    filter_backends = []
    queryset = Course.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_permissions(self):
        return [AllowAny()] if self.request is None or self.request.method == "GET" else [IsAuthenticated()]

    def get_queryset(self):
        return selectors.catalogue(**self.search.validated_data)

    @extend_schema(tags=TAGS, parameters=[s.CourseSearchInput], summary="Search published courses")
    def get(self, request, *args, **kwargs):
        def build():  # only on a cache miss; a bad query raises here and is never cached
            self.search = s.CourseSearchInput(data=request.query_params.dict())
            self.search.is_valid(raise_exception=True)
            return super(CourseListView, self).list(request, *args, **kwargs).data

        # Nothing viewer-specific: everyone shares one entry per query, retired when any course changes.
        return cached_json(request, scope="courses", zone="", build=build)

    @extend_schema(tags=AUTHORING, request=s.CourseInput, responses={201: s.AuthoredCourse},
                   summary="Start a course (approved mentors; it is a draft until published)")
    def post(self, request):
        data = s.CourseInput(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.course_create(author=request.user, **data.validated_data)
        return Response(s.AuthoredCourse(selectors.authored_courses(user=request.user).get(pk=course.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class CourseDetailView(BoundedIds, GenericAPIView):
    serializer_class = s.CourseDetail
    extra_error_codes = COURSE_ERRORS

    def get_permissions(self):
        return [AllowAny()] if self.request is None or self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(summary="A course with its lesson outline (drafts only for their author and staff)")
    def get(self, request, pk: int):
        course = _visible_or_404(request, pk)
        context = {"completed": selectors.completed_lesson_ids(course.viewer_enrollment),
                   "has_access": course.viewer_has_access}
        return Response(s.CourseDetail(course, context=context).data)

    @extend_schema(tags=AUTHORING, request=s.CourseInput, responses={200: s.AuthoredCourse},
                   summary="Edit a course (its author or staff); enrolled learners keep their price")
    def patch(self, request, pk: int):
        data = s.CourseInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.course_update(course_id=pk, user=request.user, **data.validated_data)
        return Response(s.AuthoredCourse(_authored(request, pk)).data)


def _authored(request, pk: int) -> Course:
    """The course as its author (or staff) sees it in their list, drafts included."""
    queryset = selectors.authored_courses(user=request.user) if not request.user.is_staff else \
        selectors.authored_courses(user=None)
    course = queryset.filter(pk=pk).first()
    if course is None:
        raise NotFound(_("No such course."))
    return course


@extend_schema(tags=TAGS, responses={200: s.LessonDetail}, summary="A lesson with its body (enrolled learners, "
               "the author and staff; preview lessons for everyone)")
class LessonDetailView(BoundedIds, GenericAPIView):
    serializer_class = s.LessonDetail
    extra_error_codes = COURSE_ERRORS

    def get_permissions(self):
        return [AllowAny()] if self.request is None or self.request.method == "GET" else [IsAuthenticated()]

    def get(self, request, pk: int, lesson_id: int):
        course = _visible_or_404(request, pk)
        lesson = next((lesson for lesson in course.lessons_live if lesson.pk == int(lesson_id)), None)
        if lesson is None or not (lesson.is_preview or course.viewer_has_access):
            raise NotFound(_("No such lesson."))
        return Response(s.LessonDetail(lesson).data)

    @extend_schema(tags=AUTHORING, request=s.LessonInput, summary="Edit a lesson (its course's author or staff)")
    def patch(self, request, pk: int, lesson_id: int):
        data = s.LessonInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        _editable_lesson_or_404(request, pk, lesson_id)
        lesson = services.lesson_update(lesson_id=lesson_id, user=request.user, **data.validated_data)
        return Response(s.LessonDetail(lesson).data)

    @extend_schema(tags=AUTHORING, request=None, responses={200: s.LessonDeleteOutput},
                   summary="Remove a lesson; one that learners completed is archived, keeping their progress")
    def delete(self, request, pk: int, lesson_id: int):
        _editable_lesson_or_404(request, pk, lesson_id)
        return Response({"outcome": services.lesson_delete(lesson_id=lesson_id, user=request.user)})


def _editable_lesson_or_404(request, pk: int, lesson_id: int) -> None:
    if not Lesson.objects.filter(pk=lesson_id, course_id=pk, archived_at=None).exists():
        raise NotFound(_("No such lesson."))


# --- learners ----------------------------------------------------------------------------------------


@extend_schema(tags=TAGS, request=None, responses={201: s.EnrollOutput, 200: s.EnrollOutput},
               summary="Enrol: free courses open at once; paid ones answer a payment_url (200 when already enrolled)",
               examples=[OpenApiExample("Paid course", response_only=True, status_codes=["201"], value={
                   "enrollment_id": 1, "course": {"id": 1, "title": "Python для начинающих"},
                   "status": "pending_payment", "enrolled_at": "2025-11-24T12:00:00Z", "progress": 0,
                   "price": 15000.0, "currency": "RUB",
                   "payment_url": "https://mentorhub.example/payments/7/checkout/"})])
class EnrollView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS

    def post(self, request, pk: int):
        result = services.course_enroll(course_id=pk, user=request.user)
        body = s.EnrollOutput({"enrollment": result.enrollment,
                               "progress": services.progress_of(result.enrollment).progress,
                               "payment_url": _checkout_url(request, result.payment)}).data
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


@extend_schema(tags=TAGS, responses={200: s.ProgressOutput})
class ProgressView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS

    @extend_schema(summary="My progress in a course")
    def get(self, request, pk: int):
        enrollment = Enrollment.objects.get(pk=_my_enrollment_id(request, pk))
        return Response(_progress_data(services.progress_of(enrollment)))

    @extend_schema(request=s.ProgressInput, summary="Mark lessons completed; progress is the server's count "
                                                    "(progress_percentage is ignored)",
                   examples=[OpenApiExample("Three of twelve", response_only=True, value={
                       "course_id": 1, "progress": 25, "completed_lessons": 3, "total_lessons": 12,
                       "completed_at": None, "certificate_id": None})])
    def put(self, request, pk: int):
        data = s.ProgressInput(data=request.data)
        data.is_valid(raise_exception=True)
        summary = services.progress_record(course_id=pk, user=request.user,
                                           completed_lessons=data.validated_data["completed_lessons"],
                                           current_lesson=data.validated_data.get("current_lesson"))
        return Response(_progress_data(summary))


@extend_schema(tags=TAGS, summary="My learning: my courses with progress and the next lesson")
class MyCoursesView(ListAPIView):
    serializer_class = s.MyCourseItem
    filter_backends = []
    queryset = Enrollment.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        return selectors.my_courses(user=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for enrollment in page:
            enrollment.course.duration_minutes = enrollment.course_minutes
        return page


@extend_schema(tags=TAGS, request=None, responses={200: s.RefundOutput},
               summary="Refund my enrollment: in full within 14 days while under 20% completed; access ends")
class RefundView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS

    def post(self, request, pk: int):
        enrollment_id = _my_enrollment_id(request, pk)
        quote = services.enrollment_refund(enrollment_id=enrollment_id, user=request.user)
        enrollment = Enrollment.objects.get(pk=enrollment_id)
        return Response(s.RefundOutput({"enrollment_id": enrollment.pk, "status": enrollment.status,
                                        "refunded": quote.amount, "currency": enrollment.currency,
                                        "rule": quote.rule}).data)


@extend_schema(tags=TAGS)
class ReviewsView(BoundedIds, ListAPIView):
    serializer_class = s.CourseReviewOutput
    filter_backends = []
    extra_error_codes = COURSE_ERRORS
    queryset = CourseReview.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_permissions(self):
        return [AllowAny()] if self.request is None or self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(summary="A course's reviews, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        course = _visible_or_404(self.request, self.kwargs["pk"])
        return CourseReview.objects.filter(course=course).select_related("author")

    @extend_schema(request=s.CourseReviewInput, responses={201: s.CourseReviewOutput},
                   summary="Review a course I am enrolled in (once); its rating moves")
    def post(self, request, pk: int):
        data = s.CourseReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.course_review_create(course_id=pk, author=request.user, **data.validated_data)
        return Response(s.CourseReviewOutput(review).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, responses={200: s.CertificateOutput},
               summary="Verify a certificate: anyone with its id sees who completed which course, and when")
class CertificateView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, certificate_id: str):
        enrollment = (Enrollment.objects.select_related("user", "course__author__user")
                      .filter(certificate_id=certificate_id, completed_at__isnull=False).first())
        if enrollment is None:
            raise NotFound(_("No such certificate."))
        url = request.build_absolute_uri(reverse("courses:certificate", args=[certificate_id]))
        return Response(s.CertificateOutput({
            "certificate_id": enrollment.certificate_id, "user": enrollment.user, "course": enrollment.course,
            "completed_at": enrollment.completed_at, "verification_url": url}).data)


# --- authoring ------------------------------------------------------------------------------------------


@extend_schema(tags=AUTHORING, summary="The courses I wrote, drafts included")
class AuthoredCoursesView(ListAPIView):
    serializer_class = s.AuthoredCourse
    filter_backends = []
    queryset = Course.objects.none()  # the model, for the schema; get_queryset picks the rows

    def get_queryset(self):
        return selectors.authored_courses(user=self.request.user)


@extend_schema(tags=AUTHORING, request=s.LessonInput, responses={201: s.LessonDetail},
               summary="Add a lesson at the end of a course")
class LessonCreateView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS

    def post(self, request, pk: int):
        data = s.LessonInput(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = services.lesson_create(course_id=pk, user=request.user, **data.validated_data)
        return Response(s.LessonDetail(lesson).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=AUTHORING, request=s.ReorderInput, responses={200: s.LessonOutline(many=True)},
               summary="Put the lessons in a new order (name every lesson once)")
class LessonOrderView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS

    def put(self, request, pk: int):
        data = s.ReorderInput(data=request.data)
        data.is_valid(raise_exception=True)
        lessons = services.lessons_reorder(course_id=pk, user=request.user, **data.validated_data)
        return Response(s.LessonOutline(lessons, many=True, context={"has_access": True}).data)


@extend_schema(tags=AUTHORING, request=None, responses={200: s.AuthoredCourse},
               summary="Publish a course (it needs a lesson) or take it out of the catalogue (author or staff)")
class PublishView(BoundedIds, APIView):
    extra_error_codes = COURSE_ERRORS
    publish = True

    def post(self, request, pk: int):
        if self.publish:
            services.course_publish(course_id=pk, user=request.user)
        else:
            services.course_unpublish(course_id=pk, user=request.user)
        return Response(s.AuthoredCourse(_authored(request, pk)).data)
