"""The real URLconf plus a few views that exist only to exercise the API plumbing."""

from django.urls import path
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.models import User
from mentorhub.urls import handler400, handler403, handler404, handler500  # noqa: F401
from mentorhub.urls import urlpatterns as real_patterns


class _UserRow(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email"]


class UserListForTests(ListAPIView):
    queryset = User.objects.order_by("id")
    serializer_class = _UserRow


class CrashForTests(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/test-users/", UserListForTests.as_view()),
    path("api/v1/test-crash/", CrashForTests.as_view()),
    *real_patterns,
]
