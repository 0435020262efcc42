from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import csrf_exempt

from mentorhub.api.errors import error_body, json_error


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


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse(error_body(403, f"CSRF Failed: {reason}"), status=403)
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Unrouted /api/ paths answer in the API's error shape, even with DEBUG on."""
    return json_error(404)
