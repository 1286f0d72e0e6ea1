"""Back office → Support cases → Reports, and each report as CSV (exports are logged)."""
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.dateranges import DateRangeForm
from ticketing_core.exports import csv_response

from ..permissions import CASES_READ
from . import queries


class PeriodForm(DateRangeForm):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("Per"), required=False, choices=(("month", _("month")), ("week", _("week"))))


class ReportMixin:
    @cached_property
    def period_form(self) -> PeriodForm:
        return PeriodForm(self.request.GET or None)

    def period(self) -> tuple[date, date, str]:
        today = now().date()
        data = self.period_form.cleaned_data if self.period_form.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or (end - timedelta(days=90)).replace(day=1)
        return start, end, data.get("period") or "month"

    def tables(self) -> dict:
        org = self.request.organizer
        start, end, period = self.period()
        return {
            "by_status": queries.open_cases(org, "status"),
            "by_priority": queries.open_cases(org, "priority"),
            "by_agent": queries.open_cases(org, "assignee"),
            "sla": queries.sla_compliance(org, start, end, period),
            "refunds": queries.refunds_by_reason(org, start, end),
        }


class Reports(ReportMixin, OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    permission = CASES_READ
    template_name = "ticketing_helpdesk/reports/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.tables())
        ctx["period_form"] = self.period_form
        ctx["per"] = self.period()[2]
        ctx["query"] = self.request.GET.urlencode()
        return ctx


def _num(value):
    return "" if value is None else value


class ReportCsv(ReportMixin, OrganizerPermissionRequiredMixin, View):
    permission = CASES_READ

    def rows(self, report: str) -> tuple[list, list[list]]:
        org = self.request.organizer
        start, end, period = self.period()
        if report in ("by_status", "by_priority", "by_agent"):
            field = {"by_status": "status", "by_priority": "priority", "by_agent": "assignee"}[report]
            header = {"status": gettext("Status"), "priority": gettext("Priority"),
                      "assignee": gettext("Assignee")}[field]
            return [header, gettext("Open cases")], [[label, n] for label, n in queries.open_cases(org, field)]
        if report == "sla":
            header = [gettext("Period"), gettext("Cases"), gettext("First response in time"),
                      gettext("First response late"),
                      gettext("Resolved in time"), gettext("Resolved late"), gettext("SLA met, %"),
                      gettext("Median first response, business hours"), gettext("Median first response, hours"),
                      gettext("Median resolution, business hours"), gettext("Median resolution, hours")]
            return header, [[r["period"].isoformat(), r["cases"], r["first_met"], r["first_missed"],
                             r["resolution_met"], r["resolution_missed"], _num(r["compliance"]),
                             _num(r["median_first_business_h"]), _num(r["median_first_calendar_h"]),
                             _num(r["median_resolution_business_h"]), _num(r["median_resolution_calendar_h"])]
                            for r in queries.sla_compliance(org, start, end, period)]
        if report == "refunds":
            return [gettext("Reason"), gettext("Details"), gettext("Refunds"), gettext("Amount, RUB")], [
                [g["label"], g["detail"], g["count"], g["amount"].quantize(Decimal("0.01"))]
                for g in queries.refunds_by_reason(org, start, end)]
        raise Http404()

    def get(self, request, *args, **kwargs):
        report = kwargs["report"]
        header, rows = self.rows(report)
        response = csv_response(rows, header, f"cases-{report}-{now():%Y%m%d}.csv")
        request.organizer.log_action("ticketing_helpdesk.report.exported", user=request.user, data={
            "report": report, "query": request.GET.urlencode(), "rows": len(rows)})
        return response
