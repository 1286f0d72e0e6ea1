"""Where ticketing_accounting touches pretix: every receiver of the addon is connected from this module."""
from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from pretix.control.signals import nav_organizer

from ticketing_core.hooks import demo_loaders

from . import (
    logdisplay,  # noqa: F401 - registers the log entry texts
    permissions,  # noqa: F401 - registers the permission groups
)
from .permissions import BANK_IMPORT, REGISTERS

APP = "ticketing_accounting"

# ------------------------------------------------------------------------------- Bank import and registers


@receiver(nav_organizer, dispatch_uid="ticketing_accounting_nav_registers")
def navbar_accounting(sender, request, organizer, **kwargs):
    """The Accounting section of the organizer menu: the registers and the bank import, as permitted."""
    from .registers.registers import REGISTERS as KINDS

    user = request.user
    may_read = user.has_organizer_permission(organizer, REGISTERS, request=request)
    may_import = user.has_organizer_permission(organizer, BANK_IMPORT, request=request)
    if not (may_read or may_import):
        return []
    url = resolve(request.path_info)
    ours = url.namespace == f"plugins:{APP}"
    children = []
    if may_read:
        for key, register in KINDS.items():
            children.append({
                "label": register.title,
                "url": reverse(f"plugins:{APP}:register", kwargs={"organizer": organizer.slug, "register": key}),
                "active": ours and url.url_name == "register" and url.kwargs.get("register") == key})
    if may_import:
        children.append({"label": _("Bank statement import"),
                         "url": reverse(f"plugins:{APP}:bankimport", kwargs={"organizer": organizer.slug}),
                         "active": ours and url.url_name.startswith("bankimport")})
    return [{"label": _("Accounting"), "url": children[0]["url"], "icon": "calculator",
             "active": ours and url.url_name in ("register", "bankimport", "bankimport.statement"),
             "children": children}]


@receiver(demo_loaders, dispatch_uid="ticketing_accounting_demo_registers")
def demo_registers(sender, **kwargs):
    from .demo import loaders

    return loaders()
