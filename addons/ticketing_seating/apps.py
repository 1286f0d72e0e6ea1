from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class SeatingApp(PluginConfig):
    default = True
    name = "ticketing_seating"
    verbose_name = _("Prichal: seat maps")

    class PretixPluginMeta:
        name = _("Prichal: seat maps")
        author = _("Prichal")
        version = __version__
        category = "FEATURE"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _("Seat maps per vessel and a seat picker in the shop for sailings with assigned seating.")

    def ready(self) -> None:
        from . import signals  # noqa: F401
