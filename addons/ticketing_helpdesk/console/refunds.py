"""
Refunds an agent may give: the whole order or single tickets, only while ticketing_core's policy allows it
(until 24 hours before the earliest departure concerned, computed on the sailing's start in UTC).

The money goes back through pretix's own machinery — ``_cancel_order`` or ``OrderChangeManager`` for the
cancellation, then ``_try_auto_refund``, which creates the ``OrderRefund`` and calls the payment provider's
``execute_refund`` (YooKassa's for card payments) — so refunds from the console look and behave exactly
like the ones pretix makes. What pretix lacks is the deadline: it is checked here, again on the server for
every request, with the order row locked, whatever the page showed.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Order, OrderPosition, OrderRefund, TeamAPIToken, User
from pretix.base.services.orders import OrderChangeManager, OrderError, _cancel_order, _try_auto_refund

from ticketing_core.policy.rules import RefundDecision, check_refund

from ..audit.log import audit

REFUND_COMMENT = "Refund by support within the 24-hour policy"


class RefundRefused(Exception):
    """The refund is not allowed (policy, state or selection); the message is for the agent."""


@dataclass
class RefundOutcome:
    order: Order
    amount: Decimal
    positions: list[int]
    refunds: list[OrderRefund]


def refundable_positions(order: Order) -> list[OrderPosition]:
    """The tickets an agent can pick one by one (add-ons follow their ticket)."""
    return [p for p in order.positions.all() if p.addon_to_id is None]


def nothing_paid(order: Order) -> bool:
    """
    An order nobody has paid for (yet) has nothing to refund: the console offers to cancel it, which frees its
    places, instead of a refund.
    """
    return order.payment_refund_sum <= 0


def decision_for(order: Order, positions: list[OrderPosition] | None = None,
                 at: datetime | None = None) -> RefundDecision:
    return check_refund(order, at=at, positions=positions)


def _selected(order: Order, position_ids: list[int] | None) -> list[OrderPosition] | None:
    if not position_ids:
        return None
    wanted = {int(p) for p in position_ids}
    chosen = [p for p in refundable_positions(order) if p.pk in wanted]
    if len(chosen) != len(wanted):
        raise RefundRefused(_("Some of the chosen tickets do not belong to this order or were already cancelled."))
    return chosen


def refund(order: Order, user: User | None, position_ids: list[int] | None = None, request=None,
           at: datetime | None = None, auth=None) -> RefundOutcome:
    """
    Cancel ``order`` (or only the tickets ``position_ids``) and refund the money paid for it, if the policy
    allows it at ``at`` (now). Raises :class:`RefundRefused` otherwise; nothing is changed then. ``auth`` is
    the API token when the REST API asks instead of a person.
    """
    token = auth if isinstance(auth, TeamAPIToken) else None
    at = at or now()
    with transaction.atomic():
        locked = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        chosen = _selected(locked, position_ids)
        if chosen is not None and len(chosen) == len(refundable_positions(locked)):
            chosen = None  # every ticket: the whole order
        decision = decision_for(locked, chosen, at)
        if not decision.allowed:
            raise RefundRefused(decision.reason)
        if locked.status == Order.STATUS_PAID and locked.payment_refund_sum <= 0 and locked.total > 0:
            raise RefundRefused(_("Nothing has been paid for this order, so there is nothing to refund."))
        before_paid = locked.payment_refund_sum
        try:
            if chosen is None:
                fee = locked.user_cancel_fee if locked.status == Order.STATUS_PAID else None
                _cancel_order(locked.pk, user=user.pk if user else None, api_token=token.pk if token else None,
                              send_mail=True, cancellation_fee=fee, comment=None)
            else:
                ocm = OrderChangeManager(locked, user=user, auth=token, notify=True)
                for p in chosen:
                    ocm.cancel(p)
                ocm.commit()
        except OrderError as e:
            raise RefundRefused(str(e)) from None
        ids = [p.pk for p in chosen] if chosen is not None else [p.pk for p in refundable_positions(locked)]
    locked.refresh_from_db()
    existing = set(locked.refunds.values_list("pk", flat=True))
    error = ""
    try:
        _try_auto_refund(locked, auto_refund=True, manual_refund=True, allow_partial=True,
                         source=OrderRefund.REFUND_SOURCE_ADMIN, comment=REFUND_COMMENT)
    except OrderError as e:  # the provider refused: pretix logged it and flagged the order for an administrator
        error = str(e)
    locked.refresh_from_db()
    refunds = list(locked.refunds.exclude(pk__in=existing))
    amount = sum((r.amount for r in refunds), Decimal("0.00"))
    action = "ticketing_helpdesk.cancel" if before_paid <= 0 else "ticketing_helpdesk.refund"
    audit(locked, action, request=request, user=user, auth=token, data={
        "positions": ids, "whole_order": chosen is None, "amount": str(amount), "paid_before": str(before_paid),
        "refunds": [r.full_id for r in refunds],
        "deadline": decision.deadline.isoformat() if decision.deadline else None,
        "error": error,
    })
    if error:
        raise RefundRefused(_("The tickets were cancelled, but the payment provider did not take the refund: "
                              "{error} An administrator has been notified.").format(error=error))
    return RefundOutcome(locked, amount, ids, refunds)
