"""The customer's choices at checkout: SMS (opt-in, with a mobile number) and reminders (opt-out)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Order

from .models import ContactPreference
from .sms.phone import normalize_phone


class MobilePhoneField(forms.CharField):
    """Any way people write a number; stored in E.164, Russian numbers by default."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return normalize_phone(value, mobile_only=True)
        except ValueError:
            raise forms.ValidationError(_("Enter a mobile phone number, e.g. +7 916 123-45-67."))


def checkout_fields() -> dict[str, forms.Field]:
    """The fields pretix adds to its checkout contact step (``signals.contact_fields``)."""
    return {
        "ticketing_reminders": forms.BooleanField(
            label=_("Remind me before departure"), required=False, initial=True,
            help_text=_("An e-mail (and an SMS, if you want SMS) 24 and 2 hours before your boat leaves.")),
        "ticketing_sms": forms.BooleanField(
            label=_("Also send me SMS about this order"), required=False, initial=False,
            help_text=_("Confirmation, reminders and cancellation notices. You can change this in your account.")),
        "ticketing_sms_phone": MobilePhoneField(
            label=_("Mobile phone for SMS"), required=False, max_length=32,
            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel",
                                          "placeholder": "+7 916 123-45-67"})),
    }


def save_preferences(order: Order) -> ContactPreference | None:
    """What the customer chose at checkout, kept with the order (idempotent)."""
    data = (order.meta_info_data or {}).get("contact_form_data") or {}
    if not any(k.startswith("ticketing_") for k in data):
        return None
    # one INSERT … ON CONFLICT (order) DO UPDATE instead of update_or_create's row lock, two savepoints and a
    # second statement: the same idempotent result on the order-placement path (issue 21)
    pref = ContactPreference(order=order, sms=bool(data.get("ticketing_sms")),
                             reminders=bool(data.get("ticketing_reminders", True)),
                             phone=data.get("ticketing_sms_phone") or "")
    ContactPreference.objects.bulk_create([pref], update_conflicts=True, unique_fields=["order"],
                                          update_fields=["sms", "reminders", "phone", "changed"])
    return pref
