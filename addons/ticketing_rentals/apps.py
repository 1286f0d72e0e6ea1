from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class RentalsApp(PluginConfig):
    default = True
    name = "ticketing_rentals"
    verbose_name = _("Prichal: boat and yacht rentals")

    class PretixPluginMeta:
        name = _("Prichal: boat and yacht rentals")
        author = _("Prichal")
        version = __version__
        category = "FEATURE"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _(
            "Charters of boats and yachts by the hour: an offer per event with opening hours and hourly rates, "
            "booking through pretix's cart without double booking, the vessels' day timeline and operator "
            "cancellation of a charter."
        )

    def ready(self) -> None:
        from . import logdisplay, signals  # noqa: F401
