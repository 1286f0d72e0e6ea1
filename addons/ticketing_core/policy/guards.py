"""
The refund rule's guards in pretix's pages: a cancellation after the deadline or any exchange or transfer is
refused on the server (whatever the page showed), the order page states the deadline, and an event whose
settings contradict the rule cannot go live. The receivers in ``signals.py`` call these.
"""
import hmac

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Event, Order
from pretix.multidomain.urlreverse import eventreverse

from ..urlmatch import url_match
from .rules import check_refund, policy_issues

# Customer-facing URLs that would refund, exchange or transfer; the policy decides, nothing else.
_CANCEL_URLS = {"event.order.cancel", "event.order.cancel.do"}
_CHANGE_URLS = {"event.order.change", "event.order.position.change", "event.order.modify",
                "event.order.position.modify"}


def live_issue(event: Event) -> str | None:
    """Why the event cannot go live under the policy (with a link to apply it), or None."""
    issues = policy_issues(event)
    if not issues:
        return None
    return format_html(
        '{} <a href="{}">{}</a>',
        _("The refund policy is not in force: {issues}").format(issues=" ".join(str(i) for i in issues)),
        reverse("plugins:ticketing_core:settings", kwargs={"organizer": event.organizer.slug, "event": event.slug}),
        _("Apply the refund policy"),
    )


def refuse_late_cancel_or_change(event: Event, request: HttpRequest) -> HttpResponseRedirect | None:
    """
    Refuse, on the server, a cancellation after the deadline (stale page, crafted POST) and any
    exchange or transfer, whatever the event's settings say.
    """
    match = url_match(request)
    if match.namespace != "presale" or match.url_name not in (_CANCEL_URLS | _CHANGE_URLS):
        return None
    order = Order.objects.filter(event=event, code=match.kwargs.get("order")).first()
    if order is None:
        return None  # pretix's own view answers 404 without telling whether the order exists
    back = _authorised_page(order, match)
    if back is None:
        return None
    if match.url_name in _CHANGE_URLS:
        messages.error(request, _("Tickets cannot be exchanged or transferred, and names on tickets cannot "
                                  "be changed."))
        return HttpResponseRedirect(back)
    decision = check_refund(order)
    if not decision.allowed:
        messages.error(request, decision.reason)
        return HttpResponseRedirect(back)
    return None


def _authorised_page(order: Order, match) -> str | None:
    """
    The page the caller came from, if the URL's secret is the order's or (per-ticket URLs under
    ``/ticket/…``) the ticket's own ``web_secret``; None for a wrong secret (pretix answers 404 then).
    """
    secret = str(match.kwargs.get("secret", "")).lower()
    if "position" not in match.kwargs:
        if not hmac.compare_digest(order.secret.lower(), secret):
            return None
        return eventreverse(order.event, "presale:event.order", kwargs={"order": order.code, "secret": order.secret})
    position = order.positions.filter(positionid=_positive_int(match.kwargs["position"])).first()
    if position is None or not hmac.compare_digest(position.web_secret.lower(), secret):
        return None
    return eventreverse(order.event, "presale:event.order.position",
                        kwargs={"order": order.code, "position": position.positionid, "secret": position.web_secret})


def _positive_int(raw: str) -> int:
    """pretix's URL allows only digits; a 30-digit number is no ticket (and no database overflow)."""
    return int(raw) if raw.isdigit() and len(raw) <= 9 else 0


def deadline_notice(order: Order) -> str:
    """The customer's order page states the deadline, or that tickets are non-refundable now."""
    if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
        return ""
    decision = check_refund(order)
    if decision.deadline is None:
        return ""
    return get_template("ticketing_core/policy/order_policy.html").render({"decision": decision})
