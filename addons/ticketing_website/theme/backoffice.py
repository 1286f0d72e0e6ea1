"""
Back-office pages of the storefront: the operator's service fee and a contrast check of its colours
(organizer), an event's photos and service fee (event). Logo, colours and fonts stay on pretix's own
"Shop design" settings, which compile the shop's stylesheet; we link there instead of duplicating them.
"""
from decimal import Decimal

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nFormField, I18nTextInput

from pretix.base.forms import SettingsForm
from pretix.control.forms import ExtFileField
from pretix.control.views.event import EventSettingsFormView, EventSettingsViewMixin
from pretix.control.views.organizer import OrganizerSettingsFormView

from .. import public_name  # noqa: F401 - the setting's default
from ..catalogue.event_page import PHOTO_KEYS
from ..catalogue.pricing import SERVICE_FEE_KEY
from .contrast import contrast_ratio
from .head import DEFAULT_PRIMARY, HEX

AA_NORMAL_TEXT = 4.5


def _fee_field(required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Service fee per passenger ticket (₽)"), required=required, min_value=Decimal("0.00"),
        max_digits=10, decimal_places=2, localize=True,
        help_text=_("Added to every paid passenger ticket as a separate line in the cart and included in every "
                    "price the shop shows. Leave 0 for no fee."),
    )


class OrganizerStorefrontForm(SettingsForm):
    ticketing_public_name = I18nFormField(
        label=_("Name shown to customers"), required=False, widget=I18nTextInput,
        help_text=_("The operator's name in the shop's header, in every shop language (for example "
                    "«Нева Круиз», Neva Cruise, 涅瓦游船). Empty: the organizer's name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SERVICE_FEE_KEY] = _fee_field()


class EventStorefrontForm(SettingsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, key in enumerate(PHOTO_KEYS, start=1):
            self.fields[key] = ExtFileField(
                label=_("Photo {number}").format(number=number), required=False,
                ext_whitelist=settings.FILE_UPLOAD_EXTENSIONS_IMAGE, max_size=settings.FILE_UPLOAD_MAX_SIZE_IMAGE,
                help_text=_("JPEG or PNG, landscape (3:2), at least 1200 pixels wide.") if number == 1 else None,
            )
        self.fields[SERVICE_FEE_KEY] = _fee_field()
        self.fields[SERVICE_FEE_KEY].help_text = _("Overrides the organizer's service fee for this event.")


def colour_report(s) -> list[dict]:
    """Contrast of the shop's colours against white text or a white page (WCAG 2.1 AA needs 4.5:1)."""
    rows = []
    for key, label in (("primary_color", _("Primary colour (buttons, links)")),
                       ("theme_color_success", _("Success colour")),
                       ("theme_color_danger", _("Error colour"))):
        colour = s.get(key) or DEFAULT_PRIMARY
        if not HEX.match(colour):
            continue
        ratio = contrast_ratio(colour, "#ffffff")
        rows.append({"label": label, "colour": colour, "ratio": f"{ratio:.1f}", "ok": ratio >= AA_NORMAL_TEXT})
    return rows


class OrganizerStorefrontSettings(OrganizerSettingsFormView):
    form_class = OrganizerStorefrontForm
    template_name = "ticketing_website/theme/organizer_settings.html"

    def get_success_url(self) -> str:
        return reverse("plugins:ticketing_website:organizer.settings",
                       kwargs={"organizer": self.request.organizer.slug})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["colours"] = colour_report(self.request.organizer.settings)
        ctx["design_url"] = reverse("control:organizer.edit", kwargs={"organizer": self.request.organizer.slug})
        return ctx


class EventStorefrontSettings(EventSettingsViewMixin, EventSettingsFormView):
    form_class = EventStorefrontForm
    template_name = "ticketing_website/theme/event_settings.html"

    def get_success_url(self) -> str:
        return reverse("plugins:ticketing_website:event.settings", kwargs={
            "organizer": self.request.organizer.slug, "event": self.request.event.slug})
