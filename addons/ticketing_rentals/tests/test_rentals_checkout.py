"""
A charter through pretix's cart and checkout: the hold lives with the cart, becomes the order's charter in the
order's own transaction, and nothing the browser sends (a product without a hold, another price) gets through.
"""
import json
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now
from django.utils.translation import override
from freezegun import freeze_time

from pretix.base.models import CartPosition, Order
from pretix.base.reldate import RelativeDateWrapper
from pretix.base.services.cart import CartError, CartManager
from pretix.base.services.orders import OrderError, expire_orders, perform_order

from ticketing_core.policy.rules import check_refund, policy_issues
from ticketing_core.testing.factories import MSK

from .. import cart as rental_cart
from .. import services
from ..cart import Extra
from ..models import VesselOccupancy

MANUAL = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False,
           "info_data": {}}]


def at(day, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=MSK)


def web(event):
    return event.organizer.sales_channels.get(identifier="web")


def book(offer, yacht, start, minutes=120, guests=6, extras=(), cart_id=None):
    cart_id = cart_id or f"cart-{uuid.uuid4().hex}"
    occ = rental_cart.book(offer, yacht, start, minutes, guests, list(extras), cart_id, web(offer.event))
    return cart_id, occ


def place(event, cart_id, email="guest@example.org"):
    positions = [str(p.pk) for p in CartPosition.objects.filter(event=event, cart_id=cart_id)]
    code = perform_order(event.pk, MANUAL, positions, email=email, locale="ru", cart_id=cart_id)
    return Order.objects.get(event=event, code=code) if isinstance(code, str) else Order.objects.get(
        event=event, email=email)


@pytest.fixture
def buffet(charter):
    return charter.items.get(free_price=False)


@pytest.mark.django_db
def test_booking_puts_the_priced_charter_and_extras_into_the_cart_and_holds_the_vessel(offer, yacht, mon, buffet):
    cart_id, occ = book(offer, yacht, at(mon, 17), extras=[Extra(buffet, 6)])
    positions = {p.item_id: p for p in CartPosition.objects.filter(cart_id=cart_id)}
    charter_pos = positions[offer.item_id]
    # 17:00–18:00 at 5 000 ₽ and 18:00–19:00 at 7 000 ₽ (the evening rate)
    assert charter_pos.price == Decimal("12000.00")
    assert CartPosition.objects.filter(cart_id=cart_id, item=buffet).count() == 6
    assert occ.cart_position_id == charter_pos.pk and occ.kind == VesselOccupancy.KIND_HOLD and occ.guests == 6
    assert rental_cart.hold_of(charter_pos) == occ.pk
    # the time is no longer offered to anybody else
    assert at(mon, 17) not in services.free_slots(offer, yacht, mon, 60)


@pytest.mark.django_db
def test_placing_the_order_turns_the_hold_into_the_orders_charter(offer, yacht, mon, buffet):
    cart_id, occ = book(offer, yacht, at(mon, 12), minutes=180, extras=[Extra(buffet, 2)])
    order = place(offer.event, cart_id)
    occ.refresh_from_db()
    assert occ.kind == VesselOccupancy.KIND_RENTAL and occ.expires is None and occ.cart_position_id is None
    assert occ.order_position.order == order
    assert order.total == Decimal("15000.00") + 2 * Decimal("2500.00")
    assert rental_cart.charter_of(order) == occ
    assert not CartPosition.objects.filter(cart_id=cart_id).exists()


@pytest.mark.django_db
def test_second_charter_in_the_same_cart_is_refused(offer, yacht, mon):
    cart_id, _occ = book(offer, yacht, at(mon, 12))
    with override("ru"), pytest.raises(services.RentalError, match="В вашей корзине уже есть аренда"):
        book(offer, yacht, at(mon, 16), cart_id=cart_id)


