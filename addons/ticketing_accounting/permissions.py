"""
Every permission this addon defines, registered with pretix as organizer permission groups, in one place.

The roles (``ticketing_helpdesk.roles``) name these permissions by string; the helpdesk does not import this
addon, so the layering stays a tree (helpdesk and accounting both sit on core, website and yoomoney).
"""
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.permissions import PermissionGroup, PermissionOption
from pretix.base.signals import register_organizer_permission_groups

# The registers (payments and refunds, advances and revenue, daily totals, YooKassa) and their exports.
REGISTERS = "organizer.accounting.registers:read"
# Upload bank statements, assign or ignore the payment documents they bring.
BANK_IMPORT = "organizer.accounting.bankimport:write"
# Счета, акты, УПД: see, download, generate (the documents of the B2B sales).
DOCUMENTS = "organizer.accounting.documents:write"


@receiver(register_organizer_permission_groups, dispatch_uid="ticketing_accounting_permission_groups")
def register_accounting_permissions(sender, **kwargs):
    no_access = PermissionOption(actions=(), label=pgettext_lazy("permission_level", "No access"))
    return [
        PermissionGroup(
            name="organizer.accounting.registers",
            label=_("Accounting registers"),
            actions=["read"],
            options=[no_access, PermissionOption(actions=("read",), label=_("View and export"))],
            help_text=_("Payments and refunds, advances and revenue, daily totals and the YooKassa "
                        "reconciliation, with their XLSX and CSV exports for 1C."),
        ),
        PermissionGroup(
            name="organizer.accounting.bankimport",
            label=_("Bank statement import"),
            actions=["write"],
            options=[no_access, PermissionOption(actions=("write",), label=_("Import and assign"))],
            help_text=_("Upload the bank's 1CClientBankExchange statement (confirms the orders it pays) and "
                        "assign or ignore the payments it could not match."),
        ),
        PermissionGroup(
            name="organizer.accounting.documents",
            label=_("Accounting documents"),
            actions=["write"],
            options=[no_access, PermissionOption(actions=("write",), label=_("View and issue"))],
            help_text=_("Invoices for bank payment (Счёт), acts and УПД of the sales to organisations."),
        ),
    ]
