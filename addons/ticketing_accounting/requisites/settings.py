"""
The supplier's requisites (the operator's own: they head every Счёт, акт and УПД) and the B2B settings, as organizer
settings in pretix's settings store, with a form that checks every requisite before it can be printed.
"""
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from pretix.base.forms import SettingsForm
from pretix.base.models import Organizer
from pretix.base.settings import settings_hierarkey

from . import validators as v

PREFIX = "ticketing_accounting_"
TEXT_FIELDS = ("supplier_name", "supplier_inn", "supplier_kpp", "supplier_ogrn", "supplier_address", "bank_name",
               "bank_bik", "bank_account", "bank_corr_account", "director", "chief_accountant")
for _name in TEXT_FIELDS:
    settings_hierarkey.add_default(PREFIX + _name, "", str)
settings_hierarkey.add_default(PREFIX + "vat_payer", "False", bool)
settings_hierarkey.add_default(PREFIX + "payment_term_days", "5", int)
settings_hierarkey.add_default(PREFIX + "closing_document", "act", str)

# VAT statuses of the supplier: a VAT payer prints the rate of each product's tax rule, a company on the simplified
# system (УСН) prints "Без НДС (УСН)" and issues a УПД with status 2
USN_TEXT = "Без НДС (УСН)"


@dataclass(frozen=True)
class Supplier:
    name: str
    inn: str
    kpp: str
    ogrn: str
    address: str
    bank_name: str
    bik: str
    account: str
    corr_account: str
    director: str
    chief_accountant: str
    vat_payer: bool

    @property
    def upd_status(self) -> int:
        """УПД status 1 (a VAT payer: it replaces the счёт-фактура and the act) or 2 (no VAT: it replaces the act)."""
        return 1 if self.vat_payer else 2

    @property
    def complete(self) -> bool:
        return all((self.name, self.inn, self.address, self.bank_name, self.bik, self.account, self.corr_account))


def supplier(organizer: Organizer) -> Supplier:
    s = organizer.settings
    values = {name: s.get(PREFIX + name, as_type=str) or "" for name in TEXT_FIELDS}
    return Supplier(
        name=values["supplier_name"], inn=values["supplier_inn"], kpp=values["supplier_kpp"],
        ogrn=values["supplier_ogrn"], address=values["supplier_address"], bank_name=values["bank_name"],
        bik=values["bank_bik"], account=values["bank_account"], corr_account=values["bank_corr_account"],
        director=values["director"], chief_accountant=values["chief_accountant"],
        vat_payer=s.get(PREFIX + "vat_payer", as_type=bool),
    )


def payment_term_days(organizer: Organizer) -> int:
    return max(1, organizer.settings.get(PREFIX + "payment_term_days", as_type=int) or 5)


class SupplierSettingsForm(SettingsForm):
    """Organizer → Accounting requisites: each requisite checked (checksums, the БИК's control key of accounts)."""

    ticketing_accounting_supplier_name = forms.CharField(
        label=_("Supplier (full name)"), max_length=255, help_text=_("As in the register, e.g. ООО «Причал»."))
    ticketing_accounting_supplier_inn = forms.CharField(label="ИНН", max_length=12)
    ticketing_accounting_supplier_kpp = forms.CharField(
        label="КПП", max_length=9, required=False, help_text=_("Organisations only; a sole proprietor has none."))
    ticketing_accounting_supplier_ogrn = forms.CharField(label=_("ОГРН / ОГРНИП"), max_length=15)
    ticketing_accounting_supplier_address = forms.CharField(label=_("Legal address"), max_length=500)
    ticketing_accounting_bank_name = forms.CharField(label=_("Bank"), max_length=255)
    ticketing_accounting_bank_bik = forms.CharField(label="БИК", max_length=9)
    ticketing_accounting_bank_account = forms.CharField(label=_("Settlement account (р/с)"), max_length=24)
    ticketing_accounting_bank_corr_account = forms.CharField(label=_("Correspondent account (к/с)"), max_length=24)
    ticketing_accounting_director = forms.CharField(label=_("Director (signs documents)"), max_length=255,
                                                    required=False)
    ticketing_accounting_chief_accountant = forms.CharField(label=_("Chief accountant"), max_length=255,
                                                            required=False)
    ticketing_accounting_vat_payer = forms.BooleanField(
        label=_("The supplier pays VAT"), required=False,
        help_text=_("Off: documents say “Без НДС (УСН)” and the УПД has status 2. On: the VAT of each product's tax "
                    "rule is printed and the УПД has status 1."))
    ticketing_accounting_closing_document = forms.ChoiceField(
        label=_("Document after the service"), choices=(("act", _("Certificate of services (Акт)")),
                                                        ("upd", _("Universal transfer document (УПД)"))),
        help_text=_("The УПД's status follows the VAT setting: 1 for a VAT payer, 2 otherwise."))
    ticketing_accounting_payment_term_days = forms.IntegerField(
        label=_("Payment term of a bank invoice (banking days)"), min_value=1, max_value=30,
        help_text=_("Never later than the refund deadline of the earliest sailing (24 hours before departure)."))

    def clean_ticketing_accounting_supplier_inn(self):
        return v.validate_inn(self.cleaned_data["ticketing_accounting_supplier_inn"])

    def clean_ticketing_accounting_supplier_ogrn(self):
        return v.validate_ogrn(self.cleaned_data["ticketing_accounting_supplier_ogrn"])

    def clean_ticketing_accounting_bank_bik(self):
        return v.validate_bik(self.cleaned_data["ticketing_accounting_bank_bik"])

    def clean(self):
        data = super().clean()
        inn = data.get(PREFIX + "supplier_inn")
        kpp = data.get(PREFIX + "supplier_kpp")
        if inn and v.is_company_inn(inn) and not kpp:
            self.add_error(PREFIX + "supplier_kpp", _("КПП: an organisation (10-digit ИНН) has a КПП; enter it."))
        elif inn and not v.is_company_inn(inn) and kpp:
            self.add_error(PREFIX + "supplier_kpp", _("КПП: a sole proprietor (12-digit ИНН) has no КПП; leave it "
                                                      "empty."))
        elif kpp:
            try:
                data[PREFIX + "supplier_kpp"] = v.validate_kpp(kpp)
            except forms.ValidationError as e:
                self.add_error(PREFIX + "supplier_kpp", e)
        bik = data.get(PREFIX + "bank_bik")
        if bik:
            for name, check in (("bank_account", v.validate_settlement_account),
                                ("bank_corr_account", v.validate_correspondent_account)):
                if data.get(PREFIX + name):
                    try:
                        data[PREFIX + name] = check(data[PREFIX + name], bik)
                    except forms.ValidationError as e:
                        self.add_error(PREFIX + name, e)
        return data
