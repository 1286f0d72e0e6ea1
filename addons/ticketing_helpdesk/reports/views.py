"""Back office → Support cases → Reports, and each report as CSV (exports are logged)."""
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404, HttpResponseBadRequest
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.exports import csv_response

from ..permissions import CASES_READ
from . import queries

# The reports look at most this far (the SLA report computes every case opened in the period) and only at
# dates a business can have; year 1 or 9999 would overflow the date arithmetic.
MAX_DAYS = 366
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("Per"), required=False, choices=(("month", _("month")), ("week", _("week"))))

    def __init__(self, *args, timezone: str = "Europe/Moscow", **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone = timezone

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for day in (data.get("start"), data.get("end")):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                raise forms.ValidationError(_("Please choose dates from {first} to {last}.").format(
                    first=date_format(FIRST_DAY, "SHORT_DATE_FORMAT"), last=date_format(LAST_DAY, "SHORT_DATE_FORMAT")))
        # without dates: from the first day of the month three months ago until today
        end = data.get("end") or now().astimezone(ZoneInfo(self.timezone)).date()
        start = data.get("start") or (end - timedelta(days=90)).replace(day=1)
        if end < start:
            raise forms.ValidationError(_("The end of the period must not be before its start."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("A report period may span at most {days} days.").format(days=MAX_DAYS))
        data.update(start=start, end=end, period=data.get("period") or "month")
        return data


class ReportMixin:
    @cached_property
    def period_form(self) -> PeriodForm:
        return PeriodForm(self.request.GET, timezone=self.request.organizer.settings.timezone or "Europe/Moscow")

    def period(self) -> tuple[date, date, str]:
        """The valid period asked for; only called once :attr:`period_form` is valid."""
        data = self.period_form.cleaned_data
        return data["start"], data["end"], data["period"]

    def tables(self) -> dict:
        org = self.request.organizer
        tables = {
            "by_status": queries.open_cases(org, "status"),
            "by_priority": queries.open_cases(org, "priority"),
            "by_agent": queries.open_cases(org, "assignee"),
            "sla": [],
            "refunds": [],
        }
        if self.period_form.is_valid():
            start, end, period = self.period()
            tables["sla"] = queries.sla_compliance(org, start, end, period)
            tables["refunds"] = queries.refunds_by_reason(org, start, end)
        return tables


class Reports(ReportMixin, OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    permission = CASES_READ
    template_name = "ticketing_helpdesk/reports/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.tables())
        ctx["period_form"] = self.period_form
        ctx["per"] = self.period()[2] if self.period_form.is_valid() else "month"
        ctx["query"] = self.request.GET.urlencode()
        return ctx

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.period_form.is_valid():
            response.status_code = 400  # the page, with the form's message, for a period we do not compute
        return response


def _num(value):
    return "" if value is None else value


OPEN_CASE_REPORTS = {"by_status": "status", "by_priority": "priority", "by_agent": "assignee"}
PERIOD_REPORTS = ("sla", "refunds")


class ReportCsv(ReportMixin, OrganizerPermissionRequiredMixin, View):
    permission = CASES_READ

    def rows(self, report: str) -> tuple[list, list[list]]:
        org = self.request.organizer
        if report in OPEN_CASE_REPORTS:
            field = OPEN_CASE_REPORTS[report]
            header = {"status": gettext("Status"), "priority": gettext("Priority"),
                      "assignee": gettext("Assignee")}[field]
            return [header, gettext("Open cases")], [[label, n] for label, n in queries.open_cases(org, field)]
        start, end, period = self.period()
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
        if report not in OPEN_CASE_REPORTS and report not in PERIOD_REPORTS:
            raise Http404()
        if report in PERIOD_REPORTS and not self.period_form.is_valid():
            return HttpResponseBadRequest(" ".join(str(e) for errors in self.period_form.errors.values()
                                                   for e in errors), content_type="text/plain; charset=utf-8")
        header, rows = self.rows(report)
        response = csv_response(rows, header, f"cases-{report}-{now():%Y%m%d}.csv")
        request.organizer.log_action("ticketing_helpdesk.report.exported", user=request.user, data={
            "report": report, "query": request.GET.urlencode(), "rows": len(rows)})
        return response
