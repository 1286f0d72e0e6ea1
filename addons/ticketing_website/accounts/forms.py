"""Forms of the customer account: the mobile phone on the profile, and pretix's registration with consent."""
from django import forms
from django.utils.translation import gettext_lazy as _

from pretix.presale.forms.customer import RegistrationForm

from ticketing_core.notifications.checkout import MobilePhoneField

from ..privacy.consent import consent_fields

PHONE_WIDGET = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+7 916 123-45-67"})


class ProfilePhoneForm(forms.Form):
    """The mobile phone for SMS, stored in E.164 (Russian numbers may be typed as people write them)."""

    phone = MobilePhoneField(
        label=_("Mobile phone"), required=False, max_length=32, widget=PHONE_WIDGET,
        help_text=_("For SMS about your orders, if you want them. Russian numbers can be written as you like, "
                    "e.g. 8 916 123-45-67; other countries with their code, e.g. +49 151 12345678."))


class ConsentRegistrationForm(RegistrationForm):
    """pretix's registration form, plus the mobile phone and the consent to personal data processing."""

    def __init__(self, *args, with_consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_consent:
            return  # the plugin is off for this organizer: pretix's form as it is
        if "phone" not in self.fields:
            self.fields["phone"] = MobilePhoneField(
                label=_("Mobile phone"), required=False, max_length=32, widget=PHONE_WIDGET,
                help_text=_("Optional: for SMS about your orders."))
        self.fields.update(consent_fields(self.request.organizer))
        # the consent last, right above the button; pretix's arithmetic question before it
        self.order_fields(["name_parts", "email", "phone", "challenge", "response"])
