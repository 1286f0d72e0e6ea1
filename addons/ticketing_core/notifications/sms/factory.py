"""The SMS gateway of an organizer, from its settings (Messages → SMS settings)."""
from pretix.base.models import Organizer

from .base import GatewayRefused, SmsGateway

DEFAULT_SMSRU_URL = "https://sms.ru"


def gateway_for(organizer: Organizer) -> tuple[SmsGateway, str]:
    """(gateway, sender name); refuses when the organizer has not set SMS up, so nothing is retried."""
    from .smsru import SmsRu

    s = organizer.settings
    api_id = s.get("ticketing_sms_api_id")
    if not api_id:
        raise GatewayRefused("SMS is not set up for this organizer")
    return SmsRu(api_id=str(api_id), base_url=str(s.get("ticketing_sms_api_url") or DEFAULT_SMSRU_URL)), str(
        s.get("ticketing_sms_sender") or "")
