"""What the dashboard and its export show, computed once from the filter's cleaned data."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..dateranges import day_bounds
from . import charts, figures, funnel, summary


def channel_labels() -> dict[str, str]:
    return {"shop": pgettext("kpi channel", "Web shop"), "backoffice": pgettext("kpi channel", "Back office"),
            "api": pgettext("kpi channel", "API"), "reseller": pgettext("kpi channel", "Reseller")}


def step_labels() -> dict[str, str]:
    return {"visit": _("Shop visits"), "cart": _("Carts created"), "checkout": _("Checkouts started"),
            "placed": _("Orders placed"), "paid": _("Orders paid")}


@dataclass
class Dashboard:
    start: date
    end: date
    rows: list
    totals: figures.Totals
    pace: list
    funnel_rows: list
    funnel_totals: dict


def compute(organizer, events, data: dict) -> Dashboard:
    """Every figure for the filter ``data`` (start, end, event, vessel, pier) over ``events`` the person may see."""
    tz = ZoneInfo(str(organizer.settings.timezone))
    if data.get("event") is not None:
        events = [data["event"]]
    else:
        events = list(events)
    first, last = day_bounds(data["start"], data["end"], tz)
    sailings = figures.sailings_in(events, first, last, data.get("vessel"), data.get("pier"))
    rows = summary.sailing_figures(sailings)
    funnel.flush()  # today's Redis counters into the table first (a no-op without Redis)
    funnel_rows = funnel.funnel_rows(events, data["start"], data["end"])
    funnel_totals = {s: sum(r[s] for r in funnel_rows) for s in (*funnel.STEPS, "abandoned")}
    return Dashboard(start=data["start"], end=data["end"], rows=rows, totals=figures.totals_of(rows),
                     pace=summary.booking_pace(events, first, last, data.get("vessel"), data.get("pier")),
                     funnel_rows=funnel_rows, funnel_totals=funnel_totals)


def chart_context(board: Dashboard, tz: ZoneInfo) -> dict:
    """The four SVG charts: load factor per day, channel mix, funnel, booking pace."""
    per_day = defaultdict(lambda: [0, 0])
    for r in board.rows:
        if not r.canceled:
            day = r.start.astimezone(tz).date()
            per_day[day][0] += r.paid
            per_day[day][1] += r.capacity
    days = sorted(per_day)
    load = charts.columns(_("Load factor per day"), [
        (date_format(d, "d.m"), figures.pct(*per_day[d])) for d in days])
    labels = channel_labels()
    mix = charts.hbars(_("Channel mix (places sold)"), [
        (labels[c], n, f"{n} · {number_format(share or 0, 1)}%") for c, n, share in board.totals.channel_shares()])
    steps = step_labels()
    visits = board.funnel_totals.get("visit") or 0
    flow = charts.hbars(_("Conversion funnel"), [
        (steps[s], board.funnel_totals[s],
         f"{board.funnel_totals[s]}"
         + (f" · {number_format(figures.pct(board.funnel_totals[s], visits), 1)}%" if visits else ""))
        for s in funnel.STEPS])
    xs = [f"−{d}" if d else "0" for d in figures.PACE_DAYS]
    current = [sum(p.by_day[d] for p in board.pace) for d in figures.PACE_DAYS]
    with_previous = [p for p in board.pace if p.previous is not None]
    series = [(_("This season"), current)]
    if with_previous:
        series.append((_("Same weeks, previous season"),
                       [sum(p.previous[d] for p in with_previous) for d in figures.PACE_DAYS]))
    pace = charts.lines(_("Booking pace: places sold by days before departure"), xs, series)
    return {"chart_load": load, "chart_channels": mix, "chart_funnel": flow, "chart_pace": pace}
