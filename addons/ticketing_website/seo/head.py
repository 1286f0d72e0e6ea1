"""The head of shop pages: language alternates, OpenGraph extras and, on event pages, the Event JSON-LD."""
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from pretix.base.models import Event, Organizer

from ..catalogue.event_page import SCHEDULE_LIMIT, event_entries, photo_urls
from .structured import absolute, event_graph, head_links, json_ld, og_tags


def _text(value) -> str:
    return " ".join(strip_tags(str(value or "")).split())


def event_page_date(request) -> tuple[bool, str | None]:
    """Whether this request is the shop's event page and, if so, the date it shows (None: the series)."""
    match = request.resolver_match
    if match is None or match.url_name != "event.index" or match.namespace != "presale":
        return False, None
    return True, match.kwargs.get("subevent")


def event_head_html(event: Event, request) -> str:
    """Language alternates on every event page of the shop, OpenGraph and JSON-LD on the event page."""
    is_event_page, _date = event_page_date(request)
    html = event_head_links(event, request)
    return SafeString(html + event_structured_html(event, request)) if is_event_page else html  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


def event_head_links(event: Event, request) -> str:
    """The address-dependent part (hreflang alternates, canonical): cheap, computed on every page."""
    locales = event.settings.locales or ["ru"]
    return head_links(request, locales, event.settings.locale or locales[0])


def event_structured_html(event: Event, request) -> str:
    """
    OpenGraph and the Event JSON-LD of the event page: the same for every visitor of a date in one language,
    whatever the query string (``?require_cookie``, calendar navigation), so the caller caches it per date.
    """
    _is_event_page, subevent_id = event_page_date(request)
    entries = [e for e in event_entries(event, request) if e.start is not None]
    if subevent_id:
        entries = [e for e in entries if e.subevent and str(e.subevent.pk) == str(subevent_id)]
    photos = photo_urls(event)
    html = og_tags(_text(event.settings.frontpage_text), absolute(request, photos[0]) if photos else None)
    graph = event_graph(request, event, entries[:SCHEDULE_LIMIT], photos)
    if graph:
        html += json_ld(graph if len(graph) > 1 else graph[0])
    return SafeString(html)  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


def organizer_head_html(organizer: Organizer, request) -> str:
    locales = organizer.settings.locales or ["ru"]
    html = head_links(request, locales, organizer.settings.locale or locales[0])
    match = request.resolver_match
    if match is not None and match.url_name == "catalogue":
        html += og_tags(_text(organizer.settings.get("organizer_homepage_text")))
    return SafeString(html)  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal
