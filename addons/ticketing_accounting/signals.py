"""Where ticketing_accounting touches pretix: every receiver of the addon is connected from this module."""
import logging

from django.db import transaction
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.base.signals import (
    order_canceled,
    order_expired,
    order_placed,
    periodic_task,
    register_data_shredders,
    register_payment_providers,
)
from pretix.control.signals import nav_event, nav_organizer
from pretix.control.signals import order_info as control_order_info
from pretix.helpers.periodic import minimum_interval
from pretix.presale.signals import contact_form_fields, contact_form_fields_overrides
from pretix.presale.signals import order_info as presale_order_info

from ticketing_core.hooks import demo_loaders

from . import (
    logdisplay,  # noqa: F401 - registers the log entry texts
    permissions,  # noqa: F401 - registers the permission groups
)
from .permissions import BANK_IMPORT, DOCUMENTS, REGISTERS

logger = logging.getLogger(__name__)
APP = "ticketing_accounting"


# ---------------------------------------------------------------------------------------------------------------
# B2B and documents
# ---------------------------------------------------------------------------------------------------------------

@receiver(register_payment_providers, dispatch_uid="ticketing_accounting_invoice_provider")
def invoice_payment_provider(sender, **kwargs):
    from .payment import InvoicePayment
    return InvoicePayment


@receiver(register_data_shredders, dispatch_uid="ticketing_accounting_b2b_shredder")
def b2b_shredder(sender, **kwargs):
    from .b2b.shredder import B2BContactShredder
    return B2BContactShredder


@receiver(contact_form_fields, dispatch_uid="ticketing_accounting_b2b_fields")
def b2b_contact_fields(sender, request=None, **kwargs):
    """
    "Покупаю как организация / ИП" and the buyer's requisites in the contact step of the checkout. pretix's
    confirmation page lists every contact field with its value: a private buyer's empty requisites are left out there.
    """
    from pretix.presale.views.cart import cart_session

    from ticketing_core.urlmatch import is_checkout_step

    from .b2b.checkout import b2b_fields, is_b2b
    if is_checkout_step(request, "confirm") and not is_b2b(cart_session(request).get("contact_form_data")):
        return {}
    return b2b_fields()


@receiver(contact_form_fields_overrides, dispatch_uid="ticketing_accounting_b2b_initial")
def b2b_from_account(sender, request=None, order=None, **kwargs):
    """A signed-in customer starts from the requisites of their last purchase as an organisation."""
    from .b2b.checkout import initial_from_account
    customer = getattr(request, "customer", None) if request is not None else None
    return {k: {"initial": v, "disabled": False} for k, v in initial_from_account(customer).items()}


@receiver(order_placed, dispatch_uid="ticketing_accounting_b2b_order_placed")
def b2b_order_placed(sender, order, **kwargs):
    """Store the buyer with the order; a bank-invoice order gets its payment term and its Счёт by e-mail."""
    from .b2b.services import PROVIDER, apply_payment_term, record_from_checkout

    buyer = record_from_checkout(order)
    if buyer is None or not any(p.provider == PROVIDER for p in order.payments.all()):
        return
    apply_payment_term(order)
    transaction.on_commit(lambda: _issue_and_send_invoice(order.pk))


def _issue_and_send_invoice(order_pk: int) -> None:
    from pretix.base.models import Order

    from .documents.metrics import documents_failed
    from .documents.services import DocumentError, issue_invoice, send_document
    with scopes_disabled():
        order = Order.objects.select_related("event__organizer").get(pk=order_pk)
        try:
            send_document(issue_invoice(order))
        except DocumentError as e:
            documents_failed.inc(kind="invoice", step="issue")
            logger.warning("No invoice for order %s: %s", order.code, e)
        except Exception:  # noqa: BLE001 - the order is placed already; staff can issue the Счёт from its page
            documents_failed.inc(kind="invoice", step="issue")
            logger.exception("The invoice of order %s could not be issued", order.code)


@receiver(order_canceled, dispatch_uid="ticketing_accounting_cancel_invoice_canceled")
@receiver(order_expired, dispatch_uid="ticketing_accounting_cancel_invoice_expired")
def cancel_open_invoices(sender, order, **kwargs):
    """A cancelled or expired order's unpaid Счёт is cancelled (it keeps its number); an act is never issued."""
    from .documents.models import Document
    from .documents.services import cancel
    for doc in Document.objects.filter(order=order, kind=Document.INVOICE, canceled=False):
        cancel(doc)


