"""``GET analytics/overview``: the staff dashboard's figures for a period, staff only."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics import selectors
from analytics.api import serializers as s
from mentorhub.errors import NotFound


class OverviewView(APIView):
    extra_error_codes = ["400", "404"]  # bad dates; anyone but staff

    @extend_schema(
        tags=["analytics"], summary="Staff overview: bookings, response times, conversion and money for a period",
        description="Staff only (others get 404). Days are inclusive and counted in my time zone; every figure "
                    "comes with the previous period of the same length. At most "
                    f"{selectors.MAX_DAYS} days. Money is per currency, never added across currencies.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); default: 29 days "
                                                                    "before `to`."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive; default: today (or `from` "
                                                                  "when that is later)."),
        ],
        responses={200: s.OverviewOutput},
    )
    def get(self, request):
        user = request.user
        if not user.is_staff:
            raise NotFound()
        today = timezone.localdate(timezone.now(), selectors.user_zone(user))
        params = s.OverviewInput(data=request.query_params.dict(), context={"today": today})
        params.is_valid(raise_exception=True)
        overview = selectors.staff_overview(user=user, **params.validated_data)
        return Response(s.OverviewOutput(overview).data)
