"""*Administration → Feature flags*: the switches, who changed them last and why. Administrators only (pretix's
admin mode, like pretix's own global settings)."""
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from pretix.base.models import LogEntry
from pretix.control.permissions import AdministratorPermissionRequiredMixin

from . import store
from .registry import FLAGS
from .service import ACTION, switch


class SwitchForm(forms.Form):
    flag = forms.ChoiceField(choices=[(k, k) for k in FLAGS])
    enabled = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")
    reason = forms.CharField(max_length=500, required=False, label=gettext_lazy("Reason (for the log)"))


class FlagList(AdministratorPermissionRequiredMixin, TemplateView):
    template_name = "ticketing_core/flags/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        values = store.load()
        ctx["flags"] = [{"flag": f, "enabled": values[f.key]} for f in FLAGS.values()]
        ctx["log"] = LogEntry.objects.filter(action_type=ACTION).select_related("user").order_by("-datetime")[:30]
        return ctx

    def post(self, request, *args, **kwargs):
        form = SwitchForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The switch could not be changed: unknown flag or value."))
            return self.render_to_response(self.get_context_data(), status=400)
        d = form.cleaned_data
        if switch(d["flag"], d["enabled"], request.user, reason=d["reason"]):
            messages.success(request, _("“{flag}” is now {state}.").format(
                flag=FLAGS[d["flag"]].label, state=_("on") if d["enabled"] else _("off")))
        return HttpResponseRedirect(reverse("plugins:ticketing_core:flags"))
