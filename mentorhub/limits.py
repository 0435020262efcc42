"""The request-body size limit (``MAX_REQUEST_BODY_BYTES``): past it, a 413 before anything reads the body.

Django applies ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only when form data is parsed
or ``request.body`` is read, and then raises an error that becomes a 400 on a
page and a 500 in a DRF view; DRF's parsers read the raw stream and apply no
limit at all. So one middleware looks at ``Content-Length`` first, for every
path: the API (the payment webhook included) answers in its error shape,
pages with a short page.

Under ASGI, Django reads the whole body before any middleware runs, so
``limit_asgi_body`` wraps the ASGI HTTP app and stops a body that grows past
the limit (chunked, or with a ``Content-Length`` that understates it) while it
is still arriving.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext

from mentorhub.api.errors import error_body

STATUS = 413


def too_large_detail(limit: int) -> str:
    return gettext("Request body too large: at most %(limit)s bytes.") % {"limit": limit}


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django treats an unreadable length as no body
        if length > limit:
            # This runs before LocaleMiddleware: the answer follows the client's Accept-Language itself.
            with translation.override(translation.get_language_from_request(request)):
                return too_large_response(request.path, limit)
        return self.get_response(request)


def too_large_response(path: str, limit: int) -> HttpResponse:
    if path.startswith("/api/"):
        return JsonResponse(error_body(STATUS, too_large_detail(limit)), status=STATUS)
    return HttpResponse(loader.get_template("errors/413.html").render({"limit": limit}), status=STATUS)


def limit_asgi_body(app):
    """ASGI middleware: answer 413 once an HTTP request body passes ``MAX_REQUEST_BODY_BYTES``."""

    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = settings.MAX_REQUEST_BODY_BYTES
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        try:
            return await app(scope, counting_receive, send)
        except _TooLarge:
            response = too_large_response(scope.get("path", ""), limit)
            await send({"type": "http.response.start", "status": STATUS,
                        "headers": [(b"content-type", response["Content-Type"].encode()),
                                    (b"content-length", str(len(response.content)).encode())]})
            await send({"type": "http.response.body", "body": response.content})

    return guarded


class _TooLarge(Exception):
    pass
