"""The SLA settings page: targets per priority and category, working hours, holidays, the warning threshold."""
from datetime import time

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from ticketing_core.dateranges import parse_day

from ..models import SlaPolicy, SupportCase
from .compute import AT_RISK_DEFAULT_PERCENT


class BaseSlaPolicyFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE") or not form.has_changed() and not \
                    form.instance.pk:
                continue
            key = (form.cleaned_data.get("priority"), form.cleaned_data.get("category") or "")
            if key in seen:
                raise forms.ValidationError(_("There are two targets for the same priority and category."))
            seen.add(key)


class SlaPolicyForm(forms.ModelForm):
    """One row of the targets table (the column headers and the page explain the fields)."""

    class Meta:
        model = SlaPolicy
        fields = ("priority", "category", "first_response_minutes", "resolution_minutes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Every category"))] + list(SupportCase.CATEGORIES)
        self.fields["category"].help_text = ""


SlaPolicyFormSet = modelformset_factory(
    SlaPolicy, form=SlaPolicyForm, fields=("priority", "category", "first_response_minutes", "resolution_minutes"),
    formset=BaseSlaPolicyFormSet, extra=2, can_delete=True,
    widgets={"first_response_minutes": forms.NumberInput(attrs={"min": 1}),
             "resolution_minutes": forms.NumberInput(attrs={"min": 1})},
)


class CalendarForm(forms.Form):
    """Working hours per weekday (empty = day off), holidays one per line, the warning threshold."""

    holidays = forms.CharField(
        label=_("Holidays"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line: the date as YYYY-MM-DD, then optionally a name, e.g. \"2027-01-07 Christmas\"."))
    at_risk_percent = forms.IntegerField(
        label=_("Warn when less than this share of a target is left (%)"), min_value=1, max_value=90,
        initial=AT_RISK_DEFAULT_PERCENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, name in WEEKDAYS.items():
            self.fields[f"open_{day}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"start_{day}"] = forms.TimeField(label=_("from"), required=False,
                                                          widget=forms.TimeInput(attrs={"type": "time"}))
            self.fields[f"end_{day}"] = forms.TimeField(label=_("to"), required=False,
                                                        widget=forms.TimeInput(attrs={"type": "time"}))

    def days(self):
        return [{"name": name, "open": self[f"open_{d}"], "start": self[f"start_{d}"], "end": self[f"end_{d}"]}
                for d, name in WEEKDAYS.items()]

    def clean(self):
        data = super().clean()
        hours = {}
        for day, name in WEEKDAYS.items():
            if not data.get(f"open_{day}"):
                continue
            start, end = data.get(f"start_{day}"), data.get(f"end_{day}")
            if start is None or end is None:
                self.add_error(f"start_{day}", _("Enter the working hours of {day}.").format(day=name))
            elif end <= start:
                self.add_error(f"end_{day}", _("The end of the working day must be after its start."))
            else:
                hours[day] = (start, end)
        data["hours"] = hours
        holidays = {}
        for n, line in enumerate((data.get("holidays") or "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            day, _sep, name = line.partition(" ")
            try:
                parsed = parse_day(day)  # also refuses year 1 or 9999, which the SLA clock cannot step over
            except ValueError as e:
                self.add_error("holidays", _("Line {n}: {error}").format(n=n, error=e))
                continue
            holidays[parsed] = name.strip()[:200]
        data["holiday_rows"] = holidays
        return data


def calendar_initial(hours_rows, holiday_rows, percent: int) -> dict:
    initial = {"at_risk_percent": percent,
               "holidays": "\n".join(f"{h.date.isoformat()} {h.name}".strip() for h in holiday_rows)}
    rows = {r.weekday: r for r in hours_rows}
    for day in WEEKDAYS:
        r = rows.get(day)
        if not rows and day < 5:
            initial.update({f"open_{day}": True, f"start_{day}": time(9), f"end_{day}": time(18)})
        elif r:
            initial.update({f"open_{day}": True, f"start_{day}": r.start, f"end_{day}": r.end})
    return initial
