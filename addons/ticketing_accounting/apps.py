from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class AccountingApp(PluginConfig):
    default = True
    name = "ticketing_accounting"
    verbose_name = _("Prichal: accounting")

    class PretixPluginMeta:
        name = _("Prichal: accounting")
        author = _("Prichal")
        version = __version__
        category = "FEATURE"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _(
            "Sales to organisations on a bank invoice (Счёт), acts and УПД after the service, import of the "
            "bank's 1CClientBankExchange statement, and registers of payments, advances and revenue for 1C."
        )

    def ready(self) -> None:
        from . import signals  # noqa: F401
