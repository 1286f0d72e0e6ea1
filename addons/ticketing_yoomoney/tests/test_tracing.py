"""
OpenTelemetry (ticketing_core/observability/tracing.py) with the in-memory exporter: the end of a checkout — the
customer returning from YooKassa's page — is one trace: the Django request span with the PostgreSQL queries
(psycopg2) and the call to YooKassa's API (requests/urllib3) under it. Off by default: no endpoint, no provider.
"""
import pytest
from django.db import connections
from django.test import Client

from pretix.multidomain.urlreverse import eventreverse

from ticketing_core.observability import tracing


@pytest.fixture
def spans():
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.instrument(provider)
    for conn in connections.all():  # reconnect through the instrumented psycopg2.connect
        conn.close()
    yield exporter
    tracing.uninstrument()
    for conn in connections.all():
        conn.close()


def test_tracing_is_off_without_an_endpoint():
    assert tracing.endpoint() == ""
    tracing.install()
    assert tracing._installed is False


@pytest.mark.django_db(transaction=True)  # the server span's queries run on a fresh, instrumented connection
def test_checkout_return_is_one_trace_with_db_and_yookassa_spans(paying, emulator, spans):
    emulator.succeed(paying.info_data["id"])
    order = paying.order
    url = eventreverse(order.event, "plugins:ticketing_yoomoney:return", kwargs={
        "order": order.code, "hash": order.tagged_secret("ticketing_yoomoney"), "payment": paying.pk})
    response = Client().get(url)
    assert response.status_code == 302
    paying.refresh_from_db()
    assert paying.state == "confirmed"

    finished = spans.get_finished_spans()
    roots = [s for s in finished if s.parent is None and s.kind.name == "SERVER"]
    assert len(roots) == 1, [s.name for s in finished if s.parent is None]
    trace_id = roots[0].context.trace_id
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    db = [s for s in in_trace if s.attributes.get("db.system") == "postgresql"
          or s.attributes.get("db.system.name") == "postgresql"]
    http = [s for s in in_trace if s.kind.name == "CLIENT" and any(
        "/v3/payments/" + paying.info_data["id"] in str(v) for v in s.attributes.values())]
    assert db, sorted({s.name for s in in_trace})
    assert http, [(s.name, dict(s.attributes)) for s in in_trace if s.kind.name == "CLIENT"]
    # the YooKassa key never lands in a span
    assert not any("test_prichal_secret" in str(v) for s in finished for v in s.attributes.values())
