from django.urls import re_path
from rest_framework.routers import SimpleRouter

from bookings.api import views

router = SimpleRouter()
# Every route answers with or without its trailing slash. DRF 3.16 reads the constructor's argument as a
# yes or no (a string meant "/"), so the pattern is set on the router itself.
router.trailing_slash = "/?"
router.register(r"mentors/bookings", views.BookingViewSet, basename="bookings")

urlpatterns = [
    re_path(r"^booking/hold/?$", views.HoldView.as_view(), name="booking-hold"),
    re_path(r"^booking/confirm/?$", views.ConfirmView.as_view(), name="booking-confirm"),
    re_path(r"^booking/decline/?$", views.DeclineView.as_view(), name="booking-decline"),
    re_path(r"^booking/(?P<pk>[0-9]+)/?$", views.BookingDetailView.as_view(), name="booking-detail"),
    re_path(r"^booking/(?P<pk>[0-9]+)/cancel/?$", views.CancelView.as_view(), name="booking-cancel"),
    re_path(r"^sessions/?$", views.SessionsView.as_view(), name="sessions"),
    re_path(r"^sessions/(?P<pk>[0-9]+)/?$", views.SessionDetailView.as_view(), name="session-detail"),
    re_path(r"^mentors/(?P<pk>[0-9]+)/book/?$", views.BookSlotView.as_view(), name="mentor-book-slot"),
    re_path(r"^mentors/me/requests/?$", views.MentorRequestsView.as_view(), name="mentor-requests"),
    re_path(r"^mentors/me/bookings/?$", views.MentorUpcomingView.as_view(), name="mentor-upcoming"),
    *router.urls,
]
