"""The event's seat page: which product each seat category sells, and the seat rules."""
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from pretix.control.permissions import EventPermissionRequiredMixin

from ticketing_core.models import Vessel

from ..models import EventSeatCategory, VesselSeatMap
from ..services import assign, rules


def event_categories(event) -> list[tuple[str, list[str]]]:
    """The seat categories the event's sailings can sell, each with the vessels that have it."""
    maps = VesselSeatMap.objects.filter(vessel__sailings__event=event, vessel__seating_mode=Vessel.SEATING_ASSIGNED,
                                        vessel__sailings__canceled_at__isnull=True).distinct().select_related(
        "plan", "vessel")
    if not maps:
        maps = VesselSeatMap.objects.filter(vessel__organizer=event.organizer, vessel__active=True,
                                            vessel__seating_mode=Vessel.SEATING_ASSIGNED).select_related(
            "plan", "vessel")
    found: dict[str, list[str]] = {}
    for m in maps:
        for c in assign.sellable_categories(m):
            found.setdefault(c, []).append(str(m.vessel.name))
    return sorted(found.items())


class SeatingForm(forms.Form):
    max_seats = forms.IntegerField(label=gettext_lazy("Most seats in one order"), min_value=1, max_value=100)
    no_single_gap = forms.BooleanField(
        label=gettext_lazy("Do not leave single empty seats"), required=False,
        help_text=gettext_lazy("Customers cannot choose seats that leave one empty seat alone between taken seats "
                               "in a row."))

    seatless = forms.MultipleChoiceField(
        label=gettext_lazy("Passengers without a seat"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Passenger products a seated sailing sells without a seat, e.g. a small child on a "
                               "parent's lap. Every other passenger chooses a seat on the map; sell child and "
                               "concession tickets as variations (passenger types) of the seat categories' "
                               "products."))

    def __init__(self, *args, event, categories, **kwargs):
        super().__init__(*args, **kwargs)
        passenger = [(str(i.pk), str(i.name)) for i in event.items.filter(admission=True).order_by("position", "pk")]
        choices = [("", _("— no product (not sold) —"))] + passenger
        self.fields["seatless"].choices = passenger
        self.category_fields = []
        for n, (name, vessels) in enumerate(categories):
            key = f"category_{n}"
            self.fields[key] = forms.ChoiceField(label=name, choices=choices, required=False,
                                                 help_text=", ".join(vessels))
            self.category_fields.append((key, name))


class EventSeating(EventPermissionRequiredMixin, TemplateView):
    permission = "event.items:write"
    template_name = "ticketing_seating/event_seating.html"

    @cached_property
    def categories(self):
        return event_categories(self.request.event)

    def get_form(self):
        event = self.request.event
        current = {m.category: str(m.item_id) for m in EventSeatCategory.objects.filter(event=event)}
        initial = {"max_seats": event.settings.ticketing_seating_max_seats,
                   "no_single_gap": event.settings.ticketing_seating_no_single_gap,
                   "seatless": [str(i) for i in sorted(rules.seatless_item_ids(event))]}
        for n, (name, _v) in enumerate(self.categories):
            initial[f"category_{n}"] = current.get(name, "")
        return SeatingForm(self.request.POST if self.request.method == "POST" else None, initial=initial,
                           event=event, categories=self.categories)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        ctx["form"] = form
        ctx["category_rows"] = [form[key] for key, _name in form.category_fields]
        ctx["issues"] = assign.unmapped_issues(self.request.event)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, _("Please check the form."))
            return self.render_to_response(self.get_context_data(form=form))
        event = request.event
        items = {str(i.pk): i for i in event.items.filter(admission=True)}
        with transaction.atomic():
            for key, name in form.category_fields:
                value = form.cleaned_data.get(key) or ""
                if value and value in items:
                    EventSeatCategory.objects.update_or_create(event=event, category=name,
                                                               defaults={"item": items[value]})
                else:
                    EventSeatCategory.objects.filter(event=event, category=name).delete()
            event.settings.ticketing_seating_max_seats = form.cleaned_data["max_seats"]
            event.settings.ticketing_seating_no_single_gap = form.cleaned_data["no_single_gap"]
            event.settings.ticketing_seating_seatless_items = ",".join(sorted(form.cleaned_data["seatless"], key=int))
            event.log_action("ticketing_seating.categories.changed", user=request.user, data={
                "categories": {name: form.cleaned_data.get(key) for key, name in form.category_fields},
                "max_seats": form.cleaned_data["max_seats"], "no_single_gap": form.cleaned_data["no_single_gap"],
                "seatless": form.cleaned_data["seatless"]})
            result = assign.apply_to_event(event, user=request.user)
        messages.success(request, _("Your changes have been saved."))
        if result.skipped:
            messages.warning(request, _("Sailings that keep their earlier seat map because seats are "
                                        "sold ({count}): {sailings}").format(count=len(result.skipped),
                                                             sailings="; ".join(str(s) for s in result.skipped)))
        return HttpResponseRedirect(request.path)
