"""The demo operator's support cases: SLA targets, calendar, holidays and three cases; a second run adds nothing."""
import pytest

from ticketing_core.demo import ADMIN_EMAIL
from ticketing_core.testing import factories

from ..demo_cases import load_cases_demo
from ..models import BusinessHours, SlaPolicy, SupportCase

pytestmark = pytest.mark.django_db


class Tally:
    def __init__(self):
        self.created = {}

    def add(self, what, created=True):
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def test_demo_cases_are_complete_and_idempotent(organizer):
    factories.make_admin(organizer, email=ADMIN_EMAIL)
    first = Tally()
    load_cases_demo(organizer, first)
    assert first.created["support case"] == 3 and first.created["SLA target"] == 5
    assert BusinessHours.objects.filter(organizer=organizer).count() == 6
    statuses = dict(SupportCase.objects.values_list("subject", "status"))
    assert sorted(statuses.values()) == ["new", "resolved", "waiting"]
    again = Tally()
    load_cases_demo(organizer, again)
    assert again.created == {} and SupportCase.objects.count() == 3 and SlaPolicy.objects.count() == 5
