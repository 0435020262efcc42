"""Thin DRF layer over notifications.services and notifications.selectors: the signed-in user's own notices."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.api import serializers as s

BOOLEAN_WORDS = {"true": True, "1": True, "false": False, "0": False}


def _unread_filter(request) -> bool | None:
    raw = request.query_params.get("unread")
    if raw is None or raw == "":
        return None
    try:
        return BOOLEAN_WORDS[raw.strip().lower()]
    except KeyError:
        raise ValidationError({"unread": [_("Must be true or false, not %(value)s.") % {"value": repr(raw)}]}) from None


@extend_schema(tags=["notifications"])
class NotificationListView(ListAPIView):
    serializer_class = s.NotificationOutput
    filter_backends = []  # one filter, checked by hand: an unknown value is a 400, never ignored

    @extend_schema(summary="My notifications, newest first",
                   parameters=[OpenApiParameter("unread", bool, description="true: only unread; false: only read.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.notifications_for_user(user=self.request.user, unread=_unread_filter(self.request))


class NotificationReadView(APIView):
    extra_error_codes = ["404"]

    @extend_schema(tags=["notifications"], request=None, responses={200: s.NotificationOutput},
                   summary="Mark one of my notifications read")
    def post(self, request, pk: int):
        notice = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(s.NotificationOutput(notice).data)


class NotificationReadAllView(APIView):
    @extend_schema(tags=["notifications"], request=None, responses={200: s.MarkedOutput},
                   summary="Mark all my notifications read")
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
