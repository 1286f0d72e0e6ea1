"""The operator's home page in the shop: the catalogue with search, filters, list and calendar."""
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.timezone import now
from django.views.generic import TemplateView

from pretix.presale.views.organizer import OrganizerIndex

from ticketing_core.models import EventKind

from ..public_name import localize_organizer
from . import cache
from .filters import CatalogueFilterForm, apply_filters, month_days
from .query import build_entries


def item_list(request, entries) -> str:
    """The page's departures as a schema.org ItemList of Events, each with its offers and availability."""
    from ..seo.structured import event_graph, json_ld

    nodes = [node for e in entries if e.start is not None for node in event_graph(request, e.event, [e], [])]
    if not nodes:
        return ""
    for node in nodes:
        node.pop("@context", None)
    return json_ld({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": i, "item": node} for i, node in enumerate(nodes, start=1)]})

APP = "ticketing_website"
PAGE_SIZE = 40


def _query(params, **changes) -> str:
    """The current filters with some parameters changed; a new filter or view starts at page 1."""
    q = params.copy()
    if "page" not in changes:
        q.pop("page", None)
    for key, value in changes.items():
        q.pop(key, None)
        if value not in (None, ""):
            q[key] = str(value)
    encoded = q.urlencode()
    return f"?{encoded}" if encoded else "?"


class CatalogueView(TemplateView):
    """
    Shadows pretix's organizer index (plugin URLs come first) while the storefront plugin is active for
    the organizer; otherwise pretix's own page answers, unchanged.
    """

    template_name = "ticketing_website/catalogue/index.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if APP not in request.organizer.get_plugins():
            return OrganizerIndex.as_view()(request, *args, **kwargs)
        if not cache.shareable(request, cart_shown=False):
            return super().get(request, *args, **kwargs)
        # anonymous visitors all see the same page for a given address and language (as pretix's own index)
        page = cache.page_key(request, "catalogue", request.organizer.pk)
        response = cache.shared_page(request, page)
        if response is None:
            response = super().get(request, *args, **kwargs).render()
            cache.share_page(request, page, response, cart_shown=False)
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request = self.request
        organizer = request.organizer
        localize_organizer(self.request)
        ctx["organizer"] = organizer  # the URL's "organizer" keyword is only the slug
        form = CatalogueFilterForm(data=request.GET or None, organizer=organizer)
        entries = build_entries(organizer, request.sales_channel)
        data = form.usable_data()
        results = apply_filters(entries, data)
        view = form.view_mode
        params = request.GET.copy()
        ctx.update(form=form, results_count=len(results), view=view, kinds=dict(EventKind.KINDS),
                   list_url=_query(params, view="", month=""), calendar_url=_query(params, view="calendar"),
                   has_filters=form.active_filters, reset_url="?")
        if view == "calendar":
            ctx.update(self._calendar(results, data, params, organizer))
        else:
            page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
            ctx.update(page=page, entries=page.object_list, json_ld=item_list(request, page.object_list))
            if page.has_next():
                ctx["next_url"] = _query(params, page=page.next_page_number())
            if page.has_previous():
                ctx["previous_url"] = _query(params, page=page.previous_page_number())
        return ctx

    def _calendar(self, results, data, params, organizer) -> dict:
        tz = ZoneInfo(organizer.settings.timezone or "Europe/Moscow")
        if data.get("month"):
            year, month = (int(p) for p in data["month"].split("-"))
        else:
            first = data.get("date_from") or next((e.local_start.date() for e in results if e.start), None)
            first = first or now().astimezone(tz).date()
            year, month = first.year, first.month
        by_day = defaultdict(list)
        undated = []
        for e in results:
            if e.start is None:
                undated.append(e)
            else:
                by_day[e.local_start.date()].append(e)
        weeks = [[(d, by_day.get(d, [])) if d else (None, []) for d in week] for week in month_days(year, month)]
        prev_m = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
        next_m = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return {
            "weeks": weeks, "month": date(year, month, 1), "undated": undated,
            "today": now().astimezone(tz).date(),
            "prev_month_url": _query(params, view="calendar", month=f"{prev_m:%Y-%m}"),
            "next_month_url": _query(params, view="calendar", month=f"{next_m:%Y-%m}"),
            "month_count": sum(len(v) for d, v in by_day.items() if (d.year, d.month) == (year, month)),
        }
