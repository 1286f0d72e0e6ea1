"""
A charter in pretix's cart and order: the vessel's time is held while the cart is valid and becomes the
order's charter in the same transaction that creates the order.

The charter is one cart position of the offer's product (a product with a free price whose floor is 0),
priced by :func:`services.price` and carrying the id of its hold in ``meta_info``; extras are ordinary
products added by pretix's cart manager with their quotas. Nothing the browser sends decides the price or
the period: every path that could carry a charter position into an order (checkout start, order
confirmation, the conversion of cart positions into order positions) checks it against its hold.

The hold points at its cart position: removing the position from the cart (or pretix deleting it after
it expired) deletes the hold with it; while the position is in the cart the hold lives as long as the
position's reservation (``occupancy.lapsed_q``).
"""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import CartPosition, Event, Item, OrderPosition
from pretix.base.services.cart import CartError, CartManager
from pretix.base.services.locking import LockTimeoutException

from ticketing_core.fleet.schedule import turnaround
from ticketing_core.models import Vessel

from . import holdlimits, services
from .errors import RentalError, SlotTaken
from .models import RentalOffer, VesselOccupancy
from .occupancy import prepare_vessel

META_KEY = "ticketing_rental"


@dataclass(frozen=True)
class Extra:
    """An extra (catering, photographer, decorations) the customer asked for, with its quantity."""

    item: Item
    count: int


OFFER_ID_KEY = "ticketing_rentals_offer_id"  # in pretix's event cache; 0 = the event has no charter offer
OFFER_ID_TIMEOUT = 3600


def offer_id_of(event: Event) -> int | None:
    """
    The id of the event's rental offer, or None. Every cart and checkout step of every event asks (validate_cart,
    the order page, the departure hooks), and nearly all events are excursions without one, so the answer lives
    in pretix's event cache, which ``signals.forget_offer_id`` clears when an offer is saved or deleted (and pretix
    when the event changes). Without a real cache this is one small query, as before.
    """
    if not event.pk:
        return None
    if "_ticketing_rental_offer_id" not in event.__dict__:  # asked several times per request: once per object
        event.__dict__["_ticketing_rental_offer_id"] = event.cache.get_or_set(
            OFFER_ID_KEY, lambda: RentalOffer.objects.filter(event=event).values_list("pk", flat=True).first() or 0,
            OFFER_ID_TIMEOUT)
    return event.__dict__["_ticketing_rental_offer_id"] or None


def offer_of(event: Event) -> RentalOffer | None:
    """The event's rental offer with its product, or None for any other event (no query then, cached per event)."""
    cache = event.__dict__.setdefault("_ticketing_rental_offer", {})
    if "offer" not in cache:
        offer_id = offer_id_of(event)
        cache["offer"] = (RentalOffer.objects.filter(pk=offer_id, event=event).select_related("item", "pier", "event")
                          .first() if offer_id else None)
    return cache["offer"]


def extras_of(offer: RentalOffer) -> list[Item]:
    """The products a charter can be booked with: the event's active products other than the charter time."""
    return list(offer.event.items.filter(active=True, admission=False).exclude(pk=offer.item_id)
                .select_related("tax_rule", "category").order_by("category__position", "position", "id"))


def hold_of(position) -> int | None:
    """The hold id a cart or order position carries, if it is a charter."""
    try:
        data = json.loads(position.meta_info or "{}")
    except ValueError:
        return None
    value = (data.get(META_KEY) or {}).get("hold") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def _set_hold(position: CartPosition, occupancy: VesselOccupancy) -> None:
    try:
        data = json.loads(position.meta_info or "{}")
    except ValueError:
        data = {}
    data[META_KEY] = {"hold": occupancy.pk}
    position.meta_info = json.dumps(data)
    position.save(update_fields=["meta_info"])


def cart_hold(offer: RentalOffer, cart_id: str, at: datetime | None = None) -> VesselOccupancy | None:
    """The live hold of this cart on this offer, if the customer already put a charter into it."""
    from .occupancy import active_q

    return (VesselOccupancy.objects.filter(active_q(at or now()), offer=offer, token=cart_id,
                                           kind=VesselOccupancy.KIND_HOLD)
            .select_related("vessel", "cart_position").first())


