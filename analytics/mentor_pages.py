"""The mentor's analytics page (/mentor/analytics/): the API's figures as charts, each with its numbers."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe

from analytics.charts import Point, bar_chart, line_chart
from analytics.mentor import analytics_window, approved_profile, mentor_analytics, mentor_zone
from mentorhub.errors import DomainError, NotFound

WEEKDAYS = (gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
            gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun"))


class WindowForm(forms.Form):
    start = forms.DateField(required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))


def _charts(figures) -> dict:
    currencies = sorted({row.currency for row in figures.earnings_per_month})
    return {
        "weeks": bar_chart([Point(formats.date_format(w.week, pgettext("chart axis", "j M")), w.sessions)
                            for w in figures.sessions_per_week],
                           title=_("Sessions per week"), unit=_("sessions")),
        "earnings": [(currency, bar_chart([Point(formats.date_format(r.month, pgettext("chart axis", "M Y")), r.kept)
                                           for r in figures.earnings_per_month if r.currency == currency],
                                          title=_("Kept per month, %(currency)s") % {"currency": currency},
                                          unit=currency)) for currency in currencies],
        "rating": line_chart([Point(formats.date_format(r.month, pgettext("chart axis", "M Y")), r.average)
                              for r in figures.rating_per_month],
                             title=_("Average rating per month"), unit="★") if figures.rating_per_month else None,
        "hours": bar_chart([Point(f"{h:02d}", n) for h, n in enumerate(figures.by_hour)],
                           title=_("Sessions by hour of the start"), unit=_("sessions")),
        "weekdays": bar_chart([Point(str(day), n) for day, n in zip(WEEKDAYS, figures.by_weekday, strict=True)],
                              title=_("Sessions by weekday"), unit=_("sessions")),
    }


@login_required
@require_safe
def mentor_analytics_page(request):
    try:
        approved_profile(request.user)
    except NotFound:
        raise Http404("You have no approved mentor profile.") from None
    form = WindowForm(request.GET or None)
    context = {"form": form, "figures": None}
    if form.is_bound and not form.is_valid():
        return render(request, "analytics/mentor_analytics.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    try:
        start, end = analytics_window(start=data.get("start"), end=data.get("end"),
                                      today=timezone.localdate(timezone.now(), mentor_zone(request.user)))
    except DomainError as exc:
        form.add_error("start" if exc.field == "from" else "end", exc.message)
        return render(request, "analytics/mentor_analytics.html", context, status=400)
    figures = mentor_analytics(user=request.user, start=start, end=end)
    if not form.is_bound:
        form = WindowForm(initial={"start": start, "end": end})
    return render(request, "analytics/mentor_analytics.html", {
        "form": form, "figures": figures, "charts": _charts(figures),
        "hours": [(f"{h:02d}:00", n) for h, n in enumerate(figures.by_hour) if n],
        "weekdays": [(str(day), n) for day, n in zip(WEEKDAYS, figures.by_weekday, strict=True)],
        "top_cells": [(str(WEEKDAYS[c.weekday - 1]), f"{c.hour:02d}:00", c.sessions) for c in figures.busiest[:5]],
    })
