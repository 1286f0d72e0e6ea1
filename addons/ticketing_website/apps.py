from django.utils.translation import gettext_lazy as _

from pretix.base.plugins import PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID, PluginConfig

from ticketing_core.version import PRETIX_COMPATIBILITY, __version__


class WebsiteApp(PluginConfig):
    default = True
    name = "ticketing_website"
    verbose_name = _("Prichal: storefront")

    class PretixPluginMeta:
        name = _("Prichal: storefront")
        author = _("Prichal")
        version = __version__
        category = "CUSTOMIZATION"
        level = PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID
        compatibility = PRETIX_COMPATIBILITY
        description = _(
            "The operator's storefront: catalogue and search of sailings, customer accounts and the Prichal theme."
        )

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .accounts.middleware import install as install_order_page_context
        from .catalogue.cache import allow_pretix_fragment_cache
        from .seo.middleware import install

        install()
        install_order_page_context()
        allow_pretix_fragment_cache()
