"""
Deleting a customer's account on their request (152-FZ, art. 21): the personal data is anonymised, the
records that accounting and tax law make the operator keep (orders with their amounts, payments, refunds,
invoices and fiscal receipts) stay, without the name, e-mail address or phone number of the person.

The account itself is anonymised with pretix's own ``Customer.anonymize`` (what staff's "anonymize" button
does); the orders get what pretix's data shredders do to a whole event (e-mail, phone, attendee names and
addresses, logged e-mails), but only for this customer's orders. The consents stay as the proof that the
data was processed lawfully until now.
"""
import json

from django.db import transaction
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Customer, InvoiceAddress, Order, OrderPosition
from pretix.base.shredder import shred_log_fields

from .export import customer_orders

SHRED = "█"


class DeletionRefused(Exception):
    """The account cannot be deleted now; the message says why and what to do."""


def upcoming_orders(orders) -> list[Order]:
    """Active orders with a departure still ahead: their tickets need the name and the e-mail address."""
    upcoming = []
    for order in orders:
        if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
            continue
        dates = [p.subevent.date_from if p.subevent_id else order.event.date_from
                 for p in order.positions.select_related("subevent")]
        if any(d >= now() for d in dates):
            upcoming.append(order)
    return upcoming


def _anonymise_order(order: Order) -> None:
    order.email = None
    order.phone = None
    order.customer = None
    data = order.meta_info_data or {}
    contact = data.get("contact_form_data") or {}
    for key in ("email", "email_repeat", "phone", "ticketing_sms_phone"):
        contact.pop(key, None)
    order.meta_info = json.dumps(data)
    order.save(update_fields=["email", "phone", "customer", "meta_info"])
    OrderPosition.all.filter(order=order).update(
        attendee_name_cached=None, attendee_name_parts={"_shredded": True}, attendee_email=None,
        company=None, street=None, zipcode=None, city=None,
    )
    for le in order.all_logentries().exclude(data=""):
        shred_log_fields(le, banlist=["email", "recipient", "message", "subject", "full_mail", "old_email",
                                      "new_email", "phone", "attendee_name", "attendee_name_parts", "bcc", "cc"])


@transaction.atomic
def delete_account(customer: Customer) -> list[str]:
    """Anonymise the account and its past orders; returns the codes of the orders kept for accounting."""
    from ticketing_core.notifications.models import ContactPreference, Notification

    orders = list(customer_orders(customer).select_for_update(of=("self",)))
    if upcoming_orders(orders):
        raise DeletionRefused(_(
            "You have tickets for trips that have not taken place yet. Refund them or wait until after the "
            "trip, then delete the account: until then we need your name and e-mail address for the tickets."))
    identifier = customer.identifier
    for order in orders:
        _anonymise_order(order)
    Notification.objects.filter(Q(customer=customer) | Q(order__in=orders)).update(
        recipient=SHRED, subject="", text="", context={})
    ContactPreference.objects.filter(Q(customer=customer) | Q(order__in=orders)).delete()
    # the account's saved addresses (pretix's anonymize reaches them only through the order-scoped manager)
    InvoiceAddress.profiles.filter(customer=customer, order__isnull=True).delete()
    customer.anonymize()
    customer.log_action("pretix.customer.anonymized", data={})
    customer.organizer.log_action("ticketing_website.privacy.account_deleted", data={
        "customer": identifier, "orders_kept": [o.code for o in orders]})
    return [o.code for o in orders]