@pytest.mark.django_db
def test_removing_the_charter_from_the_cart_frees_the_vessel(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    cm = CartManager(event=offer.event, cart_id=cart_id, sales_channel=web(offer.event))
    cm.remove_item(occ.cart_position_id)
    cm.commit()
    assert not VesselOccupancy.objects.filter(pk=occ.pk).exists()
    assert at(mon, 12) in services.free_slots(offer, yacht, mon, 120)


@pytest.mark.django_db
def test_hold_lives_as_long_as_pretix_extends_the_cart(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    later = occ.expires + timedelta(minutes=10)
    # pretix extends the cart's reservation with a bulk update (no signal): the hold follows the cart position
    CartPosition.objects.filter(cart_id=cart_id).update(expires=later + timedelta(minutes=30))
    with freeze_time(later):
        assert at(mon, 12) not in services.free_slots(offer, yacht, mon, 120, at=later)
        assert services.release_expired(at=later) == 0
    with freeze_time(later + timedelta(hours=1)):
        assert at(mon, 12) in services.free_slots(offer, yacht, mon, 120, at=later + timedelta(hours=1))


@pytest.mark.django_db
def test_a_charter_product_added_without_the_form_cannot_be_ordered(offer, yacht, mon):
    cart_id = "crafted"
    cm = CartManager(event=offer.event, cart_id=cart_id, sales_channel=web(offer.event))
    cm.add_new_items([{"item": offer.item_id, "variation": None, "count": 1, "price": "1.00", "voucher": None,
                       "subevent": None}])
    cm.commit()
    with pytest.raises(OrderError, match="только через форму аренды"):  # in the buyer's language
        place(offer.event, cart_id)
    assert not Order.objects.filter(event=offer.event).exists()


@pytest.mark.django_db
def test_a_changed_price_cannot_be_ordered(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    CartPosition.objects.filter(pk=occ.cart_position_id).update(custom_price_input=Decimal("1.00"),
                                                                  price=Decimal("1.00"))
    with pytest.raises(OrderError, match="Цена вашей аренды изменилась"):
        place(offer.event, cart_id)


@pytest.mark.django_db
def test_checkout_start_refuses_a_hold_whose_time_was_taken_after_it_lapsed(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    later = now() + timedelta(hours=2)
    with freeze_time(later):
        # the cart ran out, someone else booked the same time
        _other, _occ2 = book(offer, yacht, at(mon, 12))
        from pretix.base.signals import validate_cart

        with override("ru"), pytest.raises(CartError, match="забронировал другой клиент"):
            validate_cart.send(offer.event, positions=list(CartPosition.objects.filter(cart_id=cart_id)))


@pytest.mark.django_db
def test_a_lapsed_hold_comes_back_when_the_time_is_still_free(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    later = now() + timedelta(hours=2)
    with freeze_time(later):
        services.release_expired(at=later)
        occ.refresh_from_db()
        assert occ.released_at is not None
        order = place(offer.event, cart_id)
    occ.refresh_from_db()
    assert occ.kind == VesselOccupancy.KIND_RENTAL and occ.released_at is None and occ.order_position.order == order


@pytest.mark.django_db
def test_refund_deadline_of_a_charter_is_24_hours_before_it_starts(offer, yacht, mon):
    start = at(mon, 12)
    cart_id, _occ = book(offer, yacht, start)
    order = place(offer.event, cart_id)
    deadline = start - timedelta(hours=24)
    assert check_refund(order, at=deadline).allowed
    assert not check_refund(order, at=deadline + timedelta(seconds=1)).allowed
    # pretix's own deadline would count from the event's date, not the charter: it is left to our policy
    pretix_deadline = offer.event.settings.get("cancel_allow_user_paid_until", as_type=RelativeDateWrapper)
    assert pretix_deadline.datetime(offer.event).year == 2999
    assert policy_issues(offer.event) == []


@pytest.mark.django_db
def test_expired_order_frees_the_vessel_and_late_payment_takes_it_back_if_free(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    order = place(offer.event, cart_id)
    Order.objects.filter(pk=order.pk).update(expires=now() - timedelta(minutes=1))
    expire_orders(None)
    order.refresh_from_db()
    assert order.status == Order.STATUS_EXPIRED
    assert at(mon, 12) in services.free_slots(offer, yacht, mon, 120)
    payment = order.payments.first()
    payment.confirm(force=True)
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    assert at(mon, 12) not in services.free_slots(offer, yacht, mon, 120)


@pytest.mark.django_db
def test_late_payment_after_someone_else_booked_the_time_is_flagged_for_staff(offer, yacht, mon):
    cart_id, occ = book(offer, yacht, at(mon, 12))
    order = place(offer.event, cart_id)
    Order.objects.filter(pk=order.pk).update(expires=now() - timedelta(minutes=1))
    expire_orders(None)
    other_cart, _ = book(offer, yacht, at(mon, 12))
    place(offer.event, other_cart, email="other@example.org")
    order.payments.first().confirm(force=True)
    entry = order.all_logentries().filter(action_type="ticketing_core.rental.lost").first()
    assert entry is not None and json.loads(entry.data)["vessel"] == yacht.pk
