"""
What the storefront adds to pretix's event page: the facts a passenger needs before buying (photos, vessel,
pier with boarding instructions and a map link, duration, price from with its tax, refund deadline) and the
schedule of dates with live availability.
"""
from datetime import timedelta
from urllib.parse import urlencode

from django.core.files.storage import default_storage
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.timezone import now

from pretix.base.models import Event, SubEvent

from ticketing_core.models import Pier, Sailing
from ticketing_core.policy.rules import NON_REFUNDABLE_NOTICE, REFUND_WINDOW, sale_terms

from .query import Entry, build_entries

PHOTO_KEYS = tuple(f"ticketing_website_photo_{i}" for i in range(1, 5))
SCHEDULE_LIMIT = 30  # the next 30 departures; pretix's own date list and calendar reach further


def photo_urls(event: Event) -> list[str]:
    """The event's photos (uploaded on its Storefront settings page), as URLs on this server."""
    urls = []
    for key in PHOTO_KEYS:
        value = event.settings.get(key, as_type=str, default="") or ""
        if value.startswith("file://"):
            urls.append(default_storage.url(value[7:]))
    return urls


def map_url(pier: Pier) -> str:
    """A link that opens the pier in Yandex Maps (a link, never an embedded foreign map)."""
    if pier.latitude is not None and pier.longitude is not None:
        point = f"{pier.longitude},{pier.latitude}"
        return "https://yandex.ru/maps/?" + urlencode({"pt": f"{point},pm2rdm", "ll": point, "z": "16"})
    return "https://yandex.ru/maps/?" + urlencode({"text": str(pier.address)})


def event_entries(event: Event, request) -> list[Entry]:
    """The event's upcoming catalogue entries, computed once per request."""
    cache = request.__dict__.setdefault("_ticketing_website_entries", {})
    if event.pk not in cache:
        cache[event.pk] = build_entries(event.organizer, request.sales_channel, events=[event])
    return cache[event.pk]


def _sailing(event: Event, subevent: SubEvent | None) -> Sailing | None:
    qs = Sailing.objects.filter(event=event).select_related("vessel", "departure_pier", "arrival_pier")
    if subevent is not None:
        return qs.filter(subevent=subevent).first()
    if event.has_subevents:
        # the series' next sailing stands for the series (vessel, pier, duration)
        upcoming = qs.filter(canceled_at__isnull=True, subevent__active=True, subevent__date_from__gte=now())
        return upcoming.order_by("subevent__date_from").first() or qs.first()
    return qs.filter(subevent__isnull=True).first()


def render_details(event: Event, subevent: SubEvent | None, request) -> str:
    sailing = _sailing(event, subevent)
    entries = event_entries(event, request)
    entry = None
    if subevent is not None:
        entry = next((e for e in entries if e.subevent and e.subevent.pk == subevent.pk), None)
    elif not event.has_subevents:
        entry = entries[0] if entries else None
    scope = entries if entry is None else [entry]
    prices = [e.price_from for e in scope if e.price_from is not None]
    terms = None
    if sailing is not None and entry is not None and entry.start is not None:
        terms = sale_terms(entry.start, sailing.departure_pier.timezone)
    description = ""
    if subevent is not None and not str(subevent.frontpage_text or "").strip():
        description = str(event.settings.frontpage_text or "")
    ctx = {
        "event": event, "subevent": subevent, "sailing": sailing, "entry": entry,
        "vessel": sailing.vessel if sailing else None, "pier": sailing.departure_pier if sailing else None,
        "arrival": sailing.arrival_pier if sailing and sailing.arrival_pier_id != sailing.departure_pier_id else None,
        "map_url": map_url(sailing.departure_pier) if sailing else None,
        "photos": photo_urls(event), "price_from": min(prices) if prices else None,
        "several_prices": entry is None or len(entry.offers) > 1,
        "tax": scope[0].tax if scope else None,
        "terms": terms, "non_refundable_notice": NON_REFUNDABLE_NOTICE, "description": description,
        "refund_window_hours": int(REFUND_WINDOW / timedelta(hours=1)),
    }
    return SafeString(get_template("ticketing_website/event/details.html").render(ctx, request))  # nosec B703 # our template's output, auto-escaped


def render_schedule(event: Event, subevent: SubEvent | None, request) -> str:
    if not event.has_subevents:
        return ""
    entries = [e for e in event_entries(event, request) if e.subevent is not None][:SCHEDULE_LIMIT]
    if not entries:
        return ""
    ctx = {"event": event, "subevent": subevent, "entries": entries}
    return SafeString(get_template("ticketing_website/event/schedule.html").render(ctx, request))  # nosec B703 # our template's output, auto-escaped
