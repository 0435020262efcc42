"""Thin DRF layer over messaging.services and messaging.selectors: the signed-in user's conversations."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorhub.api.pagination import _positive_int
from messaging import selectors, services
from messaging.api import serializers as s

PAGE = 30
MAX_PAGE = 100


@extend_schema(tags=["messages"])
class ChatListView(ListAPIView):
    serializer_class = s.ChatOutput
    filter_backends = []

    @extend_schema(summary="My conversations, latest message first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.conversations_for_user(user=self.request.user)


class MessageSendView(APIView):
    extra_error_codes = ["403", "404", "429"]

    @extend_schema(tags=["messages"], request=s.MessageInput, responses={201: s.MessageOutput},
                   summary="Send a message (starts the conversation if needed)")
    def post(self, request):
        data = s.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_send(sender=request.user, **data.validated_data)
        return Response(s.MessageOutput(message).data, status=status.HTTP_201_CREATED)


class ChatMessagesView(APIView):
    extra_error_codes = ["400", "404"]  # a before or limit that is not a positive whole number

    @extend_schema(
        tags=["messages"], responses={200: s.MessagePage}, summary="A conversation's messages, newest first",
        description="Cursor pages for scrolling back: the first page is the newest messages; pass the "
                    "answer's `next_before` as `?before=` for the page before it (stable while new messages "
                    "arrive, unlike page numbers).",
        parameters=[OpenApiParameter("before", int, description="Only messages older than this message id."),
                    OpenApiParameter("limit", int, description=f"Messages per page, at most {MAX_PAGE} "
                                                               f"({PAGE} when left out).")])
    def get(self, request, pk: int):
        conversation = selectors.conversation_for_user(user=request.user, conversation_id=pk)
        before = _positive_int(request, "before")
        limit = _positive_int(request, "limit", MAX_PAGE) or PAGE
        messages, more = selectors.messages_before(conversation=conversation, before_id=before, limit=limit)
        return Response({"items": s.ConversationMessage(messages, many=True).data,
                         "next_before": messages[-1].pk if more else None})


class ChatReadView(APIView):
    extra_error_codes = ["404"]

    @extend_schema(tags=["messages"], request=s.ReadInput, responses={200: s.ReadOutput},
                   summary="Mark a conversation's messages to me read, up to one message")
    def post(self, request, pk: int):
        data = s.ReadInput(data=request.data)
        data.is_valid(raise_exception=True)
        receipt = services.conversation_mark_read(user=request.user, conversation_id=pk,
                                                  up_to_id=data.validated_data.get("up_to_id"))
        return Response(s.ReadOutput(receipt).data)


class ChatBlockView(APIView):
    extra_error_codes = ["404"]
    blocked = True

    @extend_schema(tags=["messages"], request=None, responses={200: s.BlockOutput},
                   summary="Block a conversation: neither side can send in it until I unblock it")
    def post(self, request, pk: int):
        return self.answer(request, pk)

    def answer(self, request, pk: int):
        conversation = services.conversation_block(user=request.user, conversation_id=pk, blocked=self.blocked)
        return Response(s.BlockOutput({"conversation_id": conversation.pk, "blocked": self.blocked}).data)


class ChatUnblockView(ChatBlockView):
    blocked = False

    @extend_schema(tags=["messages"], request=None, responses={200: s.BlockOutput},
                   summary="Unblock a conversation I blocked")
    def post(self, request, pk: int):
        return self.answer(request, pk)
