"""
"Безналичный расчёт по счёту": the buyer (an organisation or sole proprietor) pays by bank transfer against our Счёт.

pretix's bank transfer provider is built around IBAN/SEPA and its statement matcher accepts only payments of the
provider ``banktransfer``, so this is a provider of its own (identifier ``accounting_invoice``): the order is
placed pending, the Счёт is issued and e-mailed at once, and the order expires like any other when the payment term
(banking days, capped at the refund deadline) passes. The bank statement import confirms the payment.
"""
import json
from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Order, OrderPayment, OrderRefund
from pretix.base.payment import BasePaymentProvider, PaymentException
from pretix.presale.views.cart import cart_session

from ticketing_core import flags
from ticketing_core.policy.rules import check_refund

from .b2b.checkout import is_b2b
from .b2b.services import PROVIDER, payment_possible


class InvoicePayment(BasePaymentProvider):
    identifier = PROVIDER
    verbose_name = _("Bank transfer against an invoice (organisations)")
    public_name = _("Bank transfer against an invoice (Счёт)")
    abort_pending_allowed = False
    execute_payment_needs_user = False

    @property
    def test_mode_message(self):
        return _("In test mode, mark the order as paid in the back office once the transfer is imported.")

    def is_allowed(self, request: HttpRequest, total: Decimal = None) -> bool:
        """Only for a purchase as an organisation / sole proprietor, and only while a transfer can still arrive."""
        if not flags.enabled("b2b_invoice"):  # the kill switch (Administration → Feature flags)
            return False
        data = cart_session(request).get("contact_form_data") or {}
        if not is_b2b(data):
            return False
        from pretix.presale.views.cart import get_cart

        starts = [(p.subevent or self.event).date_from for p in get_cart(request)]
        if starts and not payment_possible(min(starts)):
            return False
        return super().is_allowed(request, total)

    def order_change_allowed(self, order: Order, request: HttpRequest = None) -> bool:
        return hasattr(order, "ticketing_b2b_buyer") and super().order_change_allowed(order, request)

    def payment_form_render(self, request, total=None, order=None) -> str:
        return str(_("After you place the order you receive an invoice (Счёт) by e-mail and on the order page. "
                     "Pay it from your organisation's account within the term stated on it; the places are held "
                     "until then."))

    def checkout_prepare(self, request, total):
        return True

    def payment_is_valid_session(self, request):
        return True

    def checkout_confirm_render(self, request, order=None, info_data=None):
        return self.payment_form_render(request, order=order)

    def execute_payment(self, request: HttpRequest, payment: OrderPayment):
        return None  # pending until the bank statement says the money has come

    def _documents(self, order: Order):
        from .documents.models import Document
        return list(Document.objects.filter(order=order, kind=Document.INVOICE, canceled=False))

    def payment_pending_render(self, request: HttpRequest, payment: OrderPayment) -> str:
        return get_template("ticketing_accounting/b2b/pending.html").render({
            "order": payment.order, "payment": payment, "documents": self._documents(payment.order),
            "event": self.event,
        })

    def order_pending_mail_render(self, order: Order, payment: OrderPayment) -> str:
        return str(_("Your invoice (Счёт) is attached to a separate e-mail sent to the address for documents and "
                     "can be downloaded from your order page. Please state the order code {code} in the purpose of "
                     "payment.")).format(code=order.code)

    def payment_control_render(self, request, payment) -> str:
        return get_template("ticketing_accounting/b2b/control.html").render({
            "payment": payment, "info": payment.info_data})

    # refunds: manual bank transfers back to the payer's account, within the refund policy
    def payment_refund_supported(self, payment: OrderPayment) -> bool:
        return True

    def payment_partial_refund_supported(self, payment: OrderPayment) -> bool:
        return True

    def execute_refund(self, refund: OrderRefund):
        """
        Record the refund as a bank transfer a person makes to the payer's account (the refund stays "in transit"
        until staff mark it done). Refused after the 24-hour deadline (``check_refund``) unless the operator
        cancelled the order (a cancelled sailing refunds everyone).
        """
        order = refund.order
        if order.status != Order.STATUS_CANCELED:
            decision = check_refund(order)
            if not decision.allowed:
                raise PaymentException(decision.reason)
        info = dict(refund.payment.info_data if refund.payment else {})
        buyer = getattr(order, "ticketing_b2b_buyer", None)
        refund.info = json.dumps({
            "payer": info.get("payer") or (buyer.name if buyer else ""),
            "payer_inn": info.get("payer_inn") or (buyer.inn if buyer else ""),
            "payer_account": info.get("payer_account", ""),
            "payer_bik": info.get("payer_bik", ""),
        })
        refund.state = OrderRefund.REFUND_STATE_TRANSIT
        refund.save(update_fields=["info", "state"])

    def refund_control_render(self, request, refund) -> str:
        return get_template("ticketing_accounting/b2b/control.html").render({"refund": refund,
                                                                             "info": refund.info_data})
