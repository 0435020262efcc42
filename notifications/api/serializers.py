from rest_framework import serializers

from notifications.models import Notification


class NotificationOutput(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "read", "read_at", "created_at"]

    def get_read(self, notice: Notification) -> bool:
        return notice.read_at is not None


class MarkedOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications were marked read.")
