"""
The passenger manifest (Судовой список) of one sailing: the figures and the rows a captain signs.

Who is on it: every admission place of a paid order (or a pending order pretix treats as valid), not cancelled.
A paid place not checked in when boarding has closed is a no-show. Phones are masked for boarding staff (they
need the name and the seat, not the number); travel documents, where the route asks for them, are printed in
full because the transport-security rules want them on the manifest, and nowhere else.
"""
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Min, Q
from django.utils.formats import date_format
from django.utils.timezone import now

from pretix.base.models import Checkin, Order, OrderPosition

from ..fleet.models import Sailing
from ..hooks import describe_seat, is_wheelchair_seat
from .categories import CHILD, LABELS, category_of
from .documents import documents_of, route_requires_documents
from .lists import boarding_closes_at


def mask_phone(phone: str) -> str:
    """+7 921 ••• •• 67: enough to tell two passengers apart, not enough to call them."""
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if len(digits) < 4:
        return ""
    return f"+{digits[0]} {digits[1:4]} ••• •• {digits[-2:]}"


@dataclass
class Row:
    number: int
    name: str
    category: str
    product: str
    seat: str
    phone: str
    boarded_at: datetime | None
    noshow: bool
    ticket: str
    order_code: str
    documents: dict = field(default_factory=dict)


@dataclass
class Manifest:
    sailing: Sailing
    tz: ZoneInfo
    rows: list[Row]
    capacity: int
    certificate: int
    sold: int
    paid: int
    boarded: int
    children: int
    wheelchair: int
    noshows: int
    closes_at: datetime
    closed: bool
    with_documents: bool

    @property
    def departure_text(self) -> str:
        return date_format(self.sailing.start.astimezone(self.tz), "DATETIME_FORMAT")


def positions(sailing: Sailing):
    date_q = Q(subevent=sailing.subevent) if sailing.subevent_id else Q(order__event=sailing.event)
    return OrderPosition.objects.filter(
        date_q, order__event=sailing.event, addon_to__isnull=True, item__admission=True,
    ).filter(
        Q(order__status=Order.STATUS_PAID) | Q(order__status=Order.STATUS_PENDING, order__valid_if_pending=True)
    ).select_related("order", "item", "variation", "seat").annotate(
        boarded_at=Min("all_checkins__datetime",
                       filter=Q(all_checkins__successful=True, all_checkins__type=Checkin.TYPE_ENTRY)),
    ).order_by("attendee_name_cached", "order__code", "positionid")


def build(sailing: Sailing, *, mask: bool, at: datetime | None = None) -> Manifest:
    tz = ZoneInfo(sailing.departure_pier.timezone)
    closes = boarding_closes_at(sailing)
    closed = (at or now()) >= closes
    with_documents = route_requires_documents(sailing.event)
    categories: dict[int, str] = {}
    rows, paid_count, wheelchair = [], 0, 0
    for n, op in enumerate(positions(sailing), start=1):
        if op.item_id not in categories:
            categories[op.item_id] = category_of(op.item)
        phone = str(op.order.phone or "")
        paid = op.order.status == Order.STATUS_PAID
        paid_count += paid
        wheelchair += bool(op.seat_id and is_wheelchair_seat(op.seat))
        rows.append(Row(
            number=n, name=op.attendee_name_cached or op.attendee_name or "—", category=categories[op.item_id],
            product=str(op.item.name) + (f" – {op.variation}" if op.variation_id else ""),
            seat=describe_seat(op.seat) if op.seat_id else "",
            phone=mask_phone(phone) if mask else phone, boarded_at=op.boarded_at,
            noshow=closed and paid and op.boarded_at is None, ticket=f"{op.order.code}-{op.positionid}",
            order_code=op.order.code, documents=documents_of(op) if with_documents else {},
        ))
    return Manifest(
        sailing=sailing, tz=tz, rows=rows, capacity=sailing.capacity, certificate=sailing.vessel.capacity,
        sold=len(rows), paid=paid_count,
        boarded=sum(1 for r in rows if r.boarded_at), children=sum(1 for r in rows if r.category == CHILD),
        wheelchair=wheelchair, noshows=sum(1 for r in rows if r.noshow), closes_at=closes, closed=closed,
        with_documents=with_documents,
    )


def category_text(kind: str) -> str:
    return str(LABELS.get(kind, kind))
