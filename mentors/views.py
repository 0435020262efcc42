"""Mentor pages: search, profile with bookable times, applying, and the mentor's dashboard."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mentorhub.dates import week_from
from mentorhub.errors import DomainError
from mentorhub.pages import act_and_report
from mentors import forms, selectors, services
from mentors.api.serializers import weekly_text
from mentors.models import DateOverride, MentorProfile, Service, Slot
from messaging.services import message_may_write

PAGE_SIZE = 12
REVIEWS_PAGE_SIZE = 10


def _show_error(request, form, exc: DomainError) -> None:
    # "availability.tuesday.0" belongs next to the form's "tuesday" box.
    parts = exc.field.split(".") if exc.field else []
    field = next((part for part in reversed(parts) if form is not None and part in form.fields), None)
    if field is not None:
        form.add_error(field, exc.message)
    else:
        messages.error(request, exc.message)


def mentor_list(request):
    form = forms.SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # Say what is wrong with the filters rather than answer "no mentors" (or everyone) to a question that
        # cannot be asked.
        return render(request, "mentors/list.html", {"form": form, "page": None})
    queryset = selectors.mentor_search(viewer_tz=timezone.get_current_timezone(),
                                       **(form.filters() if form.is_bound else {}))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_next_free_time(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "mentors/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _week_start(request) -> datetime:
    """Seven days from ``?week=YYYY-MM-DD`` (the viewer's calendar), never before today."""
    day = week_from(request.GET.get("week"), today=timezone.localdate())
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def mentor_detail(request, pk: int):
    mentor = selectors.mentor_for_viewer(mentor_id=pk, viewer=request.user)
    if mentor is None:
        raise Http404(_("No such mentor."))
    mentor_services = list(mentor.services.all())
    service = next((s for s in mentor_services if str(s.pk) == request.GET.get("service")), None)
    service = service or (mentor_services[0] if mentor_services else None)
    week_start = _week_start(request)
    week_end = week_start + timedelta(days=7)
    tz = timezone.get_current_timezone()
    times = selectors.bookable_times(mentor=mentor, service=service, window_start=week_start, window_end=week_end)
    days = []
    for offset in range(7):
        day = (week_start + timedelta(days=offset)).date()
        days.append({"date": day, "times": [t for t in times if t.start.astimezone(tz).date() == day]})
    return render(request, "mentors/detail.html", {
        "mentor": mentor, "services": mentor_services, "service": service, "days": days,
        "reviews": selectors.latest_reviews(mentor=mentor),
        "prev_week": (week_start - timedelta(days=7)).date(), "next_week": week_end.date(),
        "is_current_week": week_start.date() <= timezone.localdate(),
        "weekly": {str(forms.DAY_LABELS[day]): ranges for day, ranges in weekly_text(mentor).items()},
        "may_message": message_may_write(sender=request.user, recipient=mentor.user),
        # Carried into the booking links, so a booking made from a conversation is noted in it.
        "from_conversation": request.GET.get("from_conversation", "") if request.GET.get(
            "from_conversation", "").isdigit() else "",
    })


@login_required
def apply(request):
    existing = MentorProfile.objects.filter(user=request.user).first()
    initial = {"timezone": request.user.timezone}
    if existing is not None:
        initial.update(title=existing.title, company=existing.company, description=existing.description,
                       price_per_hour=existing.price_per_hour, currency=existing.currency, timezone=existing.timezone,
                       skills=", ".join(existing.skills.values_list("name", flat=True)))
    form = forms.ApplyForm(request.POST or None, initial=initial,
                           weekly=weekly_text(existing) if existing else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mentor_apply(
                user=request.user, title=data["title"], description=data["description"], company=data["company"],
                skills=forms.split_list(data["skills"]), price_per_hour=data["price_per_hour"],
                availability=form.weekly(), timezone_name=data["timezone"], currency=data["currency"],
            )
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Thank you! Your application is waiting for review. We will e-mail you."))
            return redirect("mentors:dashboard")
    return render(request, "mentors/apply.html", {"form": form, "existing": existing})


def _own_profile(request) -> MentorProfile:
    profile = MentorProfile.objects.filter(user=request.user).first()
    if profile is None:
        raise Http404(_("You have no mentor profile."))
    return profile


# The dashboard shows five forms on one page: a prefix each keeps their ids (and so their labels) apart,
# e.g. the service's and the settings' "description".
SETTINGS, HOURS, SERVICE, OVERRIDE, SLOT = "settings", "hours", "service", "override", "slot"


def _dashboard(request, profile, **forms_in_error):
    slots = Slot.objects.filter(mentor=profile, is_active=True, end__gt=timezone.now()).select_related("service")
    reviews = selectors.reviews_to_answer(mentor=profile)
    context = {
        "profile": profile,
        "settings_form": forms.ProfileSettingsForm(
            instance=profile, initial={"skills_text": ", ".join(profile.skills.values_list("name", flat=True))},
            prefix=SETTINGS),
        "hours_form": forms.WeeklyHoursForm(weekly=weekly_text(profile), prefix=HOURS),
        "service_form": forms.ServiceForm(prefix=SERVICE),
        "override_form": forms.OverrideForm(prefix=OVERRIDE),
        "slot_form": forms.SlotForm(profile=profile, prefix=SLOT),
        "services": Service.objects.filter(mentor=profile, is_active=True),
        "overrides": DateOverride.objects.filter(mentor=profile, date__gte=timezone.localdate()),
        "slots": slots,
        "reviews_page": Paginator(reviews, REVIEWS_PAGE_SIZE).get_page(request.GET.get("reviews_page")),
        "unanswered_reviews": reviews.filter(mentor_reply="").count(),
        **forms_in_error,
    }
    return render(request, "mentors/dashboard.html", context, status=400 if forms_in_error else 200)


@login_required
def dashboard(request):
    profile = MentorProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("mentors:apply")
    return _dashboard(request, profile)


def _handle(request, form_name: str, form, action, *, what: str):
    """Run ``action(cleaned_data)`` for a valid form; on a refusal show the dashboard again with the errors,
    and say so at the top: the form may be far down the page (static/js/form-errors.js scrolls to it)."""
    profile = _own_profile(request)
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            return redirect("mentors:dashboard")
    if form.errors:
        messages.error(request, _("%(what)s could not be saved: correct the highlighted field below.") % {"what": what})
    return _dashboard(request, profile, **{form_name: form})


@login_required
@require_POST
def save_settings(request):
    profile = _own_profile(request)
    form = forms.ProfileSettingsForm(request.POST, instance=MentorProfile.objects.get(pk=profile.pk), prefix=SETTINGS)

    def action(data):
        skills = forms.split_list(data.pop("skills_text"))
        services.mentor_update_profile(user=request.user, skills=skills, **data)
        messages.success(request, _("Profile saved."))

    return _handle(request, "settings_form", form, action, what=_("Profile and booking settings"))


@login_required
@require_POST
def save_hours(request):
    form = forms.WeeklyHoursForm(request.POST, prefix=HOURS)

    def action(data):
        services.availability_replace(user=request.user, weekly=form.weekly())
        messages.success(request, _("Weekly hours saved."))

    return _handle(request, "hours_form", form, action, what=_("Weekly hours"))


@login_required
@require_POST
def add_service(request):
    form = forms.ServiceForm(request.POST, prefix=SERVICE)

    def action(data):
        services.service_create(user=request.user, **data)
        messages.success(request, _("Service “%(name)s” added.") % {"name": data["name"]})

    return _handle(request, "service_form", form, action, what=_("The new service"))


@login_required
@require_POST
def remove_service(request, pk: int):
    return _act_and_return(request, lambda: services.service_delete(user=request.user, service_id=pk),
                           _("Service removed."))


def _act_and_return(request, act, success: str):
    """A one-click dashboard action: do it, say how it went, back to the dashboard."""
    act_and_report(request, act, success)
    return redirect("mentors:dashboard")


@login_required
@require_POST
def add_override(request):
    form = forms.OverrideForm(request.POST, prefix=OVERRIDE)

    def action(data):
        profile = _own_profile(request)
        current = [{"date": o.date, "ranges": o.ranges}
                   for o in DateOverride.objects.filter(mentor=profile, date__gte=timezone.localdate())
                   if o.date != data["date"]]
        current.append({"date": data["date"], "ranges": forms.split_list(data["ranges"])})
        services.overrides_replace(user=request.user, overrides=current)
        messages.success(request, _("%(day)s: %(hours)s.") % {
            "day": date_format(data["date"], _("D d M")), "hours": data["ranges"] or _("day off")})

    return _handle(request, "override_form", form, action, what=_("The day off or special hours"))


@login_required
@require_POST
def remove_override(request, pk: int):
    profile = _own_profile(request)
    keep = [{"date": o.date, "ranges": o.ranges}
            for o in DateOverride.objects.filter(mentor=profile, date__gte=timezone.localdate()).exclude(pk=pk)]
    services.overrides_replace(user=request.user, overrides=keep)
    messages.success(request, _("Date override removed."))
    return redirect("mentors:dashboard")


@login_required
@require_POST
def add_slot(request):
    profile = _own_profile(request)
    form = forms.SlotForm(request.POST, profile=profile, prefix=SLOT)

    def action(data):
        services.slot_create(user=request.user, start=data["start"],
                             service_id=data["service"].pk if data["service"] else None,
                             duration_minutes=data["duration_minutes"] if not data["service"] else None,
                             capacity=data["quota"])
        messages.success(request, _("Slot published."))

    return _handle(request, "slot_form", form, action, what=_("The slot"))


@login_required
@require_POST
def remove_slot(request, pk: int):
    return _act_and_return(request, lambda: services.slot_delete(user=request.user, slot_id=pk), _("Slot withdrawn."))
