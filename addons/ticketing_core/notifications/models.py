"""Every message sent or to be sent (the delivery log), and what each customer agreed to receive."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kinds import CHANNELS, KINDS


class Notification(models.Model):
    """
    One message on one channel. ``key`` is unique: the same order, kind, channel and occasion can
    never produce a second row, so a retry, a crash or a second trigger never sends twice; a staff
    "resend" is a new occasion with its own key.
    """

    PENDING, SENDING, SENT, DELIVERED, FAILED, SKIPPED, UNKNOWN = (
        "pending", "sending", "sent", "delivered", "failed", "skipped", "unknown")
    STATUSES = (
        (PENDING, pgettext_lazy("notification", "Waiting to be sent")),
        (SENDING, pgettext_lazy("notification", "Being sent")),
        (SENT, pgettext_lazy("notification", "Sent")),
        (DELIVERED, pgettext_lazy("notification", "Delivered")),
        (FAILED, pgettext_lazy("notification", "Failed")),
        (SKIPPED, pgettext_lazy("notification", "Not sent")),
        (UNKNOWN, pgettext_lazy("notification", "Outcome unknown")),
    )
    FINAL = (DELIVERED, FAILED, SKIPPED, UNKNOWN)

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("pretixbase.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey("pretixbase.Order", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="ticketing_notifications")
    customer = models.ForeignKey("pretixbase.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="ticketing_notifications")
    kind = models.CharField(max_length=32, choices=[(k, v.label) for k, v in KINDS.items()])
    channel = models.CharField(max_length=8, choices=CHANNELS)
    key = models.CharField(max_length=190, unique=True)
    recipient = models.CharField(max_length=254, blank=True)
    locale = models.CharField(max_length=16, blank=True)
    subject = models.CharField(max_length=400, blank=True)
    text = models.TextField(blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING, db_index=True)
    detail = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    gateway_id = models.CharField(max_length=100, blank=True, db_index=True)
    segments = models.PositiveIntegerField(null=True, blank=True)
    outgoing_mail = models.ForeignKey("pretixbase.OutgoingMail", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    requested_by = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created", "-id")
        indexes = [models.Index(fields=("status", "created"), name="ticketing_notif_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel} → {self.recipient or '-'} ({self.status})"

    @property
    def kind_label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind

    @property
    def effective_status(self) -> str:
        """For e-mails, pretix's outgoing mail knows best whether the SMTP server took it."""
        if self.channel == "email" and self.outgoing_mail_id and self.status in (self.SENT, self.SENDING):
            mail_status = self.outgoing_mail.status
            if mail_status == "sent":
                return self.SENT
            if mail_status in ("failed", "aborted", "bounced"):
                return self.FAILED
        return self.status


class ContactPreference(models.Model):
    """
    A customer's choices: SMS is opt-in (never sent without it), reminders are opt-out. Kept per
    customer account (the profile) and per order (the checkout of a guest, or an override).
    """

    customer = models.OneToOneField("pretixbase.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="ticketing_contact_preference")
    order = models.OneToOneField("pretixbase.Order", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="ticketing_contact_preference")
    phone = models.CharField(verbose_name=_("Mobile phone"), max_length=32, blank=True)
    sms = models.BooleanField(verbose_name=_("Send me SMS about my orders"), default=False)
    reminders = models.BooleanField(verbose_name=_("Remind me before departure"), default=True)
    changed = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(customer__isnull=False) | models.Q(order__isnull=False),
                                   name="ticketing_contactpref_has_owner"),
        ]

    def __str__(self) -> str:
        return f"sms={self.sms} reminders={self.reminders}"
