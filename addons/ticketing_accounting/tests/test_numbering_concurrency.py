"""Document numbers stay gap-free and unique when many documents are issued at once (PostgreSQL row lock on the
counter, the first document of a year included)."""
import threading

import pytest
from django.db import connection, transaction
from django_scopes import scopes_disabled

from ticketing_core.testing import factories

from ..documents.numbering import next_number


@pytest.mark.django_db(transaction=True)
def test_parallel_documents_get_distinct_consecutive_numbers():
    organizer = factories.make_organizer(slug="numbers")
    numbers, errors, barrier = [], [], threading.Barrier(8)

    def worker():
        try:
            barrier.wait(timeout=10)
            with scopes_disabled(), transaction.atomic():
                numbers.append(next_number(organizer, "invoice", 2026))
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 9))


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_again():
    organizer = factories.make_organizer(slug="rollback")
    with transaction.atomic():
        assert next_number(organizer, "act", 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(organizer, "act", 2026) == 2
        raise RuntimeError("the PDF could not be stored")
    with transaction.atomic():
        assert next_number(organizer, "act", 2026) == 2
