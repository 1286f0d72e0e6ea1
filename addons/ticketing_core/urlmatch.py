"""
The URL pattern a shop request is for, resolved once per request. pretix sends ``process_request`` from its
middleware, before Django has resolved the view, so each receiver that needs the URL's name resolved the path
again (five receivers on every step of a purchase); the first one's answer now serves the others.

The answer depends on the path and the URL configuration only, and a purchase's paths repeat for every buyer of a
date (its page, "add to cart", each checkout step): the last answers are kept per process, so a shop request
resolves its path for our receivers once per process, not once per request. The matches are shared: read them,
never change them (their ``kwargs`` are the view's arguments).
"""
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import ResolverMatch, resolve

_ATTR = "_ticketing_url_match"


@lru_cache(maxsize=1024)
def _resolve(path_info: str, urlconf: str) -> ResolverMatch:
    return resolve(path_info, urlconf)


def url_match(request: HttpRequest) -> ResolverMatch:
    """``request.resolver_match`` once Django has it; else the path's match (kept per process), on the request."""
    match = getattr(request, "resolver_match", None) or getattr(request, _ATTR, None)
    if match is None:
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        match = _resolve(request.path_info, urlconf)
        setattr(request, _ATTR, match)
    return match


def is_checkout_step(request: HttpRequest | None, step: str) -> bool:
    """
    Whether ``request`` shows pretix's checkout step ``step``. Contact-form receivers use it because pretix's
    confirmation page lists every contact field with its value, and some fields mean nothing there.
    """
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "event.checkout" and match.kwargs.get("step") == step
