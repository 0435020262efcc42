from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:pk>/", views.conversation, name="conversation"),
    path("messages/<int:pk>/block/", views.block, name="block"),
    path("messages/new/<int:user_id>/", views.start, name="start"),
]
