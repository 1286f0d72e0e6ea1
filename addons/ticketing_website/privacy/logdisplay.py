"""Texts of the storefront's log entries (customer, order and organizer history)."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types


@log_entry_types.new_from_dict({
    "ticketing_website.privacy.consent": _("The customer consented to the processing of personal data "
                                           "(policy version {version})."),
    "ticketing_website.privacy.policy_changed": _("The personal data policy has been changed (new version "
                                                  "{version})."),
    "ticketing_website.privacy.exported": _("The customer downloaded their personal data."),
    "ticketing_website.privacy.account_deleted": _("Customer account #{customer} was deleted on the customer's "
                                                   "request; personal data anonymised, orders kept for accounting: "
                                                   "{orders}."),
    "ticketing_website.customer.phone_changed": _("The customer changed their mobile phone number ({phone})."),
})
class PrivacyLogEntryType(LogEntryType):
    def display(self, logentry, data):
        data = {"version": "?", "customer": "?", "phone": "", **data,
                "orders": ", ".join(data.get("orders_kept") or []) or "—"}
        return super().display(logentry, data)
