"""
A register on screen for a period (the operator's days), with totals, and its XLSX and CSV downloads, each
download written to pretix's log of the organizer (the audit trail).
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.views import View

from pretix.control.permissions import OrganizerPermissionRequiredMixin

from ticketing_core.dateranges import DateRangeForm

from ..permissions import REGISTERS
from .export import csv_export, xlsx_export
from .registers import REGISTERS as KINDS

MAX_DAYS = 400


class PeriodForm(DateRangeForm):
    range_fields = ("start", "end")
    max_days = MAX_DAYS

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


def default_period(today: date) -> tuple[date, date]:
    """The current month up to today; in its first half, from the start of the previous month (month-end closing)."""
    first = today.replace(day=1)
    if today.day < 15:
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today


class RegisterView(OrganizerPermissionRequiredMixin, View):
    permission = REGISTERS
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        register = KINDS.get(kwargs["register"])
        if register is None:
            raise Http404(_("No such register."))
        org = request.organizer
        tz = ZoneInfo(org.settings.timezone)
        start, end = default_period(now().astimezone(tz).date())
        form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
        if form.is_bound:
            if not form.is_valid():
                return render(request, "ticketing_accounting/registers/register.html", {
                    "register": register, "registers": KINDS, "form": form}, status=400)
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = register.build(org, start, end, tz)
        totals = register.totals(rows)
        fmt = request.GET.get("format")
        if fmt in ("csv", "xlsx"):
            filename = f"{register.key}_{start:%Y%m%d}_{end:%Y%m%d}.{fmt}"
            org.log_action("ticketing_accounting.register.exported", user=request.user, data={
                "register": register.key, "title": str(register.title), "start": start.strftime("%d.%m.%Y"),
                "end": end.strftime("%d.%m.%Y"), "format": fmt.upper(), "rows": len(rows)})
            if fmt == "csv":
                return csv_export(register, rows, filename)
            return xlsx_export(register, rows, totals, f"{start:%d.%m.%Y} – {end:%d.%m.%Y}", filename)
        query = f"start={start.isoformat()}&end={end.isoformat()}"
        return render(request, "ticketing_accounting/registers/register.html", {
            "register": register, "registers": KINDS, "form": form if form.is_bound else PeriodForm(
                initial={"start": start, "end": end}),
            "rows": rows, "totals": totals, "start": start, "end": end, "query": query,
            "cells": [[(c, r[c.key]) for c in register.columns] for r in rows],
            "total_cells": [(c, totals.get(c.key)) for c in register.columns],
            "previous_month": _month_query(start, -1), "next_month": _month_query(start, 1)})


def _month_query(start: date, step: int) -> str:
    first = start.replace(day=1)
    if step < 0:
        first = (first - timedelta(days=1)).replace(day=1)
    else:
        first = (first + timedelta(days=32)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return f"start={first.isoformat()}&end={last.isoformat()}"
