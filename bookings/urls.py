from django.urls import path

from bookings import views

app_name = "bookings"

urlpatterns = [
    path("mentors/<int:mentor_id>/book/", views.book, name="book"),
    path("sessions/", views.my_sessions, name="mine"),
    path("bookings/<int:pk>/", views.detail, name="detail"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("bookings/<int:pk>/decline/", views.decline, name="decline"),
    path("bookings/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("mentor/requests/", views.inbox, name="inbox"),
]
