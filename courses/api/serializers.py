from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import validate_single_line
from courses import markdown
from courses.models import Course, CourseReview, Enrollment, Lesson
from courses.selectors import ORDERINGS
from mentorhub.api import fields
from mentors.api.serializers import MONEY, PRICE, AnyOfNames, CurrencyField, SkillNames

HOURS = {"max_digits": 6, "decimal_places": 1, "coerce_to_string": False}
# Lesson ids fit a 64-bit key: a larger number is a 400 here, never an out-of-range error in the database.


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- catalogue --------------------------------------------------------------------------------------


class CourseSearchInput(serializers.Serializer):
    category = serializers.SlugField(required=False, max_length=64,
                                     help_text='A category ("programming") or a skill ("python") of the course.')
    level = serializers.ChoiceField(choices=Course.Level.choices, required=False)
    q = serializers.CharField(required=False, max_length=100, help_text="Words in the title or description.")
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    max_price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, min_value=0)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False, default="rating")

    def validate(self, attrs):
        low, high = attrs.get("min_price"), attrs.get("max_price")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": [
                _("Must not be below min_price (%(low)s).") % {"low": f"{low.normalize():f}"}]})
        return attrs


class AuthorField(serializers.Serializer):
    mentor_id = serializers.IntegerField(source="id", help_text="The author's MentorProfile id.")
    full_name = serializers.CharField(source="user.display_name")
    title = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, profile) -> str | None:
        return profile.user.avatar_url or None


class CourseCard(serializers.ModelSerializer):
    duration_hours = serializers.SerializerMethodField(help_text="The lessons' estimated time, in hours.")
    price = serializers.DecimalField(**MONEY)
    currency = CurrencyField(read_only=True)
    rating = serializers.DecimalField(source="rating_avg", max_digits=3, decimal_places=2, coerce_to_string=False)
    author = AuthorField()

    class Meta:
        model = Course
        fields = ["id", "title", "description", "category", "level", "duration_hours", "price", "currency",
                  "rating", "rating_count", "students_count", "author", "published_at"]

    @extend_schema_field(serializers.DecimalField(**HOURS))
    def get_duration_hours(self, course) -> Decimal:
        return hours(course.duration_minutes)


# --- one course ------------------------------------------------------------------------------------


class LessonOutline(serializers.ModelSerializer):
    is_completed = serializers.SerializerMethodField()
    can_open = serializers.SerializerMethodField(help_text="The viewer may read this lesson's body.")
    body_html = serializers.SerializerMethodField(help_text="The body, rendered and sanitised; null when the "
                                                            "viewer may not read it.")
    video_url = serializers.SerializerMethodField(help_text="null when the viewer may not open the lesson.")

    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "estimated_minutes", "is_preview", "can_open", "is_completed",
                  "body_html", "video_url"]

    def get_is_completed(self, lesson) -> bool:
        return lesson.pk in self.context.get("completed", set())

    def get_can_open(self, lesson) -> bool:
        return lesson.is_preview or self.context.get("has_access", False)

    def get_body_html(self, lesson) -> str | None:
        return markdown.render(lesson.body) if self.get_can_open(lesson) else None

    def get_video_url(self, lesson) -> str | None:
        return (lesson.video_url or None) if self.get_can_open(lesson) else None


class LessonDetail(serializers.ModelSerializer):
    body_html = serializers.SerializerMethodField(help_text="The Markdown body rendered and sanitised.")
    # A lesson without a video has null, not "" (which is no URL, and broke the schema's uri format).
    video_url = serializers.SerializerMethodField(help_text="The lesson's video, or null.")

    class Meta:
        model = Lesson
        fields = ["id", "course_id", "position", "title", "body", "body_html", "video_url", "estimated_minutes",
                  "is_preview", "updated_at"]

    def get_body_html(self, lesson) -> str:
        return markdown.render(lesson.body)

    def get_video_url(self, lesson) -> str | None:
        return lesson.video_url or None


class ProgressOutput(serializers.Serializer):
    course_id = serializers.IntegerField()
    progress = serializers.IntegerField(help_text="Percent of the course's lessons completed (the server's count).")
    completed_lessons = serializers.IntegerField(help_text="How many of the course's lessons are completed.")
    total_lessons = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True, help_text="When the last lesson was completed.")
    certificate_id = serializers.CharField(allow_null=True,
                                           help_text="Set once completed: /certificates/{id}/ (a page) and "
                                                     "/api/v1/certificates/{id} verify it.")


class MyEnrollment(serializers.ModelSerializer):
    enrollment_id = serializers.IntegerField(source="id")

    class Meta:
        model = Enrollment
        fields = ["enrollment_id", "status", "enrolled_at", "completed_at", "certificate_id"]