@receiver(presale_order_info, dispatch_uid="ticketing_accounting_buyer_documents")
def buyer_documents(sender, order, request=None, **kwargs):
    """The buyer's order page lists the order's documents for download."""
    from .documents.models import Document
    docs = list(Document.objects.filter(order=order, canceled=False))
    if not docs:
        return ""
    return get_template("ticketing_accounting/documents/buyer_order_info.html").render(
        {"order": order, "documents": docs, "event": sender}, request=request)


@receiver(control_order_info, dispatch_uid="ticketing_accounting_staff_documents")
def staff_documents(sender, order, request=None, **kwargs):
    """The back-office order page: the buyer's requisites, every document (cancelled ones too) and the buttons."""
    from .documents.models import Document
    buyer = getattr(order, "ticketing_b2b_buyer", None)
    docs = list(Document.objects.filter(order=order))
    if buyer is None and not docs:
        return ""
    can_write = request is not None and (
        request.user.has_organizer_permission(sender.organizer, DOCUMENTS, request=request)
        or request.user.has_event_permission(sender.organizer, sender, "event.orders:write", request=request))
    return get_template("ticketing_accounting/documents/staff_order_info.html").render(
        {"order": order, "buyer": buyer, "documents": docs, "event": sender, "can_write": can_write},
        request=request)


@receiver(periodic_task, dispatch_uid="ticketing_accounting_closing_documents")
@minimum_interval(minutes_after_success=60)
def closing_documents(sender, **kwargs):
    """After the last sailing of a paid bank-invoice order: its Акт / УПД, e-mailed to the buyer."""
    from .documents.services import DocumentError, due_closing_orders, issue_closing_document, send_document
    with scopes_disabled():
        for order in list(due_closing_orders())[:200]:
            try:
                send_document(issue_closing_document(order))
            except DocumentError as e:
                logger.info("No closing document for %s: %s", order.code, e)


@receiver(nav_event, dispatch_uid="ticketing_accounting_nav_group_order")
def nav_group_order(sender, request, **kwargs):
    """Event → Orders → Group order for an organisation, for those who may change orders."""
    if not request.user.has_event_permission(request.organizer, request.event, "event.orders:write",
                                             request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Group order for an organisation"), "icon": "users",
        "url": reverse(f"plugins:{APP}:group_order", kwargs={"organizer": request.organizer.slug,
                                                             "event": request.event.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name == "group_order",
    }]


@receiver(demo_loaders, dispatch_uid="ticketing_accounting_demo_b2b")
def demo_b2b(sender, **kwargs):
    from .demo_b2b import loaders
    return loaders()


# ---------------------------------------------------------------------------------------------------------------
# Bank import and registers
# ---------------------------------------------------------------------------------------------------------------


@receiver(nav_organizer, dispatch_uid="ticketing_accounting_nav_registers")
def navbar_accounting(sender, request, organizer, **kwargs):
    """The Accounting section of the organizer menu: registers, bank import and the requisites, as permitted."""
    from .registers.registers import REGISTERS as KINDS

    user = request.user
    may_read = user.has_organizer_permission(organizer, REGISTERS, request=request)
    may_import = user.has_organizer_permission(organizer, BANK_IMPORT, request=request)
    may_document = user.has_organizer_permission(organizer, DOCUMENTS, request=request)
    if not (may_read or may_import or may_document):
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
    if may_document:
        children.append({"label": _("Accounting requisites"),
                         "url": reverse(f"plugins:{APP}:requisites", kwargs={"organizer": organizer.slug}),
                         "active": ours and url.url_name == "requisites"})
    return [{"label": _("Accounting"), "url": children[0]["url"], "icon": "calculator",
             "active": ours and url.url_name in ("register", "bankimport", "bankimport.statement", "requisites"),
             "children": children}]


@receiver(demo_loaders, dispatch_uid="ticketing_accounting_demo_registers")
def demo_registers(sender, **kwargs):
    from .demo import loaders
    return loaders()
