"""Staff see courses, lessons and enrollments, and act on them only through the services (so counters, payments
and learners' access stay right): publish or unpublish a course, refund or cancel an enrollment."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from courses import services
from courses.models import Course, CourseReview, Enrollment, Lesson
from mentorhub import admin_readonly as readonly
from mentorhub.errors import DomainError


class ReadOnlyAdmin(readonly.ReadOnlyAdmin):
    """Every change goes through an action (a service); the rows themselves are not edited by hand."""

    def _run(self, request, queryset, action, done: str):
        for obj in queryset:
            try:
                action(obj)
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.WARNING)
                continue
            self.message_user(request, f"{obj}: {done}", messages.SUCCESS)


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("position", "title", "estimated_minutes", "is_preview", "archived_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "author", "status", "category", "level", "price", "currency", "students_count",
                    "rating_avg", "published_at")
    list_filter = ("status", "level", "category")
    search_fields = ("title", "author__user__email", "author__user__full_name")
    list_select_related = ("author__user",)
    inlines = [LessonInline]
    actions = ["unpublish", "publish"]

    @admin.action(description=_("Unpublish the selected courses (learners already in them keep access)"))
    def unpublish(self, request, queryset):
        self._run(request, queryset, lambda course: services.course_unpublish(course_id=course.pk, user=request.user),
                  "unpublished.")

    @admin.action(description=_("Publish the selected courses (each needs a lesson and an approved author)"))
    def publish(self, request, queryset):
        self._run(request, queryset, lambda course: services.course_publish(course_id=course.pk, user=request.user),
                  "published.")


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ("title", "course", "position", "estimated_minutes", "is_preview", "archived_at")
    list_filter = ("is_preview",)
    search_fields = ("title", "course__title")
    list_select_related = ("course",)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "course", "status", "price", "currency", "enrolled_at", "completed_at")
    list_filter = ("status",)
    search_fields = ("user__email", "user__full_name", "course__title", "certificate_id")
    list_select_related = ("user", "course")
    actions = ["refund_in_full", "cancel_unpaid"]

    @admin.action(description=_("Refund the selected enrollments in full (their access ends)"))
    def refund_in_full(self, request, queryset):
        self._run(request, queryset,
                  lambda enrollment: services.enrollment_refund(enrollment_id=enrollment.pk, user=request.user),
                  "refunded.")

    @admin.action(description=_("Cancel the selected enrollments still waiting for payment"))
    def cancel_unpaid(self, request, queryset):
        self._run(request, queryset,
                  lambda enrollment: services.enrollment_cancel(enrollment_id=enrollment.pk, user=request.user),
                  "cancelled.")


@admin.register(CourseReview)
class CourseReviewAdmin(ReadOnlyAdmin):
    list_display = ("course", "author", "rating", "created_at")
    list_filter = ("rating",)
    search_fields = ("course__title", "author__email")
    list_select_related = ("course", "author")
