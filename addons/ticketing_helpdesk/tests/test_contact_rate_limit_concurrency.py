"""The contact form's rate limit holds when many requests arrive at the same time (PostgreSQL row lock)."""
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from ..cases import customer
from ..models import SupportCase
from .test_customer import FORM, contact

pytestmark = pytest.mark.django_db(transaction=True)
PARALLEL = 10


@pytest.mark.parametrize("same", ["address", "email"])
def test_parallel_submissions_beyond_the_limit_are_refused(organizer, monkeypatch, same):
    real_open_case = customer.open_case

    def slow_open_case(*args, **kwargs):
        time.sleep(0.2)  # every request has counted before the first one stores its case, unless they queue
        return real_open_case(*args, **kwargs)

    monkeypatch.setattr(customer, "open_case", slow_open_case)
    barrier, statuses, errors = threading.Barrier(PARALLEL), [], []

    def worker(i):
        try:
            form = {**FORM, "email": "anna@example.org" if same == "email" else f"u{i}@example.org"}
            address = "10.0.0.7" if same == "address" else f"10.0.1.{i}"
            client = Client()
            barrier.wait(timeout=10)
            statuses.append(client.post(contact(organizer), form, REMOTE_ADDR=address).status_code)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # accepted requests are redirected, refused ones see the form again with the message
    assert sorted(statuses) == [200] * (PARALLEL - customer.RATE_LIMIT) + [302] * customer.RATE_LIMIT
    assert SupportCase.objects.filter(organizer=organizer).count() == customer.RATE_LIMIT
