"""No double booking of a yacht: real threads, real PostgreSQL connections, the exclusion constraint decides."""
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils.timezone import now
from django.utils.translation import override
from django_scopes import scopes_disabled

from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_rentals import services as rentals
from ticketing_rentals import testing as rental_testing
from ticketing_rentals.errors import SlotTaken
from ticketing_rentals.models import VesselOccupancy

GROUPS = 5      # separate stretches of the day; exactly one buyer can win each
PER_GROUP = 5   # buyers per stretch, every two of them overlapping (turnaround included)
DURATION = 60   # minutes
TURNAROUND = 30


def _requests(day) -> list[tuple[int, datetime]]:
    """
    (group, start) for every buyer. Group g starts at 10:00 + 150 minutes × g, its buyers at +0, 15, 30,
    45, 60 minutes for an hour each: within a group all overlap (60 < 60 + 30); the latest charter of a
    group plus its turnaround ends exactly where the next group begins, so groups never interfere.
    """
    base = datetime(day.year, day.month, day.day, 10, 0, tzinfo=MSK)
    return [(g, base + timedelta(minutes=150 * g + 15 * i)) for g in range(GROUPS) for i in range(PER_GROUP)]


def run_in_parallel(buyer, starts: list[datetime], timeout: int = 120) -> dict[int, tuple]:
    """
    ``buyer(n, start)`` in one thread per start, all released at the same instant, each with its own database
    connection; returns what each returned, or ``("error", repr)`` for anything it raised.
    """
    barrier = threading.Barrier(len(starts))
    results: dict[int, tuple] = {}
    lock = threading.Lock()

    def run(n: int, start: datetime) -> None:
        outcome = ("error", "no outcome")
        try:
            with scopes_disabled(), override("en"):
                barrier.wait(timeout=30)
                outcome = buyer(n, start)
        except Exception as e:  # noqa: BLE001 - any other outcome fails the calling test, with its text
            outcome = ("error", repr(e))
        finally:
            with lock:
                results[n] = outcome
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, start)) for n, start in enumerate(starts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app_check", [True, False], ids=["with-app-check", "database-only"])
def test_parallel_buyers_never_double_book_a_yacht(app_check, monkeypatch):
    """
    25 buyers with their own connections ask for overlapping hours on one yacht at the same instant.
    Exactly one per group wins; the others get the translated refusal. With the services' own check
    switched off ("database-only"), the exclusion constraint alone gives the same result.
    """
    assert connection.vendor == "postgresql", "the no-double-booking proof needs PostgreSQL's constraint"
    organizer = factories.make_organizer()
    organizer.settings.ticketing_turnaround_minutes = TURNAROUND
    yacht = factories.make_vessel(organizer, "Аврора", capacity=12, reg="ЯХТ-1")
    event = rental_testing.make_rental_event(organizer)
    offer = rental_testing.make_rental_offer(event, {yacht: 10}, step_minutes=15, rates=[
        ([0, 1, 2, 3, 4, 5, 6], "00:00", "00:00", "8000.00")])
    day = now().astimezone(MSK).date() + timedelta(days=14)
    requests = _requests(day)
    assert len(requests) >= 20
    if not app_check:
        monkeypatch.setattr(rentals, "overlapping", lambda *a, **kw: VesselOccupancy.objects.none())

    def buyer(n: int, start: datetime) -> tuple:
        try:
            occ = rentals.hold(offer, yacht, start, DURATION, f"cart-{n}", now() + timedelta(minutes=30))
            return ("held", occ.pk)
        except SlotTaken as e:
            return ("refused", str(e))

    results = run_in_parallel(buyer, [start for _, start in requests])
    assert len(results) == len(requests)
    errors = [r for r in results.values() if r[0] == "error"]
    assert not errors, errors
    winners = [n for n, r in results.items() if r[0] == "held"]
    # exactly one winner per group, whichever buyer of the group came first
    assert sorted(requests[n][0] for n in winners) == list(range(GROUPS))
    for r in results.values():
        if r[0] == "refused":
            assert "just taken" in r[1] or "being booked by another customer" in r[1], r[1]

    with scopes_disabled():
        rows = list(VesselOccupancy.objects.filter(vessel=yacht, released_at__isnull=True).order_by("starts_at"))
    assert sorted(r.token for r in rows) == sorted(f"cart-{n}" for n in winners)
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.blocked_until <= b.starts_at, (a, b)  # no overlap, turnaround included
        assert b.starts_at - a.ends_at >= timedelta(minutes=TURNAROUND)


@pytest.mark.django_db(transaction=True)
def test_parallel_buyers_through_cart_and_checkout_never_double_book_a_yacht():
    """
    The whole shop path under load: 20 buyers put overlapping charters into their carts through the charter
    form's service and place their orders at the same instant. One order per stretch of the day; every other
    buyer is refused before an order exists, and the charters of the orders never overlap.
    """
    from pretix.base.models import CartPosition, Order
    from pretix.base.services.orders import OrderError, perform_order

    from ticketing_rentals import cart as rental_cart

    assert connection.vendor == "postgresql", "the no-double-booking proof needs PostgreSQL's constraint"
    organizer = factories.make_organizer()
    organizer.settings.ticketing_turnaround_minutes = TURNAROUND
    yacht = factories.make_vessel(organizer, "Аврора", capacity=12, reg="ЯХТ-1")
    event = rental_testing.make_rental_event(organizer)
    offer = rental_testing.make_rental_offer(event, {yacht: 10}, step_minutes=15, rates=[
        ([0, 1, 2, 3, 4, 5, 6], "00:00", "00:00", "8000.00")])
    channel = organizer.sales_channels.get(identifier="web")
    day = now().astimezone(MSK).date() + timedelta(days=14)
    requests = _requests(day)[:20]
    def buyer(n: int, start: datetime) -> tuple:
        cart_id = f"shop-{n}"
        try:
            rental_cart.book(offer, yacht, start, DURATION, 4, [], cart_id, channel)
            positions = [str(p.pk) for p in CartPosition.objects.filter(cart_id=cart_id)]
            perform_order(event.pk, [{"provider": "manual", "max_value": None, "min_value": None,
                                      "multi_use_supported": False, "info_data": {}}],
                          positions, email=f"buyer{n}@example.org", locale="en", cart_id=cart_id)
            return ("ordered", cart_id)
        except (SlotTaken, OrderError) as e:
            return ("refused", str(e))

    results = run_in_parallel(buyer, [start for _, start in requests], timeout=180)
    assert len(results) == len(requests)
    assert not [r for r in results.values() if r[0] == "error"], results
    winners = [n for n, r in results.items() if r[0] == "ordered"]
    assert sorted(requests[n][0] for n in winners) == sorted({g for g, _ in requests})
    with scopes_disabled():
        assert Order.objects.filter(event=event).count() == len(winners)
        rows = list(VesselOccupancy.objects.filter(vessel=yacht, released_at__isnull=True).order_by("starts_at"))
    assert all(r.kind == VesselOccupancy.KIND_RENTAL and r.order_position_id for r in rows)
    assert len(rows) == len(winners)
    for a, b in zip(rows, rows[1:], strict=False):
        assert b.starts_at - a.ends_at >= timedelta(minutes=TURNAROUND), (a, b)
