from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/timezone/", views.use_timezone, name="timezone"),
]
