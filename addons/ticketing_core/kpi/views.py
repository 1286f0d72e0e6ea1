"""The organizer's KPI dashboard and its XLSX export (both check ``organizer.kpi:read`` themselves)."""
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from pretix.control.views.organizer import OrganizerDetailViewMixin

from . import dashboard, figures
from .access import may_see_kpis, visible_events
from .forms import KpiFilterForm

PAGE_SIZE = 50


class KpiAccessMixin:
    """Any team member reaches the URL; only those with ``organizer.kpi:read`` see anything (403 otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not may_see_kpis(request.user, request.organizer, request):
            raise PermissionDenied()
        return super().dispatch(request, *args, **kwargs)

    def filter_form(self) -> KpiFilterForm:
        return KpiFilterForm(self.request.GET, organizer=self.request.organizer,
                             events=visible_events(self.request.user, self.request.organizer, self.request))


class Dashboard(KpiAccessMixin, OrganizerDetailViewMixin, View):
    template_name = "ticketing_core/kpi/dashboard.html"

    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        ctx = {"form": form, "organizer": request.organizer, "channel_labels": dashboard.channel_labels(),
               "step_labels": dashboard.step_labels(), "pace_days": figures.PACE_DAYS,
               "grace_minutes": int(figures.BOARDING_GRACE.total_seconds() // 60)}
        if not form.is_valid():
            return render(request, self.template_name, ctx, status=400)
        board = dashboard.compute(request.organizer, form.events, form.cleaned_data)
        # the date fields show the period actually shown (the defaults too), not an empty "dd.mm.yyyy"
        form.data = form.data.copy()
        form.data.update({"start": board.start.isoformat(), "end": board.end.isoformat()})
        tz = ZoneInfo(str(request.organizer.settings.timezone))
        page = Paginator(board.rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        ctx.update(board=board, page=page, query=query.urlencode(), tz=tz,
                   export_url=reverse("plugins:ticketing_core:kpi.export",
                                      kwargs={"organizer": request.organizer.slug}) + "?" + query.urlencode(),
                   **dashboard.chart_context(board, tz))
        return render(request, self.template_name, ctx)


class Export(KpiAccessMixin, OrganizerDetailViewMixin, View):
    def get(self, request, *args, **kwargs):
        from .export import workbook

        form = self.filter_form()
        if not form.is_valid():
            return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400,
                                content_type="text/plain; charset=utf-8")
        board = dashboard.compute(request.organizer, form.events, form.cleaned_data)
        tz = ZoneInfo(str(request.organizer.settings.timezone))
        response = HttpResponse(
            workbook(board, tz), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"kpi-{request.organizer.slug}-{board.start:%Y%m%d}-{board.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
