"""
Back-office pages of charters: the offer editor of a rental event, the operator's cancellation of a charter,
and the day timeline of every vessel (sailings, charters and charters being booked).
"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from pretix.base.models import Order
from pretix.control.permissions import EventPermissionRequiredMixin, OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.dateranges import parse_day
from ticketing_core.models import Vessel
from ticketing_core.policy.rules import apply_policy

from ..cancel import cancel_rental
from ..cart import charter_of
from ..errors import RentalError
from ..forms import CancelRentalForm, RentalOfferForm, offer_formsets
from ..models import RentalOffer, VesselOccupancy
from ..occupancy import active_q
from ..permissions import RENTALS_WRITE, SAILING_CANCEL
from ..questions import ensure_charter_questions
from ..services import offer_timezone
from ..validation import validate_offer

APP = "ticketing_rentals"


class RentalOfferEdit(EventPermissionRequiredMixin, TemplateView):
    """The charter offer of a rental event: vessels, durations, notice, opening hours and hourly rates."""

    permission = RENTALS_WRITE
    template_name = "ticketing_rentals/offer_edit.html"

    @cached_property
    def offer(self) -> RentalOffer:
        return RentalOffer.objects.filter(event=self.request.event).first() or RentalOffer(event=self.request.event)

    def forms(self, data=None):
        form = RentalOfferForm(data, instance=self.offer, event=self.request.event, prefix="offer")
        vessels, rates = offer_formsets(data, self.offer, self.request.organizer)
        return form, vessels, rates

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in kwargs:
            ctx["form"], ctx["vessels"], ctx["rates"] = self.forms()
        ctx["offer"] = self.offer
        ctx["shop_url"] = None
        if self.offer.pk:
            from pretix.multidomain.urlreverse import eventreverse

            ctx["shop_url"] = eventreverse(self.request.event, f"plugins:{APP}:rentals.book")
        return ctx

    def post(self, request, *args, **kwargs):
        form, vessels, rates = self.forms(request.POST)
        ctx = {"form": form, "vessels": vessels, "rates": rates}
        if not (form.is_valid() and vessels.is_valid() and rates.is_valid()):
            messages.error(request, _("We could not save your changes. See below for details."))
            return self.render_to_response(self.get_context_data(**ctx))
        is_new = self.offer.pk is None
        try:
            with transaction.atomic():
                offer = form.save()
                if is_new:  # later, staff edit or remove these questions in pretix's question editor
                    ensure_charter_questions(request.event, offer.item)
                vessels.instance = rates.instance = offer
                vessels.save()
                rates.save()
                validate_offer(offer)
                apply_policy(request.event)
                # the event's own date means nothing to a charter: the shop shows each charter's time instead
                request.event.settings.show_dates_on_frontpage = False
                offer.log_action("ticketing_core.rental_offer.changed", user=request.user, data={
                    "opening_hours": offer.opening_hours, "vessels": [v.pk for v in offer.vessels.all()],
                    "rates": [str(r) for r in offer.rates.all()],
                })
        except ValidationError as e:
            self.__dict__.pop("offer", None)
            ctx["offer_errors"] = e.messages
            messages.error(request, _("We could not save your changes. See below for details."))
            return self.render_to_response(self.get_context_data(**ctx))
        messages.success(request, _("The charter offer has been saved."))
        return HttpResponseRedirect(request.path)


class RentalCancel(EventPermissionRequiredMixin, FormView):
    """The operator cancels a charter: the order is cancelled and refunded in full, the customer notified."""

    permission = SAILING_CANCEL
    template_name = "ticketing_rentals/cancel.html"
    form_class = CancelRentalForm

    @cached_property
    def order(self) -> Order:
        return get_object_or_404(Order, event=self.request.event, code=self.kwargs["code"])

    @cached_property
    def charter(self) -> VesselOccupancy:
        charter = charter_of(self.order)
        if charter is None:
            raise Http404(_("This order contains no charter."))
        return charter

    def order_url(self) -> str:
        return reverse("control:event.order", kwargs={"organizer": self.request.organizer.slug,
                                                      "event": self.request.event.slug, "code": self.order.code})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(order=self.order, charter=self.charter, order_url=self.order_url(),
                   tz=offer_timezone(self.charter.offer) if self.charter.offer_id else self.request.event.timezone)
        return ctx

    def form_valid(self, form):
        try:
            refunded = cancel_rental(self.order, form.cleaned_data["reason"], self.request.user)
        except RentalError as e:
            messages.error(self.request, str(e))
            return HttpResponseRedirect(self.order_url())
        messages.success(self.request, _("The charter has been cancelled. Refunded: {amount} ₽.").format(
            amount=f"{refunded:,.2f}".replace(",", " ")))
        return HttpResponseRedirect(self.order_url())


class VesselTimeline(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    """One day of every vessel: sailings, charters and charters in customers' carts, hour by hour."""

    permission = None
    template_name = "ticketing_rentals/timeline.html"
    HOURS = 24

    def day(self) -> date:
        raw = self.request.GET.get("date", "")
        try:
            return parse_day(raw) if raw else now().astimezone(self.tz).date()
        except ValueError as e:
            messages.error(self.request, str(e))
            return now().astimezone(self.tz).date()

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(str(self.request.organizer.settings.timezone))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        day = self.day()
        start = datetime.combine(day, datetime.min.time(), tzinfo=self.tz)
        end = start + timedelta(hours=self.HOURS)
        span = (end - start).total_seconds()
        at = now()
        vessels = list(Vessel.objects.filter(organizer=self.request.organizer, active=True).order_by("name"))
        rows = (VesselOccupancy.objects.filter(active_q(at), vessel__in=vessels, starts_at__lt=end, ends_at__gt=start)
                .select_related("sailing__event", "sailing__subevent", "order_position__order__event",
                                "offer__event", "cart_position").order_by("starts_at"))
        by_vessel = {v.pk: [] for v in vessels}
        for occ in rows:
            left = max((occ.starts_at - start).total_seconds(), 0) / span * 100
            right = min((occ.ends_at - start).total_seconds(), span) / span * 100
            buffer_right = min((occ.blocked_until - start).total_seconds(), span) / span * 100
            by_vessel[occ.vessel_id].append({
                "occ": occ, "left": round(left, 3), "width": round(max(right - left, 0.4), 3),
                "buffer": round(max(buffer_right - right, 0), 3), "buffer_left": round(right, 3),
                "label": self._label(occ), "url": self._url(occ),
                "start": occ.starts_at.astimezone(self.tz), "end": occ.ends_at.astimezone(self.tz),
                "until": (occ.cart_position.expires if occ.cart_position_id else occ.expires),
            })
        ctx.update(
            day=day, prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1), tz=self.tz,
            hours=[(h, round(h / self.HOURS * 100, 3)) for h in range(0, self.HOURS, 2)],
            timeline=[(v, by_vessel[v.pk]) for v in vessels],
        )
        return ctx

    def _may_read_orders(self, event) -> bool:
        """A charter's order code and link only for team members who may read that event's orders."""
        cache = self.__dict__.setdefault("_orders_readable", {})
        if event.pk not in cache:
            cache[event.pk] = self.request.user.has_event_permission(
                self.request.organizer, event, "event.orders:read", request=self.request)
        return cache[event.pk]

    def _label(self, occ: VesselOccupancy) -> str:
        if occ.kind == VesselOccupancy.KIND_SAILING and occ.sailing_id:
            return str(occ.sailing.event.name)
        if occ.kind == VesselOccupancy.KIND_RENTAL and occ.order_position_id:
            order = occ.order_position.order
            if not self._may_read_orders(order.event):
                return str(occ.get_kind_display())
            return _("Charter, order {code}").format(code=order.code)
        return _("Charter being booked")

    def _url(self, occ: VesselOccupancy) -> str | None:
        org = self.request.organizer.slug
        if occ.kind == VesselOccupancy.KIND_SAILING and occ.sailing_id:
            return reverse("plugins:ticketing_core:sailings",
                           kwargs={"organizer": org, "event": occ.sailing.event.slug})
        if occ.kind == VesselOccupancy.KIND_RENTAL and occ.order_position_id:
            order = occ.order_position.order
            if not self._may_read_orders(order.event):
                return None
            return reverse("control:event.order", kwargs={"organizer": org, "event": order.event.slug,
                                                          "code": order.code})
        return None
