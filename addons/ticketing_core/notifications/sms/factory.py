"""The SMS gateway of an organizer: its account from the settings, its address from the configuration."""
import secrets

from django.conf import settings

from pretix.base.models import Organizer

from .base import GatewayRefused, SmsGateway

DEFAULT_SMSRU_URL = "https://sms.ru"
CALLBACK_TOKEN_KEY = "ticketing_sms_callback_token"  # noqa: S105  # nosec B105  # the name of the setting, not a secret


def configured_api_url() -> str:
    """
    The gateway's address: ``[ticketing_sms] api_url`` in pretix.cfg or PRETIX_TICKETING_SMS_API_URL, never a
    setting. The API key travels with every request, so whoever may edit the key must not choose where it goes.
    """
    value = settings.CONFIG_FILE.get("ticketing_sms", "api_url", fallback=DEFAULT_SMSRU_URL)
    return str(value or DEFAULT_SMSRU_URL).strip().rstrip("/") or DEFAULT_SMSRU_URL


def callback_token(organizer: Organizer) -> str:
    """
    The secret part of the organizer's delivery-report address, made on first use and kept server-side: a
    report without it is refused, so nobody can mark messages delivered by guessing their ids.
    """
    token = organizer.settings.get(CALLBACK_TOKEN_KEY)
    if not token:
        token = secrets.token_urlsafe(24)
        organizer.settings.set(CALLBACK_TOKEN_KEY, token)
    return str(token)


def gateway_for(organizer: Organizer) -> tuple[SmsGateway, str]:
    """(gateway, sender name); refuses when the organizer has not set SMS up, so nothing is retried."""
    from .smsru import SmsRu

    s = organizer.settings
    api_id = s.get("ticketing_sms_api_id")
    if not api_id:
        raise GatewayRefused("SMS is not set up for this organizer")
    return SmsRu(api_id=str(api_id), base_url=configured_api_url()), str(s.get("ticketing_sms_sender") or "")
