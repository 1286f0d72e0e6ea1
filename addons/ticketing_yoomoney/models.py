"""Which YooKassa object (payment, refund or receipt) belongs to which pretix payment or refund."""
from django.db import models
from django.utils.translation import gettext_lazy as _

# YooKassa's states after which an object never changes again.
FINAL_PAYMENT_STATES = ("succeeded", "canceled")
FINAL_REFUND_STATES = ("succeeded", "canceled")
FINAL_RECEIPT_STATES = ("succeeded", "canceled")


class YooKassaObject(models.Model):
    """
    A webhook names only YooKassa's id; this table is the only way from that id to our records, so
    a notification about anything not listed here changes nothing. It also remembers which objects
    are not final yet, for the reconciliation task, and the receipt's registration state.
    """

    KIND_PAYMENT = "payment"
    KIND_REFUND = "refund"
    KIND_SETTLEMENT = "settlement"
    KINDS = (
        (KIND_PAYMENT, _("Payment")),
        (KIND_REFUND, _("Refund")),
        (KIND_SETTLEMENT, _("Settlement receipt")),
    )

    reference = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    shop_id = models.CharField(max_length=32)
    # The API the object was created at (from the configuration then); empty on records from before it was kept,
    # which are asked at the configured API. Never taken from a setting staff can change.
    api_url = models.CharField(max_length=200, blank=True, default="")
    order = models.ForeignKey("pretixbase.Order", on_delete=models.CASCADE, related_name="+")
    payment = models.ForeignKey("pretixbase.OrderPayment", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    refund = models.ForeignKey("pretixbase.OrderRefund", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    status = models.CharField(max_length=32, blank=True)
    receipt_status = models.CharField(max_length=32, blank=True)
    final = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    last_checked = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=("final", "created"), name="ticketing_yk_open_idx")]
        constraints = [
            # one settlement receipt per payment, whatever the task or a retry does
            models.UniqueConstraint(fields=("payment",), condition=models.Q(kind="settlement"),
                                    name="ticketing_yk_one_settlement_per_payment"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"

    def is_final(self) -> bool:
        """Final once YooKassa's state cannot change and the receipt (if any) is registered or refused."""
        states = {self.KIND_PAYMENT: FINAL_PAYMENT_STATES, self.KIND_REFUND: FINAL_REFUND_STATES,
                  self.KIND_SETTLEMENT: FINAL_RECEIPT_STATES}[self.kind]
        receipt_done = self.receipt_status in ("", "succeeded", "canceled")
        return self.status in states and receipt_done
