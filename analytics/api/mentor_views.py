"""The signed-in mentor's analytics over the API: the same figures as the /mentor/analytics/ page."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import mentor_serializers as s
from analytics.mentor import analytics_window, approved_profile, mentor_analytics, mentor_zone


class MyAnalyticsView(APIView):
    extra_error_codes = ["400", "404"]

    @extend_schema(
        tags=["mentor self-service"], responses={200: s.MentorAnalyticsOutput},
        summary="My figures as a mentor: sessions per week, earnings per month, ratings, no-shows, busiest hours",
        description="Grouped in my time zone (`users/me` timezone), correct across DST changes. Only an approved "
                    "mentor has analytics (anyone else: 404). At most 366 days per request.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First local day (default: the first day of "
                                                                    "the month eleven months before `to`'s)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last local day, inclusive (default: the last "
                                                                  "day of the current month)."),
        ],
    )
    def get(self, request):
        approved_profile(request.user)  # 404 before any input error: outsiders learn nothing
        window = s.WindowInput(data=request.query_params)
        window.is_valid(raise_exception=True)
        today = timezone.localdate(timezone.now(), mentor_zone(request.user))
        start, end = analytics_window(start=window.validated_data.get("from"), end=window.validated_data.get("to"),
                                      today=today)
        figures = mentor_analytics(user=request.user, start=start, end=end)
        return Response(s.MentorAnalyticsOutput(figures).data)
