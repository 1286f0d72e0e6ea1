"""The organisation or sole proprietor an order was bought for (what pretix's invoice address cannot hold)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Customer, Order


class B2BBuyer(models.Model):
    """
    The buyer's requisites of an order. The ИНН and the name live in pretix's ``InvoiceAddress`` (``vat_id``,
    ``company``, ``is_business=True``) so that pretix's invoices and the registers find them there; the КПП, the
    legal address, the e-mail for documents and the contact person live here. A copy stays with the customer's
    account (``customer``) so the next order starts from it.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="ticketing_b2b_buyer",
                                 null=True, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="ticketing_b2b_buyers")
    name = models.CharField(verbose_name=_("Organisation or sole proprietor"), max_length=255)
    inn = models.CharField(verbose_name="ИНН", max_length=12)
    kpp = models.CharField(verbose_name="КПП", max_length=9, blank=True)
    legal_address = models.CharField(verbose_name=_("Legal address"), max_length=500)
    documents_email = models.EmailField(verbose_name=_("E-mail for documents"))
    contact_person = models.CharField(verbose_name=_("Contact person"), max_length=255, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created",)

    @property
    def is_company(self) -> bool:
        return len(self.inn) == 10

    def requisites_line(self) -> str:
        """"ООО «Ромашка», ИНН 7707083893, КПП 773601001, адрес" as Russian documents print the buyer."""
        parts = [self.name, f"ИНН {self.inn}"]
        if self.kpp:
            parts.append(f"КПП {self.kpp}")
        if self.legal_address:
            parts.append(self.legal_address)
        return ", ".join(parts)
