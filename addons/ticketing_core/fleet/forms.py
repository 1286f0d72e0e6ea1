"""Back-office forms: they validate input and call the services, which hold the rules."""
from datetime import timedelta
from decimal import Decimal
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from i18nfield.strings import LazyI18nString

from pretix.base.forms import I18nModelForm
from pretix.base.models import Event, Organizer, SubEvent
from pretix.control.forms import SplitDateTimeField

from ..errors import TicketingError
from .capacity import check_capacity, check_vessel_capacity_change, managed_quota_name, passenger_items
from .models import EventKind, Pier, Sailing, Vessel
from .sailings import save_sailing
from .schedule import check_schedule


class OrganizerI18nModelForm(I18nModelForm):
    """Organizer-level objects are translated into every language the organizer's shop offers."""

    def __init__(self, *args, organizer: Organizer, **kwargs):
        self.organizer = organizer
        kwargs["locales"] = organizer.settings.get("locales") or ["ru", "en", "zh-hans"]
        super().__init__(*args, **kwargs)


class PierForm(OrganizerI18nModelForm):
    timezone = forms.ChoiceField(label=_("Time zone"), choices=[], initial="Europe/Moscow")

    class Meta:
        model = Pier
        fields = ("name", "address", "latitude", "longitude", "boarding_instructions", "timezone", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(tz, tz) for tz in sorted(available_timezones()) if "/" in tz]

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Enter both latitude and longitude, or neither."))
        if lat is not None and not Decimal("-90") <= lat <= Decimal("90"):
            self.add_error("latitude", _("Latitude must be between -90 and 90 degrees."))
        if lon is not None and not Decimal("-180") <= lon <= Decimal("180"):
            self.add_error("longitude", _("Longitude must be between -180 and 180 degrees."))
        return data


class VesselForm(OrganizerI18nModelForm):
    class Meta:
        model = Vessel
        fields = ("name", "registration_number", "vessel_type", "capacity", "seating_mode", "description",
                  "amenities", "active")

    def clean_registration_number(self):
        number = self.cleaned_data["registration_number"].strip()
        clash = Vessel.objects.filter(organizer=self.organizer, registration_number__iexact=number)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another vessel already has this registration number."))
        return number

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity < self.instance.capacity:
            try:
                check_vessel_capacity_change(self.instance, capacity)
            except TicketingError as e:
                raise ValidationError(str(e))
        return capacity


class FleetSettingsForm(forms.Form):
    turnaround_minutes = forms.IntegerField(
        label=_("Turnaround time between sailings (minutes)"), min_value=0, max_value=24 * 60,
        help_text=_("A vessel cannot start a sailing sooner than this after the end of its previous one."),
    )
    cancellation_fee = forms.DecimalField(
        label=_("Cancellation fee (fixed amount)"), min_value=Decimal("0.00"), max_digits=10, decimal_places=2,
        help_text=_("Kept from a customer's refund when they cancel before the deadline. Default: none."),
    )
    cancellation_fee_percentage = forms.DecimalField(
        label=_("Cancellation fee (percent)"), min_value=Decimal("0.00"), max_value=Decimal("100.00"),
        max_digits=5, decimal_places=2,
    )


