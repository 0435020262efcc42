"""API routes for the figures: the staff overview and a mentor's own analytics."""

from django.urls import re_path

from analytics.api import views

urlpatterns: list = [
    re_path(r"^analytics/overview/?$", views.OverviewView.as_view(), name="analytics-overview"),
]
