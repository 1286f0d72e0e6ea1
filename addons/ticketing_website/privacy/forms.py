"""Forms of the privacy pages: the operator's policy text (back office) and the customer's deletion request."""
from django import forms
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nFormField

from pretix.base.forms import I18nMarkdownTextarea, SettingsForm

from .policy import SETTING


class PolicySettingsForm(SettingsForm):
    """Organizer → Personal data: the policy text in every shop language (Markdown)."""

    ticketing_privacy_policy = I18nFormField(
        label=_("Personal data policy"), required=True, widget=I18nMarkdownTextarea,
        widget_kwargs={"attrs": {"rows": "18"}},
        help_text=_("Shown on the public page that the consent checkboxes at registration and checkout link to. "
                    "Every change creates a new version; each consent keeps the version the customer saw."),
    )

    def clean_ticketing_privacy_policy(self):
        value = self.cleaned_data[SETTING]
        data = value.data if hasattr(value, "data") else value
        if isinstance(data, dict) and not (data.get("ru") or "").strip():
            raise forms.ValidationError(_("Enter the Russian text: it is the binding version."))
        return value


class DeleteAccountForm(forms.Form):
    """The customer confirms with their password (or, without one, by typing their e-mail address)."""

    confirm = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete":
                                                                                         "current-password"}))

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        if not customer.has_usable_password():
            self.fields["confirm"] = forms.EmailField(label=_("Your e-mail address"))

    def clean_confirm(self):
        value = self.cleaned_data["confirm"]
        if self.customer.has_usable_password():
            if not self.customer.check_password(value):
                raise forms.ValidationError(_("The password is not correct."))
        elif (value or "").strip().lower() != (self.customer.email or "").lower():
            raise forms.ValidationError(_("This is not the e-mail address of your account."))
        return value