def book(offer: RentalOffer, vessel: Vessel, start: datetime, minutes: int, guests: int, extras: list[Extra],
         cart_id: str, sales_channel, invoice_address=None, client: str = "") -> VesselOccupancy:
    """
    Put a charter (and its extras) into the cart ``cart_id``: hold the vessel first, so the slower cart
    operations never decide who gets the time, then add the positions through pretix's cart manager. If
    pretix refuses (an extra sold out, the cart is full), the hold is given back.

    ``client`` (:func:`holdlimits.client_key`) bounds how much one caller may hold; the hold and its cart
    positions live :func:`holdlimits.hold_lifetime`, so an abandoned checkout frees the vessel soon.
    """
    item = offer.item
    if item is None or not item.active:
        raise RentalError(_("This charter cannot be booked at the moment."))
    if cart_hold(offer, cart_id) is not None:
        raise RentalError(_("Your cart already holds a charter. Complete its order or remove it from the cart "
                            "before booking another time."))
    total = services.price(offer, vessel, start, minutes).total
    reservation = holdlimits.hold_lifetime(offer.event)
    expires = now() + reservation
    with transaction.atomic():
        holdlimits.lock_client(offer, client)
        holdlimits.check_bounds(offer, client, vessel, start, minutes)
        occupancy = services.hold(offer, vessel, start, minutes, token=cart_id, expires=expires, guests=guests,
                                  client=client)
    before = set(CartPosition.objects.filter(event=offer.event, cart_id=cart_id).values_list("pk", flat=True))
    items = [{"item": item.pk, "variation": None, "count": 1, "price": f"{total:.2f}", "voucher": None,
              "subevent": None}]
    items += [{"item": e.item.pk, "variation": None, "count": e.count, "voucher": None, "subevent": None}
              for e in extras if e.count > 0]
    try:
        cm = CartManager(event=offer.event, cart_id=cart_id, sales_channel=sales_channel,
                         invoice_address=invoice_address, reservation_time=reservation)
        cm.add_new_items(items)
        cm.commit()
    except (CartError, LockTimeoutException) as e:
        VesselOccupancy.objects.filter(pk=occupancy.pk).delete()
        raise RentalError(str(e) if isinstance(e, CartError) else _(
            "Many people are booking right now. Please try again in a moment.")) from None
    position = (CartPosition.objects.filter(event=offer.event, cart_id=cart_id, item=item)
                .exclude(pk__in=before).order_by("-pk").first())
    if position is None:  # pretix accepted the request but added nothing: give the time back
        VesselOccupancy.objects.filter(pk=occupancy.pk).delete()
        raise RentalError(_("This charter cannot be booked at the moment."))
    with transaction.atomic():
        _set_hold(position, occupancy)
        occupancy.cart_position = position
        occupancy.expires = max(occupancy.expires, position.expires)
        occupancy.save(update_fields=["cart_position", "expires"])
    return occupancy


def _reactivate(occupancy: VesselOccupancy, at: datetime, **fields) -> bool:
    """
    Make a released row block its vessel again (with ``fields`` updated), if nobody took the time meanwhile:
    the exclusion constraint decides. Returns False when the vessel is taken.
    """
    buffer = turnaround(occupancy.vessel.organizer)
    try:
        with transaction.atomic():
            prepare_vessel(occupancy.vessel, buffer, at)
            VesselOccupancy.objects.filter(pk=occupancy.pk).update(
                released_at=None, blocked_until=occupancy.ends_at + buffer, **fields)
    except IntegrityError:
        return False
    return True


def _renew(occupancy: VesselOccupancy, position: CartPosition, at: datetime) -> None:
    """
    A hold whose time ran out (its cart expired and the time was released) comes back when pretix lets the
    customer continue with the cart: only if nobody took the vessel meanwhile, which the database decides.
    """
    if not _reactivate(occupancy, at, expires=max(position.expires, at + timedelta(minutes=5))):
        raise SlotTaken(_("The reservation of your charter time has expired and the vessel has been booked "
                          "by someone else meanwhile. Please remove the charter from your cart and choose "
                          "another time."))


