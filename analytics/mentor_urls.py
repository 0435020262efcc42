"""The mentor's analytics page (the staff dashboard's pages are in analytics/urls.py)."""

from django.urls import path

from analytics import mentor_pages

app_name = "mentor_analytics"

urlpatterns = [
    path("mentor/analytics/", mentor_pages.mentor_analytics_page, name="page"),
]
