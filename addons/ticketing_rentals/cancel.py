"""
The operator cancels a charter (weather, breakdown): the whole order is cancelled and refunded in full,
whatever the 24-hour rule says, as for a cancelled sailing, and the customer hears it by e-mail and SMS.
"""
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from pretix.base.models import Order, OrderRefund, User
from pretix.base.services.orders import _cancel_order, _try_auto_refund

from .cart import charter_of
from .errors import RentalError


def cancel_rental(order: Order, reason: str, user: User | None = None) -> Decimal:
    """
    Cancel ``order`` (its charter and extras) without a cancellation fee and refund everything paid through
    pretix's refund flow (the payment provider refunds automatically where it can; otherwise a manual refund
    is recorded for staff to carry out, so no refund is left without a record). Returns the refunded amount.
    """
    charter = charter_of(order)
    if charter is None:
        raise RentalError(_("This order contains no charter."))
    if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
        raise RentalError(_("This order has already been cancelled."))
    if not reason.strip():
        raise RentalError(_("Please give the reason for the cancellation; the customer will read it."))
    _cancel_order(order.pk, user.pk if user else None, send_mail=False, cancellation_fee=Decimal("0.00"))
    _try_auto_refund(order.pk, auto_refund=True, manual_refund=True, allow_partial=True,
                     source=OrderRefund.REFUND_SOURCE_ADMIN, comment=_("Charter cancelled by the operator"))
    order.refresh_from_db()
    order.log_action("ticketing_core.rental.canceled", user=user, data={
        "reason": reason, "vessel": charter.vessel_id, "starts_at": charter.starts_at.isoformat()})
    refunded = order.refunds.exclude(
        state__in=(OrderRefund.REFUND_STATE_CANCELED, OrderRefund.REFUND_STATE_FAILED),
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    from ticketing_core.notifications.service import notify

    notify(order, "rental_canceled", occasion=f"r{charter.pk}", user=user,
           extra={"reason": reason, "amount": refunded})
    return refunded
