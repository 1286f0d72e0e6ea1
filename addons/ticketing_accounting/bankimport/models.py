"""One upload of a statement, and each incoming payment document in it with what became of it."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StatementImport(models.Model):
    """An uploaded statement: who, when, which file, and how its documents were matched."""

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    accounts = models.CharField(max_length=200, blank=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    documents = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    partial = models.PositiveIntegerField(default=0)
    unmatched = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    outgoing = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("-created", "-pk")


class BankPayment(models.Model):
    """
    An incoming payment document of a statement. Its identity (number, date, payer's ИНН, amount) is unique
    per organizer: the same document in a second statement, or in a second upload running at the same time,
    cannot be inserted twice (the database refuses), so nothing is confirmed twice.
    """

    STATE_MATCHED = "matched"
    STATE_PARTIAL = "partial"
    STATE_OVER = "over"
    STATE_UNMATCHED = "unmatched"
    STATE_ASSIGNED = "assigned"
    STATE_IGNORED = "ignored"
    STATES = (
        (STATE_MATCHED, pgettext_lazy("bank payment", "Matched and confirmed")),
        (STATE_PARTIAL, pgettext_lazy("bank payment", "Less than the order's amount")),
        (STATE_OVER, pgettext_lazy("bank payment", "More than the order's amount")),
        (STATE_UNMATCHED, pgettext_lazy("bank payment", "No order found")),
        (STATE_ASSIGNED, pgettext_lazy("bank payment", "Assigned by a person")),
        (STATE_IGNORED, pgettext_lazy("bank payment", "Ignored")),
    )
    OPEN_STATES = (STATE_PARTIAL, STATE_OVER, STATE_UNMATCHED)

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="payments")
    number = models.CharField(max_length=40)
    date = models.DateField()
    payer_inn = models.CharField(max_length=12, blank=True)
    amount = models.DecimalField(max_digits=15, decimal_places=2)
    received = models.DateField(null=True, blank=True)
    payer_name = models.CharField(max_length=300, blank=True)
    payer_account = models.CharField(max_length=30, blank=True)
    purpose = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=STATES)
    message = models.CharField(max_length=300, blank=True)
    order = models.ForeignKey("pretixbase.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    payment = models.ForeignKey("pretixbase.OrderPayment", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    resolved_by = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-date", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("organizer", "number", "date", "payer_inn", "amount"),
                                    name="ticketing_acc_bank_payment_identity"),
        ]
        indexes = [models.Index(fields=("organizer", "state"), name="ticketing_acc_bank_open_idx")]

    def __str__(self) -> str:
        return _("Payment document {number} of {date}").format(number=self.number, date=self.date)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
