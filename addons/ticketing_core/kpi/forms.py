"""The dashboard's filters: period, event, vessel, pier. Anything malformed is a form error (HTTP 400)."""
from datetime import timedelta

from django import forms
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dateranges import DateRangeForm, parse_id
from ..fleet.models import Pier, Vessel

MAX_DAYS = 400  # a season and a bit; the dashboard stays fast on any allowed period
DEFAULT_BACK, DEFAULT_AHEAD = 30, 30


class IdChoiceField(forms.ChoiceField):
    """A choice of ids where "abc", "²" or 10**30 are refused with the translated sentence of ``parse_id``."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        try:
            return str(parse_id(value))
        except ValueError as e:
            raise forms.ValidationError(str(e)) from None


class KpiFilterForm(DateRangeForm):
    max_days = MAX_DAYS

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    event = IdChoiceField(label=_("Event"), required=False)
    vessel = IdChoiceField(label=pgettext_lazy("kpi", "Vessel"), required=False)
    pier = IdChoiceField(label=_("Departure pier"), required=False)

    def __init__(self, *args, organizer=None, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.events = list(events)
        self.vessels = list(Vessel.objects.filter(organizer=organizer))
        self.piers = list(Pier.objects.filter(organizer=organizer))
        everything = [("", _("All"))]
        self.fields["event"].choices = everything + [(str(e.pk), str(e.name)) for e in self.events]
        self.fields["vessel"].choices = everything + [(str(v.pk), v.name) for v in self.vessels]
        self.fields["pier"].choices = everything + [(str(p.pk), str(p.name)) for p in self.piers]

    def clean(self):
        data = super().clean()
        today = now().date()
        if not self.errors:
            data["start"] = data.get("start") or (data.get("end") or today) - timedelta(days=DEFAULT_BACK)
            data["end"] = data.get("end") or max(data["start"], today) + timedelta(days=DEFAULT_AHEAD)
            if data["end"] < data["start"] or (data["end"] - data["start"]).days + 1 > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most {days} days.").format(days=MAX_DAYS))
        data["event"] = next((e for e in self.events if str(e.pk) == data.get("event")), None)
        data["vessel"] = next((v for v in self.vessels if str(v.pk) == data.get("vessel")), None)
        data["pier"] = next((p for p in self.piers if str(p.pk) == data.get("pier")), None)
        return data
