"""Server-side seat rules: most seats per order, no single empty seat left alone (setting, default on)."""
import uuid
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import CartPosition
from pretix.base.services.cart import CartError
from pretix.base.services.orders import OrderError

from ticketing_seating.services import rules
from ticketing_seating.services.errors import SeatingError
from ticketing_seating.signals import cart_rules, order_rules


def _cart(event, subevent, guids, cart_id=None):
    cart_id = cart_id or uuid.uuid4().hex
    for g in guids:
        seat = subevent.seats.get(seat_guid=g)
        CartPosition.objects.create(event=event, subevent=subevent, item=seat.product, seat=seat, price=1,
                                    cart_id=cart_id, expires=now() + timedelta(minutes=30))
    return CartPosition.objects.filter(cart_id=cart_id)


def test_single_gap_between_own_and_taken_seat_is_refused(seated):
    _v, event, sailing, _p = seated
    se = sailing.subevent
    _cart(event, se, ["d1-r2-s1"])                       # someone else holds seat 1
    mine = _cart(event, se, ["d1-r2-s3"])                # seat 2 would stay alone
    with pytest.raises(SeatingError) as exc:
        rules.check_positions(event, list(mine))
    assert ", 2" in str(exc.value) or "2" in str(exc.value)
    with pytest.raises(CartError):
        cart_rules(event, positions=list(mine))
    with pytest.raises(OrderError):
        order_rules(event, positions=mine)


def test_adjacent_choice_and_aisle_are_fine(seated):
    _v, event, sailing, _p = seated
    se = sailing.subevent
    _cart(event, se, ["d1-r2-s1"])
    rules.check_positions(event, list(_cart(event, se, ["d1-r2-s2"])))
    # seat 4 lies across the aisle after seat 3: seats 3 and 5 are not neighbours of one another
    _cart(event, se, ["d1-r2-s5"])
    rules.check_positions(event, list(_cart(event, se, ["d1-r2-s3"])))


def test_single_gap_rule_can_be_switched_off(seated):
    _v, event, sailing, _p = seated
    event.settings.ticketing_seating_no_single_gap = False
    _cart(event, sailing.subevent, ["d1-r2-s1"])
    rules.check_positions(event, list(_cart(event, sailing.subevent, ["d1-r2-s3"])))


def test_more_seats_than_allowed_are_refused(seated):
    _v, event, sailing, _p = seated
    event.settings.ticketing_seating_max_seats = 2
    mine = _cart(event, sailing.subevent, ["d1-r2-s1", "d1-r2-s2", "d1-r2-s3"])
    with pytest.raises(SeatingError) as exc:
        rules.check_positions(event, list(mine))
    assert "2" in str(exc.value)

