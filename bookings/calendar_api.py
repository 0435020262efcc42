"""Thin API over the secret calendar feed: read its URL, or replace its token."""

from django.urls import re_path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.calendar import calendar_feed_url
from bookings.calendar_services import user_calendar_token_regenerate


class FeedOutput(serializers.Serializer):
    feed_url = serializers.URLField(help_text="Secret iCalendar URL of all your sessions; subscribe to it.")


class CalendarFeedView(APIView):
    @extend_schema(tags=["calendar"], responses={200: FeedOutput}, summary="Your secret calendar feed URL")
    def get(self, request):
        return Response(FeedOutput({"feed_url": calendar_feed_url(request.user)}).data)


class CalendarFeedRegenerateView(APIView):
    @extend_schema(tags=["calendar"], request=OpenApiTypes.OBJECT, responses={200: FeedOutput},
                   summary="Replace the feed's secret token; the old URL stops working")
    def post(self, request):  # no body needed: the call itself is the request
        user = user_calendar_token_regenerate(user=request.user)
        return Response(FeedOutput({"feed_url": calendar_feed_url(user)}).data)


urlpatterns = [
    re_path(r"^calendar/feed/?$", CalendarFeedView.as_view(), name="calendar-feed-api"),
    re_path(r"^calendar/feed/regenerate/?$", CalendarFeedRegenerateView.as_view(), name="calendar-feed-regenerate"),
]
