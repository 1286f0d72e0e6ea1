"""
The dashboard's part of the demo: the last three weeks of the excursions, and the same weeks a year earlier (for the
booking pace), with orders, refunds, check-ins (a few no-shows on every sailing) and funnel days. Idempotent.
"""
import random
from datetime import datetime, timedelta

from django.utils.timezone import now

from ..demo import EVENTS, MSK, DemoContext, DemoLoader
from ..fleet.models import Sailing
from .season import Plan, generate

POSITION = 90  # after every addon's events and dates
DAYS = 21
EXCURSIONS = ("evening-canals", "bridges")


def load(context: DemoContext) -> None:
    today = now().astimezone(MSK).date()
    plans = []
    for event in context.events:
        spec = next((s for s in EVENTS if s["slug"] == event.slug and event.slug in EXCURSIONS), None)
        if spec is None or Sailing.objects.filter(event=event, subevent__date_from__lt=now() - timedelta(days=1),
                                                  subevent__date_from__gte=now() - timedelta(days=DAYS + 1)).exists():
            continue
        departures = [datetime.combine(today - timedelta(days=back), spec["times"][0], tzinfo=MSK)
                      for back in range(DAYS, 0, -1)]
        departures = [d for d in departures if d < now() - timedelta(hours=3)]
        vessel, pier = context.vessels[spec["vessel"]], context.piers[spec["departure"]]
        for shift in (timedelta(0), timedelta(days=364)):  # this season and the same weeks of the previous one
            plans.append(Plan(event=event, vessel=vessel, pier=pier, duration=spec["duration"],
                              departures=[d - shift for d in departures]))
    if not plans:
        return
    counts = generate(plans, random.Random(18))  # nosec B311  # demo data, not security
    for _i in range(counts["sailings"]):
        context.tally.add("past sailing with orders (dashboard)")


def loaders(**kwargs) -> list[DemoLoader]:
    return [DemoLoader(POSITION, load)]
