"""API routes for the figures: the staff overview and a mentor's own analytics."""

from django.urls import re_path

from analytics.api import mentor_views, views

urlpatterns: list = [
    re_path(r"^analytics/overview/?$", views.OverviewView.as_view(), name="analytics-overview"),
    re_path(r"^mentors/me/analytics/?$", mentor_views.MyAnalyticsView.as_view(), name="mentor-me-analytics"),
]
