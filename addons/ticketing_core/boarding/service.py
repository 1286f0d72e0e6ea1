"""
The web boarding page's check-in: pretix's own ``perform_checkin`` on the sailing's list, so a scan here and a
scan in pretixSCAN obey the same rules (paid, not cancelled, this date, once, before boarding closes) and leave
the same records (a ``Checkin`` row, successful or not, and pretix's log entry on the order).

Every answer is a :class:`Result`: green or red, the reason in words, and who the passenger is.
"""
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Checkin, CheckinList, Order, OrderPosition
from pretix.base.services.checkin import (
    CheckInError,
    RequiredMediaExchangeError,
    RequiredQuestionsError,
    perform_checkin,
)

from ..fleet.models import Sailing
from ..hooks import describe_seat
from .categories import category_label
from .lists import boarding_closes_at


@dataclass
class Result:
    ok: bool
    reason: str  # pretix's error code ("already_redeemed", "unpaid", …), "ok", or ours ("other_date", "closed")
    message: str
    passenger: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"ok": self.ok, "reason": self.reason, "message": self.message, "passenger": self.passenger}


def passenger_of(op: OrderPosition, tz: ZoneInfo | None = None) -> dict:
    checkin = op.checkins.filter(successful=True, type=Checkin.TYPE_ENTRY).order_by("datetime").first()
    return {
        "name": op.attendee_name_cached or op.attendee_name or op.order.email or "—",
        "category": category_label(op.item, op.variation),
        "seat": describe_seat(op.seat) if op.seat_id else "",
        "ticket": f"{op.order.code}-{op.positionid}",
        "boarded_at": date_format(checkin.datetime.astimezone(tz), "H:i") if checkin and tz else "",
    }


def _explain(e: CheckInError, clist: CheckinList, sailing: Sailing) -> tuple[str, str]:
    """pretix's refusal in the words the crew needs (the reason code stays pretix's, except for the close)."""
    if e.code == "rules":
        tz = ZoneInfo(sailing.departure_pier.timezone)
        closes = date_format(boarding_closes_at(sailing).astimezone(tz), "H:i")
        return "closed", _("Boarding has closed at %(time)s (departure plus the grace period).") % {"time": closes}
    texts = {
        "already_redeemed": _("This ticket has already been scanned: the passenger is on board."),
        "unpaid": _("The order is not paid."),
        "canceled": _("This ticket was cancelled or refunded."),
        "blocked": _("This ticket is blocked."),
        "product": _("This ticket is not valid for this sailing."),
    }
    return e.code, texts.get(e.code, e.msg)


def find_position(clist: CheckinList, secret: str) -> tuple[OrderPosition | None, Result | None]:
    """The ticket behind a scanned code, or the refusal that says why it does not belong to this sailing."""
    secret = (secret or "").strip()
    if not secret or len(secret) > 200:
        return None, Result(False, "invalid", _("This is not a ticket code."))
    op = OrderPosition.all.filter(order__event=clist.event, secret=secret).select_related(
        "order", "item", "variation", "seat", "subevent").first()
    if op is None:
        other = OrderPosition.all.filter(order__event__organizer=clist.event.organizer, secret=secret).select_related(
            "order__event").first()
        if other is not None:
            return None, Result(False, "other_event", _("This ticket is for another excursion: %(event)s.")
                                % {"event": other.order.event.name})
        return None, Result(False, "invalid", _("Unknown ticket."))
    if clist.subevent_id and op.subevent_id != clist.subevent_id:
        when = date_format(op.subevent.date_from.astimezone(clist.event.timezone), "SHORT_DATETIME_FORMAT") \
            if op.subevent_id else ""
        return op, Result(False, "other_date", _("This ticket is for another sailing: %(date)s.") % {"date": when},
                          passenger_of(op))
    return op, None


def board(clist: CheckinList, sailing: Sailing, *, secret: str | None = None, position: OrderPosition | None = None,
          user=None, at: datetime | None = None) -> Result:
    """Check the passenger in on the sailing's list through pretix's service; refusals are recorded as pretix does."""
    op, refusal = (position, None) if position is not None else find_position(clist, secret)
    tz = ZoneInfo(sailing.departure_pier.timezone)
    if refusal is not None:
        if op is not None:
            _record_refusal(op, clist, refusal.reason, refusal.message, user, at)
        return refusal
    op = OrderPosition.all.select_related("order", "item", "variation", "seat").get(pk=op.pk)
    try:
        perform_checkin(op, clist, {}, user=user, canceled_supported=True, datetime=at,
                        raw_source_type="barcode", questions_supported=False)
    except (RequiredQuestionsError, RequiredMediaExchangeError) as e:
        return Result(False, e.code, str(e.msg), passenger_of(op, tz))
    except CheckInError as e:
        code, text = _explain(e, clist, sailing)
        _record_refusal(op, clist, e.code, e.reason or text, user, at)
        return Result(False, code, text, passenger_of(op, tz))
    return Result(True, "ok", _("Welcome aboard."), passenger_of(op, tz))


def _record_refusal(op: OrderPosition, clist: CheckinList, code: str, explanation: str, user, at) -> None:
    """What pretix's API writes for a refused scan: an unsuccessful Checkin and the order's log entry."""
    reason = code if code in dict(Checkin.REASONS) else Checkin.REASON_PRODUCT
    Checkin.objects.create(position=op, list=clist, successful=False, error_reason=reason,
                           error_explanation=explanation, datetime=at or now(), type=Checkin.TYPE_ENTRY)
    op.order.log_action("pretix.event.checkin.denied", data={
        "position": op.id, "positionid": op.positionid, "errorcode": reason, "reason_explanation": explanation,
        "force": False, "datetime": at or now(), "type": Checkin.TYPE_ENTRY, "list": clist.pk,
    }, user=user)


def search(clist: CheckinList, query: str, limit: int = 20) -> list[OrderPosition]:
    """Passengers of the sailing by name, order code or phone (digits), paid or pending, admission places only."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    q = Q(attendee_name_cached__icontains=query) | Q(order__code__iexact=query.split("-")[0]) \
        | Q(order__email__iexact=query)
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 4:
        q |= Q(order__phone__contains=digits[-10:])
    return list(OrderPosition.objects.filter(
        q, order__event=clist.event, subevent_id=clist.subevent_id, addon_to__isnull=True, item__admission=True,
        order__status__in=(Order.STATUS_PAID, Order.STATUS_PENDING),
    ).select_related("order", "item", "variation", "seat").order_by("attendee_name_cached")[:limit])
