"""
*Settings → Boarding* of an event: the grace period after departure, and whether the route is inter-regional or
international (then the checkout asks every passenger's travel document) with how long those answers are kept.
"""
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from pretix.control.permissions import EventPermissionRequiredMixin
from pretix.control.views.event import EventSettingsViewMixin

from ..permissions import SAILINGS_WRITE
from .documents import FLAG, RETENTION, route_requires_documents, set_required
from .lists import GRACE_SETTING, grace_minutes, resync_event


class BoardingSettingsForm(forms.Form):
    grace = forms.IntegerField(label=_("Boarding closes minutes after departure"), min_value=0, max_value=180)
    documents = forms.BooleanField(
        label=_("Inter-regional or international route"), required=False,
        help_text=_("The checkout asks each passenger's identity document, date of birth and citizenship "
                    "(Russian transport-security rules); they appear on the passenger manifest only."))
    retention = forms.IntegerField(label=_("Keep travel documents for days after departure"), min_value=1,
                                   max_value=365)


class BoardingSettings(EventSettingsViewMixin, EventPermissionRequiredMixin, FormView):
    permission = SAILINGS_WRITE
    template_name = "ticketing_core/boarding/settings.html"
    form_class = BoardingSettingsForm

    def get_initial(self):
        event = self.request.event
        return {"grace": grace_minutes(event), "documents": route_requires_documents(event),
                "retention": event.settings.get(RETENTION, as_type=int)}

    def form_valid(self, form):
        event = self.request.event
        if form.cleaned_data["grace"] != grace_minutes(event):
            event.settings.set(GRACE_SETTING, form.cleaned_data["grace"])
            resync_event(event)
        event.settings.set(RETENTION, form.cleaned_data["retention"])
        if form.cleaned_data["documents"] != route_requires_documents(event) or (
                form.cleaned_data["documents"] and not event.settings.get(FLAG, as_type=bool)):
            set_required(event, form.cleaned_data["documents"], user=self.request.user)
        event.log_action("pretix.event.settings", data=form.cleaned_data, user=self.request.user)
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(reverse("plugins:ticketing_core:boarding.settings", kwargs={
            "organizer": event.organizer.slug, "event": event.slug}))
