"""Every permission this addon defines, in one place; views and the API refer to these names."""
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.permissions import OPTS_READ_WRITE, PermissionGroup, PermissionOption
from pretix.base.signals import register_event_permission_groups, register_organizer_permission_groups

# See cases (with internal notes and the customer's contact data), download attachments, see the reports.
CASES_READ = "organizer.cases:read"
# Create cases, reply, add notes, change status, priority, category and assignee, upload attachments.
CASES_WRITE = "organizer.cases:write"
# Edit SLA targets and the business-hours calendar.
CASES_SETTINGS = "organizer.cases.settings:write"


@receiver(register_organizer_permission_groups, dispatch_uid="ticketing_helpdesk_permission_groups")
def register_case_permissions(sender, **kwargs):
    return [
        PermissionGroup(
            name="organizer.cases",
            label=_("Support cases"),
            actions=["read", "write"],
            options=OPTS_READ_WRITE,
            help_text=_("Customer requests with their conversation, internal notes, attachments and reports."),
        ),
        PermissionGroup(
            name="organizer.cases.settings",
            label=_("Support cases: SLA settings"),
            actions=["write"],
            options=[
                PermissionOption(actions=(), label=pgettext_lazy("permission_level", "No access")),
                PermissionOption(actions=("write",), label=pgettext_lazy("permission_level", "View and change")),
            ],
            help_text=_("Response and resolution targets and the business-hours calendar."),
        ),
    ]


# --- agent console, audit trail (console helper) ----------------------------------------------------------------
# Search across events and open customer profiles (contact data, orders, cases, messages): personal data.
CONSOLE = "organizer.console:read"
# The audit trail page and its CSV export.
AUDIT_READ = "organizer.audit:read"
# Per event: send the order confirmation and tickets again (e-mail, SMS) from the console and the order page.
RESEND = "event.support:resend"
# Per event: refund a whole order or single tickets, only while ticketing_core's 24-hour policy allows it.
# pretix's own "event.orders:write" refunds without any deadline and is therefore kept for administrators.
POLICY_REFUND = "event.support:refund"


@receiver(register_organizer_permission_groups, dispatch_uid="ticketing_helpdesk_console_permission_groups")
def register_console_permissions(sender, **kwargs):
    no_access = PermissionOption(actions=(), label=pgettext_lazy("permission_level", "No access"))
    return [
        PermissionGroup(
            name="organizer.console",
            label=_("Agent console and customer profiles"),
            actions=["read"],
            options=[no_access, PermissionOption(actions=("read",), label=pgettext_lazy("permission_level", "View"))],
            help_text=_("Search orders, customers, tickets and cases across events; customer profiles with "
                        "personal data. Every profile view is recorded in the audit trail."),
        ),
        PermissionGroup(
            name="organizer.audit",
            label=_("Audit trail"),
            actions=["read"],
            options=[no_access, PermissionOption(actions=("read",), label=pgettext_lazy("permission_level", "View"))],
            help_text=_("Who did what, when and from where: refunds, messages sent again, case changes, role "
                        "changes, exports and views of personal data."),
        ),
    ]


@receiver(register_event_permission_groups, dispatch_uid="ticketing_helpdesk_event_permission_groups")
def register_support_permissions(sender, **kwargs):
    return [
        PermissionGroup(
            name="event.support",
            label=_("Support actions on orders"),
            actions=["resend", "refund"],
            options=[
                PermissionOption(actions=(), label=pgettext_lazy("permission_level", "Not allowed")),
                PermissionOption(actions=("resend",), label=_("Send confirmations and tickets again")),
                PermissionOption(actions=("resend", "refund"), label=_("Send again and refund within the policy"),
                                 help_text=_("Refunds only until 24 hours before departure.")),
            ],
        ),
    ]
