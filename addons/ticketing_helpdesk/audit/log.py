"""
Writing the audit trail: every sensitive action of staff becomes a pretix ``LogEntry`` — who (user or API
token), when (the entry's time), what (action type, object, details) and from where (the client address).
pretix's log entries cannot be deleted (``LogEntry.delete`` raises) and neither pretix nor this addon has
a page or an API endpoint that edits them; the audit page only reads.
"""
from django.utils.translation import gettext_lazy as _

from pretix.base.models import User

from .context import client_ip

# The sensitive actions of the console, the roles page and the audit page itself (case changes are logged
# by the cases module with types starting "ticketing_helpdesk.case.").
ACTIONS = {
    "ticketing_helpdesk.refund": _("Refund within the policy"),
    "ticketing_helpdesk.cancel": _("Unpaid order cancelled"),
    "ticketing_helpdesk.resend": _("Order confirmation sent again"),
    "ticketing_helpdesk.console.searched": _("Console search"),
    "ticketing_helpdesk.customer.viewed": _("Customer profile viewed"),
    "ticketing_helpdesk.customer.exported": _("Customer data exported"),
    "ticketing_helpdesk.guest.viewed": _("Guest profile viewed"),
    "ticketing_helpdesk.order.viewed": _("Order page viewed"),
    "ticketing_helpdesk.guest.exported": _("Guest data exported"),
    "ticketing_helpdesk.role.applied": _("Role applied to a team"),
    "ticketing_helpdesk.manifest.viewed": _("Passenger manifest viewed"),
    "ticketing_helpdesk.manifest.exported": _("Passenger manifest exported"),
    "ticketing_helpdesk.audit.exported": _("Audit trail exported"),
    "ticketing_helpdesk.export.run": _("Data export (pretix)"),
}


def audit(obj, action: str, request=None, user: User | None = None, data: dict | None = None, auth=None):
    """Log ``action`` on ``obj`` with the person, the request's client address and ``data``."""
    data = dict(data or {})
    if request is not None:
        data.setdefault("ip", client_ip(request))
        user = user or (request.user if getattr(request, "user", None) and request.user.is_authenticated else None)
        auth = auth or getattr(request, "auth", None)
    return obj.log_action(action, data=data, user=user, auth=auth)