def check_positions(event: Event, positions, at: datetime | None = None) -> list[tuple[object, VesselOccupancy]]:
    """
    Every charter position of the cart must be one our booking form made: its hold exists for this cart,
    its price is the price of the held period, and the vessel is still held for it (renewed if its
    reservation lapsed and the time is still free). Returns ``(position, hold)`` pairs; raises RentalError.
    """
    offer = offer_of(event)
    if offer is None or offer.item_id is None:
        return []
    at = at or now()
    pairs = []
    for position in positions:
        if position.item_id != offer.item_id:
            continue
        hold_id = hold_of(position)
        occupancy = (VesselOccupancy.objects.select_related("vessel__organizer").filter(
            pk=hold_id, offer=offer, token=position.cart_id).first() if hold_id else None)
        if occupancy is None or occupancy.kind != VesselOccupancy.KIND_HOLD:
            raise RentalError(_("A charter can only be booked through the charter form with a vessel, date and "
                                "time. Please remove it from your cart and book it again."))
        minutes = int(occupancy.duration.total_seconds() // 60)
        expected = services.price(offer, occupancy.vessel, occupancy.starts_at, minutes).total
        if position.custom_price_input is None or Decimal(position.custom_price_input) != expected:
            raise RentalError(_("The price of your charter has changed. Please remove it from your cart and book "
                                "it again."))
        if occupancy.released_at is not None or (occupancy.expires <= at and position.expires <= at):
            _renew(occupancy, position, at)
        pairs.append((position, occupancy))
    if len(pairs) > 1:
        raise RentalError(_("An order can contain one charter. Please book further charters in separate orders."))
    return pairs


def confirm_position(position: OrderPosition) -> VesselOccupancy | None:
    """
    An order position was created from a charter's cart position: its hold becomes the order's charter, in
    the transaction that creates the order (before pretix deletes the cart position the hold points at).
    """
    hold_id = hold_of(position)
    if hold_id is None:
        return None
    occupancy = VesselOccupancy.objects.filter(pk=hold_id).first()
    if occupancy is not None and occupancy.kind == VesselOccupancy.KIND_RENTAL:
        # a copy of an order's position (pretix splitting an order): the charter stays where it is
        return occupancy if occupancy.order_position_id == position.pk else None
    if occupancy is None:
        raise SlotTaken(_("The reservation of this time has expired. Please choose the time again."))
    if occupancy.kind == VesselOccupancy.KIND_HOLD and occupancy.released_at is not None:
        if occupancy.cart_position_id is None:
            raise SlotTaken(_("The reservation of this time has expired. Please choose the time again."))
        _renew(occupancy, occupancy.cart_position, now())
        occupancy.refresh_from_db()
    return services.confirm(occupancy, position)


def charter_of(order) -> VesselOccupancy | None:
    """The charter of an order (also a released one, for cancelled orders), with vessel and offer."""
    return (VesselOccupancy.objects.filter(order_position__order=order, kind=VesselOccupancy.KIND_RENTAL)
            .select_related("vessel", "offer__pier", "offer__event", "order_position").order_by("starts_at").first())


def charter_of_position(position) -> VesselOccupancy | None:
    """The charter (or, for a cart position, the hold) the charter time's position stands for."""
    if isinstance(position, CartPosition):
        rows = VesselOccupancy.objects.filter(cart_position=position, kind=VesselOccupancy.KIND_HOLD)
    else:
        rows = VesselOccupancy.objects.filter(order_position=position, kind=VesselOccupancy.KIND_RENTAL)
    return rows.order_by("starts_at").first()


def release_order(order, at: datetime | None = None) -> int:
    """The order was cancelled or expired: its charter frees the vessel (the row stays as history)."""
    return VesselOccupancy.objects.filter(order_position__order=order, kind=VesselOccupancy.KIND_RENTAL,
                                          released_at__isnull=True).update(released_at=at or now())


def restore_order(order, at: datetime | None = None) -> list[VesselOccupancy]:
    """
    An expired or cancelled order came back (paid late, reactivated by staff): its charter blocks the vessel
    again if the time is still free. Returns the charters that could not come back because the vessel was
    booked meanwhile; the caller tells staff.
    """
    at = at or now()
    lost = []
    for occupancy in VesselOccupancy.objects.filter(order_position__order=order, kind=VesselOccupancy.KIND_RENTAL,
                                                    released_at__isnull=False).select_related("vessel__organizer"):
        if not _reactivate(occupancy, at):
            lost.append(occupancy)
    return lost
