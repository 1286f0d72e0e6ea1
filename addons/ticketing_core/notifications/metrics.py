"""
Metrics of the notifications slice: every SMS and e-mail outcome as it is recorded (``tasks._finish``, the one
place a status is set), and the age of the oldest message still waiting, set by the periodic task.
"""
from datetime import timedelta

from django.utils.timezone import now

from ..observability.metrics import Counter, Gauge, label, safely
from .kinds import EMAIL, KINDS, SMS

notifications_total = Counter(
    "prichal_notifications_total", "SMS and e-mail notifications by channel, kind and outcome "
    "(sent, delivered, failed, unknown, skipped).", ["channel", "kind", "outcome"])
oldest_unsent_age_seconds = Gauge(
    "prichal_notifications_oldest_unsent_age_seconds",
    "Age of the oldest notification still waiting to be sent (0 when none); set every few minutes.", ["channel"])

OUTCOMES = ("sent", "delivered", "failed", "unknown", "skipped")


def count_outcome(channel: str, kind: str, outcome: str) -> None:
    """One Redis increment; the vocabularies are fixed (kinds from ``kinds.KINDS``)."""
    safely(notifications_total.inc, channel=label(channel, (EMAIL, SMS)), kind=label(kind, KINDS),
           outcome=label(outcome, OUTCOMES))


def update_backlog(at=None) -> dict:
    """Periodic (never on a request): the oldest pending message per channel, within the sweep's two days."""
    from django.db.models import Min

    from .models import Notification

    at = at or now()
    ages = {}
    for channel in (EMAIL, SMS):
        oldest = (Notification.objects.filter(channel=channel, status=Notification.PENDING,
                                              created__gt=at - timedelta(days=2))
                  .aggregate(m=Min("created"))["m"])
        ages[channel] = max((at - oldest).total_seconds(), 0.0) if oldest else 0.0
        safely(oldest_unsent_age_seconds.set, ages[channel], channel=channel)
    return ages
