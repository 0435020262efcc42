"""The baseline `make bench` compares against: the cheapest possible DRF response.

Mounted only when BENCH_ENDPOINTS=1 (see mentorhub/urls.py), never by default.
"""

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class OkView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response({"ok": True})
