"""The demo's month of figures: every register has lines, and the sample statement pays the school's order."""
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils.timezone import now

from pretix.base.models import Order

from ticketing_core.demo import DemoContext, _Tally

from ..bankimport import services
from ..demo import SCHOOL_CODE, loaders
from ..registers.registers import REGISTERS

SAMPLE = Path(__file__).resolve().parents[1] / "bankimport" / "samples" / "statement_demo.txt"


@pytest.mark.django_db
def test_the_demo_fills_every_register_and_the_sample_statement_pays_the_school(organizer, series, sailing):
    context = DemoContext(organizer=organizer, tally=_Tally(), events=[series])
    for loader in loaders():
        loader.load(context)
        loader.load(context)  # idempotent
    assert Order.objects.filter(event__organizer=organizer, code=SCHOOL_CODE).count() == 1
    tz = ZoneInfo(organizer.settings.timezone)
    today = now().astimezone(tz).date()
    start = today - timedelta(days=30)
    for key, register in REGISTERS.items():
        assert register.build(organizer, start, today, tz), key
    counts = services.import_statement(organizer, SAMPLE.read_bytes(), SAMPLE.name).counts
    assert counts["matched"] == 1 and counts["unmatched"] == 1
    assert Order.objects.get(code=SCHOOL_CODE).status == Order.STATUS_PAID
