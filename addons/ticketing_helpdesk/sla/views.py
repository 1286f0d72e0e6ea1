"""Back office → Support cases → SLA settings."""
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..models import BusinessHours, Holiday, SlaPolicy, SupportCase
from ..permissions import CASES_SETTINGS
from .compute import AT_RISK_DEFAULT_PERCENT, DEFAULT_TARGETS, refresh
from .forms import CalendarForm, SlaPolicyFormSet, calendar_initial

PERCENT_KEY = "ticketing_helpdesk_at_risk_percent"


class SlaSettings(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    permission = CASES_SETTINGS
    template_name = "ticketing_helpdesk/sla/settings.html"

    @cached_property
    def policies(self):
        return SlaPolicy.objects.filter(organizer=self.request.organizer)

    def formset(self, data=None):
        return SlaPolicyFormSet(data, queryset=self.policies, prefix="policy")

    def calendar_form(self, data=None):
        org = self.request.organizer
        return CalendarForm(data, prefix="cal", initial=calendar_initial(
            BusinessHours.objects.filter(organizer=org), Holiday.objects.filter(organizer=org),
            org.settings.get(PERCENT_KEY, as_type=int, default=AT_RISK_DEFAULT_PERCENT)))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", self.formset())
        ctx.setdefault("calendar_form", self.calendar_form())
        ctx["defaults"] = [(label, DEFAULT_TARGETS[p]) for p, label in SupportCase.PRIORITIES]
        return ctx

    def post(self, request, *args, **kwargs):
        formset, cal = self.formset(request.POST), self.calendar_form(request.POST)
        if not (formset.is_valid() and cal.is_valid()):
            messages.error(request, _("Your changes could not be saved. See below for details."))
            return self.render_to_response(self.get_context_data(formset=formset, calendar_form=cal))
        org = request.organizer
        with transaction.atomic():
            for form in formset.deleted_forms:
                if form.instance.pk:
                    form.instance.delete()
            for form in formset.forms:
                if form in formset.deleted_forms or not form.has_changed():
                    continue
                policy = form.save(commit=False)
                policy.organizer = org
                policy.category = policy.category or ""
                policy.save()
            BusinessHours.objects.filter(organizer=org).delete()
            BusinessHours.objects.bulk_create([BusinessHours(organizer=org, weekday=d, start=s, end=e)
                                               for d, (s, e) in cal.cleaned_data["hours"].items()])
            Holiday.objects.filter(organizer=org).delete()
            Holiday.objects.bulk_create([Holiday(organizer=org, date=d, name=n)
                                         for d, n in cal.cleaned_data["holiday_rows"].items()])
            org.settings.set(PERCENT_KEY, cal.cleaned_data["at_risk_percent"])
            org.log_action("ticketing_helpdesk.sla.changed", user=request.user, data={
                "policies": [str(p) for p in SlaPolicy.objects.filter(organizer=org)],
                "hours": {str(d): f"{s:%H:%M}-{e:%H:%M}" for d, (s, e) in cal.cleaned_data["hours"].items()},
                "holidays": [d.isoformat() for d in cal.cleaned_data["holiday_rows"]],
            })
        # the due times of open cases follow the new targets and calendar
        for case in SupportCase.objects.filter(organizer=org, status__in=SupportCase.OPEN_STATUSES):
            refresh(case)
        messages.success(request, _("Your changes have been saved."))
        return HttpResponseRedirect(reverse("plugins:ticketing_helpdesk:sla.settings",
                                            kwargs={"organizer": org.slug}))
