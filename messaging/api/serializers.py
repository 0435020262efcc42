from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.models import Message


class MessageInput(serializers.Serializer):
    recipient_id = serializers.IntegerField(min_value=1)
    text = serializers.CharField(trim_whitespace=False, allow_blank=True,
                                 help_text="Stripped of surrounding white space; must not be empty then.")


class MessageOutput(serializers.ModelSerializer):
    """The spec's message: who sent it to whom, when, and whether the recipient read it."""

    sender_id = serializers.IntegerField(read_only=True)
    recipient_id = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = ["id", "sender_id", "recipient_id", "text", "sent_at", "read"]

    def get_recipient_id(self, message: Message) -> int:
        return message.conversation.other_id(message.sender_id)

    def get_read(self, message: Message) -> bool:
        return message.read_at is not None


class ConversationMessage(MessageOutput):
    """A message in a conversation's history, with its kind and read time."""

    class Meta(MessageOutput.Meta):
        fields = [*MessageOutput.Meta.fields, "kind", "read_at", "booking_id"]

    booking_id = serializers.IntegerField(read_only=True, allow_null=True)


class Participant(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str | None:
        return user.avatar_url or None  # null when there is none, as everywhere else in the API


class LastMessage(serializers.Serializer):
    text = serializers.CharField()
    sent_at = serializers.DateTimeField()


class ChatOutput(serializers.Serializer):
    """One of my conversations as the spec lists it."""

    id = serializers.IntegerField()
    participant = serializers.SerializerMethodField()
    last_message = serializers.SerializerMethodField()
    unread_count = serializers.IntegerField()

    @extend_schema_field(Participant)
    def get_participant(self, conversation) -> dict:
        me = self.context["request"].user.pk
        other = conversation.user_high if conversation.user_low_id == me else conversation.user_low
        return Participant(other).data

    @extend_schema_field(LastMessage)
    def get_last_message(self, conversation) -> dict:
        return LastMessage({"text": conversation.last_text, "sent_at": conversation.last_sent_at}).data


class MessagePage(serializers.Serializer):
    items = ConversationMessage(many=True, help_text="Newest first.")
    next_before = serializers.IntegerField(
        allow_null=True, help_text="Pass as ?before= for the older page; null when there is nothing older.")


class ReadInput(serializers.Serializer):
    up_to_id = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                        help_text="Mark read up to this message (all when left out).")


class ReadOutput(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    up_to_id = serializers.IntegerField(allow_null=True, help_text="The last message newly marked read, if any.")
    read_at = serializers.DateTimeField()
    marked = serializers.IntegerField(help_text="How many messages were newly marked read.")


class BlockOutput(serializers.Serializer):
    conversation_id = serializers.IntegerField()
    blocked = serializers.BooleanField(help_text="Whether I block this conversation now.")
