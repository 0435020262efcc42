"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
django_asgi_app = get_asgi_application()

from mentorhub.warmup import warm_up  # noqa: E402 (needs the settings the lines above configure)

warm_up()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402

from mentorhub.limits import limit_asgi_body  # noqa: E402
from mentorhub.routing import router  # noqa: E402
from mentorhub.ws_auth import JWTQueryStringAuthMiddleware  # noqa: E402
from mentorhub.ws_origins import SiteOriginValidator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": limit_asgi_body(django_asgi_app),
        # This site's pages, the listed SPA origins (CORS_ALLOWED_ORIGINS), and clients without an Origin.
        "websocket": SiteOriginValidator(
            AuthMiddlewareStack(JWTQueryStringAuthMiddleware(router()))
        ),
    }
)
