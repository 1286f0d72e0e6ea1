"""
Where the console, the roles page and the audit trail touch pretix: the organizer menu, the
"Support" panel on pretix's order page, the log entry texts and the client address of staff requests.
"""
from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from pretix.control.signals import nav_organizer, order_info, order_position_buttons

from ..audit import context, exports, logdisplay  # noqa: F401 - the pre_save and export receivers, the log texts
from ..permissions import AUDIT_READ, CONSOLE

APP = "ticketing_helpdesk"

context.install()

# (label, url name, icon, url names that make it active)
PAGES = (
    (_("Search"), "console", ("console",)),
    (_("Staff roles"), "roles", ("roles",)),
    (_("Audit trail"), "audit", ("audit",)),
)


def _allowed(request, organizer, name: str) -> bool:
    user = request.user
    if name == "console":
        return user.has_organizer_permission(organizer, CONSOLE, request=request)
    if name == "roles":
        return user.has_organizer_permission(organizer, "organizer.teams:write", request=request)
    if name == "audit":
        return user.has_organizer_permission(organizer, AUDIT_READ, request=request)
    return False


@receiver(nav_organizer, dispatch_uid="ticketing_helpdesk_nav_console")
def navbar_console(sender, request, organizer, **kwargs):
    url = resolve(request.path_info)
    ours = url.namespace == f"plugins:{APP}"
    children = []
    for label, name, prefixes in PAGES:
        if _allowed(request, organizer, name):
            children.append({
                "label": label, "url": reverse(f"plugins:{APP}:{name}", kwargs={"organizer": organizer.slug}),
                "active": ours and url.url_name.split(".")[0] in prefixes,
            })
    if not children:
        return []
    return [{"label": _("Agent console"), "url": children[0]["url"], "icon": "headphones",
             "active": ours and any(c["active"] for c in children), "children": children}]


@receiver(order_info, dispatch_uid="ticketing_helpdesk_order_support_panel")
def order_support_panel(sender, order, request, **kwargs):
    """The "Support" panel on pretix's order page; the page shows personal data, so the view is recorded
    (on the event, not the order, so that the order's own history is not filled with views)."""
    from ..audit.log import audit
    from .panel import order_panel

    audit(order.event, "ticketing_helpdesk.order.viewed", request=request, data={"order": order.code})
    return order_panel(request, order)


@receiver(order_position_buttons, dispatch_uid="ticketing_helpdesk_position_refund_button")
def position_refund_button(sender, order, position, request, **kwargs):
    """"Refund this ticket" next to each ticket of pretix's order page, while the policy allows it."""
    from .panel import position_button

    return position_button(request, order, position)
