"""Session chats for staff to look into (reports, disputes): read-only, like conversations."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from mentorhub.admin_readonly import ReadOnlyAdmin
from sessions_app.models import Attendance, Meeting, SessionMessage


def meeting_text(booking) -> str:
    """The room of a booking's slot and who joined it, for the booking's admin page (given through bookings.ports)."""
    meeting = Meeting.objects.filter(slot_id=booking.slot_id).first()
    if meeting is None:
        return "No room opened yet."
    joined = Attendance.objects.filter(meeting=meeting).select_related("user").order_by("first_joined_at")
    people = format_html_join(", ", "{} ({}× from {} UTC)",
                              ((a.user, a.joins, f"{a.first_joined_at:%Y-%m-%d %H:%M}") for a in joined))
    done = f"completed {meeting.completed_at:%Y-%m-%d %H:%M} UTC" if meeting.completed_at else "not completed"
    return format_html("{} room {}, {}; joined: {}", meeting.provider, meeting.room_name, done, people or "nobody")


@admin.register(SessionMessage)
class SessionMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "slot", "sender", "sent_at", "text")
    list_select_related = ("sender", "slot")
    search_fields = ("sender__email", "sender__full_name")
    date_hierarchy = "sent_at"
    raw_id_fields = ("slot", "sender")
