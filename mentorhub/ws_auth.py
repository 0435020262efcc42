"""WebSocket authentication by ``?token=<access token>`` (the spec's ``/ws/chat?token=...``).

Browsers cannot set headers on a WebSocket, so SPA and mobile clients pass the
JWT access token in the query string; pages fall back to the session cookie
(``AuthMiddlewareStack`` runs first and sets ``scope["user"]``).
"""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError


@database_sync_to_async
def user_for_token(raw_token: str):
    auth = JWTAuthentication()
    try:
        return auth.get_user(auth.get_validated_token(raw_token))
    except (InvalidToken, TokenError, AuthenticationFailed):
        return AnonymousUser()


class JWTQueryStringAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode())
        token = (params.get("token") or [None])[0]
        if token:
            scope = {**scope, "user": await user_for_token(token)}
        return await super().__call__(scope, receive, send)
