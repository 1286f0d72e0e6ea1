"""YooKassa for ``/_prichal/health/`` (ticketing_core.observability.health): ``GET /me`` with a configured shop."""
from django_scopes import scopes_disabled

from ticketing_core.observability import health


@scopes_disabled()
def yookassa_api() -> str:
    """The first organizer's shop (then an event's) at the configured API address (config.api_url)."""
    from pretix.base.models import Event, Organizer
    from pretix.base.settings import SettingsSandbox

    from .payment import credentials_of
    from .services.remote import check_connection

    for model in (Organizer, Event):
        store = model._meta.get_field("_settings_objects").related_model
        row = store.objects.filter(key="payment_yookassa_shop_id").exclude(value="").select_related("object").first()
        if row is None:
            continue
        credentials = credentials_of(SettingsSandbox("payment", "yookassa", row.object))
        if credentials.shop_id and credentials.secret_key:
            check_connection(credentials)  # raises when unreachable or the key is refused
            return health.OK
    return health.OFF


health.register("yookassa", yookassa_api)
