"""Accounting documents of an order and the per-organizer, per-year counters that number them without gaps."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.models import Order, Organizer


class DocumentCounter(models.Model):
    """The last number given to a kind of document of an organizer in a year; its row is the lock of numbering."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("organizer", "kind", "year"),
                                               name="ticketing_accounting_counter_unique")]


class Document(models.Model):
    """
    A Счёт на оплату, an Акт оказанных услуг or a УПД. Once numbered it is never deleted: a cancelled document
    keeps its number (``canceled``), so the series has no gaps an auditor would ask about.
    """

    INVOICE = "invoice"
    ACT = "act"
    UPD = "upd"
    KINDS = (
        (INVOICE, pgettext_lazy("accounting document", "Invoice for payment (Счёт)")),
        (ACT, pgettext_lazy("accounting document", "Certificate of services (Акт)")),
        (UPD, pgettext_lazy("accounting document", "Universal transfer document (УПД)")),
    )

    organizer = models.ForeignKey(Organizer, on_delete=models.PROTECT, related_name="ticketing_documents")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="ticketing_documents")
    kind = models.CharField(max_length=16, choices=KINDS)
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    date = models.DateField()
    total = models.DecimalField(max_digits=13, decimal_places=2)
    upd_status = models.PositiveSmallIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    file = models.FileField(upload_to="ticketing_accounting/documents/", null=True, blank=True, max_length=255)
    canceled = models.BooleanField(default=False, verbose_name=_("Cancelled"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-year", "-number")
        constraints = [models.UniqueConstraint(fields=("organizer", "kind", "year", "number"),
                                               name="ticketing_accounting_document_number_unique")]

    @property
    def series(self) -> str:
        """Acts and УПД share a series (one closing document per order), the Счёт has its own."""
        return self.INVOICE if self.kind == self.INVOICE else self.ACT

    @property
    def title(self) -> str:
        return {self.INVOICE: "Счёт на оплату", self.ACT: "Акт оказанных услуг",
                self.UPD: "Универсальный передаточный документ"}[self.kind]

    @property
    def display_number(self) -> str:
        return str(self.number)

    def filename(self) -> str:
        prefix = {self.INVOICE: "schet", self.ACT: "akt", self.UPD: "upd"}[self.kind]
        return f"{prefix}-{self.year}-{self.number}-{self.order.code}.pdf"
