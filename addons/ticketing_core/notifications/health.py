"""The SMS gateway for ``/_prichal/health/`` (observability/health.py): the first organizer with SMS set up."""
from django_scopes import scopes_disabled

from ..observability import health


@scopes_disabled()
def sms_gateway() -> str:
    from pretix.base.models import Organizer

    from .sms.factory import gateway_for

    store = Organizer._meta.get_field("_settings_objects").related_model
    row = store.objects.filter(key="ticketing_sms_api_id").exclude(value="").select_related("object").first()
    if row is None:
        return health.OFF
    gateway, _sender = gateway_for(row.object)
    gateway.check_connection()  # raises when unreachable or the account is refused
    return health.OK


health.register("sms", sms_gateway)
