"""Celery tasks of the core addon: idempotent, safe to retry."""
from django.utils.translation import ngettext

from pretix.base.models import Event, User
from pretix.base.services.cancelevent import cancel_event
from pretix.base.services.orders import OrderError
from pretix.base.services.tasks import EventTask
from pretix.celery_app import app

from ..errors import FleetError
from ..hooks import sailing_canceled
from .models import Sailing
from .sailings import mark_canceled


# named as before the move to fleet/, so tasks queued by an older release still find it
@app.task(base=EventTask, bind=True, throws=(OrderError, FleetError), name="ticketing_core.tasks.cancel_sailing")
def cancel_sailing(self, event: Event, sailing: int, reason: str, send_subject: dict, send_message: dict,
                   user: int | None = None) -> dict:
    """
    The operator cancels one sailing (weather, breakdown): every order of it is cancelled and refunded
    in full, whatever the 24-hour rule says, through pretix's own event cancellation service.
    """
    s = Sailing.objects.select_related("subevent").get(pk=sailing, event=event)
    if not s.is_canceled:
        mark_canceled(s, reason, User.objects.filter(pk=user).first() if user else None)
    result = cancel_event(
        event=event.pk,
        subevent=s.subevent_id,
        auto_refund=True,
        manual_refund=True,
        keep_fee_fixed="0.00",
        keep_fee_per_ticket="0.00",
        keep_fee_percentage="0.00",
        keep_fees=[],
        send=True,
        send_subject=send_subject,
        send_message=send_message,
        send_waitinglist=False,
        user=user,
        refund_as_giftcard=False,
    )
    sailing_canceled.send(sender=Sailing, sailing=s, reason=reason)  # the SMS notices (notifications/)
    if result and result.get("failed"):
        raise FleetError(ngettext(
            "The sailing was cancelled, but {count} order could not be cancelled; please check it.",
            "The sailing was cancelled, but {count} orders could not be cancelled; please check them.",
            result["failed"]).format(count=result["failed"]))
    return result or {}
