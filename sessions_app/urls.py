from django.urls import path

from sessions_app import views

app_name = "sessions"

urlpatterns = [
    path("sessions/<int:pk>/room/", views.room, name="room"),
    path("sessions/<int:pk>/room/join/", views.join, name="join"),
    path("sessions/<int:pk>/room/notes/", views.save_notes, name="notes"),
    path("sessions/<int:pk>/room/complete/", views.complete, name="complete"),
    path("sessions/<int:pk>/room/no-show/", views.no_show, name="no-show"),
    path("sessions/<int:pk>/room/review/", views.review, name="review"),
    path("sessions/<int:pk>/room/chat/", views.chat_send, name="chat"),
]