class CourseDetail(CourseCard):
    skills = SkillNames()
    lessons = serializers.SerializerMethodField()
    enrollment = serializers.SerializerMethodField(help_text="Yours, if you enrolled; null otherwise.")

    class Meta(CourseCard.Meta):
        fields = [*CourseCard.Meta.fields, "status", "skills", "lessons", "enrollment"]

    @extend_schema_field(LessonOutline(many=True))
    def get_lessons(self, course):
        return LessonOutline(course.lessons_live, many=True, context=self.context).data

    @extend_schema_field(MyEnrollment(allow_null=True))
    def get_enrollment(self, course):
        enrollment = course.viewer_enrollment
        return MyEnrollment(enrollment).data if enrollment is not None else None


# --- enrolment and progress --------------------------------------------------------------------------


class CourseRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class EnrollOutput(serializers.Serializer):
    enrollment_id = serializers.IntegerField(source="enrollment.id")
    course = CourseRef(source="enrollment.course")
    status = serializers.ChoiceField(source="enrollment.status", choices=Enrollment.Status.choices)
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at")
    progress = serializers.IntegerField(help_text="Percent of the lessons completed.")
    price = serializers.DecimalField(source="enrollment.price", **MONEY)
    currency = serializers.CharField(source="enrollment.currency")
    payment_url = serializers.CharField(allow_null=True,
                                        help_text="Where to pay (the checkout page); null when nothing is due.")


class ProgressInput(AnyOfNames):
    aliases = {"completedLessons": "completed_lessons", "currentLesson": "current_lesson",
               "progressPercentage": "progress_percentage"}
    completed_lessons = serializers.ListField(child=fields.KeyField(), max_length=1000,
                                              default=list, help_text="Lesson ids now completed (added to those "
                                                                      "completed before).")
    current_lesson = fields.KeyField(required=False, allow_null=True)
    progress_percentage = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100,
        help_text="Accepted for the spec's shape and ignored: progress is computed from the completed lessons.")


class MyCourseItem(serializers.ModelSerializer):
    enrollment_id = serializers.IntegerField(source="id")
    course = CourseCard()
    progress = serializers.SerializerMethodField()
    completed_lessons = serializers.IntegerField(source="done")
    total_lessons = serializers.IntegerField(source="total")
    next_lesson = serializers.SerializerMethodField(help_text="The first lesson not completed yet; null when done.")

    class Meta:
        model = Enrollment
        fields = ["enrollment_id", "status", "course", "progress", "completed_lessons", "total_lessons",
                  "next_lesson", "enrolled_at", "completed_at", "certificate_id"]

    def get_progress(self, enrollment) -> int:
        from courses.services import percent

        return percent(enrollment.done, enrollment.total)

    @extend_schema_field(CourseRef(allow_null=True))
    def get_next_lesson(self, enrollment):
        if enrollment.next_lesson_id is None:
            return None
        return {"id": enrollment.next_lesson_id, "title": enrollment.next_lesson_title}


class RefundOutput(serializers.Serializer):
    enrollment_id = serializers.IntegerField()
    status = serializers.CharField()
    refunded = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()
    rule = serializers.CharField(help_text="The policy rule that applied, in words.")


class CourseReviewInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class CourseReviewOutput(serializers.ModelSerializer):
    student_name = serializers.CharField(source="author.display_name")

    class Meta:
        model = CourseReview
        fields = ["id", "student_name", "rating", "comment", "created_at"]


class CertificateOutput(serializers.Serializer):
    certificate_id = serializers.CharField()
    learner_name = serializers.CharField(source="user.display_name")
    course = CourseRef()
    author_name = serializers.CharField(source="course.author.user.display_name")
    completed_at = serializers.DateTimeField()
    verification_url = serializers.CharField(help_text="The certificate page anyone can open (printable).")


# --- authoring ------------------------------------------------------------------------------------------


class CourseInput(serializers.Serializer):
    title = serializers.CharField(max_length=150, validators=[validate_single_line])
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    category = serializers.SlugField(max_length=64)
    skills = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=20)
    level = serializers.ChoiceField(choices=Course.Level.choices, required=False)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, required=False, **PRICE)
    currency = CurrencyField(required=False)


class AuthoredCourse(CourseCard):
    lessons_count = serializers.IntegerField(read_only=True)

    class Meta(CourseCard.Meta):
        fields = [*CourseCard.Meta.fields, "status", "lessons_count", "created_at", "updated_at"]


class LessonInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_single_line])
    body = serializers.CharField(max_length=100_000, required=False, allow_blank=True,
                                 help_text="Markdown; raw HTML is shown as text.")
    video_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    estimated_minutes = serializers.IntegerField(required=False, min_value=1, max_value=24 * 60)
    is_preview = serializers.BooleanField(required=False)


class ReorderInput(serializers.Serializer):
    lesson_ids = serializers.ListField(child=fields.KeyField(), max_length=1000,
                                       help_text="Every lesson of the course, in the new order.")


class LessonDeleteOutput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["archived", "deleted"],
                                      help_text="archived: learners had completed it, so their progress stays.")
