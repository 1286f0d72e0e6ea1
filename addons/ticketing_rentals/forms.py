"""The shop's charter form: vessel (or any free one of a type), date, start, duration, guests and extras."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_scopes.forms import SafeModelChoiceField

from ticketing_core.dateranges import parse_day
from ticketing_core.models import Vessel

from . import services
from .cart import Extra
from .models import WEEKDAYS, RentalOffer, RentalRate, RentalVessel
from .quote import duration_label

ANY = "any-"
MAX_EXTRA = 50


class CharterForm(forms.Form):
    """
    Bound to GET data while the customer chooses (the page recomputes the free start times for the chosen
    vessel, date and duration) and to POST data when they book. Start times are offered only from what is
    free; the booking service checks again and the database decides.
    """

    vessel = forms.ChoiceField(label=gettext_lazy("Vessel"))
    # a date input's value is yyyy-mm-dd in every language (Chromium empties a localised "07.12.2026")
    date = forms.DateField(label=gettext_lazy("Date"),
                           widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    duration = forms.TypedChoiceField(label=gettext_lazy("Duration"), coerce=int)
    start = forms.ChoiceField(label=gettext_lazy("Start time"), required=False)
    guests = forms.IntegerField(label=gettext_lazy("Number of guests"), min_value=1, initial=2)

    def __init__(self, *args, offer: RentalOffer, extras: list, at: datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer, self.extras, self.at = offer, extras, at or now()
        self.tz = services.offer_timezone(offer)
        self.rental_vessels: list[RentalVessel] = list(offer.offer_vessels.all())
        choices = [(str(rv.vessel_id), _("{name} (up to {guests} guests)").format(
            name=rv.vessel.name, guests=rv.max_guests)) for rv in self.rental_vessels]
        types = {}
        for rv in self.rental_vessels:
            types.setdefault(rv.vessel.vessel_type, []).append(rv)
        for vessel_type, rvs in types.items():
            if len(rvs) > 1:
                choices.append((ANY + vessel_type, _("Any available: {type}").format(
                    type=dict(Vessel.TYPES)[vessel_type].lower())))
        self.fields["vessel"].choices = choices
        self.fields["duration"].choices = [(m, duration_label(m)) for m in services.durations(offer)]
        self.fields["guests"].max_value = max((rv.max_guests for rv in self.rental_vessels), default=1)
        self.fields["guests"].widget.attrs["max"] = self.fields["guests"].max_value
        today = self.at.astimezone(self.tz).date()
        self.fields["date"].widget.attrs["min"] = today.isoformat()
        for item in extras:
            limit = min(item.max_per_order or MAX_EXTRA, MAX_EXTRA)
            self.fields[f"extra_{item.pk}"] = forms.IntegerField(
                label=str(item.name), min_value=0, max_value=limit, initial=0, required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": limit}))
        self.fields["start"].choices = [("", _("Choose a start time"))] + self._start_choices()

    def _raw(self, name: str):
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        return self.initial.get(name)

    def candidates(self) -> list[RentalVessel]:
        """The vessels the customer's choice stands for: one, or every vessel of the chosen type."""
        raw = str(self._raw("vessel") or (self.rental_vessels[0].vessel_id if self.rental_vessels else ""))
        if raw.startswith(ANY):
            return [rv for rv in self.rental_vessels if rv.vessel.vessel_type == raw[len(ANY):]]
        return [rv for rv in self.rental_vessels if str(rv.vessel_id) == raw]

    def chosen_day(self) -> date | None:
        raw = self._raw("date")
        if isinstance(raw, date):
            return raw
        try:
            return parse_day(str(raw)) if raw else None
        except ValueError:  # a half-typed or far-out day (year 9999) shows no start times, not an error page
            return None

    def chosen_duration(self) -> int:
        try:
            minutes = int(self._raw("duration") or self.offer.min_duration_minutes)
        except (TypeError, ValueError):
            return self.offer.min_duration_minutes
        return minutes if minutes in services.durations(self.offer) else self.offer.min_duration_minutes

    def slots(self) -> dict[datetime, list[RentalVessel]]:
        """Free start times of the chosen day and duration, each with the vessels free then."""
        day = self.chosen_day()
        if day is None:
            return {}
        result: dict[datetime, list[RentalVessel]] = {}
        for rv in self.candidates():
            for start in services.free_slots(self.offer, rv.vessel, day, self.chosen_duration(), at=self.at):
                result.setdefault(start, []).append(rv)
        return dict(sorted(result.items()))

    def _start_choices(self) -> list[tuple[str, str]]:
        self._slots = self.slots()
        return [(s.isoformat(), s.astimezone(self.tz).strftime("%H:%M")) for s in self._slots]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        raw_start = data.get("start")
        if not raw_start:
            raise forms.ValidationError({"start": _("Please choose a start time.")})
        start = datetime.fromisoformat(raw_start)
        free = self._slots.get(start, [])
        guests = data["guests"]
        fitting = [rv for rv in free if rv.max_guests >= guests]
        if free and not fitting:
            most = max(rv.max_guests for rv in free)
            raise forms.ValidationError({"guests": ngettext(
                "At most {max} guest can come on board at this time.",
                "At most {max} guests can come on board at this time.", most).format(max=most)})
        if not fitting:
            raise forms.ValidationError({"start": _("This start time is no longer free. Please choose another.")})
        data["start"] = start
        data["rental_vessel"] = fitting[0]
        data["minutes"] = data["duration"]
        return data

    def preview(self) -> tuple[RentalVessel, datetime] | None:
        """The vessel and start to price while the customer is still choosing (before validation)."""
        raw = self._raw("start")
        if not raw:
            return None
        try:
            start = datetime.fromisoformat(str(raw))
        except ValueError:
            return None
        free = getattr(self, "_slots", {}).get(start)
        return (free[0], start) if free else None

    def chosen_extras(self) -> list[Extra]:
        """The extras with the quantities asked for (0 for anything empty or not a number), in offer order."""
        extras = []
        for item in self.extras:
            try:
                count = max(0, min(int(self._raw(f"extra_{item.pk}") or 0), MAX_EXTRA))
            except (TypeError, ValueError):
                count = 0
            extras.append(Extra(item=item, count=count))
        return extras

    @staticmethod
    def default_day(offer: RentalOffer, at: datetime) -> date:
        """The first day on which a charter can start after the notice period."""
        earliest = at + timedelta(minutes=offer.notice_minutes)
        return earliest.astimezone(services.offer_timezone(offer)).date()


