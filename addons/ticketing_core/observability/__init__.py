"""
Observability of Prichal: metrics through pretix's own metric classes (``metrics.py``), the dependency health
endpoint (``health.py``), structured JSON logs with personal data masked (``logs.py``) and optional
OpenTelemetry tracing (``tracing.py``). Shared by every addon; imports none of them and none of core's slices.
"""
