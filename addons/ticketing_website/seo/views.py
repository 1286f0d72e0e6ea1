"""sitemap.xml per operator, robots.txt and favicon.ico for the shop's host."""
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.utils.timezone import now

from pretix.base.models import Organizer
from pretix.multidomain.urlreverse import eventreverse

from ..catalogue.query import build_entries, public_events
from .structured import absolute

APP = "ticketing_website"


def _listed(organizer: Organizer) -> bool:
    return APP in organizer.get_plugins() and not organizer.settings.get("meta_noindex", as_type=bool)


def sitemap(request, organizer=None, **kwargs) -> HttpResponse:
    """The operator's home page, every public event page and every upcoming date, in each shop language."""
    organizer = request.organizer
    if not _listed(organizer):
        raise Http404()
    locales = organizer.settings.locales or ["ru"]
    default = organizer.settings.locale or locales[0]
    pages = [(absolute(request, eventreverse(organizer, "presale:organizer.index")), None)]
    for event in public_events(organizer, request.sales_channel):
        if event.settings.get("meta_noindex", as_type=bool):
            continue
        pages.append((absolute(request, eventreverse(event, "presale:event.index")), event.last_modified))
    for entry in build_entries(organizer, request.sales_channel):
        if entry.subevent is not None and not entry.event.settings.get("meta_noindex", as_type=bool):
            pages.append((absolute(request, entry.url), entry.subevent.last_modified))
    urls = [{"loc": loc, "lastmod": lastmod,
             "alternates": [(lang, f"{loc}?lang={lang}") for lang in locales],
             "default": default} for loc, lastmod in pages]
    body = get_template("ticketing_website/seo/sitemap.xml").render({"urls": urls, "generated": now()})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


def robots_txt(request) -> HttpResponse:
    """Crawl the shop pages, not carts, checkouts, orders, accounts or the back office; point to each sitemap."""
    lines = ["User-agent: *", "Disallow: /control/", "Disallow: /api/", "Disallow: /*/account/",
             "Disallow: /*/*/cart/", "Disallow: /*/*/checkout/", "Disallow: /*/*/order/", "Disallow: /*/*/ticket/",
             "Disallow: /*/*/redeem", "Disallow: /*/*/w/", "Allow: /", ""]
    for organizer in Organizer.objects.filter(plugins__contains=APP).order_by("slug"):
        if _listed(organizer):
            lines.append("Sitemap: " + absolute(request, f"/{organizer.slug}/sitemap.xml"))
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request) -> HttpResponse:
    """
    /favicon.ico, which browsers fetch where a page names no icon (a ticket PDF in Chromium's viewer): pretix's
    icon, as its pages name it, instead of a 404.
    """
    response = HttpResponsePermanentRedirect(static("pretixbase/img/favicon.ico"))
    patch_cache_control(response, max_age=86400)
    return response
