"""Demo courses for `make run` (called by seed_demo): a few real-looking courses by the demo mentors, with
lessons, learners part-way through, one finished with a certificate, reviews, and one draft. Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from courses import services
from courses.models import Course, CourseReview, Enrollment, Lesson
from mentors.models import MentorProfile, Skill

LESSON_BODY = """## {title}

{summary}

### What you will do

1. Read the short explanation below.
2. Try the example yourself.
3. Write down one question for the next lesson.

```python
# a small example to run
print("{title}")
```

> Tip: take notes as you go — the last lesson puts everything together.
"""

# author e-mail -> courses: title, category, level, price (RUB), skills, description, status, lessons
# (title, minutes, summary); the first lesson of each is a free preview.
DEMO_COURSES = {
    "maria.mentor@mentorhub.local": [
        ("Python для начинающих", "programming", "beginner", "15000", ["Python"],
         "Базовый курс Python: от первой программы до небольшого проекта.", "published", [
             ("Установка Python и первая программа", 40, "Ставим Python, редактор и запускаем первый скрипт."),
             ("Переменные и типы данных", 60, "Числа, строки, списки и словари на живых примерах."),
             ("Условия и циклы", 75, "if, for и while: как программа принимает решения."),
             ("Функции", 90, "Пишем свои функции и разбираемся с аргументами."),
             ("Работа с файлами", 60, "Читаем и пишем файлы, разбираем CSV."),
             ("Итоговый проект", 120, "Собираем консольное приложение из всего пройденного."),
         ]),
        ("Django REST Framework in practice", "programming", "intermediate", "9000", ["Django", "Python"],
         "Build and test a real API: serializers, permissions, pagination and a service layer.", "published", [
             ("Project layout and the service layer", 45, "Where business rules live, and why views stay thin."),
             ("Serializers that only validate", 60, "Input and output serializers, and errors clients can read."),
             ("Permissions and object access", 60, "Answer 404, not 403, for other people's objects."),
             ("Pagination and query counts", 50, "Keep list endpoints flat as data grows."),
             ("Testing the API", 70, "pytest-django, factories and asserting query counts."),
         ]),
    ],
    "james.mentor@mentorhub.local": [
        ("System Design Interview Crash Course", "engineering", "advanced", "24000", ["System Design"],
         "A structured way through the system design interview, with five worked designs.", "published", [
             ("The interview framework", 30, "Requirements, estimates, API, data model, then scale."),
             ("Design a URL shortener", 60, "Hashing, storage and caching for a read-heavy service."),
             ("Design a chat system", 75, "WebSockets, fan-out and message ordering."),
             ("Design a rate limiter", 45, "Token buckets, sliding windows and where to keep the counters."),
             ("Design a payment system", 90, "Idempotency, webhooks and never charging twice."),
         ]),
    ],
    "aiko.mentor@mentorhub.local": [
        ("Accessible React components", "frontend", "intermediate", "6000", ["React", "TypeScript", "Accessibility"],
         "Build buttons, dialogs and forms that everyone can use, with TypeScript.", "published", [
             ("Why accessibility matters", 25, "Who is left out by inaccessible UI, and the law."),
             ("Semantic HTML first", 40, "The right element beats any ARIA attribute."),
             ("Focus management in dialogs", 55, "Trapping and restoring focus, the Escape key."),
             ("Accessible forms", 50, "Labels, errors and announcements for screen readers."),
         ]),
    ],
    "lena.mentor@mentorhub.local": [
        ("SQL for analytics interviews", "data", "beginner", "0", ["SQL"],
         "Free: the SQL asked in analytics interviews, from SELECT to window functions.", "published", [
             ("SELECT, WHERE, ORDER BY", 30, "Reading data and filtering it."),
             ("GROUP BY and aggregates", 40, "Counting, summing and averaging by group."),
             ("JOINs without fear", 45, "Inner, left and the classic duplicate-rows trap."),
             ("Window functions", 60, "Running totals, ranks and the previous row."),
         ]),
    ],
    "piotr.mentor@mentorhub.local": [
        ("Playwright from zero", "testing", "beginner", "4500", ["Playwright", "Testing", "Python"],
         "End-to-end tests that stay green: locators, fixtures, traces and CI.", "published", [
             ("Your first test", 30, "Install Playwright for Python and open a page."),
             ("Locators that do not break", 45, "Roles, labels and test ids instead of CSS paths."),
             ("Fixtures and test data", 50, "Fast, independent tests with pytest fixtures."),
             ("Running in CI", 40, "Headless browsers, traces and screenshots on failure."),
         ]),
    ],
    "omar.mentor@mentorhub.local": [
        ("Your first 90 days as an engineering manager", "management", "beginner", "7000",
         ["Leadership", "Career Growth"], "One-on-ones, expectations and your first hard conversation.", "draft", [
             ("From engineer to manager", 30, "What changes, and what you must stop doing."),
             ("Running one-on-ones", 40, "A simple agenda that builds trust."),
         ]),
    ],
}

# learner e-mail -> (course title, lessons completed: a number, or "all")
DEMO_LEARNING = {
    "ivan.student@mentorhub.local": [("Python для начинающих", 3), ("SQL for analytics interviews", "all"),
                                     ("Playwright from zero", 1)],
    "emma.student@mentorhub.local": [("System Design Interview Crash Course", 2),
                                     ("Accessible React components", 0), ("SQL for analytics interviews", 2)],
}
REVIEWS = {
    "Python для начинающих": [5, 5, 4, 5, 5],
    "System Design Interview Crash Course": [5, 4, 5],
    "SQL for analytics interviews": [5, 4, 5, 5],
    "Playwright from zero": [4, 5],
}
REVIEW_COMMENTS = {5: "Clear, practical and well paced.", 4: "Good material; I wanted a few more exercises."}


def seed_courses(*, reviewers: list[User]) -> None:
    now = timezone.now()
    courses = {}
    for email, specs in DEMO_COURSES.items():
        profile = MentorProfile.objects.filter(user__email=email, status=MentorProfile.Status.APPROVED).first()
        if profile is None:
            continue
        for age, (title, category, level, price, skills, description, status, lessons) in enumerate(specs):
            course, created = Course.objects.get_or_create(author=profile, title=title, defaults={
                "category": category, "level": level, "price": Decimal(price), "currency": "RUB",
                "description": description})
            courses[title] = course
            if not created:
                continue
            course.skills.set(Skill.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
                              for name in skills)
            Lesson.objects.bulk_create(
                Lesson(course=course, position=n, title=lesson, estimated_minutes=minutes, is_preview=n == 1,
                       body=LESSON_BODY.format(title=lesson, summary=summary))
                for n, (lesson, minutes, summary) in enumerate(lessons, start=1))
            if status == "published":
                Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED,
                                                           published_at=now - timedelta(days=20 + 11 * age))
    for email, plans in DEMO_LEARNING.items():
        learner = User.objects.filter(email=email).first()
        for title, done in plans:
            if learner is not None and title in courses:
                _learn(learner, courses[title], done, now)
    for title, ratings in REVIEWS.items():
        if title not in courses or CourseReview.objects.filter(course=courses[title]).exists():
            continue
        for number, rating in enumerate(ratings):
            reviewer = reviewers[(number * 3 + len(title)) % len(reviewers)]
            _learn(reviewer, courses[title], number + 1, now)
            CourseReview.objects.get_or_create(course=courses[title], author=reviewer,
                                               defaults={"rating": rating, "comment": REVIEW_COMMENTS[rating]})
        services.course_rating_recompute(course_id=courses[title].pk)
    # Kept by the services in real use; the demo writes enrollments directly, so count them once here.
    for course in Course.objects.filter(pk__in=[c.pk for c in courses.values()]).annotate(
            learners=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE))):
        Course.objects.filter(pk=course.pk).update(students_count=course.learners)


def _learn(learner: User, course: Course, done, now) -> None:
    if course.status != Course.Status.PUBLISHED and not Course.objects.filter(
            pk=course.pk, status=Course.Status.PUBLISHED).exists():
        return
    enrollment, created = Enrollment.objects.get_or_create(user=learner, course=course, defaults={
        "status": Enrollment.Status.ACTIVE, "price": course.price, "currency": course.currency,
        "enrolled_at": now - timedelta(days=10), "activated_at": now - timedelta(days=10)})
    if not created:
        return
    lessons = list(Lesson.objects.filter(course=course, archived_at=None).order_by("position")
                   .values_list("pk", flat=True))
    count = len(lessons) if done == "all" else min(done, len(lessons))
    if count:
        services.progress_record(course_id=course.pk, user=learner, completed_lessons=lessons[:count],
                                 current_lesson=lessons[min(count, len(lessons) - 1)], now=now - timedelta(days=2))
