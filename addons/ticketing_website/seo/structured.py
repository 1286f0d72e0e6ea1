"""
What search engines and link previews read: hreflang alternates, OpenGraph tags and schema.org ``Event``
JSON-LD with an offer and its availability for every date.

pretix chooses the language from a cookie or the browser, so one URL serves every language. The
alternates therefore carry ``?lang=<code>`` (honoured by ``seo.middleware``), which gives each language
its own address without changing pretix's URLs.
"""
import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from pretix.base.models import Event, Organizer

from ..catalogue.query import Entry

OG_LOCALES = {"ru": "ru_RU", "en": "en_GB", "zh-hans": "zh_CN"}
SCHEMA = "https://schema.org/"


def absolute(request, path: str) -> str:
    """An absolute URL on the shop's address (pretix's SITE_URL) for a path."""
    base = settings.SITE_URL.rstrip("/")
    return base + path if path.startswith("/") else path


def language_url(request, lang: str | None) -> str:
    params = request.GET.copy()
    params.pop("lang", None)
    if lang:
        params["lang"] = lang
    query = params.urlencode()
    return absolute(request, request.path) + (f"?{query}" if query else "")


def head_links(request, locales: list[str], default: str) -> str:
    """hreflang alternates (one per shop language and x-default), canonical, og:locale and og:site_name."""
    current = get_language()
    parts = [format_html('<link rel="alternate" hreflang="{}" href="{}">', lang, language_url(request, lang))
             for lang in locales]
    parts.append(format_html('<link rel="alternate" hreflang="x-default" href="{}">', language_url(request, None)))
    canonical_lang = current if current in locales and current != default else None
    if not {"q", "page", "month", "view"} & set(request.GET):
        parts.append(format_html('<link rel="canonical" href="{}">', language_url(request, canonical_lang)))
    parts.append(format_html('<meta property="og:locale" content="{}">', OG_LOCALES.get(current, current)))
    for lang in locales:
        if lang != current and lang in OG_LOCALES:
            parts.append(format_html('<meta property="og:locale:alternate" content="{}">', OG_LOCALES[lang]))
    organizer = getattr(request, "organizer", None)
    if organizer is not None:
        parts.append(format_html('<meta property="og:site_name" content="{}">', organizer.name))
    return SafeString("".join(parts))  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


def _availability(entry: Entry) -> str:
    if entry.sold_out:
        return SCHEMA + "SoldOut"
    if entry.few_left:
        return SCHEMA + "LimitedAvailability"
    return SCHEMA + "InStock"


def _place(entry: Entry, event: Event) -> dict:
    if entry.pier is None:
        return {"@type": "Place", "name": str(event.location or event.name), "address": str(event.location or "")}
    place = {
        "@type": "Place", "name": str(entry.pier.name),
        "address": {"@type": "PostalAddress", "streetAddress": str(entry.pier.address),
                    "addressCountry": event.settings.region or "RU"},
    }
    if entry.pier.latitude is not None and entry.pier.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(entry.pier.latitude),
                        "longitude": float(entry.pier.longitude)}
    return place


def event_graph(request, event: Event, entries: list[Entry], images: list[str]) -> list[dict]:
    """One schema.org Event per date, each with one Offer per ticket on sale and the date's availability."""
    organizer: Organizer = event.organizer
    description = str(event.settings.frontpage_text or "").strip()
    graph = []
    for entry in entries:
        if entry.start is None:
            continue
        url = absolute(request, entry.url)
        offers = [{
            "@type": "Offer", "name": str(item.name), "price": f"{price:.2f}", "priceCurrency": event.currency,
            "availability": _availability(entry), "url": url,
        } for item, price in entry.offers]
        node = {
            "@context": "https://schema.org", "@type": "Event", "name": str(event.name),
            "startDate": entry.start.astimezone(entry.tz).isoformat(),
            "eventStatus": SCHEMA + "EventScheduled",
            "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
            "location": _place(entry, event), "url": url, "offers": offers,
            "organizer": {"@type": "Organization", "name": str(organizer.name),
                          "url": absolute(request, f"/{organizer.slug}/")},
            "inLanguage": get_language(),
        }
        if entry.end:
            node["endDate"] = entry.end.astimezone(entry.tz).isoformat()
        if description:
            node["description"] = description[:500]
        if images:
            node["image"] = [absolute(request, i) for i in images]
        if entry.available is not None:
            node["remainingAttendeeCapacity"] = entry.available
        if entry.capacity:
            node["maximumAttendeeCapacity"] = entry.capacity
        graph.append(node)
    return graph


def json_ld(data) -> str:
    """A JSON-LD script element; "<", ">" and "&" are escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


def og_tags(description: str, image: str | None = None) -> str:
    parts = [format_html('<meta property="og:description" content="{}">', description[:300])] if description else []
    if image:
        parts.append(format_html('<meta property="og:image" content="{}">', image))
    return SafeString("".join(parts))  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal

