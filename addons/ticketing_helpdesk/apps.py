from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_ORGANIZER, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class HelpdeskApp(PluginConfig):
    default = True
    name = "ticketing_helpdesk"
    verbose_name = _("Prichal: helpdesk")

    class PretixPluginMeta:
        name = _("Prichal: helpdesk")
        author = _("Prichal")
        version = __version__
        category = "FEATURE"
        level = PLUGIN_LEVEL_ORGANIZER
        compatibility = PRETIX_COMPATIBILITY
        description = _("Support cases with SLA, an agent console and customer profiles for the operator's staff.")

    def ready(self) -> None:
        from . import signals  # noqa: F401
