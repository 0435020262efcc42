from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from mentorhub.admin_readonly import ReadOnlyAdmin
from mentorhub.admin_reason import ask_reason_then, run_for_each
from mentorhub.errors import DomainError
from mentors import services
from mentors.models import DateOverride, MentorProfile, Service, Skill, Slot, WeeklyRule


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
                             help_text=_("Sent to the applicant by e-mail."))


class ServiceInline(admin.StackedInline):
    """Stacked, not a table: a service's eight columns made the mentor's page wider than a laptop's screen."""

    model = Service
    extra = 0


class WeeklyRuleInline(admin.TabularInline):
    model = WeeklyRule
    extra = 0


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "price_per_hour", "currency", "rating_avg", "total_sessions",
                    "accepts_bookings", "created_at")
    list_filter = ("status", "accepts_bookings", "requires_confirmation", "skills")
    search_fields = ("user__email", "user__full_name", "title", "company")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    filter_horizontal = ("skills",)
    # Status and what goes with it change only through the actions (the services), never by typing in the form.
    readonly_fields = ("status", "reviewed_at", "rejection_reason", "suspended_at", "suspended_by",
                       "suspension_reason", "rating_avg", "rating_count", "total_sessions", "created_at", "updated_at")
    inlines = [ServiceInline, WeeklyRuleInline]
    actions = ["approve", "reject", "suspend", "reinstate"]

    @admin.action(description=_("Approve selected applications"))
    def approve(self, request, queryset):
        for profile in queryset:
            try:
                services.mentor_approve(profile_id=profile.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{profile}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("Approved %(profile)s.") % {"profile": profile}, messages.SUCCESS)

    @admin.action(description=_("Reject selected applications (asks for a reason)…"))
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for profile in queryset:
                try:
                    services.mentor_reject(profile_id=profile.pk, actor=request.user,
                                           reason=form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(request, f"{profile}: {exc.message}", messages.ERROR)
                else:
                    self.message_user(request, _("Rejected %(profile)s.") % {"profile": profile}, messages.WARNING)
            return None
        context = {**self.admin_site.each_context(request), "form": form, "profiles": queryset,
                   "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                   "title": _("Reject mentor applications")}
        return render(request, "admin/mentors/reject.html", context)


    @admin.action(description=_("Suspend selected mentors (asks for a reason)…"), permissions=["change"])
    def suspend(self, request, queryset):
        return ask_reason_then(
            self, request, queryset.select_related("user"),
            lambda profile, reason: services.mentor_suspend(profile_id=profile.pk, actor=request.user, reason=reason),
            action="suspend", title=_("Suspend mentors"), button=_("Suspend"), done=_("Suspended"),
            intro=_("Suspend these mentors? They leave the catalogue and cannot be booked. Sessions already booked "
                    "stay as they are: cancel any of them one by one from Bookings."),
            help_text=_("Shown to the mentor in their notice and on their dashboard."))

    @admin.action(description=_("Reinstate selected suspended mentors"), permissions=["change"])
    def reinstate(self, request, queryset):
        run_for_each(self, request, queryset.select_related("user"),
                     lambda profile: services.mentor_reinstate(profile_id=profile.pk, actor=request.user),
                     done=_("Reinstated"))


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "mentor", "duration_minutes", "price", "session_type", "capacity", "is_active")
    list_filter = ("session_type", "is_active")
    search_fields = ("name", "mentor__user__full_name")
    list_select_related = ("mentor__user",)


class SlotMentorFilter(admin.SimpleListFilter):
    """Mentors who have slots, in one query (the stock related filter would load each mentor's user on its own)."""

    title = _("mentor")
    parameter_name = "mentor"

    def lookups(self, request, model_admin):
        mentors = (MentorProfile.objects.filter(slots__isnull=False).distinct().select_related("user")
                   .order_by("user__full_name", "id"))
        return [(profile.pk, str(profile)) for profile in mentors]

    def queryset(self, request, queryset):
        return queryset.filter(mentor_id=self.value()) if self.value() else queryset


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    """Slots are looked at here, not edited.

    Every change to a slot touches the bookings in it (seats taken must equal its live bookings; moving it
    moves their sessions; withdrawing it strands them), and only the services keep those in step and tell
    people. The mentor changes quota and times through ``slot_update`` (dashboard and API), which is scoped to
    the mentor; staff act on the bookings themselves (cancel one), which frees the seat through the service.
    """

    list_display = ("__str__", "mentor", "service", "start", "end", "capacity", "seats_taken", "live_bookings",
                    "is_active")
    list_filter = (SlotMentorFilter, "is_active", ("start", admin.DateFieldListFilter))
    search_fields = ("mentor__user__email",)
    date_hierarchy = "start"
    list_select_related = ("mentor__user", "service")

    def get_queryset(self, request):
        # By name, not by import: mentors must not import bookings (bookings imports mentors).
        live = apps.get_model("bookings", "Booking").LIVE
        return super().get_queryset(request).annotate(
            live_bookings=Count("bookings", filter=Q(bookings__status__in=live)))

    @admin.display(description=_("live bookings"), ordering="live_bookings")
    def live_bookings(self, obj):
        return obj.live_bookings


@admin.register(DateOverride)
class DateOverrideAdmin(admin.ModelAdmin):
    list_display = ("mentor", "date", "ranges_text")
    list_select_related = ("mentor__user",)
