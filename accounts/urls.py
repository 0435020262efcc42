from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/timezone/", views.use_timezone, name="timezone"),
    path("language/", views.language, name="language"),
    # Posted from the notification centre; the switch is a profile field, so accounts answers it.
    path("notifications/sms/", views.sms_preference, name="sms_preference"),
]
