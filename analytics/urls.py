"""Pages of the analytics app (the staff dashboard)."""

from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/export/<slug:table>.csv", views.export, name="export"),
]