# --- back office: the offer editor ------------------------------------------------------------------


class RentalOfferForm(forms.ModelForm):
    """The offer's rules; opening hours are one pair of times per weekday (both empty: closed)."""

    class Meta:
        model = RentalOffer
        fields = ("pier", "item", "min_duration_minutes", "max_duration_minutes", "step_minutes", "notice_minutes")
        field_classes = {"pier": SafeModelChoiceField, "item": SafeModelChoiceField}

    def __init__(self, *args, event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from ticketing_core.models import Pier

        from .validation import parse_opening_hours

        self.fields["pier"].queryset = Pier.objects.filter(organizer=event.organizer, active=True)
        self.fields["item"].queryset = event.items.all()
        self.fields["item"].required = True
        self.fields["item"].help_text = _("The product the charter time is sold as; its price is set by the rates "
                                          "below, its tax rule applies.")
        try:
            hours = parse_opening_hours(self.instance.opening_hours if self.instance.pk else {})
        except forms.ValidationError:
            hours = {}
        for day, name in WEEKDAYS:
            opens, closes = hours.get(day, (None, None))
            self.fields[f"open_{day}"] = forms.TimeField(label=name, required=False, initial=opens,
                                                         widget=forms.TimeInput(attrs={"type": "time"}))
            self.fields[f"close_{day}"] = forms.TimeField(label=name, required=False, initial=closes,
                                                          widget=forms.TimeInput(attrs={"type": "time"}))

    def weekday_rows(self):
        return [(name, self[f"open_{day}"], self[f"close_{day}"]) for day, name in WEEKDAYS]

    def clean(self):
        data = super().clean()
        hours = {}
        for day, name in WEEKDAYS:
            opens, closes = data.get(f"open_{day}"), data.get(f"close_{day}")
            if (opens is None) != (closes is None):
                self.add_error(f"open_{day}", _("{day}: give both the opening and the closing time, or neither "
                                                "(closed).").format(day=name))
            elif opens is not None:
                hours[str(day)] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        self.instance.opening_hours = hours
        return data


class RentalVesselForm(forms.ModelForm):
    class Meta:
        model = RentalVessel
        fields = ("vessel", "max_guests")
        field_classes = {"vessel": SafeModelChoiceField}

    def __init__(self, *args, organizer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vessel"].queryset = Vessel.objects.filter(organizer=organizer, active=True)


class RentalRateForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(label=gettext_lazy("Weekdays"), coerce=int,
                                              widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = RentalRate
        fields = ("weekdays", "start_time", "end_time", "vessel", "hourly_price")
        field_classes = {"vessel": SafeModelChoiceField}
        widgets = {"start_time": forms.TimeInput(attrs={"type": "time"}),
                   "end_time": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args, organizer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekdays"].choices = list(WEEKDAYS)
        self.fields["vessel"].queryset = Vessel.objects.filter(organizer=organizer, active=True)
        self.fields["vessel"].empty_label = _("All vessels of the offer")


def offer_formsets(data, offer: RentalOffer, organizer):
    """The vessel and rate tables of the offer editor (rows to add, to change, to delete)."""
    vessel_fs = forms.inlineformset_factory(RentalOffer, RentalVessel, form=RentalVesselForm, extra=1,
                                            can_delete=True)
    rate_fs = forms.inlineformset_factory(RentalOffer, RentalRate, form=RentalRateForm, extra=2, can_delete=True)
    return (vessel_fs(data, instance=offer, prefix="vessels", form_kwargs={"organizer": organizer}),
            rate_fs(data, instance=offer, prefix="rates", form_kwargs={"organizer": organizer}))


class CancelRentalForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason (the customer reads it)"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=gettext_lazy("Yes, cancel this charter and refund the order in full."))
