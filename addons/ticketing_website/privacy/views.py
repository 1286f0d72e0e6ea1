"""
The privacy pages: the operator edits the policy (back office), everybody reads it (shop), a customer sees their
consents, downloads their data and deletes their account (shop account).
"""
import json

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView
from i18nfield.strings import LazyI18nString

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.utils import customer_logout

from ..accounts.mixins import APP, AccountPageMixin, PluginActiveMixin
from .erase import DeletionRefused, delete_account, upcoming_orders
from .export import customer_orders, export_customer
from .forms import DeleteAccountForm, PolicySettingsForm
from .models import Consent, PolicyVersion
from .policy import SETTING, current_version, policy_data

SETTINGS_PERMISSION = "organizer.settings.general:write"


class PolicySettings(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, FormView):
    """Organizer → Personal data: the policy text in RU/EN/ZH and the versions published so far."""

    permission = SETTINGS_PERMISSION
    form_class = PolicySettingsForm
    template_name = "ticketing_website/privacy/settings.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["obj"] = self.request.organizer
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = list(PolicyVersion.objects.filter(organizer=self.request.organizer)[:20])
        counts = dict(Consent.objects.filter(policy__in=versions).order_by().values_list("policy").annotate(
            n=Count("id")))
        for v in versions:
            v.consent_count = counts.get(v.pk, 0)
        ctx["versions"] = versions
        ctx["query"] = query = (self.request.GET.get("q") or "").strip()
        if query:
            # proof of consent for one person (a regulator's or the customer's question): by e-mail or order code
            ctx["found"] = Consent.objects.filter(organizer=self.request.organizer).filter(
                Q(customer__email__iexact=query) | Q(order__email__iexact=query) | Q(order__code__iexact=query)
            ).select_related("policy", "order", "order__event", "customer")[:100]
        ctx["current"] = current_version(self.request.organizer).version if policy_data(
            self.request.organizer) else None
        return ctx

    @transaction.atomic
    def form_valid(self, form):
        form.save()
        version = current_version(self.request.organizer)
        self.request.organizer.log_action("ticketing_website.privacy.policy_changed", user=self.request.user,
                                          data={"version": version.version})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(reverse(f"plugins:{APP}:privacy.settings",
                                            kwargs={"organizer": self.request.organizer.slug}))

    def form_invalid(self, form):
        messages.error(self.request, _("We could not save your changes. See below for details."))
        return super().form_invalid(form)


class PolicyPage(PluginActiveMixin, TemplateView):
    """The public policy page the consent checkboxes link to."""

    template_name = "ticketing_website/privacy/policy.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        organizer = ctx["organizer"] = self.request.organizer
        ctx["text"] = organizer.settings.get(SETTING, as_type=LazyI18nString) if policy_data(organizer) else None
        ctx["version"] = current_version(organizer) if ctx["text"] else None
        return ctx


class PrivacyAccountPage(AccountPageMixin, FormView):
    """The customer's personal data: consents given, the JSON download and the deletion of the account."""

    template_name = "ticketing_website/accounts/privacy.html"

    def get_form(self, form_class=None):
        return DeleteAccountForm(data=self.request.POST if self.request.method == "POST" else None,
                                 customer=self.request.customer)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        customer = self.request.customer
        orders = list(customer_orders(customer))
        ctx["consents"] = Consent.objects.filter(Q(customer=customer) | Q(order__in=orders)).select_related(
            "policy", "order", "order__event")
        ctx["upcoming"] = upcoming_orders(orders)
        return ctx

    def form_valid(self, form):
        customer = self.request.customer
        try:
            delete_account(customer)
        except DeletionRefused as e:
            messages.error(self.request, str(e))
            return HttpResponseRedirect(self.request.path)
        customer_logout(self.request)
        messages.success(self.request, _("Your account has been deleted and your personal data anonymised. "
                                         "We keep only what accounting law requires, without your name and "
                                         "contact details."))
        return HttpResponseRedirect(eventreverse(self.request.organizer, "presale:organizer.index"))


class DataExport(AccountPageMixin, View):
    """Everything we keep about the customer, as a JSON file."""

    def get(self, request, *args, **kwargs):
        customer = request.customer
        data = export_customer(customer)
        customer.log_action("ticketing_website.privacy.exported", data={})
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="personal-data-{}-{}.json"'.format(
            customer.identifier, now().strftime("%Y-%m-%d"))
        return response
