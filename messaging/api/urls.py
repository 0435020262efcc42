from django.urls import re_path

from messaging.api import views

urlpatterns = [
    re_path(r"^messages/?$", views.MessageSendView.as_view(), name="messages-send"),
    re_path(r"^messages/chats/?$", views.ChatListView.as_view(), name="messages-chats"),
    re_path(r"^messages/chats/(?P<pk>[0-9]+)/?$", views.ChatMessagesView.as_view(), name="messages-chat"),
    re_path(r"^messages/chats/(?P<pk>[0-9]+)/read/?$", views.ChatReadView.as_view(), name="messages-chat-read"),
    re_path(r"^messages/chats/(?P<pk>[0-9]+)/block/?$", views.ChatBlockView.as_view(), name="messages-chat-block"),
    re_path(r"^messages/chats/(?P<pk>[0-9]+)/unblock/?$", views.ChatUnblockView.as_view(),
            name="messages-chat-unblock"),
]
