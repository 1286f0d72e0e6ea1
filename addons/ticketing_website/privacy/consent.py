"""Asking for and recording consent to the processing of personal data (152-FZ, art. 9)."""
from datetime import datetime

from django import forms
from django.utils.html import format_html
from django.utils.timezone import now
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Customer, Order, Organizer

from .models import Consent, PolicyVersion
from .policy import current_version, find_version, policy_url

FIELD = "ticketing_privacy_consent"
VERSION_FIELD = "ticketing_privacy_version"


def consent_label(organizer: Organizer) -> str:
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        _("I consent to the processing of my personal data in accordance with the"),
        policy_url(organizer), _("personal data policy"),
    )


def consent_fields(organizer: Organizer) -> dict:
    """A required checkbox with a link to the policy, and the version of the text it was shown with."""
    return {
        FIELD: forms.BooleanField(
            label=consent_label(organizer), required=True,
            error_messages={"required": _("Please consent to the processing of your personal data; we cannot "
                                          "sell tickets or keep an account without it.")},
        ),
        # hidden in the form; pretix's confirmation page lists it under the contact data, hence the label
        VERSION_FIELD: forms.CharField(label=_("Version of the personal data policy"), widget=forms.HiddenInput,
                                       required=False, initial=current_version(organizer).version),
    }


def version_for(organizer: Organizer, shown: str | None) -> PolicyVersion:
    """The version the customer was shown (from the form), or the one in force if the form did not say."""
    if shown:
        found = find_version(organizer, shown)
        if found:
            return found
    return current_version(organizer)


def record_consent(organizer: Organizer, purpose: str, *, customer: Customer | None = None,
                   order: Order | None = None, shown_version: str | None = None,
                   at: datetime | None = None, locale: str | None = None) -> Consent:
    """Store one consent with its moment, the version of the text and the account or order it belongs to."""
    policy = version_for(organizer, shown_version)
    if order is not None:
        existing = Consent.objects.filter(order=order).first()
        if existing:
            return existing
    consent = Consent.objects.create(
        organizer=organizer, policy=policy, customer=customer, order=order, purpose=purpose,
        locale=locale or get_language() or "", given_at=at or now(),
    )
    target = order or customer
    target.log_action("ticketing_website.privacy.consent", data={"version": policy.version, "purpose": purpose})
    return consent
