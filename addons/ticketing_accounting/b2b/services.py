"""The buyer's requisites stored with the order, and the payment term of a bank invoice."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.timezone import now

from pretix.base.models import InvoiceAddress, Order

from ticketing_core.policy.rules import refund_deadline

from ..requisites.settings import payment_term_days
from .banking_days import add_banking_days
from .checkout import is_b2b, requisites_from
from .models import B2BBuyer

PROVIDER = "accounting_invoice"


@transaction.atomic
def record_buyer(order: Order, requisites: dict, customer=None) -> B2BBuyer:
    """
    Store the buyer with the order: ИНН and name in pretix's invoice address (``vat_id``, ``company``,
    ``is_business``) for pretix's invoices and the registers, the rest in :class:`B2BBuyer`.
    """
    buyer, _created = B2BBuyer.objects.update_or_create(
        order=order, defaults={**requisites, "customer": customer or order.customer})
    address, _created = InvoiceAddress.objects.get_or_create(order=order)
    address.is_business = True
    address.company = buyer.name
    address.vat_id = buyer.inn
    address.vat_id_validated = False
    address.street = buyer.legal_address
    address.country = "RU"
    if buyer.contact_person and not address.name_parts:
        address.name_parts = {"_scheme": "full", "full_name": buyer.contact_person}
    address.save()
    order.log_action("ticketing_accounting.b2b.buyer_recorded", data={"inn": buyer.inn, "kpp": buyer.kpp})
    return buyer


def record_from_checkout(order: Order) -> B2BBuyer | None:
    data = (order.meta_info_data or {}).get("contact_form_data") or {}
    if not is_b2b(data):
        return None
    return record_buyer(order, requisites_from(data))


def invoice_payment_deadline(order: Order, at: datetime | None = None) -> datetime | None:
    """
    The end of the N-th banking day (organizer setting, 5 by default) in the event's time zone, but never later than
    the refund deadline of the earliest sailing (24 hours before departure): after it a transfer cannot be refunded,
    so the places must be free again.
    """
    at = at or now()
    tz = ZoneInfo(str(order.event.settings.timezone))
    day = add_banking_days(at.astimezone(tz).date(), payment_term_days(order.event.organizer))
    term = datetime.combine(day, time(23, 59, 59), tzinfo=tz)
    deadline, _tz = refund_deadline(order)
    return min(term, deadline) if deadline is not None else term


def apply_payment_term(order: Order) -> bool:
    """Set a pending bank-invoice order's expiry to its payment deadline; True if it changed."""
    if order.status != Order.STATUS_PENDING:
        return False
    deadline = invoice_payment_deadline(order)
    if deadline is None or order.expires == deadline:
        return False
    order.expires = deadline
    order.save(update_fields=["expires"])
    return True


def payment_possible(departure_start: datetime | None, at: datetime | None = None) -> bool:
    """A bank transfer takes at least a banking day: offered only while the refund deadline is a day away."""
    if departure_start is None:
        return True
    return departure_start - timedelta(hours=24) > (at or now()) + timedelta(days=1)
