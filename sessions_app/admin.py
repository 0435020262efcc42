"""Session chats for staff to look into (reports, disputes): read-only, like conversations."""

from django.contrib import admin

from mentorhub.admin_readonly import ReadOnlyAdmin
from sessions_app.models import SessionMessage


@admin.register(SessionMessage)
class SessionMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "slot", "sender", "sent_at", "text")
    list_select_related = ("sender", "slot")
    search_fields = ("sender__email", "sender__full_name")
    date_hierarchy = "sent_at"
    raw_id_fields = ("slot", "sender")
