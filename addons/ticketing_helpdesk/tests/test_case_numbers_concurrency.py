"""Case numbers stay unique when many requests open cases at the same time (PostgreSQL row lock)."""
import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from ..models import SupportCase
from .cases_fixtures import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_requests_get_distinct_consecutive_numbers(organizer):
    errors, barrier = [], threading.Barrier(8)

    def worker(i):
        try:
            barrier.wait(timeout=10)
            with scopes_disabled():  # each thread is a request of its own
                make_case(organizer, subject=f"Параллельно {i}")
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(SupportCase.objects.filter(organizer=organizer).values_list("number", flat=True)) == list(
        range(1, 9))
