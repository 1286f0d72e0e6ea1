"""
Where this instance finds YooKassa's API: from the configuration file or the environment only.

The address carries every shop's secret key (HTTP Basic auth) and its answers decide whether an order is
paid, so it is not a setting staff can change: ``[ticketing_yoomoney] api_url`` in pretix.cfg, or the
environment variable ``PRETIX_TICKETING_YOOMONEY_API_URL`` (pretix's own config reader), default YooKassa's
production API. Development and tests point it at the local emulator (tools/yookassa_emulator).
"""
from django.conf import settings

DEFAULT_API_URL = "https://api.yookassa.ru/v3"


def configured_api_url() -> str:
    """Read on every call, so a changed environment (the tests' emulator port) applies without a restart."""
    value = settings.CONFIG_FILE.get("ticketing_yoomoney", "api_url", fallback=DEFAULT_API_URL)
    return str(value or DEFAULT_API_URL).strip().rstrip("/") or DEFAULT_API_URL
