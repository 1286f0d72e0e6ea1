"""
The refund policy of the operator, decided in exactly one place.

Rule: a customer may cancel and get a full refund (less an optional cancellation fee set by the
organizer) until 24 hours before the departure of the earliest sailing in the order. There are no
exchanges and no transfers: a placed order's products, dates, seats, add-ons and names never change.
Every addon asks :func:`check_refund`; nobody re-implements the rule.

The deadline is computed on the sailing's start in UTC and shown to people in the time zone of the
departure pier (Europe/Moscow by default). At the deadline itself a refund is still allowed, one
second later it is not; this matches pretix's own ``Order.user_cancel_allowed``.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pretix.base.models import Event, Order, OrderPosition, Organizer
from pretix.base.reldate import RelativeDate, RelativeDateWrapper

from ..hooks import Departure, event_without_fixed_departure, order_departures
from . import payment_term

REFUND_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class RefundDecision:
    allowed: bool
    deadline: datetime | None
    timezone: str
    reason: str

    @property
    def deadline_local(self) -> datetime | None:
        return self.deadline.astimezone(ZoneInfo(self.timezone)) if self.deadline else None


_MEMO = "_ticketing_core_departures"


def _departures(order: Order, positions=None) -> list[tuple[datetime, str]]:
    """
    (start in UTC, display time zone) of every sailing date the order (or the given positions) covers.

    Its cost follows the order, not the event: the order's dates with their start in one query, their sailings'
    piers in another. The whole order's answer is kept on the order object, as the order page asks several times
    (its notice, the ticket panel, the guard) and a placed order's dates never change (no exchanges). An empty
    answer is not kept: while pretix creates an order, the order exists a moment before its positions do.
    """
    if positions is None:
        memo = order.__dict__.get(_MEMO)
        if memo is None:
            memo = _compute_departures(order, None)
            if memo:
                order.__dict__[_MEMO] = memo
        return list(memo)
    return _compute_departures(order, positions)


def _compute_departures(order: Order, positions) -> list[tuple[datetime, str]]:
    from ..fleet.models import Sailing

    event = order.event
    own = _own_departures(order)
    if own:
        return own
    if event.has_subevents:
        if positions is None:
            # the order's dates, their start and their sailing's pier time zone in one statement (a date has at
            # most one sailing: Sailing.subevent is one-to-one)
            pier_tz = Sailing.objects.filter(event_id=event.pk, subevent_id=OuterRef("subevent_id")).values(
                "departure_pier__timezone")[:1]
            rows = order.positions.filter(subevent__isnull=False).order_by().annotate(pier_tz=Subquery(pier_tz)) \
                .values_list("subevent_id", "subevent__date_from", "pier_tz").distinct()
            default_tz = event.settings.timezone
            return [(start.astimezone(ZoneInfo("UTC")), tz or default_tz) for _pk, start, tz in rows]
        else:
            subevent_ids = {p.subevent_id for p in positions if p.subevent_id}
            dates = list(event.subevents.filter(pk__in=subevent_ids))
    else:
        dates = [event]
    sailings = Sailing.objects.filter(event=event).select_related("departure_pier")
    sailings = sailings.filter(subevent_id__in=[d.pk for d in dates]) if event.has_subevents else sailings
    sailings = {(s.subevent_id or None): s.departure_pier.timezone for s in sailings}
    default_tz = event.settings.timezone
    result = []
    for d in dates:
        key = d.pk if event.has_subevents else None
        result.append((d.date_from.astimezone(ZoneInfo("UTC")), sailings.get(key, default_tz)))
    return result


def _own_departures(order: Order) -> list[tuple[datetime, str]]:
    """
    (start in UTC, pier's time zone) of departures an addon knows for the order (``hooks.order_departures``):
    a charter order departs when its charter starts, whichever of its positions is asked about.
    """
    default_tz = order.event.settings.timezone
    return [(d.start.astimezone(ZoneInfo("UTC")), d.pier.timezone if d.pier is not None else default_tz)
            for d in departures_of(order)]


def earliest_departure(order: Order) -> datetime | None:
    """The start (UTC) of the order's earliest sailing or charter; None if it has none."""
    departures = _departures(order)
    return min(start for start, _tz in departures) if departures else None


def departures_of(order: Order) -> list[Departure]:
    """Departures of the order that an addon knows (a charter's start and pier); empty for sailings."""
    found = []
    for _receiver, answer in order_departures.send(sender=order.event, order=order):
        found.extend(answer or [])
    return found


def refund_deadline(order: Order, positions=None) -> tuple[datetime | None, str]:
    """The last moment (UTC) a refund is allowed, and the time zone to show it in."""
    departures = _departures(order, positions)
    if not departures:
        return None, order.event.settings.timezone
    start, tz = min(departures, key=lambda d: d[0])
    return start - REFUND_WINDOW, tz


def zone_label(tz: str) -> str:
    """
    The pier's time zone as customers say it ("время московское", "Moscow time", "莫斯科时间"); IANA names such
    as "Europe/Moscow" are identifiers, not prose, so a zone without a name here is told by its UTC offset only.
    """
    from django.utils.translation import pgettext

    names = {
        "Europe/Moscow": pgettext("time zone", "Moscow time"),
        "Europe/Kaliningrad": pgettext("time zone", "Kaliningrad time"),
        "Europe/Samara": pgettext("time zone", "Samara time"),
        "Asia/Yekaterinburg": pgettext("time zone", "Yekaterinburg time"),
        "Asia/Vladivostok": pgettext("time zone", "Vladivostok time"),
    }
    return names.get(tz, "")


def format_deadline(deadline: datetime, tz: str) -> str:
    local = deadline.astimezone(ZoneInfo(tz))
    offset = "UTC" + local.strftime("%z")[:3]  # makes the time unambiguous in any language
    label = zone_label(tz)
    return "{} ({})".format(date_format(local, "SHORT_DATETIME_FORMAT"), f"{label}, {offset}" if label else offset)


@dataclass(frozen=True)
class SaleTerms:
    """
    What a buyer is told before paying for a departure: a full refund until the deadline, or, once the
    deadline has passed (less than 24 hours before departure), that the ticket is non-refundable. The shop
    shows this and never a deadline in the past.
    """
    refundable: bool
    deadline: datetime
    timezone: str

    @property
    def deadline_text(self) -> str:
        return format_deadline(self.deadline, self.timezone)


NON_REFUNDABLE_NOTICE = gettext_lazy("Non-refundable ticket: less than 24 hours before departure.")
NON_REFUNDABLE_CONFIRMATION = gettext_lazy(
    "I understand that this ticket cannot be refunded, exchanged or transferred: less than 24 hours are left "
    "before departure.")


def sale_terms(departure: datetime, tz: str, at: datetime | None = None) -> SaleTerms:
    """The refund terms of a ticket for ``departure`` (UTC-aware) sold at ``at``; the same rule as check_refund."""
    deadline = departure - REFUND_WINDOW
    return SaleTerms(refundable=(at or now()) <= deadline, deadline=deadline, timezone=tz)


def check_refund(order: Order, at: datetime | None = None,
                 positions: list[OrderPosition] | None = None) -> RefundDecision:
    """May the customer cancel this order (or these positions) for a refund at moment ``at``?"""
    at = at or now()
    deadline, tz = refund_deadline(order, positions)
    if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
        return RefundDecision(False, deadline, tz, _("This order is not active, so there is nothing to refund."))
    if deadline is None:
        return RefundDecision(False, None, tz, _("This order contains no sailing."))
    when = format_deadline(deadline, tz)
    if at > deadline:
        return RefundDecision(False, deadline, tz, _(
            "Tickets can be refunded until 24 hours before departure, that is until {deadline}. This deadline "
            "has passed: the tickets are non-refundable and non-transferable."
        ).format(deadline=when))
    return RefundDecision(True, deadline, tz, _(
        "You can cancel this order and get a full refund until {deadline}, 24 hours before departure. "
        "Exchanges and transfers to other dates or people are not possible."
    ).format(deadline=when))


# --- pretix settings that implement the policy in pretix's own order pages -------------------------

def policy_deadline_setting() -> RelativeDateWrapper:
    return RelativeDateWrapper(RelativeDate(
        minutes=int(REFUND_WINDOW.total_seconds() // 60), is_after=False, base_date_name="date_from",
    ))


def _is_rental(event: Event | Organizer) -> bool:
    if not isinstance(event, Event) or event.pk is None:
        return False
    return any(answer for _receiver, answer in event_without_fixed_departure.send(sender=event))


# pretix's deadline for rental events: an explicit "no deadline of pretix's" (an empty value would fall back to
# the organizer's 24-hours-before-the-event default).
NO_PRETIX_DEADLINE = RelativeDateWrapper(datetime(2999, 12, 31, tzinfo=ZoneInfo("UTC")))


def _expected_deadline(event: Event | Organizer) -> RelativeDateWrapper:
    """
    pretix's own cancellation deadline for the event. A rental event has no date to count from (each order
    has its own charter time), so pretix's never ends and :func:`check_refund`, which knows the charter, is
    the judge: the order page states its deadline and a late cancellation is refused on the server.
    """
    return NO_PRETIX_DEADLINE if _is_rental(event) else policy_deadline_setting()


def policy_settings(event: Event | Organizer | None = None) -> dict:
    """pretix event settings under which pretix's own pages follow the policy."""
    deadline = _expected_deadline(event) if event is not None else policy_deadline_setting()
    return {
        "cancel_allow_user": True,
        "cancel_allow_user_until": deadline,
        "cancel_allow_user_paid": True,
        "cancel_allow_user_paid_until": deadline,
        "cancel_allow_user_paid_require_approval": False,
        "cancel_allow_user_paid_refund_as_giftcard": "off",
        "change_allow_user_variation": False,
        "change_allow_user_addons": False,
        "change_allow_user_price": "eq",
        "change_allow_attendee": False,
        "allow_modifications": "no",
        **payment_term.PAYMENT_TERM_SETTINGS,
    }


def apply_policy(event: Event | Organizer) -> None:
    for key, value in policy_settings(event).items():
        event.settings.set(key, value)


def policy_issues(event: Event) -> list[str]:
    """Why the event's settings contradict the policy; empty if they follow it."""
    issues = []
    s = event.settings
    if s.get("change_allow_user_variation", as_type=bool) or s.get("change_allow_user_addons", as_type=bool):
        issues.append(_("Customers may change products or add-ons of their orders; exchanges are not offered."))
    if s.get("change_allow_attendee", as_type=bool) or s.get("allow_modifications") != "no":
        issues.append(_("Customers may change names or answers of placed orders; tickets are non-transferable."))
    if not s.get("cancel_allow_user_paid", as_type=bool):
        issues.append(_("Customers cannot cancel paid orders, but they are entitled to a refund until 24 hours "
                        "before departure."))
    expected = _expected_deadline(event)
    for key in ("cancel_allow_user_paid_until", "cancel_allow_user_until"):
        current = s.get(key, as_type=RelativeDateWrapper)
        if current is None or current.to_string() != expected.to_string():
            issues.append(_("The cancellation deadline is not 24 hours before departure."))
            break
    if s.get("cancel_allow_user_paid_require_approval", as_type=bool):
        issues.append(_("Cancellations need the organizer's approval, although the policy grants a refund "
                        "before the deadline without approval."))
    if s.get("cancel_allow_user_paid_refund_as_giftcard") not in ("off", None):
        issues.append(_("Refunds are given as gift cards, although the policy requires refunds of the money paid."))
    return issues + payment_term.payment_term_issues(event)
