from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("certificates/<str:certificate_id>/", views.certificate, name="certificate"),
]
