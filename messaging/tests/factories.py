import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from messaging.models import Conversation, Message


class ConversationFactory(factory.django.DjangoModelFactory):
    """Pass ``user_low`` and ``user_high`` in id order (or use ``conversation_between``)."""

    class Meta:
        model = Conversation

    user_low = factory.SubFactory(UserFactory)
    user_high = factory.SubFactory(UserFactory)


def conversation_between(a, b, **kwargs) -> Conversation:
    low, high = sorted([a, b], key=lambda user: user.pk)
    return ConversationFactory(user_low=low, user_high=high, **kwargs)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message
        skip_postgeneration_save = True

    conversation = factory.SubFactory(ConversationFactory)
    sender = factory.LazyAttribute(lambda message: message.conversation.user_low)
    text = factory.Sequence(lambda n: f"Message {n}")
    sent_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def touch(message, create, extracted, **kwargs):
        conversation = message.conversation
        if create and (conversation.last_message_at is None or conversation.last_message_at < message.sent_at):
            conversation.last_message_at = message.sent_at
            conversation.save(update_fields=["last_message_at"])
