"""Our receivers' shared answer to "which shop page is this request for?" (urlmatch.py)."""
from unittest import mock

import pytest
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from ticketing_core import urlmatch


def test_the_match_is_djangos_and_a_path_is_resolved_once_per_process_for_every_request():
    urlmatch._resolve.cache_clear()
    path = "/neva/evening-canals/checkout/questions/"
    with mock.patch.object(urlmatch, "resolve", wraps=resolve) as resolving:
        first = urlmatch.url_match(RequestFactory().get(path))
        again = urlmatch.url_match(RequestFactory().get(path))  # the next buyer at the same step
        other = urlmatch.url_match(RequestFactory().post("/neva/evening-canals/cart/add"))
    assert resolving.call_count == 2
    expected = resolve(path)
    assert (first.url_name, first.namespace, first.kwargs) == (expected.url_name, expected.namespace, expected.kwargs)
    assert first.kwargs == {"organizer": "neva", "event": "evening-canals", "step": "questions"}
    assert again is first and other.url_name == "event.cart.add"


def test_a_request_keeps_its_match_and_another_url_configuration_resolves_on_its_own():
    urlmatch._resolve.cache_clear()
    request = RequestFactory().get("/neva/evening-canals/")
    with mock.patch.object(urlmatch, "resolve", wraps=resolve) as resolving:
        assert urlmatch.url_match(request) is urlmatch.url_match(request)
        custom = RequestFactory().get("/evening-canals/")  # the organizer's own domain (pretix sets its urlconf)
        custom.urlconf = "pretix.multidomain.organizer_domain_urlconf"
        match = urlmatch.url_match(custom)
    assert resolving.call_count == 2  # keyed by the URL configuration too
    assert match.url_name == "event.index" and match.kwargs == {"event": "evening-canals"}


def test_an_unknown_path_is_refused_every_time_and_never_kept():
    urlmatch._resolve.cache_clear()
    with pytest.raises(Resolver404):
        urlmatch.url_match(RequestFactory().get("/no/such/page/at/all/x/y/z/"))
    assert urlmatch._resolve.cache_info().currsize == 0
