from django.contrib import admin

from notifications.models import Notification, Reminder


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("user__email", "title")
    list_select_related = ("user",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("booking", "kind", "slot_start", "sent_at")
    list_filter = ("kind",)
    raw_id_fields = ("booking",)
    date_hierarchy = "sent_at"

    def has_change_permission(self, request, obj=None):
        return False  # the record of what was sent; editing it would re-send or suppress reminders