class SailingForm(forms.Form):
    """Shown on pretix's date form (and its bulk creation): which vessel sails this date, from where."""

    template = "ticketing_core/fleet/sailing_form.html"
    title = _("Sailing")

    vessel = forms.ModelChoiceField(label=_("Vessel"), queryset=Vessel.objects.none(), required=False,
                                    help_text=_("Leave empty for a date without a vessel (nothing is sold for it "
                                                "as a sailing)."))
    departure_pier = forms.ModelChoiceField(label=_("Departure pier"), queryset=Pier.objects.none(), required=False)
    arrival_pier = forms.ModelChoiceField(label=_("Arrival pier"), queryset=Pier.objects.none(), required=False,
                                          help_text=_("Leave empty if the sailing returns to its departure pier."))
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=14 * 24 * 60,
                                          required=False)
    sellable_capacity = forms.IntegerField(label=_("Sellable capacity"), min_value=0, required=False,
                                           help_text=_("Leave empty to sell up to the vessel's certified capacity."))

    def __init__(self, *args, event: Event, subevent: SubEvent | None, request=None, copy_from=None, **kwargs):
        self.event = event
        self.subevent = subevent
        self.request = request
        if event.has_subevents:
            # subevent is None while pretix's form creates a new date
            self.sailing = Sailing.objects.filter(event=event, subevent=subevent).first() if (
                subevent and subevent.pk) else None
        else:
            self.sailing = Sailing.objects.filter(event=event, subevent__isnull=True).first()
        source = self.sailing or (
            Sailing.objects.filter(event=event, subevent=copy_from).first() if copy_from else None
        )
        self.copy_from = copy_from
        self.is_sailing_series = event.has_subevents and not EventKind.objects.filter(
            event=event, kind=EventKind.KIND_RENTAL).exists()
        if source and not kwargs.get("data"):
            kwargs["initial"] = {
                "vessel": source.vessel_id, "departure_pier": source.departure_pier_id,
                "arrival_pier": source.arrival_pier_id, "duration_minutes": source.duration_minutes,
                "sellable_capacity": source.sellable_capacity,
            }
        elif self.is_new_date and not kwargs.get("data"):
            # a blank date form: the sailings of this event usually take as long as the latest one
            latest = Sailing.objects.filter(event=event).order_by("-pk").values_list("duration", flat=True).first()
            kwargs["initial"] = {"duration_minutes": int(latest.total_seconds() // 60)} if latest else {}
        super().__init__(*args, **kwargs)
        if self.is_sailing_series:
            # every date of a sailing event is a sailing: without a vessel nothing could be sold for it
            self.fields["vessel"].required = True
            self.fields["vessel"].help_text = ""
            self.fields["departure_pier"].required = True
        current = self.sailing.vessel_id if self.sailing else None
        self.fields["vessel"].queryset = Vessel.objects.filter(organizer=event.organizer).filter(
            Q(active=True) | Q(pk=current)
        )
        piers = Pier.objects.filter(organizer=event.organizer, active=True)
        self.fields["departure_pier"].queryset = piers
        self.fields["arrival_pier"].queryset = piers

    @property
    def is_new_date(self) -> bool:
        return self.sailing is None and not (self.subevent and self.subevent.pk)

    @property
    def blank_form_quota(self) -> dict | None:
        """
        On pretix's blank date form the capacity guard owns the quota, but pretix insists on one filled quota
        entry (name, products). Our template pre-fills that entry (``quotas-0-*``, sent after pretix's own
        fields, so the browser's last value counts) with the managed quota over the passenger products;
        :func:`capacity.sync_quota` adopts it and sizes it to the vessel. A copied date keeps the copied quotas.
        """
        if not (self.is_sailing_series and self.is_new_date and self.copy_from is None):
            return None
        itemvars = []
        for item in passenger_items(self.event).prefetch_related("variations"):
            variations = list(item.variations.all())
            itemvars += [f"{item.pk}-{v.pk}" for v in variations] if variations else [str(item.pk)]
        return {"name": managed_quota_name(self.event), "size": "0", "itemvars": itemvars}

    def _posted_duration(self) -> int | None:
        """Minutes between the start and the end typed into pretix's date form, if both are there."""
        start = self._posted_start()
        if start is None or not self.request or not self.request.POST.get("date_to_0"):
            return None
        try:
            end = SplitDateTimeField().clean([self.request.POST.get("date_to_0"),
                                              self.request.POST.get("date_to_1")])
        except ValidationError:
            return None
        minutes = int((end - start).total_seconds() // 60) if end else 0
        return minutes if minutes > 0 else None

    def clean(self):
        data = super().clean()
        vessel = data.get("vessel")
        if vessel and not data.get("duration_minutes") and "duration_minutes" not in self.errors:
            data["duration_minutes"] = self._posted_duration()
        if not vessel:
            if self.sailing:
                raise ValidationError(_("A date that is bound to a vessel cannot be unbound; cancel the sailing "
                                        "or choose another vessel."))
            return data
        if not data.get("departure_pier"):
            self.add_error("departure_pier", _("Choose the pier the sailing departs from."))
        if not data.get("duration_minutes"):
            self.add_error("duration_minutes", _("Enter how long the sailing takes."))
        if self.errors:
            return data
        try:
            if self.sailing:
                check_capacity(self.sailing, vessel, data.get("sellable_capacity"))
            # The start typed on this page (a new or moved date); bulk creation has none and is checked on save.
            start = self._posted_start() or (self.sailing.start if self.sailing else None)
            if start:
                check_schedule(vessel, start, start + timedelta(minutes=data["duration_minutes"]),
                               exclude_pk=self.sailing.pk if self.sailing else None)
        except TicketingError as e:
            raise ValidationError(str(e))
        return data

    def _posted_start(self):
        """The start time typed into pretix's own date form on this same page, if it can be read."""
        if not self.request or self.request.method != "POST" or "date_from_0" not in self.request.POST:
            return None
        try:
            return SplitDateTimeField().clean([self.request.POST.get("date_from_0"),
                                               self.request.POST.get("date_from_1")])
        except ValidationError:
            return None

    def save(self) -> Sailing | None:
        data = self.cleaned_data
        if not data.get("vessel"):
            return None
        user = getattr(self.request, "user", None) if self.request else None
        try:
            return save_sailing(
                self.event, self.subevent,
                vessel=data["vessel"],
                departure_pier=data["departure_pier"],
                arrival_pier=data.get("arrival_pier") or data["departure_pier"],
                duration=timedelta(minutes=data["duration_minutes"]),
                sellable_capacity=data.get("sellable_capacity"),
                user=user if user and user.is_authenticated else None,
            )
        except TicketingError as e:
            # pretix's bulk date creation shows a ValidationError to the person and rolls back.
            raise ValidationError(str(e))


class EventKindForm(forms.ModelForm):
    class Meta:
        model = EventKind
        fields = ("kind",)


class CancelSailingForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500,
        help_text=_("For the log and the customer notice, e.g. \"storm warning\" or \"engine failure\"."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that every order of this sailing is cancelled and refunded in full."),
        required=True,
    )

    def __init__(self, *args, event: Event, **kwargs):
        from i18nfield.forms import I18nFormField, I18nTextarea, I18nTextInput

        super().__init__(*args, **kwargs)
        locales = event.settings.get("locales")
        self.fields["send_subject"] = I18nFormField(
            label=_("Subject of the customer notice"), widget=I18nTextInput, locales=locales, required=True,
            initial=default_cancel_subject(),
        )
        self.fields["send_message"] = I18nFormField(
            label=_("Customer notice"), widget=I18nTextarea, locales=locales, required=True,
            initial=default_cancel_message(),
        )


def _in_every_language(msgid: str) -> LazyI18nString:
    """A default text translated into every language of the instance, so each customer reads their own."""
    return LazyI18nString({code: _translate_to(code, msgid) for code, _name in settings.LANGUAGES})


def _translate_to(code: str, msgid: str) -> str:
    with translation.override(code):
        return translation.gettext(msgid)


def default_cancel_subject() -> LazyI18nString:
    return _in_every_language(gettext_noop("Sailing cancelled: {event}, {sailing_date}"))


def default_cancel_message() -> LazyI18nString:
    return _in_every_language(gettext_noop(
        "Hello,\n\n"
        "we are sorry: the sailing \"{event}\" on {sailing_date} has been cancelled by the operator.\n"
        "Reason: {cancel_reason}\n\n"
        "Your order has been cancelled and we refund {refund_amount} to your original payment method.\n\n"
        "You can view your order here:\n\n{url}\n\n"
        "Best regards,\n\nthe \"{event}\" team"
    ))
