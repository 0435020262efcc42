"""The baselines `make bench` compares against: the cheapest possible DRF response and WebSocket relay.

Mounted only when BENCH_ENDPOINTS=1 (see mentorhub/urls.py and mentorhub/routing.py), never by default.
"""

import json
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class OkView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response({"ok": True})


class UnlimitedOkView(OkView):
    """``OkView`` without the rate limits: beside it, the bench shows what the limit's Redis trip costs
    apart from the rest of the stack (middleware, settings, DRF's dispatch)."""

    throttle_classes = []


def relay_group(number: int) -> str:
    return f"bench.relay.{number}"


class RelayConsumer(AsyncWebsocketConsumer):
    """``/ws/bench/relay?user=<n>``: joins group n and relays each ``{"to": m, ...}`` frame, as sent, to group m.

    The channel layer round trip of a chat message with nothing else: no sign-in, database or ack.
    """

    async def connect(self):
        number = int(parse_qs(self.scope["query_string"].decode()).get("user", ["0"])[0])
        self.group = relay_group(number)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(relay_group(json.loads(text_data)["to"]),
                                            {"type": "relay", "text": text_data})

    async def relay(self, event):
        await self.send(text_data=event["text"])
