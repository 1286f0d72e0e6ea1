"""The funnel counts steps per event and day and stores nothing about anyone (152-FZ)."""
import uuid

import pytest
from django.db import connection

from ticketing_core.kpi import funnel
from ticketing_core.kpi.models import FunnelDay

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _counts(event):
    return dict(FunnelDay.objects.filter(event=event).values_list("step", "count"))


def test_summary_table_has_no_personal_data_columns(db):
    columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), FunnelDay._meta.db_table)}
    assert columns == {"id", "event_id", "day", "step", "count"}


def test_record_step_adds_one_per_call_and_refuses_unknown_steps(series):
    for step in funnel.STEPS:
        funnel.record_step(series, step)
    funnel.record_step(series, "visit")
    assert _counts(series) == {"visit": 2, "cart": 1, "checkout": 1, "placed": 1, "paid": 1}
    with pytest.raises(ValueError):
        funnel.record_step(series, "customer@example.org")


def test_shop_requests_are_counted_bots_are_not(client, series, sailing):
    base = f"/{series.organizer.slug}/{series.slug}/"
    assert client.get(base, HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get(base, HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get(base)  # no User-Agent at all
    client.get(f"{base}checkout/start", HTTP_USER_AGENT=BROWSER)
    assert _counts(series) == {"visit": 1, "checkout": 1}
    assert not client.cookies.get("pretix_kpi")  # no cookie of ours


def test_the_event_page_is_a_visit_on_the_organizers_own_domain_too(series):
    """pretix serves an organizer's own domain with its own URL configuration: /<event>/ is the event page there."""
    from django.test import RequestFactory

    request = RequestFactory().get(f"/{series.slug}/", HTTP_USER_AGENT=BROWSER)
    request.urlconf = "pretix.multidomain.organizer_domain_urlconf"
    assert funnel.step_of_request(request) == "visit"
    organizer_page = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER)
    organizer_page.urlconf = request.urlconf
    assert funnel.step_of_request(organizer_page) is None


def test_the_funnel_shares_the_requests_url_match(series):
    """Our receivers resolve a shop path once (urlmatch); the funnel asks the same answer, not its own resolve."""
    from unittest import mock

    from django.test import RequestFactory

    from ticketing_core import urlmatch

    request = RequestFactory().get(f"/{series.organizer.slug}/{series.slug}/", HTTP_USER_AGENT=BROWSER)
    match = urlmatch.url_match(request)
    with mock.patch.object(urlmatch, "_resolve", side_effect=AssertionError("resolved again")), \
            mock.patch("django.urls.resolve", side_effect=AssertionError("resolved again")):
        assert funnel.step_of_request(request) == "visit"
    assert urlmatch.url_match(request) is match


def test_orders_placed_and_paid_from_the_shop_are_counted(series, sailing):
    from pretix.base.models import Order
    from pretix.base.signals import order_placed

    from ticketing_core.testing import factories

    adult = series.items.order_by("id").first()
    order = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    order_placed.send(series, order=order, bulk=False)
    payment = order.payments.create(provider="manual", amount=order.total)
    payment.confirm()
    assert _counts(series) == {"placed": 1, "paid": 1}


@pytest.fixture
def redis_db(monkeypatch):
    """Redis DB 11 with a key prefix of this test alone (the machine's Redis is shared)."""
    import redis

    conn = redis.Redis(host="127.0.0.1", port=6379, db=11)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"test:{uuid.uuid4().hex}:kpi:funnel:"
    monkeypatch.setattr(funnel, "KEY_PREFIX", prefix)
    monkeypatch.setattr(funnel, "redis_connection", lambda: conn)
    yield conn, prefix
    for key in conn.scan_iter(match=prefix + "*"):
        conn.delete(key)


def test_redis_counters_hold_numbers_only_and_flush_into_the_table(series, redis_db):
    conn, prefix = redis_db
    for _ in range(3):
        funnel.record_step(series, "visit")
    funnel.record_step(series, "cart")
    assert not FunnelDay.objects.exists()  # the hot path wrote nothing to the database
    keys = [k.decode() for k in conn.scan_iter(match=prefix + "*")]
    day = funnel.today_of(series)
    assert keys == [f"{prefix}{day.isoformat()}"]  # one hash per day: the key names a day, nothing else
    assert conn.hgetall(keys[0]) == {f"{series.pk}:visit".encode(): b"3", f"{series.pk}:cart".encode(): b"1"}
    assert 0 < conn.ttl(keys[0]) <= funnel.KEY_TTL
    assert funnel.flush() == 2
    funnel.record_step(series, "visit")  # after the flush: a fresh hash, added on the next flush
    funnel.flush()
    assert _counts(series) == {"visit": 4, "cart": 1}
    assert not list(conn.scan_iter(match=prefix + "*"))
