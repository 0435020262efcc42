from django.urls import re_path

from reviews.api import views

urlpatterns = [
    re_path(r"^reviews/?$", views.ReviewCreateView.as_view(), name="reviews"),
    re_path(r"^reviews/(?P<pk>[0-9]+)/?$", views.ReviewsByIdView.as_view(), name="reviews-by-id"),
    re_path(r"^reviews/(?P<pk>[0-9]+)/reply/?$", views.ReplyView.as_view(), name="review-reply"),
]
