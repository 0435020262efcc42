"""The staff dashboard (``/staff/``) and its CSV exports: staff only, a 404 for everyone else.

Anonymous visitors get the same 404 as signed-in non-staff rather than a redirect to the login page, so
the address does not even say that something is there.
"""

import csv
from datetime import datetime
from functools import wraps

from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from analytics import charts, selectors
from analytics.forms import PRESETS, PeriodForm, last_days
from analytics.tables import funnel, tables


def staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


def _today(request):
    return timezone.localdate(timezone.now(), selectors.user_zone(request.user))


def _short(day, *, days: int) -> str:
    # Up to 12 labels share a phone-wide axis: a long period's get shorter so they never overlap.
    return formats.date_format(day, pgettext("chart axis", "j M")) if days <= 14 else f"{day.day}/{day.month}"


def _charts(overview: selectors.Overview) -> dict:
    days, count = overview.days, len(overview.days)
    return {
        "bookings": charts.bar_chart([charts.Point(_short(d.day, days=count), d.created) for d in days],
                                     title=_("Bookings created per day"), unit=_("bookings")),
        "revenue": [(currency, charts.bar_chart(
            [charts.Point(_short(day, days=count), m.gross)
             for day, m in zip(overview.current.days, money, strict=True)],
            title=_("Gross revenue per day in %(currency)s") % {"currency": currency}, unit=currency))
            for currency, money in overview.revenue_days.items()],
        # Short labels: four under a phone-wide chart; the table beside it names each step in full.
        "funnel": charts.bar_chart([charts.Point(label, count) for label, (_step, count) in
                                    zip((_("Searches"), _("Profiles"), _("Holds"), _("Paid")), funnel(overview.now),
                                        strict=True)],
                                   title=_("Conversion funnel: searches, profile views, holds, paid")),
    }


@require_safe
@staff_only
def dashboard(request):
    today = _today(request)
    form = PeriodForm(request.GET, today=today)
    presets = [(days, *last_days(days, today)) for days in PRESETS]
    context = {"form": form, "presets": presets, "zone": selectors.user_zone(request.user).key}
    if not form.is_valid():
        return render(request, "analytics/dashboard.html", context, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    overview = selectors.staff_overview(user=request.user, start=start, end=end)
    return render(request, "analytics/dashboard.html", {
        **context, "overview": overview, "tables": tables(overview), "charts": _charts(overview),
        "query": f"from={start.isoformat()}&to={end.isoformat()}",
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


# A spreadsheet runs a text cell starting with one of these as a formula (CSV injection): names are user input.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")  # already in the viewer's zone (analytics.tables)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return str(value)


@require_safe
@staff_only
def export(request, table: str):
    form = PeriodForm(request.GET, today=_today(request))
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(e for errors in form.errors.values() for e in errors),
                                      content_type="text/plain; charset=utf-8")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    found = tables(selectors.staff_overview(user=request.user, start=start, end=end)).get(table)
    if found is None:
        raise Http404("No such table.")
    writer = csv.writer(_Echo())
    rows = [found.header, *([_cell(c) for c in row] for row in found.rows)]
    filename = f"mentorhub-{table}-{start.isoformat()}-{end.isoformat()}.csv"
    return StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})
