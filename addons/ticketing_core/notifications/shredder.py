"""pretix's data shredder for what the delivery log keeps about customers (152-FZ: personal data on request)."""
import json

from django.utils.translation import gettext_lazy as _

from pretix.base.shredder import BaseDataShredder, shred_log_fields

from .models import ContactPreference, Notification


class NotificationShredder(BaseDataShredder):
    verbose_name = _("Messages to customers")
    identifier = "ticketing_notifications"
    description = _("This will remove the recipients and texts of e-mails and SMS in the delivery log, the "
                    "customers' SMS and reminder choices made at checkout, and the recipients in the order history.")

    def generate_files(self):
        yield "messages.json", "application/json", json.dumps([
            {"order": n.order.code if n.order_id else None, "kind": n.kind, "channel": n.channel,
             "recipient": n.recipient, "subject": n.subject, "text": n.text, "status": n.status,
             "created": n.created.isoformat()}
            for n in Notification.objects.filter(event=self.event).select_related("order")
        ], indent=4)

    def shred_data(self, progress_callback=None):
        Notification.objects.filter(event=self.event).update(recipient="█", subject="", text="", context={})
        ContactPreference.objects.filter(order__event=self.event).delete()
        for le in self.event.logentry_set.filter(action_type__startswith="ticketing_core.notification."):
            shred_log_fields(le, banlist=["recipient"])
