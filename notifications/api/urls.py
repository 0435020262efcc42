from django.urls import re_path

from notifications.api import views

urlpatterns = [
    re_path(r"^notifications/?$", views.NotificationListView.as_view(), name="notifications-list"),
    re_path(r"^notifications/read-all/?$", views.NotificationReadAllView.as_view(), name="notifications-read-all"),
    re_path(r"^notifications/(?P<pk>[0-9]+)/read/?$", views.NotificationReadView.as_view(), name="notifications-read"),
]
