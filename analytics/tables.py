"""The staff dashboard's tables, defined once: the page prints them beside its charts and exports each as CSV.

Cells are plain values (numbers stay numbers, no thousands separators, durations in minutes, rates in per
cent, days and times as dates: the page writes them in the reader's language, the CSV as 2026-10-24 and
2026-10-24 14:30 in the viewer's zone), so the CSV reads into a spreadsheet as it is; None is a figure that
does not exist (no sessions: no no-show rate) and prints as an empty cell.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.selectors import Figures, Overview

Cell = int | Decimal | str | date | datetime | None


@dataclass(frozen=True)
class Table:
    slug: str  # the CSV's name: /staff/export/<slug>.csv
    title: str
    header: list[str]
    rows: list[list[Cell]]

    @property
    def labelled_rows(self) -> list[list[tuple[str, Cell, bool]]]:
        """Each cell with its column's name (narrow screens print it beside the value) and whether it is short
        enough never to be split over two lines (numbers, days, currencies; not names and titles)."""
        return [[(label, cell, not isinstance(cell, str) or len(cell) <= 16)
                 for label, cell in zip(self.header, row, strict=True)] for row in self.rows]


def minutes(value: timedelta | None) -> Decimal | None:
    return None if value is None else (Decimal(value.total_seconds()) / 60).quantize(Decimal("0.1"))


def percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.1"))


def change(now: Cell, before: Cell) -> tuple[Cell, Cell]:
    """The difference and the relative change in per cent (None when either side or the base is missing)."""
    if not isinstance(now, int | Decimal) or not isinstance(before, int | Decimal):
        return None, None
    delta = now - before
    return delta, (Decimal(delta) * 100 / before).quantize(Decimal("0.1")) if before else None


def _figure_rows(overview: Overview) -> list[list[Cell]]:
    now, before = overview.now, overview.before

    def both(read) -> tuple[Cell, Cell]:
        return read(now), read(before)

    pairs: list[tuple[str, tuple[Cell, Cell]]] = [
        (_("Bookings created"), both(lambda f: f.created)),
        (_("Confirmed (requests accepted)"), both(lambda f: f.confirmed)),
        (_("Completed"), both(lambda f: f.completed)),
        (_("Cancelled"), both(lambda f: f.cancelled)),
    ]
    cancelled_by = {"mentee": _("Cancelled by mentee"), "mentor": _("Cancelled by mentor"),
                    "staff": _("Cancelled by staff"), "system": _("Cancelled by system"),
                    "other": _("Cancelled by other")}
    for who, label in cancelled_by.items():
        if who != "other" or now.cancelled_by["other"] or before.cancelled_by["other"]:
            pairs.append((label, both(lambda f, who=who: f.cancelled_by[who])))
    pairs += [
        (_("Expired (no answer in time)"), both(lambda f: f.expired)),
        (_("Declined"), both(lambda f: f.declined)),
        (_("No-shows"), both(lambda f: f.no_shows)),
        (_("No-show rate (%)"), both(lambda f: percent(f.no_show_rate))),
        (_("Requests answered"), both(lambda f: f.responses)),
        (_("Response time, median (minutes)"), both(lambda f: minutes(f.response_median))),
        (_("Response time, 90th percentile (minutes)"), both(lambda f: minutes(f.response_p90))),
    ]
    for currency in now.money:
        pairs += [
            (_("Payments (%(currency)s)") % {"currency": currency}, both(lambda f, c=currency: f.money[c].payments)),
            (_("Gross revenue (%(currency)s)") % {"currency": currency}, both(lambda f, c=currency: f.money[c].gross)),
            (_("Refunds (%(currency)s)") % {"currency": currency}, both(lambda f, c=currency: f.money[c].refunds)),
            (_("Net revenue (%(currency)s)") % {"currency": currency}, both(lambda f, c=currency: f.money[c].net)),
        ]
    return [[label, a, b, *change(a, b)] for label, (a, b) in pairs]


FUNNEL_STEPS = [
    (gettext_lazy("Searches"), lambda f: f.searches),
    (gettext_lazy("Profile views"), lambda f: f.profile_views),
    (gettext_lazy("Holds (bookings created)"), lambda f: f.holds),
    (gettext_lazy("Paid"), lambda f: f.paid),
]


def funnel(figures: Figures) -> list[tuple[str, int]]:
    return [(str(label), read(figures)) for label, read in FUNNEL_STEPS]


def _funnel_rows(overview: Overview) -> list[list[Cell]]:
    rows, earlier = [], None
    for (label, count), (_step, before) in zip(funnel(overview.now), funnel(overview.before), strict=True):
        share = (Decimal(count) * 100 / earlier).quantize(Decimal("0.1")) if earlier else None
        rows.append([label, count, share, before])
        earlier = count
    return rows


def _age_days(applied_at: datetime, now: datetime) -> Decimal:
    return (Decimal((now - applied_at).total_seconds()) / 86400).quantize(Decimal("0.1"))


def tables(overview: Overview) -> dict[str, Table]:
    """Every table of the dashboard, by slug, in page order."""
    found = [
        Table("figures", _("Figures"), [_("Figure"), _("This period"), _("Previous period"), _("Change"),
                                        _("Change (%)")],
              _figure_rows(overview)),
        Table("bookings-per-day", _("Bookings per day"),
              [_("Day"), _("Created"), _("Confirmed"), _("Completed"), _("Cancelled")],
              [[d.day, d.created, d.confirmed, d.completed, d.cancelled] for d in overview.days]),
        Table("revenue-per-day", _("Revenue per day"),
              [_("Day"), _("Currency"), _("Payments"), _("Gross"), _("Refunds"), _("Net")],
              [[day, m.currency, m.payments, m.gross, m.refunds, m.net]
               for currency, money in overview.revenue_days.items()
               for day, m in zip(overview.current.days, money, strict=True)]),
        Table("funnel", _("Conversion funnel"),
              [_("Step"), _("This period"), _("From the step before (%)"), _("Previous period")],
              _funnel_rows(overview)),
        Table("top-mentors-completed", _("Top mentors by completed sessions"),
              [_("Rank"), _("Mentor"), _("E-mail"), _("Completed")],
              [[i, t.name, t.email, t.completed] for i, t in enumerate(overview.top_by_completed, 1)]),
        Table("top-mentors-net", _("Top mentors by net revenue"),
              [_("Currency"), _("Rank"), _("Mentor"), _("E-mail"), _("Net")],
              [[t.currency, i, t.name, t.email, t.net] for i, t in _ranked(overview.top_by_net)]),
        Table("applications", _("Mentor applications waiting"),
              [_("Applicant"), _("E-mail"), _("Title"), _("Applied"), _("Waiting (days)")],
              [[a.name, a.email, a.title,
                a.applied_at.astimezone(ZoneInfo(overview.zone)),
                _age_days(a.applied_at, overview.generated_at)]
               for a in overview.applications]),
    ]
    return {table.slug: table for table in found}


def _ranked(earners):
    rank, currency = 0, None
    for earner in earners:
        rank = rank + 1 if earner.currency == currency else 1
        currency = earner.currency
        yield rank, earner
