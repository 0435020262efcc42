"""The staff dashboard's tables, defined once: the page prints them beside its charts and exports each as CSV.

Cells are plain values (numbers stay numbers, no thousands separators, durations in minutes, rates in per
cent), so the CSV reads into a spreadsheet as it is; None is a figure that does not exist (no sessions:
no no-show rate) and prints as an empty cell.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from analytics.selectors import Figures, Overview

Cell = int | Decimal | str | None


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
        ("Bookings created", both(lambda f: f.created)),
        ("Confirmed (requests accepted)", both(lambda f: f.confirmed)),
        ("Completed", both(lambda f: f.completed)),
        ("Cancelled", both(lambda f: f.cancelled)),
    ]
    for who in ("mentee", "mentor", "staff", "system", "other"):
        if who != "other" or now.cancelled_by["other"] or before.cancelled_by["other"]:
            pairs.append((f"Cancelled by {who}", both(lambda f, who=who: f.cancelled_by[who])))
    pairs += [
        ("Expired (no answer in time)", both(lambda f: f.expired)),
        ("Declined", both(lambda f: f.declined)),
        ("No-shows", both(lambda f: f.no_shows)),
        ("No-show rate (%)", both(lambda f: percent(f.no_show_rate))),
        ("Requests answered", both(lambda f: f.responses)),
        ("Response time, median (minutes)", both(lambda f: minutes(f.response_median))),
        ("Response time, 90th percentile (minutes)", both(lambda f: minutes(f.response_p90))),
    ]
    for currency in now.money:
        pairs += [
            (f"Payments ({currency})", both(lambda f, c=currency: f.money[c].payments)),
            (f"Gross revenue ({currency})", both(lambda f, c=currency: f.money[c].gross)),
            (f"Refunds ({currency})", both(lambda f, c=currency: f.money[c].refunds)),
            (f"Net revenue ({currency})", both(lambda f, c=currency: f.money[c].net)),
        ]
    return [[label, a, b, *change(a, b)] for label, (a, b) in pairs]


FUNNEL_STEPS = [
    ("Searches", lambda f: f.searches),
    ("Profile views", lambda f: f.profile_views),
    ("Holds (bookings created)", lambda f: f.holds),
    ("Paid", lambda f: f.paid),
]


def funnel(figures: Figures) -> list[tuple[str, int]]:
    return [(label, read(figures)) for label, read in FUNNEL_STEPS]


def _funnel_rows(overview: Overview) -> list[list[Cell]]:
    rows, earlier = [], None
    for (label, count), (_, before) in zip(funnel(overview.now), funnel(overview.before), strict=True):
        share = (Decimal(count) * 100 / earlier).quantize(Decimal("0.1")) if earlier else None
        rows.append([label, count, share, before])
        earlier = count
    return rows


def _age_days(applied_at: datetime, now: datetime) -> Decimal:
    return (Decimal((now - applied_at).total_seconds()) / 86400).quantize(Decimal("0.1"))


def tables(overview: Overview) -> dict[str, Table]:
    """Every table of the dashboard, by slug, in page order."""
    found = [
        Table("figures", "Figures", ["Figure", "This period", "Previous period", "Change", "Change (%)"],
              _figure_rows(overview)),
        Table("bookings-per-day", "Bookings per day", ["Day", "Created", "Confirmed", "Completed", "Cancelled"],
              [[d.day.isoformat(), d.created, d.confirmed, d.completed, d.cancelled] for d in overview.days]),
        Table("revenue-per-day", "Revenue per day",
              ["Day", "Currency", "Payments", "Gross", "Refunds", "Net"],
              [[day.isoformat(), m.currency, m.payments, m.gross, m.refunds, m.net]
               for currency, money in overview.revenue_days.items()
               for day, m in zip(overview.current.days, money, strict=True)]),
        Table("funnel", "Conversion funnel", ["Step", "This period", "From the step before (%)", "Previous period"],
              _funnel_rows(overview)),
        Table("top-mentors-completed", "Top mentors by completed sessions",
              ["Rank", "Mentor", "E-mail", "Completed"],
              [[i, t.name, t.email, t.completed] for i, t in enumerate(overview.top_by_completed, 1)]),
        Table("top-mentors-net", "Top mentors by net revenue",
              ["Currency", "Rank", "Mentor", "E-mail", "Net"],
              [[t.currency, i, t.name, t.email, t.net] for i, t in _ranked(overview.top_by_net)]),
        Table("applications", "Mentor applications waiting",
              ["Applicant", "E-mail", "Title", "Applied", "Waiting (days)"],
              [[a.name, a.email, a.title,
                a.applied_at.astimezone(ZoneInfo(overview.zone)).strftime("%Y-%m-%d %H:%M"),
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
