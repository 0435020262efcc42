"""Course pages: the catalogue, a course, the lesson player, my learning, authoring in the mentor dashboard,
and the certificate page anyone can open with its (unguessable) id. Thin: the same services and selectors as
the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from courses import forms, markdown, ports, selectors, services
from courses.models import Course, Enrollment, Lesson
from mentorhub.api.fields import MAX_KEY
from mentorhub.errors import DomainError
from mentorhub.pages import act_and_report

PAGE_SIZE = 12


def _show_error(request, form, exc: DomainError) -> None:
    if exc.field and form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        messages.error(request, exc.message)


def _visible_or_404(request, course_id: int) -> Course:
    course = selectors.course_for_viewer(course_id=course_id, viewer=request.user) if course_id <= MAX_KEY else None
    if course is None:
        raise Http404(_("No such course."))
    return course


# --- learners ----------------------------------------------------------------------------------------


@require_safe
def course_list(request):
    form = forms.CatalogueForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "courses/list.html", {"form": form, "page": None}, status=400)
    queryset = selectors.catalogue(**(form.filters() if form.is_bound else {}))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "courses/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _outline(course: Course, completed: set[int]) -> list[dict]:
    return [{"lesson": lesson, "done": lesson.pk in completed,
             "open": course.viewer_has_access or lesson.is_preview} for lesson in course.lessons_live]


@require_safe
def course_detail(request, pk: int):
    course = _visible_or_404(request, pk)
    enrollment = course.viewer_enrollment
    completed = selectors.completed_lesson_ids(enrollment)
    outline = _outline(course, completed)
    progress = services.progress_of(enrollment) if enrollment is not None and enrollment.is_active else None
    next_lesson = next((row["lesson"] for row in outline if not row["done"]), None)
    return render(request, "courses/detail.html", {
        "course": course, "enrollment": enrollment, "outline": outline, "progress": progress,
        "next_lesson": next_lesson or (outline[0]["lesson"] if outline else None),
        "reviews": selectors.latest_reviews(course=course)})


@login_required
@require_POST
def enrol(request, pk: int):
    if pk > MAX_KEY:
        raise Http404(_("No such course."))
    try:
        result = services.course_enroll(course_id=pk, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("courses:detail", pk)
    if result.payment is not None:
        return redirect("payments:checkout", result.payment.pk)
    first = Lesson.objects.filter(course_id=pk, archived_at=None).order_by("position", "id").first()
    messages.success(request, _("You are enrolled. Enjoy the course!"))
    return redirect("courses:lesson", pk, first.pk) if first else redirect("courses:detail", pk)


@require_safe
def lesson(request, pk: int, lesson_id: int):
    course = _visible_or_404(request, pk)
    lessons = course.lessons_live
    current = next((item for item in lessons if item.pk == lesson_id), None)
    if current is None or not (course.viewer_has_access or current.is_preview):
        raise Http404(_("No such lesson."))
    enrollment = course.viewer_enrollment
    learning = enrollment is not None and enrollment.is_active
    completed = selectors.completed_lesson_ids(enrollment) if learning else set()
    index = lessons.index(current)
    return render(request, "courses/lesson.html", {
        "course": course, "lesson": current, "body": markdown.render(current.body),
        "outline": _outline(course, completed), "learning": learning, "done": current.pk in completed,
        "progress": services.progress_of(enrollment) if learning else None,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "number": index + 1, "total": len(lessons)})


@login_required
@require_POST
def lesson_complete(request, pk: int, lesson_id: int):
    if pk > MAX_KEY or lesson_id > MAX_KEY:
        raise Http404(_("No such lesson."))
    try:
        summary = services.progress_record(course_id=pk, user=request.user, completed_lessons=[lesson_id],
                                           current_lesson=lesson_id)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("courses:detail", pk)
    if summary.completed_at is not None and summary.completed_lessons >= summary.total_lessons:
        messages.success(request, _("Course completed — your certificate is ready."))
        return redirect("courses:my")
    following = (Lesson.objects.filter(course_id=pk, archived_at=None, position__gt=Lesson.objects.get(
        pk=lesson_id).position).order_by("position", "id").first())
    messages.success(request, _("Lesson completed: %(percent)s%% of the course done.") % {"percent": summary.progress})
    return redirect("courses:lesson", pk, following.pk if following else lesson_id)


@login_required
@require_safe
def my_learning(request):
    enrollments = list(selectors.my_courses(user=request.user))
    for enrollment in enrollments:
        enrollment.percent = services.percent(enrollment.done, enrollment.total)
    pending = [e.pk for e in enrollments if e.status == Enrollment.Status.PENDING_PAYMENT]
    payments = ports.money().open_payment_ids(pending) if pending else {}
    for enrollment in enrollments:
        enrollment.payment_id = payments.get(enrollment.pk)
    return render(request, "courses/my.html", {"enrollments": enrollments})


@require_safe
def certificate(request, certificate_id: str):
    enrollment = (Enrollment.objects.select_related("user", "course__author__user")
                  .filter(certificate_id=certificate_id, completed_at__isnull=False).first())
    if enrollment is None:
        raise Http404(_("No such certificate."))
    return render(request, "courses/certificate.html", {
        "enrollment": enrollment, "verification_url": request.build_absolute_uri(request.path)})


# --- authoring (the mentor dashboard) ----------------------------------------------------------------


def _editable_or_404(request, pk: int) -> Course:
    if pk > MAX_KEY:
        raise Http404(_("No such course."))
    queryset = selectors.authored_courses(user=None if request.user.is_staff else request.user)
    course = queryset.filter(pk=pk).first()
    if course is None:
        raise Http404(_("No such course."))
    return course


@login_required
@require_safe
def authored(request):
    return render(request, "courses/authored.html",
                  {"courses": selectors.authored_courses(user=request.user),
                   "is_mentor": hasattr(request.user, "mentor_profile")})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_new(request):
    form = forms.CourseForm(request.POST or None, initial={"currency": getattr(
        getattr(request.user, "mentor_profile", None), "currency", None)})
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(author=request.user, **form.values())
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Course created as a draft. Add its lessons, then publish it."))
            return redirect("courses:edit", course.pk)
    return render(request, "courses/course_form.html", {"form": form, "course": None},
                  status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def course_edit(request, pk: int):
    course = _editable_or_404(request, pk)
    form = forms.CourseForm(request.POST or None, initial=forms.CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(course_id=pk, user=request.user, **form.values())
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("courses:edit", pk)
    lessons = list(Lesson.objects.filter(course=course, archived_at=None).order_by("position", "id"))
    return render(request, "courses/course_form.html", {"form": form, "course": course, "lessons": lessons},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def course_publish(request, pk: int):
    course = _editable_or_404(request, pk)
    if request.POST.get("action") == "unpublish":
        act_and_report(request, lambda: services.course_unpublish(course_id=course.pk, user=request.user),
                       _("Course taken out of the catalogue."))
    else:
        act_and_report(request, lambda: services.course_publish(course_id=course.pk, user=request.user),
                       _("Course published: it is in the catalogue."))
    return redirect("courses:edit", course.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_new(request, pk: int):
    course = _editable_or_404(request, pk)
    form = forms.LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_create(course_id=course.pk, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Lesson added."))
            return redirect("courses:edit", course.pk)
    return render(request, "courses/lesson_form.html", {"form": form, "course": course, "lesson": None},
                  status=400 if form.is_bound else 200)


def _editable_lesson_or_404(course: Course, lesson_id: int) -> Lesson:
    found = Lesson.objects.filter(pk=lesson_id, course=course, archived_at=None).first() \
        if lesson_id <= MAX_KEY else None
    if found is None:
        raise Http404(_("No such lesson."))
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lesson_edit(request, pk: int, lesson_id: int):
    course = _editable_or_404(request, pk)
    item = _editable_lesson_or_404(course, lesson_id)
    form = forms.LessonForm(request.POST or None, initial=forms.LessonForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(lesson_id=item.pk, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("courses:edit", course.pk)
    return render(request, "courses/lesson_form.html", {"form": form, "course": course, "lesson": item},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def lesson_delete(request, pk: int, lesson_id: int):
    course = _editable_or_404(request, pk)
    item = _editable_lesson_or_404(course, lesson_id)
    try:
        outcome = services.lesson_delete(lesson_id=item.pk, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Lesson archived: learners who completed it keep their progress.")
                         if outcome == "archived" else _("Lesson deleted."))
    return redirect("courses:edit", course.pk)


@login_required
@require_POST
def lesson_move(request, pk: int, lesson_id: int):
    course = _editable_or_404(request, pk)
    item = _editable_lesson_or_404(course, lesson_id)
    order = list(Lesson.objects.filter(course=course, archived_at=None).order_by("position", "id")
                 .values_list("pk", flat=True))
    index = order.index(item.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        act_and_report(request, lambda: services.lessons_reorder(course_id=course.pk, user=request.user,
                                                                 lesson_ids=order), _("Lesson moved."))
    return redirect("courses:edit", course.pk)
