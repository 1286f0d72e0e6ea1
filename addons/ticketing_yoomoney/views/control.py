"""Back-office pages: the organizer-wide YooKassa settings and the "check connection" button."""
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from pretix.base.forms import SettingsForm
from pretix.base.settings import SettingsSandbox
from pretix.control.permissions import EventPermissionRequiredMixin, OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..client import ShopCredentials
from ..payment import clean_settings, credentials_of, settings_fields, webhook_url
from ..services import remote

PREFIX = "payment_yookassa_"


def connection_report(credentials: ShopCredentials, test_mode: bool) -> tuple[bool, str]:
    """Ask YooKassa who we are and say the answer in plain words (never the key)."""
    if not (credentials.shop_id and credentials.secret_key):
        return False, _("Enter the shop ID and the secret key first.")
    try:
        me = remote.check_connection(credentials)
    except remote.Refused as e:
        if e.status in (401, 403):
            return False, _("YooKassa did not accept the shop ID {shop} with this secret key. Copy both again from "
                            "the merchant profile (Integration → API keys).").format(shop=credentials.shop_id)
        return False, _("YooKassa refused the request: {error}").format(error=e.description)
    except remote.Unreachable:
        return False, _("YooKassa could not be reached at {url}. Check the server's internet connection; the "
                        "address is set in the server's configuration (pretix.cfg).").format(url=credentials.api_url)
    parts = [_("Connected: YooKassa knows shop {shop}.").format(shop=me["account_id"] or credentials.shop_id)]
    parts.append(_("It is a test shop: no money moves.") if me["test"] else _("It is a live shop: payments are real."))
    if me["test"] != test_mode:
        parts.append(_('The "Test shop" setting does not match: change it.'))
        return False, " ".join(str(p) for p in parts)
    parts.append(_("Receipts are sent to the tax service by YooKassa.") if me["fiscalization"] else
                 _("YooKassa does not send receipts for this shop; your own cash register must."))
    return True, " ".join(str(p) for p in parts)


def _report(request, credentials: ShopCredentials, test_mode: bool) -> None:
    ok, text = connection_report(credentials, test_mode)
    (messages.success if ok else messages.error)(request, text)


class EventCheckConnection(EventPermissionRequiredMixin, View):
    """The button on the event's YooKassa settings: checks what the event would use (its own or the organizer's)."""

    permission = "event.settings.payment:write"

    def post(self, request, *args, **kwargs):
        settings = SettingsSandbox("payment", "yookassa", request.event)
        _report(request, credentials_of(settings), settings.get("test_mode", as_type=bool))
        return HttpResponseRedirect(reverse("control:event.settings.payment.provider", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug, "provider": "yookassa"}))


class OrganizerSettingsForm(SettingsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in settings_fields().items():
            self.fields[PREFIX + name] = field

    def clean(self):
        data = super().clean()
        stored = str(self.initial.get(PREFIX + "secret_key") or "")
        return clean_settings(data, PREFIX, enabled=False, stored_secret=stored,
                              stored_shop_id=str(self.initial.get(PREFIX + "shop_id") or ""))


class OrganizerSettings(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, FormView):
    """Organizer-wide defaults; every event inherits them unless its own payment settings override them."""

    permission = "organizer.settings.general:write"
    template_name = "ticketing_yoomoney/organizer_settings.html"
    form_class = OrganizerSettingsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "obj": self.request.organizer}

    def url(self) -> str:
        return reverse("plugins:ticketing_yoomoney:organizer.settings",
                       kwargs={"organizer": self.request.organizer.slug})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "webhook_url": webhook_url()}

    def form_valid(self, form: forms.Form):
        form.save()
        self.request.organizer.log_action("ticketing_yoomoney.settings.changed", user=self.request.user, data={
            k: ("*****" if "secret" in k else form.cleaned_data.get(k)) for k in form.changed_data})
        if "check" in self.request.POST:
            s = self.request.organizer.settings
            _report(self.request, credentials_of(SettingsSandbox("payment", "yookassa", self.request.organizer)),
                    s.get(PREFIX + "test_mode", as_type=bool))
        else:
            messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(self.url())

    def form_invalid(self, form):
        messages.error(self.request, _("We could not save your changes. See below for details."))
        return super().form_invalid(form)
