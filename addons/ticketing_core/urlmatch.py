"""
The URL pattern a shop request is for, resolved once per request. pretix sends ``process_request`` from its
middleware, before Django has resolved the view, so each receiver that needs the URL's name resolved the path
again (five receivers on every step of a purchase); the first one's answer now serves the others.
"""
from django.http import HttpRequest
from django.urls import ResolverMatch, resolve

_ATTR = "_ticketing_url_match"


def url_match(request: HttpRequest) -> ResolverMatch:
    """``request.resolver_match`` once Django has it; before that, one ``resolve`` kept on the request."""
    match = getattr(request, "resolver_match", None) or getattr(request, _ATTR, None)
    if match is None:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
        setattr(request, _ATTR, match)
    return match


def is_checkout_step(request: HttpRequest | None, step: str) -> bool:
    """
    Whether ``request`` shows pretix's checkout step ``step``. Contact-form receivers use it because pretix's
    confirmation page lists every contact field with its value, and some fields mean nothing there.
    """
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "event.checkout" and match.kwargs.get("step") == step
