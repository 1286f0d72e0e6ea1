"""Organizer → Accounting requisites: the supplier's requisites and the B2B settings."""
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..permissions import DOCUMENTS
from .settings import SupplierSettingsForm

# the supplier's requisites are the documents' settings: the Accountant role edits them (and administrators)
SETTINGS_PERMISSION = DOCUMENTS


class SupplierSettings(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, FormView):
    permission = SETTINGS_PERMISSION
    form_class = SupplierSettingsForm
    template_name = "ticketing_accounting/requisites/settings.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["obj"] = self.request.organizer
        return kwargs

    def form_valid(self, form):
        form.save()
        self.request.organizer.log_action("ticketing_accounting.requisites.changed", user=self.request.user,
                                          data={k: form.cleaned_data.get(k) for k in form.changed_data})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(reverse("plugins:ticketing_accounting:requisites",
                                            kwargs={"organizer": self.request.organizer.slug}))

    def form_invalid(self, form):
        messages.error(self.request, _("We could not save your changes. See below for details."))
        return super().form_invalid(form)
