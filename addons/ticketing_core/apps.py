from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from .version import PRETIX_COMPATIBILITY, __version__


class TicketingCoreApp(PluginConfig):
    default = True
    name = "ticketing_core"
    verbose_name = _("Prichal: fleet and sailings")

    class PretixPluginMeta:
        name = _("Prichal: fleet and sailings")
        author = _("Prichal")
        version = __version__
        category = "FEATURE"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _(
            "Vessels, piers and sailings with capacity from the vessel's certificate, a vessel schedule "
            "without overlaps, refunds until 24 hours before departure and operator cancellation of a sailing."
        )

    def ready(self) -> None:
        from . import logdisplay, permissions, settings, signals  # noqa: F401
        from .documents import fonts, tickets  # noqa: F401
        from .middleware import install
        from .notifications import health  # noqa: F401 - registers the SMS gateway check

        install()
        from .observability import logs, tracing

        logs.install()
        tracing.install()

    def installed(self, event_or_organizer) -> None:
        """Enabling the suite puts the refund policy in force (organizer-wide defaults and per event)."""
        from .policy.rules import apply_policy

        apply_policy(event_or_organizer)
