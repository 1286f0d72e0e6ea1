"""
OpenTelemetry tracing, off by default.

On when ``[ticketing_core] otlp_endpoint`` (deploy: ``PRICHAL_OTLP_ENDPOINT``) names the operator's own collector,
e.g. ``http://otel-collector:4318``: Django requests, psycopg2 queries, Celery tasks and outgoing HTTP through
requests/urllib3 (YooKassa's SDK, the SMS gateway) become spans exported with OTLP over HTTP. Service name
``prichal-<role>`` (``[ticketing_core] otel_service_name``). Nothing is exported anywhere unless configured, and
the instrumentations record no request bodies, so no personal data leaves with the spans.
"""
import logging

from django.conf import settings

logger = logging.getLogger(__name__)
_installed = False


def endpoint() -> str:
    return str(settings.CONFIG_FILE.get("ticketing_core", "otlp_endpoint", fallback="") or "").strip()


def instrument(tracer_provider) -> None:
    """Django, psycopg2, Celery, requests and urllib3 onto ``tracer_provider`` (also used by the tests)."""
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg2 import Psycopg2Instrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    DjangoInstrumentor().instrument(tracer_provider=tracer_provider)
    # pretix's database connections exist before this runs in tests; skip_dep_check: psycopg2-binary
    Psycopg2Instrumentor().instrument(tracer_provider=tracer_provider, skip_dep_check=True,
                                      enable_commenter=False)
    CeleryInstrumentor().instrument(tracer_provider=tracer_provider)
    RequestsInstrumentor().instrument(tracer_provider=tracer_provider)
    URLLib3Instrumentor().instrument(tracer_provider=tracer_provider)


def uninstrument() -> None:
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg2 import Psycopg2Instrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.urllib3 import URLLib3Instrumentor

    for inst in (DjangoInstrumentor(), Psycopg2Instrumentor(), CeleryInstrumentor(), RequestsInstrumentor(),
                 URLLib3Instrumentor()):
        inst.uninstrument()


def install() -> None:
    """At app start-up: nothing unless an OTLP endpoint is configured."""
    global _installed
    url = endpoint()
    if _installed or not url:
        return
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        logger.warning("otlp_endpoint is set but the OpenTelemetry packages are not installed; tracing stays off")
        return
    name = str(settings.CONFIG_FILE.get("ticketing_core", "otel_service_name", fallback="prichal") or "prichal")
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url.rstrip("/") + "/v1/traces")))
    trace.set_tracer_provider(provider)
    instrument(provider)
    _installed = True
