"""
Every feature flag of Prichal, declared once. A flag is a global kill switch: on by default, switched off by an
administrator (*Administration → Feature flags*) when the thing behind it misbehaves in production, and back on
when it is fixed. Rollout to single events is not a flag: it is pretix's own plugin activation per event.

Keys are stable (runbooks, alerts and other addons name them); labels are what the administrator reads.
"""
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Flag:
    key: str
    label: Promise
    off_effect: Promise
    default: bool = True


FLAGS: dict[str, Flag] = {f.key: f for f in (
    Flag("yookassa_checkout", _("YooKassa checkout"),
         _("Off: the shop offers only the other payment methods (e.g. pay at the pier) and tells customers that "
           "online card payment is temporarily unavailable. Webhooks, refunds and reconciliation keep running.")),
    Flag("sms_sending", _("SMS sending"),
         _("Off: SMS messages are recorded as skipped instead of being sent; e-mails are not affected.")),
    Flag("seat_picker", _("Seat picker"),
         _("Off: the shop shows a notice instead of the seat map; seats already in carts and orders stay.")),
    Flag("rentals", _("Boat and yacht charters"),
         _("Off: the charter booking page shows a notice and accepts no new charters; existing charters stay.")),
    Flag("b2b_invoice", _("B2B invoice payment"),
         _("Off: companies cannot choose payment by invoice at checkout; issued invoices stay valid.")),
)}
