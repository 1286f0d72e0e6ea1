"""Where the privacy feature touches pretix's checkout: the consent checkbox and its record with the order."""
from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from pretix.base.signals import order_placed
from pretix.control.signals import nav_organizer
from pretix.presale.signals import contact_form_fields

from . import logdisplay, settings  # noqa: F401 - our log entry texts, our settings' defaults
from .consent import FIELD, VERSION_FIELD, consent_fields, record_consent
from .models import Consent
from .policy import APP

SETTINGS_PERMISSION = "organizer.settings.general:write"


@receiver(contact_form_fields, dispatch_uid="ticketing_website_privacy_consent_field")
def checkout_consent_field(sender, request=None, **kwargs):
    """The contact step of the checkout asks for consent, with a link to the operator's policy."""
    return consent_fields(sender.organizer)


@receiver(order_placed, dispatch_uid="ticketing_website_privacy_consent_record")
def checkout_consent_record(sender, order, **kwargs):
    """The consent given at checkout is stored with the order (and the account it was placed with)."""
    data = (order.meta_info_data or {}).get("contact_form_data") or {}
    if not data.get(FIELD):
        return  # placed by staff or through the API: no customer consent was asked
    record_consent(sender.organizer, Consent.CHECKOUT, order=order, customer=order.customer,
                   shown_version=data.get(VERSION_FIELD), at=order.datetime, locale=order.locale)


@receiver(nav_organizer, dispatch_uid="ticketing_website_nav_privacy")
def navbar_privacy(sender, request, organizer, **kwargs):
    """Organizer → Personal data policy, for those who may change the organizer's settings."""
    if not request.user.has_organizer_permission(organizer, SETTINGS_PERMISSION, request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Personal data"), "icon": "shield",
        "url": reverse(f"plugins:{APP}:privacy.settings", kwargs={"organizer": organizer.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name == "privacy.settings",
    }]
