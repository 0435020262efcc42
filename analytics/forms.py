from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.selectors import period_problem
from mentorhub.dates import DateField

DEFAULT_DAYS = 30
PRESETS = (7, 30, 90)


def last_days(days: int, today: date) -> tuple[date, date]:
    """The ``days`` days that end today."""
    return today - timedelta(days=days - 1), today


class PeriodForm(forms.Form):
    """The dashboard's period: two inclusive days in the viewer's zone (default: the last 30 days)."""

    # The project's date fields: 1900..2200 only, so a period and the one before it never leave the calendar.
    start = DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, params, *, today: date):
        start, end = last_days(DEFAULT_DAYS, today)
        super().__init__({"from": params.get("from") or start.isoformat(), "to": params.get("to") or end.isoformat()})

    def add_prefix(self, field_name):
        # The query names the days ?from=&to= (as the API does).
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        if "start" in data and "end" in data:
            problem = period_problem(data["start"], data["end"])
            if problem:
                raise forms.ValidationError(problem[1])
        return data
