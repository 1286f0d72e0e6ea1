"""
What the order page shows a passenger, whether they came from their account or from the link in their e-mail:
each ticket with its QR code for boarding and its PDF, the refund deadline, and the refund button while the
refund policy (``ticketing_core.policy.rules``) allows it. pretix's own rules decide whether tickets may be
shown at all (paid, download enabled and due, e-mail confirmed where required).
"""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pretix.base.models import Order, OrderPosition
from pretix.multidomain.urlreverse import eventreverse

from ticketing_core.hooks import departure_of_position, describe_seat
from ticketing_core.policy.rules import RefundDecision, check_refund

from .qr import qr_svg

APP = "ticketing_website"


@dataclass
class Ticket:
    position: OrderPosition
    qr: str
    boarding_url: str
    pdf_url: str | None
    seat: str = ""

    @property
    def date(self) -> str:
        """When the passenger departs, in the pier's time: a charter's own period, else the sailing's date."""
        return departure_of_position(self.position, self.position.order.event).text(self.position.order.event)


def tickets_visible(order: Order) -> bool:
    """pretix shows the tickets of this order on its order page (so do we, and only then)."""
    event = order.event
    if not order.ticket_download_available:
        return False
    return not (event.settings.ticket_download_require_validated_email and order.sales_channel.type == "web"
                and not order.email_known_to_work)


def boarding_positions(order: Order) -> list[OrderPosition]:
    if not tickets_visible(order):
        return []
    ids = {p.pk for p in order.positions_with_tickets}
    return [p for p in order.positions.select_related("item", "variation", "subevent", "seat").order_by("positionid")
            if p.pk in ids]


def seat_text(position: OrderPosition) -> str:
    """The passenger's seat as "deck, row, seat" in the active language (the seating addon's words), if any."""
    if not position.seat_id:
        return ""
    return describe_seat(position.seat)


def pdf_available(order: Order) -> bool:
    from pretix.base.signals import register_ticket_outputs

    for _receiver, response in register_ticket_outputs.send(order.event):
        if getattr(response, "identifier", None) == "pdf" and response(order.event).is_enabled:
            return True
    return False


def tickets_of(order: Order) -> list[Ticket]:
    event = order.event
    with_pdf = pdf_available(order)
    result = []
    for p in boarding_positions(order):
        label = _("QR code of ticket {code}-{number}").format(code=order.code, number=p.positionid)
        result.append(Ticket(
            position=p, qr=qr_svg(p.secret, label),
            boarding_url=eventreverse(event, f"plugins:{APP}:boarding", kwargs={
                "order": order.code, "secret": order.secret, "position": p.positionid}),
            pdf_url=eventreverse(event, "presale:event.order.download", kwargs={
                "order": order.code, "secret": order.secret, "output": "pdf", "position": p.pk}) if with_pdf else None,
            seat=seat_text(p),
        ))
    return result


CANCEL_ALLOWED_ATTR = "_ticketing_user_cancel_allowed"


def remember_cancel_allowed(request, response) -> None:
    """Keep pretix's own ``user_cancel_allowed`` of the order page being drawn (``middleware.py``)."""
    data = getattr(response, "context_data", None)
    if isinstance(data, dict) and "user_cancel_allowed" in data and getattr(data.get("order"), "pk", None):
        setattr(request, CANCEL_ALLOWED_ATTR, (data["order"].pk, bool(data["user_cancel_allowed"])))


def _user_cancel_allowed(order: Order, request=None) -> bool:
    known = getattr(request, CANCEL_ALLOWED_ATTR, None) if request is not None else None
    if known is not None and known[0] == order.pk:
        return known[1]
    return order.user_cancel_allowed


def refund_context(order: Order, request=None) -> dict:
    """
    The way to pretix's cancellation (which refunds through the payment provider) while the policy allows it.
    The deadline itself is stated once on the page, by ticketing_core's order notice.
    """
    decision: RefundDecision = check_refund(order)
    show_button = decision.allowed and _user_cancel_allowed(order, request)
    return {
        "decision": decision,
        "refund_url": eventreverse(order.event, "presale:event.order.cancel", kwargs={
            "order": order.code, "secret": order.secret}) if show_button else None,
    }
