from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from mentorhub.api.errors import json_error


def home(request):
    return render(request, "home.html")


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error(400)
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error(403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error(404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _is_api(request):
        return json_error(500)
    # Rendered without context processors: the failure may be in one of them.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def api_not_found(request, *args, **kwargs):
    """Unrouted /api/ paths answer in the API's error shape, even with DEBUG on."""
    return json_error(404)
