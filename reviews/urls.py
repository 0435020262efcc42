from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [path("reviews/<int:pk>/reply/", views.reply, name="reply")]
