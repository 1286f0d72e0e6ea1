"""
No-shows: a paid place not checked in when boarding has closed.

Once per sailing, after the close, :func:`summarize_closed` writes the summary as a pretix log entry on the date
(``ticketing_core.boarding.closed``: boarded, paid, no-shows and their tickets). The entry drives pretix's
webhooks (:class:`BoardingClosedWebhook`, a subevent webhook type), so a CRM or a chat bot gets one message per
sailing. The manifest marks the same passengers; both read ``manifest.build``.
"""
from datetime import datetime, timedelta

from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from pretix.api.webhooks import ParametrizedSubEventWebhookEvent

from . import manifest
from .lists import boarding_closes_at
from .models import BoardingList

ACTION = "ticketing_core.boarding.closed"
LOOKBACK = timedelta(days=3)  # older sailings were summed up before or predate the suite's boarding lists


class BoardingClosedWebhook(ParametrizedSubEventWebhookEvent):
    def build_payload(self, logentry):
        return {**super().build_payload(logentry), **{
            k: logentry.parsed_data.get(k) for k in ("boarded", "paid", "noshows", "noshow_tickets")}}


def webhook_events():
    return (BoardingClosedWebhook(ACTION, _("Boarding of a sailing closed (passengers boarded and no-shows)")),)


def summarize_closed(at: datetime | None = None) -> int:
    """Log the summary of every sailing whose boarding closed and was not summed up yet. Returns how many."""
    at = at or now()
    done = 0
    bonds = BoardingList.objects.filter(
        noshows_logged_at__isnull=True, sailing__canceled_at__isnull=True,
    ).select_related(
        "sailing__event", "sailing__subevent", "sailing__vessel", "sailing__departure_pier", "sailing__arrival_pier")
    for bond in bonds:
        sailing = bond.sailing
        if not (at - LOOKBACK <= boarding_closes_at(sailing) <= at):
            continue
        m = manifest.build(sailing, mask=True, at=at)
        sailing.date_obj.log_action(ACTION, data={
            "sailing": sailing.pk, "boarded": m.boarded, "paid": m.paid, "noshows": m.noshows,
            "noshow_tickets": [r.ticket for r in m.rows if r.noshow],
        })
        bond.noshows_logged_at = at
        bond.save(update_fields=["noshows_logged_at"])
        done += 1
    return done
