"""Two uploads of the same statement at the same moment confirm each payment once (PostgreSQL, real threads)."""
import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from pretix.base.models import Order, OrderPayment

from ..bankimport import services
from ..bankimport.models import BankPayment
from .conftest import pending_order
from .statements import document, statement

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_imports_at_once_confirm_each_payment_once(organizer, bank_event, sailing):
    items = list(bank_event.items.order_by("pk"))
    orders = [pending_order(bank_event, sailing.subevent, [items[0], items[1]], email=f"g{i}@example.org")
              for i in range(2)]
    raw = statement(*[document(str(100 + i), o.total, f"Заказ {o.code}") for i, o in enumerate(orders)])
    results, errors, barrier = [], [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():
                results.append(services.import_statement(organizer, raw, "same.txt").counts)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(r["matched"] for r in results) == [0, 2]
    assert sorted(r["duplicate"] for r in results) == [0, 2]
    for o in orders:
        o.refresh_from_db()
        assert o.status == Order.STATUS_PAID
        assert o.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).count() == 1
    assert BankPayment.objects.filter(organizer=organizer).count() == 2
