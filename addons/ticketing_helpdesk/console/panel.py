"""The "Support" panel on pretix's order page: refund within the policy and send the confirmation again."""
from urllib.parse import quote

from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from pretix.base.models import Order

from ticketing_core.policy.rules import format_deadline

from ..permissions import CONSOLE, POLICY_REFUND, RESEND
from .refunds import decision_for, nothing_paid
from .views import APP, resend_reasons


def order_panel(request, order: Order) -> str:
    user = request.user
    organizer = order.event.organizer
    can_refund = user.has_event_permission(organizer, order.event, POLICY_REFUND, request=request)
    can_resend = user.has_event_permission(organizer, order.event, RESEND, request=request)
    can_console = user.has_organizer_permission(organizer, CONSOLE, request=request)
    if not (can_refund or can_resend or can_console):
        return ""
    decision = decision_for(order)
    kwargs = {"organizer": organizer.slug, "ev": order.event.slug, "code": order.code}
    if order.customer_id:
        profile_url = reverse(f"plugins:{APP}:console.customer", kwargs={
            "organizer": organizer.slug, "customer": order.customer.identifier})
    else:
        profile_url = reverse(f"plugins:{APP}:console.guest", kwargs=kwargs)
    return get_template("ticketing_helpdesk/console/order_panel.html").render({
        "order": order, "decision": decision, "unpaid": nothing_paid(order),
        "deadline": format_deadline(decision.deadline, decision.timezone) if decision.deadline else "",
        "can_refund": can_refund, "can_resend": can_resend, "can_console": can_console,
        "refund_url": reverse(f"plugins:{APP}:console.refund", kwargs=kwargs),
        "resend_url": reverse(f"plugins:{APP}:console.resend", kwargs=kwargs),
        "profile_url": profile_url, "reasons": resend_reasons(order),
        # administrators resend from ticketing_core's "Messages" panel on the same page
        "resend_elsewhere": user.has_event_permission(organizer, order.event, "event.orders:write", request=request),
        "next": request.get_full_path(),
    }, request=request)


def position_button(request, order: Order, position) -> str:
    if position.addon_to_id or position.canceled:
        return ""
    organizer = order.event.organizer
    if not request.user.has_event_permission(organizer, order.event, POLICY_REFUND, request=request):
        return ""
    if nothing_paid(order) or not decision_for(order, [position]).allowed:
        return ""  # an unpaid order is cancelled as a whole from the panel: there is no money to give back
    url = reverse(f"plugins:{APP}:console.refund", kwargs={
        "organizer": organizer.slug, "ev": order.event.slug, "code": order.code})
    return format_html('<a href="{}?position={}&amp;next={}" class="btn btn-default btn-xs ticketing-position-refund">'
                       '<i class="fa fa-undo"></i> {}</a>', url, position.pk, quote(request.get_full_path()),
                       gettext("Refund this ticket"))
