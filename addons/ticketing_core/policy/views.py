"""
*Settings → Sailing and refund policy* of an event: its product kind, whether pretix's settings follow the refund
rule (and a button that applies it), and for a single (non-series) event its sailing.
"""
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from pretix.control.permissions import EventPermissionRequiredMixin
from pretix.control.views.event import EventSettingsViewMixin

from ..fleet.forms import EventKindForm, SailingForm
from ..fleet.models import EventKind
from ..fleet.sailing_views import event_url
from ..permissions import SAILINGS_WRITE
from .rules import apply_policy, policy_issues


class EventSailingSettings(EventSettingsViewMixin, EventPermissionRequiredMixin, FormView):
    """The event's product kind, the policy status and, for a single (non-series) event, its sailing."""

    permission = SAILINGS_WRITE
    template_name = "ticketing_core/policy/event_settings.html"
    form_class = EventKindForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = EventKind.objects.filter(event=self.request.event).first() or EventKind(
            event=self.request.event)
        kwargs["prefix"] = "kind"
        return kwargs

    @cached_property
    def sailing_form(self):
        if self.request.event.has_subevents:
            return None
        return SailingForm(
            data=self.request.POST if self.request.method == "POST" else None,
            event=self.request.event, subevent=None, request=self.request, prefix="sailing",
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sailing_form"] = self.sailing_form
        ctx["policy_issues"] = policy_issues(self.request.event)
        return ctx

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "apply_policy":
            with transaction.atomic():
                apply_policy(request.event)
                request.event.log_action("ticketing_core.policy.applied", user=request.user)
            messages.success(request, _("The refund policy has been applied to this event."))
            return HttpResponseRedirect(event_url(request, "settings"))
        form = self.get_form()
        if form.is_valid() and (self.sailing_form is None or self.sailing_form.is_valid()):
            return self.form_valid(form)
        messages.error(request, _("We could not save your changes. See below for details."))
        return self.form_invalid(form)

    @transaction.atomic
    def form_valid(self, form):
        if form.has_changed():
            form.save()
            self.request.event.log_action("ticketing_core.kind.changed", user=self.request.user,
                                          data={"kind": form.cleaned_data["kind"]})
        if self.sailing_form is not None:
            self.sailing_form.save()
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(event_url(self.request, "settings"))
