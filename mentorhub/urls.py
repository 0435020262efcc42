from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from mentorhub import health, views
from mentorhub.api.dashboard import DashboardView

# ReDoc's bundle injects <style> elements as it loads, before it can be handed the nonce, and runs
# its search in a blob: worker: that one page gets those two allowances, scripts stay strict.
# The docs pages are HTML for reading: only GET and HEAD (DRF's OPTIONS would render their template-less
# metadata through the HTML renderer, a 500).
DOCS_METHODS = ["get", "head"]
redoc = csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="schema", http_method_names=DOCS_METHODS)
)

FAVICON = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_safe
@cache_control(public=True, max_age=24 * 3600)
def favicon(request):
    """Pages name static/img/favicon.svg; browsers still ask for /favicon.ico wherever nothing names an icon."""
    return HttpResponse(FAVICON, content_type="image/x-icon")


# Every feature's API routes, mounted under /api/v1/ and again under /api/ so the
# spec examples work as written.
# Django tries these in order and each include that does not match costs a raised Resolver404: the
# catalogue, the hottest path, comes first (a search resolves in about 60 µs, 145 µs when it came fifth).
# Its routes take only numeric ids after mentors/, so bookings' mentors/bookings and mentors/me/... still
# reach bookings (mentorhub/tests/test_url_order.py).
api_patterns = [
    path("", include("mentors.api.urls")),
    path("", include("bookings.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("sessions_app.urls_api")),
    path("", include("reviews.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("messaging.api.urls")),
    path("", include("courses.api.urls")),
    path("", include("bookings.calendar_api")),
    path("", include("analytics.api.urls")),
    re_path(r"^dashboard/?$", DashboardView.as_view(), name="dashboard"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Answered by health.ProbeMiddleware before the rest of the middleware; routed too, so they can be reversed.
    path("health", health.live, name="health"),
    path("health/ready", health.ready, name="health-ready"),
    path("favicon.ico", favicon, name="favicon"),
    # The JavaScript side of the catalogue (gettext/ngettext in static/js), in the request's language.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("mentors.urls")),
    path("", include("bookings.urls")),
    path("", include("sessions_app.urls")),
    path("", include("notifications.urls")),
    path("", include("messaging.urls")),
    path("", include("bookings.calendar_views")),
    path("", include("reviews.urls")),
    path("", include("payments.urls")),
    path("", include("courses.urls")),
    path("", include("analytics.urls")),
    path("", include("analytics.mentor_urls")),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema", http_method_names=DOCS_METHODS), name="swagger-ui"),
    path("redoc", redoc, name="redoc"),
    # Spec 001's mentor-sessions API at its own paths, in its own words (bookings/compat_spec001.py).
    path("", include("bookings.compat_spec001")),
]
# The API ahead of the pages: Django tries patterns in order, and the pages' ~250 routes before it cost an
# API request (the cached catalogue reads most of all) more than the rest of its routing. None of them
# starts with api/ (mentorhub/tests/test_url_order.py), so no request resolves differently.
urlpatterns[1:1] = [
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/", include(api_patterns)),
    path("api/", include(api_patterns)),
    re_path(r"^api/", views.api_not_found),
]

if settings.BENCH_ENDPOINTS:
    from mentorhub.bench import OkView, UnlimitedOkView

    # Under /api/ like every API call, so it pays what a token client's call pays (mentorhub/middleware.py).
    urlpatterns[0:0] = [path("api/bench/ok", OkView.as_view()),
                        path("api/bench/ok-unlimited", UnlimitedOkView.as_view())]

handler400 = "mentorhub.views.bad_request"
handler403 = "mentorhub.views.permission_denied"
handler404 = "mentorhub.views.page_not_found"
handler500 = "mentorhub.views.server_error"
