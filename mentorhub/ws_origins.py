"""Which pages may open a WebSocket to this site: the same rule as the API's CORS.

Browsers always send ``Origin`` on a WebSocket handshake and never apply CORS to
it, so the server must refuse foreign pages itself, or any site a signed-in user
visits could open a socket with their session cookie. Accepted:

- this site's own pages (an ``Origin`` whose host is in ``ALLOWED_HOSTS``), as before;
- the SPAs listed in ``CORS_ALLOWED_ORIGINS`` (exact scheme, host and port);
- clients that send no ``Origin`` at all: native apps and scripts, which are not
  browsers and so cannot be a page acting for someone else. They authenticate
  with ``?token=`` like anyone else; the consumers refuse anonymous sockets.

Any other ``Origin`` (including ``null``) is refused at the handshake. The lists are
read on every handshake, so settings changed in tests apply at once.
"""

from urllib.parse import urlsplit

from channels.security.websocket import OriginValidator
from django.conf import settings


def _origin(value: str) -> str:
    parts = urlsplit(value.lower())
    return f"{parts.scheme}://{parts.netloc}"


class SiteOriginValidator(OriginValidator):
    def __init__(self, application):
        super().__init__(application, allowed_origins=())

    def valid_origin(self, parsed_origin):
        if parsed_origin is None:
            return True  # no Origin: not a browser
        hosts = settings.ALLOWED_HOSTS
        if settings.DEBUG and not hosts:
            hosts = ["localhost", "127.0.0.1", "[::1]"]  # what Django itself allows then
        if "*" in hosts or any(self.match_allowed_origin(parsed_origin, host) for host in hosts):
            return True
        listed = {_origin(origin) for origin in settings.CORS_ALLOWED_ORIGINS}
        return bool(parsed_origin.scheme and parsed_origin.netloc) and _origin(parsed_origin.geturl()) in listed
