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
