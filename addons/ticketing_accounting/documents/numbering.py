"""
Gap-free numbers per organizer, series and year. The counter row is locked (``SELECT … FOR UPDATE``) inside the
transaction that creates the document, so two documents issued at once wait for each other and the number of a
rolled-back document is given again: the series never has a hole.
"""
from django.db import IntegrityError, transaction

from pretix.base.models import Organizer

from .models import DocumentCounter


def next_number(organizer: Organizer, series: str, year: int) -> int:
    """The next number of the series; must run inside the transaction that saves the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that saves the document")
    try:
        with transaction.atomic():  # a savepoint: a concurrent first document of the year may win the insert
            DocumentCounter.objects.get_or_create(organizer=organizer, kind=series, year=year)
    except IntegrityError:
        pass
    counter = DocumentCounter.objects.select_for_update().get(organizer=organizer, kind=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
