import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from mentorhub.api.errors import error_body, json_error
from mentors import selectors as mentor_selectors
from mentors.models import MentorProfile, Service
from mentors.selectors import BookableTime

HOME_CANDIDATES = 6  # top-rated mentors looked at: bounds the page's queries
HOME_TIMES = 3
HOME_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class OpenTime:
    mentor: MentorProfile
    service: Service | None
    time: BookableTime


def next_open_times(*, now: datetime | None = None) -> list[OpenTime]:
    """The soonest bookable time of each of a few top-rated mentors, soonest first. A fixed number of
    queries: the mentors with their services and hours, then one look at each one's slots."""
    now = now or timezone.now()
    mentors = (mentor_selectors.listed_mentors().select_related("user")
               .prefetch_related(Prefetch("services", queryset=Service.objects.filter(is_active=True)),
                                 "weekly_rules", "date_overrides")
               .order_by("-rating_avg", "-rating_count", "id")[:HOME_CANDIDATES])
    found = []
    for mentor in mentors:
        service = next(iter(mentor.services.all()), None)  # what the profile offers first
        soonest = mentor_selectors.bookable_times(mentor=mentor, service=service, window_start=now,
                                                  window_end=now + HOME_HORIZON, now=now, limit=1)
        if soonest:
            found.append(OpenTime(mentor, service, soonest[0]))
    return sorted(found, key=lambda item: item.time.start)[:HOME_TIMES]


def home(request):
    return render(request, "home.html", {"next_times": next_open_times()})


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


def _database_unavailable() -> bool:
    # Django calls handler500 inside its except block, so the exception at hand is still current.
    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


def server_error(request):
    if _database_unavailable():  # an outage, not a bug: 503 and "try again", in the usual shapes
        if _is_api(request):
            return json_error(503, headers={"Retry-After": "30"})
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    if _is_api(request):
        return json_error(500)
    # Rendered without context processors: the failure may be in one of them.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse(error_body(403, gettext("CSRF Failed: %s") % reason), status=403)
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Unrouted /api/ paths answer in the API's error shape, even with DEBUG on."""
    return json_error(404)
