"""Conversations and messages for staff to look into (reports, disputes): read-only."""

from django.contrib import admin

from mentorhub.admin_readonly import ReadOnlyAdmin
from messaging.models import Conversation, Message

PARTICIPANT_SEARCH = ("user_low__email", "user_low__full_name", "user_high__email", "user_high__full_name")


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("sent_at", "sender", "kind", "text", "read_at", "booking")
    readonly_fields = fields
    ordering = ("-sent_at", "-id")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("id", "user_low", "user_high", "last_message_at", "low_blocked", "high_blocked")
    list_select_related = ("user_low", "user_high")
    search_fields = PARTICIPANT_SEARCH
    date_hierarchy = "last_message_at"
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "conversation", "sender", "kind", "sent_at", "read_at")
    list_filter = ("kind",)
    list_select_related = ("sender", "conversation__user_low", "conversation__user_high")
    search_fields = ("sender__email", "sender__full_name",
                     *(f"conversation__{field}" for field in PARTICIPANT_SEARCH))
    raw_id_fields = ("conversation", "sender", "booking")
