from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mentorhub.admin_reason import ask_reason_then, run_for_each
from reviews import services
from reviews.models import Review


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Shown"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Staff read reviews and hide or show them (with the services); nobody here edits what people wrote.

    No add and no delete: a review comes from a completed session, and deleting one would skip the rating
    recompute and the notices that hiding does.
    """

    list_display = ("id", "mentor", "author", "rating", "short_comment", "is_hidden", "created_at")
    list_display_links = ("id",)
    list_filter = (HiddenFilter, "rating")
    search_fields = ("comment", "author__email", "mentor__user__email", "mentor__user__full_name")
    list_select_related = ("mentor__user", "author")
    fields = ("mentor", "author", "booking", "rating", "comment", "mentor_reply", "created_at",
              "hidden_at", "hidden_by", "hidden_reason")
    readonly_fields = fields
    actions = ["hide", "unhide"]

    @admin.display(description=_("comment"))
    def short_comment(self, obj):
        return obj.comment if len(obj.comment) <= 80 else obj.comment[:79] + "…"

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def is_hidden(self, obj):
        return obj.is_hidden

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Hide selected reviews (asks for a reason)…"), permissions=["change"])
    def hide(self, request, queryset):
        return ask_reason_then(
            self, request, queryset.select_related("mentor__user", "author"),
            lambda review, reason: services.review_hide(review_id=review.pk, actor=request.user, reason=reason),
            action="hide", title=_("Hide reviews"), button=_("Hide"), done=_("Hid"),
            intro=_("Hide these reviews? They leave the mentor's profile and rating; the author still sees theirs, "
                    "marked hidden. Author and mentor are told the reason."),
            help_text=_("Sent to the review's author and to the mentor."))

    @admin.action(description=_("Show selected hidden reviews again"), permissions=["change"])
    def unhide(self, request, queryset):
        run_for_each(self, request, queryset.select_related("mentor__user", "author"),
                     lambda review: services.review_unhide(review_id=review.pk, actor=request.user),
                     done=_("Showed again"))
