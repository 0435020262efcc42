"""Counts the first two steps of the booking funnel (a search, a profile view) as requests leave.

A middleware, not a line in the catalogue's views: those views answer from the shared catalogue cache
(mentors/cache.py), and a search served from the cache is still a search; counting here sees every answer,
cached or not, and keeps the mentors app unaware of analytics (imports flow one way: analytics reads the
domain apps, no domain app imports analytics).
"""

from analytics.models import HourlyCount
from analytics.services import funnel_count

# Route names (after resolving) of the pages and API endpoints that are a search or a profile view.
STEPS = {
    "mentors:list": HourlyCount.Step.SEARCH,
    "mentor-list": HourlyCount.Step.SEARCH,
    "mentors:detail": HourlyCount.Step.PROFILE,
    "mentor-detail": HourlyCount.Step.PROFILE,
}
COUNTED_STATUSES = (200, 304)  # a 304 is a page the client shows again from its own copy


def funnel_step(request, response) -> str | None:
    """The funnel step this answered request is, or None."""
    match = getattr(request, "resolver_match", None)
    if match is None or request.method != "GET" or response.status_code not in COUNTED_STATUSES:
        return None
    step = STEPS.get(match.view_name)
    # Paging through results, or a profile's later weeks, continues the same visit: not counted again.
    if step is None or request.GET.get("page", "1") != "1" or "week" in request.GET:
        return None
    return step


class FunnelCountMiddleware:
    """One upsert per counted request, after the view answered (so it is outside the catalogue cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        step = funnel_step(request, response)
        if step is not None:
            funnel_count(step=step)
        return response
