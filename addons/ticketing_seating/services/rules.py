"""
The operator's seat rules, checked on the server: a maximum number of seats per order, and no single
empty seat left alone between taken seats in a row (event setting, on by default).

pretix calls these through ``validate_cart`` (checkout start) and ``validate_order`` (placing the
order), so a crafted request cannot get around them; the picker asks the same functions before it
adds seats to the cart, so customers learn it at once.
"""
from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pretix.base.models import Event, Seat

from .errors import SeatingError
from .labels import describe

NEIGHBOUR_FACTOR = 1.5  # two seats are neighbours when closer than 1.5 × the row's seat pitch


def seatless_item_ids(event: Event) -> set[int]:
    """The passenger products the event sells without a seat on seated sailings (the operator's choice)."""
    raw = event.settings.ticketing_seating_seatless_items or ""
    return {int(v) for v in raw.split(",") if v.strip().isdigit()}


def needs_seat(event: Event, item, seatless: set[int] | None = None) -> bool:
    """A passenger place (pretix's admission flag) needs a seat on a seated sailing unless the operator exempts it."""
    return bool(item.admission) and item.pk not in (seatless_item_ids(event) if seatless is None else seatless)


def check_passengers_seated(event: Event, positions) -> None:
    """
    On a date with a seat map every passenger sits somewhere: a passenger product without a seat (e.g. a child
    ticket that is no seat category's product) is refused, so nobody boards a full ship without a place.
    """
    unseated = [p for p in positions if not p.seat_id and not p.addon_to_id]
    if not unseated:
        return
    dates = {p.subevent_id for p in unseated}
    if event.has_subevents:
        loaded = [p.subevent for p in unseated if type(p).subevent.is_cached(p)]
        if len(loaded) == len(unseated):  # pretix's cart and order positions come with their date: no query
            seated_dates = {d.pk for d in loaded if d is not None and d.seating_plan_id}
        else:
            seated_dates = set(event.subevents.filter(pk__in=dates, seating_plan__isnull=False)
                               .values_list("pk", flat=True))
    else:
        seated_dates = {None} if event.seating_plan_id else set()
    seatless = seatless_item_ids(event)
    for p in unseated:
        if p.subevent_id in seated_dates and needs_seat(event, p.item, seatless):
            raise SeatingError(_("On this sailing every passenger needs a seat: please choose the seats on the seat "
                                 "map and, for each seat, the passenger type (adult, child, concession). "
                                 "\"{product}\" cannot be booked without a seat.").format(product=p.item.name))


def check_positions(event: Event, positions) -> None:
    """Check the seats of a cart (CartPositions); raise ``SeatingError`` with the first rule broken."""
    check_passengers_seated(event, positions)
    seated = [p for p in positions if p.seat_id]
    if not seated:
        return  # no seat: none too many, no gap (general admission asks no setting here)
    check_count(event, len(seated))
    if not event.settings.ticketing_seating_no_single_gap:
        return
    by_date = defaultdict(set)
    for p in seated:
        by_date[p.subevent_id].add(p.seat.seat_guid)
    for subevent_id, guids in by_date.items():
        subevent = event.subevents.get(pk=subevent_id) if subevent_id else None
        check_no_single_gap(event, subevent, guids)


def check_count(event: Event, count: int) -> None:
    limit = event.settings.ticketing_seating_max_seats
    if limit and count > limit:
        raise SeatingError(ngettext("You can book at most {max} seat in one order.",
                                    "You can book at most {max} seats in one order.", limit).format(max=limit))


def check_no_single_gap(event: Event, subevent, mine: set[str]) -> None:
    lonely = single_gaps(event, subevent, mine)
    if lonely:
        raise SeatingError(_("Please do not leave a single empty seat between taken seats: {seat} would stay "
                             "empty alone. Take it too, or choose other seats.").format(seat=describe(lonely[0])))


def single_gaps(event: Event, subevent, mine: set[str]) -> list[Seat]:
    """Free seats that ``mine`` would leave alone between two taken seats of a row (one of them ours)."""
    if not mine:
        return []
    date = subevent or event
    qs = Seat.annotated(date.seats.all(), event.pk, subevent).only(
        "pk", "seat_guid", "zone_name", "row_name", "row_label", "seat_number", "seat_label", "x", "y", "blocked",
        "product_id", "event_id", "subevent_id", "sorting_rank")
    rows = defaultdict(list)
    for s in qs:
        s.taken = s.has_order or s.has_cart or s.has_voucher or s.blocked or s.product_id is None
        s.mine = s.seat_guid in mine
        rows[(s.zone_name, s.row_name)].append(s)
    mine_rows = {k for k, seats in rows.items() if any(s.mine for s in seats)}
    lonely = []
    for key in mine_rows:
        seats = sorted(rows[key], key=lambda s: (s.x or 0, s.y or 0))
        gaps = [_dist(a, b) for a, b in zip(seats, seats[1:], strict=False)]
        positive = [g for g in gaps if g > 0]
        if not positive:
            continue
        near = min(positive) * NEIGHBOUR_FACTOR
        for i in range(1, len(seats) - 1):
            s = seats[i]
            if s.taken or s.mine or gaps[i - 1] > near or gaps[i] > near:
                continue
            left, right = seats[i - 1], seats[i + 1]
            if (left.taken or left.mine) and (right.taken or right.mine) and (left.mine or right.mine):
                lonely.append(s)
    return sorted(lonely, key=lambda s: s.sorting_rank)


def _dist(a: Seat, b: Seat) -> float:
    return (((a.x or 0) - (b.x or 0)) ** 2 + ((a.y or 0) - (b.y or 0)) ** 2) ** 0.5
