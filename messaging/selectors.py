"""Reads of conversations and messages, always scoped to one participant."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.models import User
from mentorhub.errors import NotFound
from messaging.models import Conversation, Message


def _mine(user) -> Q:
    return Q(user_low=user) | Q(user_high=user)


def conversations_for_user(*, user: User) -> QuerySet[Conversation]:
    """My conversations with at least one message, latest first, each with its last message and my unread count.

    One query for the page whatever its length: the last message and the count are subqueries,
    both people are joined.
    """
    latest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-sent_at", "-id")
    unread = (Message.objects.filter(conversation=OuterRef("pk"), read_at__isnull=True).exclude(sender=user)
              .order_by().values("conversation").annotate(n=Count("pk")).values("n"))
    return (Conversation.objects.filter(_mine(user), last_message_at__isnull=False)
            .select_related("user_low", "user_high")
            .annotate(last_text=Subquery(latest.values("text")[:1]),
                      last_sent_at=Subquery(latest.values("sent_at")[:1]),
                      unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
            .order_by("-last_message_at", "-id"))


def conversation_for_user(*, user: User, conversation_id: int) -> Conversation:
    """One of my conversations; anyone else's is not found (it does not say that it exists)."""
    conversation = (Conversation.objects.filter(_mine(user), pk=conversation_id)
                    .select_related("user_low", "user_high").first())
    if conversation is None:
        raise NotFound(_("No such conversation."))
    return conversation


def messages_before(*, conversation: Conversation, before_id: int | None, limit: int) -> tuple[list[Message], bool]:
    """Up to ``limit`` messages older than ``before_id`` (or the newest), newest first, and whether more are older."""
    messages = Message.objects.filter(conversation=conversation)
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    page = list(messages.select_related("conversation").order_by("-id")[: limit + 1])
    return page[:limit], len(page) > limit


def unread_messages_count(*, user: User) -> int:
    """Messages sent to me that I have not read, in all my conversations."""
    return (Message.objects.filter(read_at__isnull=True)
            .filter(Q(conversation__user_low=user) | Q(conversation__user_high=user))
            .exclude(sender=user).count())
