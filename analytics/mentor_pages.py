"""The mentor's analytics page (/mentor/analytics/): the API's figures as charts, each with its numbers."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from analytics.charts import Point, bar_chart, line_chart
from analytics.mentor import analytics_window, approved_profile, mentor_analytics, mentor_zone
from mentorhub.errors import DomainError, NotFound

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class WindowForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))


def _charts(figures) -> dict:
    currencies = sorted({row.currency for row in figures.earnings_per_month})
    return {
        "weeks": bar_chart([Point(f"{w.week.day} {w.week:%b}", w.sessions) for w in figures.sessions_per_week],
                           title="Sessions per week", unit="sessions"),
        "earnings": [(currency, bar_chart([Point(r.month.strftime("%b %Y"), r.kept) for r in figures.earnings_per_month
                                           if r.currency == currency], title=f"Kept per month, {currency}",
                                          unit=currency)) for currency in currencies],
        "rating": line_chart([Point(r.month.strftime("%b %Y"), r.average) for r in figures.rating_per_month],
                             title="Average rating per month", unit="★") if figures.rating_per_month else None,
        "hours": bar_chart([Point(f"{h:02d}", n) for h, n in enumerate(figures.by_hour)],
                           title="Sessions by hour of the start", unit="sessions"),
        "weekdays": bar_chart([Point(day, n) for day, n in zip(WEEKDAYS, figures.by_weekday, strict=True)],
                              title="Sessions by weekday", unit="sessions"),
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
        "weekdays": list(zip(WEEKDAYS, figures.by_weekday, strict=True)),
        "top_cells": [(WEEKDAYS[c.weekday - 1], f"{c.hour:02d}:00", c.sessions) for c in figures.busiest[:5]],
    })
