"""What was sent to whom, for staff answering "I never got told": read-only, found by the user's e-mail."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mentorhub.admin_readonly import ReadOnlyAdmin
from notifications.models import Notification, Reminder


class Unread(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "unread"

    def lookups(self, request, model_admin):
        return [("yes", _("Unread")), ("no", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "yes")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "kind", "title", "created_at", "read_at")
    list_filter = ("kind", Unread)
    search_fields = ("user__email", "user__full_name", "title")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("id", "booking", "mentee_email", "kind", "slot_start", "sent_at")
    list_filter = ("kind",)
    search_fields = ("booking__mentee__email", "booking__slot__mentor__user__email")
    list_select_related = ("booking__mentee",)
    date_hierarchy = "sent_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("booking__mentee")

    @admin.display(description=_("mentee"), ordering="booking__mentee__email")
    def mentee_email(self, obj):
        return obj.booking.mentee.email
