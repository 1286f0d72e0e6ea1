"""
pretix's data shredder for what the B2B checkout keeps about people (152-FZ): the contact person and the e-mail
for documents. The organisation's name, ИНН, КПП and legal address stay: they are a company's public requisites,
printed on documents the operator must keep for the tax office (5 years), not personal data of a customer.
"""
import json

from django.utils.translation import gettext_lazy as _

from pretix.base.shredder import BaseDataShredder

from .models import B2BBuyer


class B2BContactShredder(BaseDataShredder):
    verbose_name = _("Contact persons of organisations")
    identifier = "ticketing_accounting_b2b_contacts"
    description = _("This will remove the contact person and the e-mail address for documents that organisations "
                    "and sole proprietors gave at checkout; their requisites stay on the accounting documents.")

    def generate_files(self):
        yield "b2b-contacts.json", "application/json", json.dumps([
            {"order": b.order.code, "organisation": b.name, "contact_person": b.contact_person,
             "documents_email": b.documents_email}
            for b in B2BBuyer.objects.filter(order__event=self.event).select_related("order")
        ], indent=4, ensure_ascii=False)

    def shred_data(self, progress_callback=None):
        B2BBuyer.objects.filter(order__event=self.event).update(contact_person="", documents_email="")
