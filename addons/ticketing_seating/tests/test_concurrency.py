"""No seat is ever sold twice: real threads, their own PostgreSQL connections, pretix's seat locking."""
import random
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import connection, connections
from django.utils.timezone import now
from django.utils.translation import override
from django_scopes import scopes_disabled

from pretix.base.models import Order, OrderPosition
from pretix.base.services.cart import CartError, add_items_to_cart, error_messages
from pretix.base.services.orders import OrderError, perform_order

from ticketing_core.testing import factories
from ticketing_seating.services import assign
from ticketing_seating.services import picker as picker_service
from ticketing_seating.testing import make_seated

BUYERS = 20
PAYMENT = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False, "info_data": {}}]


def _retrying(task, *args, **kwargs):
    """
    Run a pretix task as its Celery worker would: on a lock timeout pretix asks Celery to retry (eagerly run
    tasks raise ``Retry`` instead), so the attempt is repeated a few times like the worker does.
    """
    for _attempt in range(6):
        try:
            return task(*args, **kwargs)
        except Retry:
            time.sleep(0.5)
    raise CartError(error_messages["busy"])


def _buy(event, subevent, seat, n: int) -> None:
    cart_id = f"cart-{uuid.uuid4().hex}"
    _retrying(add_items_to_cart, event.pk, [{"item": seat.product_id, "variation": None, "count": 1,
                                             "seat": seat.seat_guid, "subevent": subevent.pk}], cart_id, "ru")
    positions = [str(p.pk) for p in event.cartposition_set.filter(cart_id=cart_id)]
    if not positions:
        raise CartError(error_messages["seat_unavailable"])
    _retrying(perform_order, event.pk, PAYMENT, positions, email=f"buyer{n}@example.org", locale="ru",
              cart_id=cart_id)


def _run(threads):
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)


@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_same_seat_exactly_one_gets_it():
    assert connection.vendor == "postgresql", "the proof needs PostgreSQL's locks"
    organizer = factories.make_organizer()
    vessel, event, pier, _products = make_seated(organizer)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    se = sailing.subevent
    seat = se.seats.get(seat_guid="d1-r1-s3")
    start = threading.Barrier(BUYERS)
    results, lock = [], threading.Lock()

    def buyer(n: int):
        outcome = None
        try:
            with scopes_disabled(), override("ru"):
                start.wait(timeout=60)
                try:
                    _buy(event, se, seat, n)
                    outcome = ("sold", "")
                except (CartError, OrderError) as e:
                    outcome = ("refused", str(e))
        finally:
            with lock:
                results.append(outcome)
            connections.close_all()

    _run([threading.Thread(target=buyer, args=(i,)) for i in range(BUYERS)])
    assert len(results) == BUYERS
    sold = [r for r in results if r and r[0] == "sold"]
    refused = [r for r in results if r and r[0] == "refused"]
    assert len(sold) == 1 and len(refused) == BUYERS - 1
    with override("ru"):
        taken = str(error_messages["seat_unavailable"])
    assert all(message == taken for _, message in refused), {m for _, m in refused}
    assert OrderPosition.objects.filter(seat=seat, order__status__in=(Order.STATUS_PENDING,
                                                                      Order.STATUS_PAID)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_different_seats_until_full_sell_exactly_the_sellable_seats():
    """
    Buyers keep grabbing random free seats (often the same one at the same moment) until none is left.
    The single-empty-seat rule is off here: with random choices it would rightly refuse some seats forever.
    """
    assert connection.vendor == "postgresql"
    organizer = factories.make_organizer()
    vessel, event, pier, _products = make_seated(organizer, rows=3, seats=6, decks=2, crew_guids=("d2-r3-s6",))
    event.settings.ticketing_seating_no_single_gap = False
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    se = sailing.subevent
    se.seats.filter(seat_guid="d1-r3-s1").update(blocked=True)
    sellable = assign.sellable_seat_count(event, se)
    assert sellable == 34
    start = threading.Barrier(BUYERS)
    errors, lock = [], threading.Lock()

    def buyer(n: int):
        try:
            with scopes_disabled():
                start.wait(timeout=60)
                rnd = random.Random(n)
                for _attempt in range(200):
                    free = [g for g, s in picker_service.availability(event, se)["seats"].items()
                            if s == picker_service.FREE]
                    if not free:
                        return
                    seat = se.seats.get(seat_guid=rnd.choice(free[:4]))  # crowd on the first free seats
                    try:
                        _buy(event, se, seat, n)
                    except (CartError, OrderError):
                        continue
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(repr(e))
        finally:
            connections.close_all()

    _run([threading.Thread(target=buyer, args=(i,)) for i in range(BUYERS)])
    assert errors == []
    sold = OrderPosition.objects.filter(subevent=se, order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID))
    seats = Counter(sold.values_list("seat_id", flat=True))
    assert sum(seats.values()) == sellable
    assert max(seats.values()) == 1 and None not in seats
    assert not sold.filter(seat__blocked=True).exists() and not sold.filter(seat__product__isnull=True).exists()
