"""
The five roles of an operator's staff, each a template for a pretix team.

A role is nothing but a set of pretix permissions (pretix's own and those our addons register), written
into a ``Team``: pretix then checks them everywhere — back office, REST API, check-in apps — and our views
check the same names. Applying a role creates the team or overwrites the permissions of an existing one;
members and the events the team covers stay as they are.

Decisions the issue leaves open, made here and stated in the role descriptions:

* pretix's ``event.orders:write`` refunds and cancels without any deadline. Only the Administrator gets
  it; everyone else refunds through the console, which enforces the 24-hour policy
  (``event.support:refund``). This keeps "refunds outside the policy stay with administrators" true.
* The Accountant gets exactly what the accountant's desk needs (issue 17): the accounting registers and their
  exports, the accounting documents, the bank statement import (which confirms the orders a statement pays and
  lets her assign or ignore the rest), pretix's invoice settings and reading orders. No refunds, no customer
  data or its export, no support cases, no audit trail. The accounting permissions are registered by
  ``ticketing_accounting.permissions``; they are named here by string, so the helpdesk does not import that
  addon (both sit side by side above core, website and yoomoney).
* Boarding staff get pretix's check-in permission only; our manifest shows them today's sailings only.
* The sales dashboard (revenue, load factor, conversion: ``ticketing_core.kpi``) is for the Administrator and the
  Sales manager (``organizer.kpi:read``); support agents, accountants and boarding staff do not see it.
"""
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Organizer, Team, User

from ticketing_core.permissions import KPI_READ

from ..permissions import AUDIT_READ, CASES_READ, CASES_SETTINGS, CASES_WRITE, CONSOLE, POLICY_REFUND, RESEND

# ticketing_accounting's permissions (``ticketing_accounting/permissions.py``), by name
ACCOUNTING_REGISTERS = "organizer.accounting.registers:read"
ACCOUNTING_BANK_IMPORT = "organizer.accounting.bankimport:write"
ACCOUNTING_DOCUMENTS = "organizer.accounting.documents:write"


@dataclass(frozen=True)
class Role:
    key: str
    label: object
    description: object
    all_permissions: bool = False
    event_permissions: frozenset = field(default_factory=frozenset)
    organizer_permissions: frozenset = field(default_factory=frozenset)


ROLES: dict[str, Role] = {r.key: r for r in (
    Role(
        "administrator", _("Administrator"),
        _("Everything: settings, teams, all orders including refunds outside the policy, sailing "
          "cancellations, the audit trail."),
        all_permissions=True,
    ),
    Role(
        "sales_manager", _("Sales manager"),
        _("Events, dates, products and prices, vouchers, reports and the sales dashboard; refunds only within "
          "the policy; no refunds outside the policy, no teams, no payment settings."),
        event_permissions=frozenset({
            "event.settings.general:write", "event.subevents:write", "event.items:write", "event.orders:read",
            "event.vouchers:read", "event.vouchers:write", RESEND, POLICY_REFUND,
        }),
        organizer_permissions=frozenset({"organizer.events:create", CONSOLE, CASES_READ, KPI_READ}),
    ),
    Role(
        "support_agent", _("Support agent"),
        _("The agent console, customer profiles, support cases, refunds within the policy and sending "
          "confirmations again; no settings, no prices."),
        event_permissions=frozenset({"event.orders:read", RESEND, POLICY_REFUND}),
        organizer_permissions=frozenset({CONSOLE, CASES_READ, CASES_WRITE, "organizer.customers:read"}),
    ),
    Role(
        "accountant", _("Accountant"),
        _("The accounting registers and their exports, accounting documents, the bank statement import, invoice "
          "settings, and orders to read. No refunds, no customer data export, no support cases."),
        event_permissions=frozenset({"event.orders:read", "event.settings.invoicing:write"}),
        organizer_permissions=frozenset({ACCOUNTING_REGISTERS, ACCOUNTING_BANK_IMPORT, ACCOUNTING_DOCUMENTS}),
    ),
    Role(
        "boarding", _("Boarding staff"),
        _("Check-in and the passenger manifest of today's sailings only."),
        event_permissions=frozenset({"event.orders:checkin"}),
    ),
)}

# Not part of any role but the Administrator's: kept here so tests and the page can say so.
ADMIN_ONLY = frozenset({"event.orders:write", "event:cancel", "organizer.teams:write", CASES_SETTINGS, AUDIT_READ,
                        "organizer.settings.general:write", "event.settings.payment:write"})


def team_name(role: Role) -> str:
    return str(role.label)


@transaction.atomic
def apply_role(organizer: Organizer, role: Role, user: User | None, team: Team | None = None,
               request=None) -> tuple[Team, bool]:
    """Write ``role`` into ``team`` (or a new team named after the role); returns (team, created)."""
    from ..audit.log import audit

    created = team is None
    if created:
        team = Team(organizer=organizer, name=team_name(role), all_events=True)
    before = {
        "all_event_permissions": team.all_event_permissions,
        "all_organizer_permissions": team.all_organizer_permissions,
        "event": sorted(k for k, v in (team.limit_event_permissions or {}).items() if v),
        "organizer": sorted(k for k, v in (team.limit_organizer_permissions or {}).items() if v),
    }
    team.all_event_permissions = role.all_permissions
    team.all_organizer_permissions = role.all_permissions
    team.limit_event_permissions = {} if role.all_permissions else {p: True for p in sorted(role.event_permissions)}
    team.limit_organizer_permissions = {} if role.all_permissions else {
        p: True for p in sorted(role.organizer_permissions)}
    team.save()
    # pretix's own team log (shown on the team page), then our audit entry with the role and the address.
    team.log_action("pretix.team.created" if created else "pretix.team.changed", user=user, data={
        "name": team.name, "all_event_permissions": team.all_event_permissions,
        "all_organizer_permissions": team.all_organizer_permissions,
        "limit_event_permissions": team.limit_event_permissions,
        "limit_organizer_permissions": team.limit_organizer_permissions,
    })
    audit(organizer, "ticketing_helpdesk.role.applied", request=request, user=user, data={
        "role": role.key, "team": team.name, "team_id": team.pk, "created": created, "before": before,
    })
    return team, created


def role_of(team: Team) -> Role | None:
    """The role whose permissions the team has exactly, if any (teams edited by hand match none)."""
    for role in ROLES.values():
        if role.all_permissions:
            if team.all_event_permissions and team.all_organizer_permissions:
                return role
            continue
        if team.all_event_permissions or team.all_organizer_permissions:
            continue
        ev = {k for k, v in (team.limit_event_permissions or {}).items() if v}
        org = {k for k, v in (team.limit_organizer_permissions or {}).items() if v}
        if ev == set(role.event_permissions) and org == set(role.organizer_permissions):
            return role
    return None
