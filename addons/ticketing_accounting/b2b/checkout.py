"""
"Покупаю как организация / ИП" in the contact step of pretix's checkout (``contact_form_fields``).

Why not pretix's invoice address form: it keeps a VAT ID only for EU, Swiss and Norwegian addresses
(``ask_for_vat_id``) and has no КПП; a step of our own would add a page. The fields sit in the contact form, shown
when the box is ticked (pretix's ``data-display-dependency``). A field's own check (ИНН checksum, КПП format) shows
at the field; what depends on several fields (required only for a purchase as an organisation, a КПП only with a
10-digit ИНН) is checked by the box itself, whose widget reads its sibling fields, and its message names the field.
"""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..requisites import validators as v

FIELD = "ticketing_b2b"
SUBFIELDS = ("name", "inn", "kpp", "address", "email", "contact")


def sub(name: str) -> str:
    return f"{FIELD}_{name}"


class B2BToggleWidget(forms.CheckboxInput):
    """The box, whose value carries the sibling fields too, so that its field can check them together."""

    def value_from_datadict(self, data, files, name):
        values = {"on": super().value_from_datadict(data, files, name)}
        for s in SUBFIELDS:
            values[s] = (data.get(f"{name}_{s}") or "").strip()
        return values

    def format_value(self, value):
        return value.get("on") if isinstance(value, dict) else value

    def get_context(self, name, value, attrs):
        return super().get_context(name, value.get("on") if isinstance(value, dict) else value, attrs)


class B2BToggleField(forms.BooleanField):
    """True for a purchase as an organisation / sole proprietor whose requisites are complete and consistent."""

    widget = B2BToggleWidget

    def to_python(self, value):
        return value if isinstance(value, dict) else {"on": bool(value)}

    def validate(self, value):
        pass

    def clean(self, value):
        value = self.to_python(value)
        if not value.get("on"):
            return False
        errors = []
        labels = {"name": _("Organisation or sole proprietor"), "inn": "ИНН", "address": _("Legal address"),
                  "email": _("E-mail for documents")}
        for key, label in labels.items():
            if not value.get(key):
                errors.append(ValidationError(_("{field}: this field is required for a purchase as an organisation "
                                                "or sole proprietor.").format(field=label)))
        inn = v.digits_only(value.get("inn"))
        kpp = v.digits_only(value.get("kpp"))
        if inn and inn.isdigit() and len(inn) == 10 and not kpp:
            errors.append(ValidationError(_("КПП: an organisation (10-digit ИНН) has a КПП; enter it.")))
        if inn and len(inn) == 12 and kpp:
            errors.append(ValidationError(_("КПП: a sole proprietor (12-digit ИНН) has no КПП; leave it empty.")))
        if errors:
            raise ValidationError(errors)
        return True


def _clean_kpp(value: str) -> str:
    return v.validate_kpp(value) if value else value


def b2b_fields() -> dict:
    """The box and the requisites, in the order a buyer fills them in."""
    shown_if = {"data-display-dependency": f'input[name="{FIELD}"]'}
    return {
        FIELD: B2BToggleField(label=_("I am buying as an organisation / sole proprietor (ИП)"), required=False,
                              help_text=_("You will pay by bank transfer against an invoice (Счёт) and receive a "
                                          "certificate of services (акт) after the sailing.")),
        sub("name"): forms.CharField(label=_("Organisation or sole proprietor"), required=False, max_length=255,
                                     widget=forms.TextInput(attrs={**shown_if, "placeholder": "ООО «Ромашка»"})),
        sub("inn"): forms.CharField(label="ИНН", required=False, max_length=14, validators=[v.validate_inn],
                                    help_text=_("10 digits for an organisation, 12 for a sole proprietor."),
                                    widget=forms.TextInput(attrs={**shown_if, "inputmode": "numeric"})),
        sub("kpp"): forms.CharField(label="КПП", required=False, max_length=11, validators=[_clean_kpp],
                                    help_text=_("Organisations only."),
                                    widget=forms.TextInput(attrs=shown_if)),
        sub("address"): forms.CharField(label=_("Legal address"), required=False, max_length=500,
                                        widget=forms.TextInput(attrs=shown_if)),
        sub("email"): forms.EmailField(label=_("E-mail for documents"), required=False,
                                       widget=forms.EmailInput(attrs=shown_if)),
        sub("contact"): forms.CharField(label=_("Contact person (optional)"), required=False, max_length=255,
                                        widget=forms.TextInput(attrs=shown_if)),
    }


def is_b2b(contact_form_data: dict | None) -> bool:
    return bool((contact_form_data or {}).get(FIELD))


def requisites_from(contact_form_data: dict) -> dict:
    """The buyer's requisites as typed at checkout, normalised (digits without spaces, КПП in capitals)."""
    d = contact_form_data
    return {
        "name": (d.get(sub("name")) or "").strip(),
        "inn": v.digits_only(d.get(sub("inn"))),
        "kpp": v.digits_only(d.get(sub("kpp"))).upper(),
        "legal_address": (d.get(sub("address")) or "").strip(),
        "documents_email": (d.get(sub("email")) or "").strip(),
        "contact_person": (d.get(sub("contact")) or "").strip(),
    }


def initial_from_account(customer) -> dict:
    """The requisites of the customer's last purchase as an organisation, to start the next one from."""
    from .models import B2BBuyer

    if not customer:  # pretix's request.customer is a lazy object that may wrap None
        return {}
    last = B2BBuyer.objects.filter(customer=customer).first()
    if last is None:
        return {}
    return {sub("name"): last.name, sub("inn"): last.inn, sub("kpp"): last.kpp, sub("address"): last.legal_address,
            sub("email"): last.documents_email, sub("contact"): last.contact_person}
