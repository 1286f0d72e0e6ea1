"""
Where the privacy feature touches pretix: the consent at checkout and its record, the policy link in every
footer, the back-office menu and the consent on the back-office order page.
"""
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from pretix.base.signals import order_placed
from pretix.control.signals import nav_organizer, order_info
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.signals import contact_form_fields, global_footer_link

from ticketing_core.urlmatch import is_checkout_step

from . import logdisplay, settings  # noqa: F401 - our log entry texts, our settings' defaults
from .consent import FIELD, VERSION_FIELD, consent_fields, record_consent
from .models import Consent
from .policy import APP

SETTINGS_PERMISSION = "organizer.settings.general:write"


@receiver(contact_form_fields, dispatch_uid="ticketing_website_privacy_consent_field")
def checkout_consent_field(sender, request=None, **kwargs):
    """
    The contact step of the checkout asks for consent, with a link to the operator's policy. pretix's confirmation
    page lists every contact field with its value, so there the hidden version of the text (a hash, meaningless to
    a customer) is left out; it stays in the checkout's stored answers, which the order keeps.
    """
    fields = consent_fields(sender.organizer)
    if is_checkout_step(request, "confirm"):
        fields.pop(VERSION_FIELD, None)
    return fields


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


@receiver(global_footer_link, dispatch_uid="ticketing_website_footer_privacy")
def footer_links(sender, request=None, **kwargs):
    """
    Every shop page links the personal data policy. pretix opens footer links in a new tab, which suits the
    policy (read during checkout without leaving the cart); the account pages are in the account menu instead.
    """
    organizer = getattr(request, "organizer", None)
    if organizer is None or APP not in organizer.get_plugins():
        return []
    return [{"label": _("Personal data policy"), "url": eventreverse(organizer, f"plugins:{APP}:privacy.policy")}]


@receiver(order_info, dispatch_uid="ticketing_website_order_consent_backoffice")
def order_consent_backoffice(sender, order, request=None, **kwargs):
    """The back-office order page shows the customer's consent: when, which version of the text, where."""
    consent = Consent.objects.filter(order=order).select_related("policy").first()
    return get_template("ticketing_website/privacy/order_consent.html").render({"consent": consent})
