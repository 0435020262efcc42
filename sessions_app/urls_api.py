from django.urls import re_path

from sessions_app import api

urlpatterns = [
    re_path(r"^sessions/(?P<pk>[0-9]+)/video/?$", api.VideoView.as_view(), name="session-video"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/join/?$", api.JoinView.as_view(), name="session-join"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/notes/?$", api.NotesView.as_view(), name="session-notes"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/complete/?$", api.CompleteView.as_view(), name="session-complete"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/no-show/?$", api.NoShowView.as_view(), name="session-no-show"),
    re_path(r"^bookings/(?P<pk>[0-9]+)/chat/?$", api.BookingChatView.as_view(), name="booking-chat"),
]
