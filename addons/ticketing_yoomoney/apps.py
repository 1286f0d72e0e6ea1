from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class YooMoneyApp(PluginConfig):
    default = True
    name = "ticketing_yoomoney"
    verbose_name = _("Prichal: YooKassa (YooMoney)")

    class PretixPluginMeta:
        name = _("Prichal: YooKassa (YooMoney)")
        author = _("Prichal")
        version = __version__
        category = "PAYMENT"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _("Payments in roubles through YooKassa with 54-FZ receipts, refunds and webhooks.")

    def ready(self) -> None:
        from . import health, signals  # noqa: F401 - health registers the YooKassa check
