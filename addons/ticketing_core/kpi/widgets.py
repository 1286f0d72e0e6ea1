"""
Widgets on pretix's dashboards: each event's dashboard (load factor, no-shows, conversion; pretix sends this signal
to those who may read the event's orders, without telling us who asks, so these widgets show no revenue) and the
personal start page (a link to the organizer's dashboard for those with ``organizer.kpi:read``).
"""
from datetime import timedelta

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Organizer

from ..permissions import KPI_READ
from . import figures, funnel, summary

NUM_WIDGET = '<div class="numwidget"><span class="num">{num}</span><span class="text">{text}</span></div>'
DAYS = 30


def dashboard_url(organizer, event=None) -> str:
    url = reverse("plugins:ticketing_core:kpi.dashboard", kwargs={"organizer": organizer.slug})
    return f"{url}?event={event.pk}" if event is not None else url


def event_widgets(event, subevent=None, lazy=False) -> list[dict]:
    if not event.ticketing_sailings.exists():
        return []
    url = dashboard_url(event.organizer, event)
    keys = ("ticketing-kpi-load", "ticketing-kpi-noshow", "ticketing-kpi-conversion")
    if lazy:
        return [{"content": None, "lazy": k, "display_size": "small", "priority": 90, "url": url} for k in keys]
    at = now()
    sailings = event.ticketing_sailings.all()
    if subevent is not None:
        sailings = sailings.filter(subevent=subevent)
    else:
        sailings = figures.sailings_in([event], at - timedelta(days=DAYS), at + timedelta(days=DAYS))
    totals = figures.totals_of(summary.sailing_figures(sailings, at))
    today = funnel.today_of(event, at)
    week = funnel.funnel_rows([event], today - timedelta(days=6), today)
    visits, paid = sum(r["visit"] for r in week), sum(r["paid"] for r in week)
    conversion = figures.pct(paid, visits)
    load = totals.load_factor
    return [
        {"content": format_html(NUM_WIDGET, num=f"{number_format(load, 1)}%" if load is not None else "—",
                                text=_("Load factor (paid places of capacity)") if subevent else
                                _("Load factor, {days} days around today").format(days=DAYS)),
         "lazy": keys[0], "display_size": "small", "priority": 90, "url": url},
        {"content": format_html(NUM_WIDGET, num=totals.no_shows, text=_("No-shows (paid, not boarded)")),
         "lazy": keys[1], "display_size": "small", "priority": 89, "url": url},
        {"content": format_html(NUM_WIDGET, num=f"{number_format(conversion, 1)}%" if conversion is not None else "—",
                                text=_("Shop conversion, visit → paid, 7 days")),
         "lazy": keys[2], "display_size": "small", "priority": 88, "url": url},
    ]


def user_widgets(user) -> list[dict]:
    out = []
    for organizer in Organizer.objects.filter(teams__members=user).distinct():
        if user.has_organizer_permission(organizer, KPI_READ):
            out.append({
                "content": format_html(NUM_WIDGET, num=format_html('<i class="fa fa-line-chart"></i>'),
                                       text=_("Dashboard: sales, load factor and conversion of {organizer}").format(
                                           organizer=organizer.name)),
                "display_size": "small", "priority": 100, "url": dashboard_url(organizer),
            })
    return out
