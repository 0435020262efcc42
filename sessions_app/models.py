import secrets

from django.conf import settings
from django.db import models


def new_room_name() -> str:
    # Unguessable: a room name is also what a Jitsi link would reveal.
    return f"mentorhub-{secrets.token_urlsafe(18)}"


class Meeting(models.Model):
    """The meeting held for a slot, shared by all of its live bookings."""

    slot = models.OneToOneField("mentors.Slot", on_delete=models.CASCADE, related_name="meeting")
    room_name = models.CharField(max_length=80, unique=True, default=new_room_name)
    provider = models.CharField(max_length=16)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Meeting {self.room_name} for slot {self.slot_id}"


class Attendance(models.Model):
    """Who joined a meeting, first and last time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_joined_at = models.DateTimeField()
    last_joined_at = models.DateTimeField()
    joins = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_user")]

    def __str__(self):
        return f"{self.user_id} in {self.meeting_id}"


class SessionMessage(models.Model):
    """A message in a session's chat. The room is per slot, so a group slot's mentees share one chat."""

    slot = models.ForeignKey("mentors.Slot", on_delete=models.CASCADE, related_name="chat_messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["slot", "-sent_at", "-id"], name="session_message_slot_time")]

    def __str__(self):
        return f"{self.sender_id} in slot {self.slot_id}: {self.text[:40]}"
