from django import forms
from django.contrib import admin, messages
from django.shortcuts import render

from mentorhub.errors import DomainError
from mentors import services
from mentors.models import DateOverride, MentorProfile, Service, Skill, Slot, WeeklyRule


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
                             help_text="Sent to the applicant by e-mail.")


class ServiceInline(admin.TabularInline):
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
    readonly_fields = ("status", "reviewed_at", "rejection_reason", "rating_avg", "rating_count", "total_sessions",
                       "created_at", "updated_at")
    inlines = [ServiceInline, WeeklyRuleInline]
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected applications")
    def approve(self, request, queryset):
        for profile in queryset:
            try:
                services.mentor_approve(profile_id=profile.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{profile}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"Approved {profile}.", messages.SUCCESS)

    @admin.action(description="Reject selected applications (asks for a reason)…")
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
                    self.message_user(request, f"Rejected {profile}.", messages.WARNING)
            return None
        context = {**self.admin_site.each_context(request), "form": form, "profiles": queryset,
                   "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                   "title": "Reject mentor applications"}
        return render(request, "admin/mentors/reject.html", context)


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


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("__str__", "mentor", "service", "start", "end", "capacity", "seats_taken", "is_active")
    list_filter = ("is_active",)
    date_hierarchy = "start"
    list_select_related = ("mentor__user", "service")
    readonly_fields = ("seats_taken",)


@admin.register(DateOverride)
class DateOverrideAdmin(admin.ModelAdmin):
    list_display = ("mentor", "date", "ranges_text")
    list_select_related = ("mentor__user",)
