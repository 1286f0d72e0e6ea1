"""
Short-lived caching of what every visitor sees alike: the whole catalogue and event pages of anonymous visitors,
and the event page's facts, schedule and JSON-LD for everyone else. 15 seconds, as pretix caches its own event
lists; places are checked again by pretix when a ticket goes into the cart, so a count up to 15 s old never sells
a place twice. Without a real cache (no Redis configured) nothing is cached and every page is computed fresh.

A whole page is shared only with visitors whose session is empty: no cart, no customer or staff login, no
pending message (pretix keeps messages in the session), no access to a hidden shop. Whatever such a page holds
is the same for all of them except Django's CSRF token, which is cut out before storing and put back per visitor.

When a stored page expires, or a new date goes on sale, visitors arrive together: each of them found the page
missing and computed it (pretix's page ~100 ms, several times at once on a busy server). Now the first claims the
computation and the others wait for its result (``lookup``), up to ``WAIT`` seconds, polling the cache; if the
page is not stored by then they compute their own. A page its first visitor computed but could not share (a cookie
set, an error) is marked so for 15 s: the next visitors compute it at once rather than wait in line for each other.
"""
import hashlib
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

TIMEOUT = 15
WAIT = 2.0  # the longest a visitor waits for the page another request is computing (a claim expires then too)
POLL = 0.02
_CLAIMS = "_ticketing_cache_claims"  # the pages this request claimed to compute, released with its response
_CLAIM = ":computing"
_UNSHARED = "unshared"  # the claim's value once its page was computed and could not be stored


def enabled() -> bool:
    return bool(getattr(settings, "REAL_CACHE_USED", False))


def allow_pretix_fragment_cache() -> None:
    """
    pretix wraps its date calendars in ``{% cache_large %}`` (15 s) but renders them afresh unless the settings
    allow large values in the cache (``CACHE_LARGE_VALUES_ALLOWED``, not in pretix.cfg); Redis takes them, so with
    a real cache the calendar of a visitor with a cart is drawn once per 15 s too. Called once at app start-up.
    """
    if enabled():
        settings.CACHE_LARGE_VALUES_ALLOWED = True


def key(*parts) -> str:
    return "ticketing_website:" + hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:40]


def cached(parts: tuple, compute: Callable[[], str], timeout: int = TIMEOUT) -> str:
    """``compute()``'s result, shared by every request with the same ``parts`` for ``timeout`` seconds."""
    if not enabled():
        return compute()
    k = key(*parts)
    value = cache.get(k)
    if value is None:
        value = compute()
        cache.set(k, value, timeout)
    return value


_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"


_CART_KEY = re.compile(r"^(carts|current_cart_event_\d+)$")  # where pretix keeps a visitor's carts


def _personal(request: HttpRequest, cart_shown: bool) -> bool:
    session = getattr(request, "session", None)
    if session is None:
        return False
    return any(cart_shown or not _CART_KEY.match(k) for k in session.keys())


def shareable(request: HttpRequest, cart_shown: bool = True) -> bool:
    """
    Whether this visitor sees exactly what every other anonymous visitor sees at this address. A page that does
    not show the cart (the catalogue) is shared with visitors who have one.
    """
    if not enabled() or request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated or getattr(request, "customer", None):
        return False
    return not _personal(request, cart_shown)


def page_key(request: HttpRequest, *parts) -> str:
    host = request.host if hasattr(request, "host") else request.get_host()
    channel = getattr(getattr(request, "sales_channel", None), "identifier", None) or \
        request.environ.get("PRETIX_SALES_CHANNEL", "web")  # as pretix picks the channel a moment later
    return key("page", host, request.get_full_path(), request.LANGUAGE_CODE, channel, *parts)


def lookup(request: HttpRequest, page: str) -> bytes | None:
    """
    The stored ``page``; on a miss, waits while another request computes it. None means this request computes
    it: it claimed the computation (``release`` ends the claim once the page is stored or found not shareable),
    or the wait ran out.
    """
    content = cache.get(page)
    if content is not None:
        return content
    claim = page + _CLAIM
    deadline = time.monotonic() + WAIT
    while True:
        if cache.add(claim, "computing", WAIT):
            claims = getattr(request, _CLAIMS, None)
            if claims is None:
                claims = []
                setattr(request, _CLAIMS, claims)
            claims.append(claim)
            return None
        if time.monotonic() >= deadline or cache.get(claim) == _UNSHARED:
            return None
        time.sleep(POLL)
        content = cache.get(page)
        if content is not None:
            return content


def release(request: HttpRequest) -> None:
    """
    The pages this request claimed are no longer being computed: the claim of a stored page ends, that of a page
    not stored stays 15 s as "not shared", so that nobody waits for it meanwhile.
    """
    claims = getattr(request, _CLAIMS, None)
    if not claims:
        return
    pages = {claim: claim[:-len(_CLAIM)] for claim in claims}
    stored = cache.get_many(list(pages.values()))
    ended = [claim for claim, page in pages.items() if page in stored]
    unshared = {claim: _UNSHARED for claim, page in pages.items() if page not in stored}
    if ended:
        cache.delete_many(ended)
    if unshared:
        cache.set_many(unshared, TIMEOUT)
    claims.clear()


def shared_page(request: HttpRequest, page: str) -> HttpResponse | None:
    """The page stored for this address and language, with this visitor's own CSRF token, if there is one."""
    content = lookup(request, page)
    if content is None:
        return None
    return with_csrf(request, content)


def with_csrf(request: HttpRequest, content: bytes) -> HttpResponse:
    """A stored page as a response, with this visitor's own CSRF token where the stored one was cut out."""
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    return HttpResponse(content)


def without_csrf(content: bytes) -> bytes:
    return _CSRF_VALUE.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", content)


def share_page(request: HttpRequest, page: str, response: HttpResponse, cart_shown: bool = True) -> None:
    """Store a freshly rendered page, unless rendering it touched the session, set a cookie or failed."""
    try:
        if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
            return
        if getattr(getattr(request, "session", None), "modified", False) or _personal(request, cart_shown):
            return
        cache.set(page, without_csrf(response.content), TIMEOUT)
    finally:
        release(request)
