"""Occupancy per sailing for staff and boarding: every seat by state, who sits there, blocking with a reason."""
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from pretix.base.models import Order, OrderPosition, Seat
from pretix.control.permissions import EventPermissionRequiredMixin

from ticketing_core.models import Sailing

from ..services import blocking
from ..services import picker as picker_service
from ..services.errors import SeatingError
from ..services.labels import describe, labels_for
from ..services.layout import label


class OccupancyList(EventPermissionRequiredMixin, TemplateView):
    permission = "event.orders:read"
    template_name = "ticketing_seating/occupancy_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        event = self.request.event
        sold = OrderPosition.objects.filter(seat=OuterRef("pk"), order__status__in=(Order.STATUS_PAID,
                                                                                     Order.STATUS_PENDING))
        rows = []
        sailings = Sailing.objects.filter(event=event).select_related("subevent", "vessel", "departure_pier",
                                                                      "event")
        for s in sailings.order_by("subevent__date_from"):
            date = s.subevent or event
            if not date.seating_plan_id:
                continue
            seats = Seat.objects.filter(event=event, subevent=s.subevent)
            rows.append({"sailing": s, "total": seats.count(), "sold": seats.filter(Exists(sold)).count(),
                         "blocked": seats.filter(blocked=True).count()})
        ctx["rows"] = rows
        return ctx


class Occupancy(EventPermissionRequiredMixin, TemplateView):
    permission = "event.orders:read"
    template_name = "ticketing_seating/occupancy.html"

    @cached_property
    def subevent(self):
        event = self.request.event
        if "subevent" not in self.kwargs:
            if event.has_subevents:
                raise Http404()
            return None
        se = event.subevents.filter(pk=self.kwargs["subevent"]).first()
        if se is None:
            raise Http404()
        return se

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        event = self.request.event
        date = self.subevent or event
        if not date.seating_plan_id:
            raise Http404(_("This date has no seat map."))
        rows = picker_service.occupancy(event, self.subevent)
        labels = labels_for(event.pk, self.subevent.pk if self.subevent else None)
        for r in rows:
            r["label"] = describe(r["seat"], labels)
        counts = {k: sum(1 for r in rows if r["state"] == k) for k in ("free", "held", "sold", "blocked", "unsold")}
        layout = date.seating_plan.layout_data
        lang = get_language()
        decks = [{"label": label(labels, "zones", z["name"], lang), "x": z["position"]["x"] + 8,
                  "y": z["position"]["y"] + 20} for z in layout["zones"]]
        ctx.update({"date": date, "rows": rows, "counts": counts, "size": layout["size"], "decks": decks,
                    "sailing": Sailing.objects.filter(event=event, subevent=self.subevent).select_related(
                        "vessel").first(),
                    "can_block": self.request.user.has_event_permission(
                        self.request.organizer, event, "event.orders:write", request=self.request)})
        return ctx

    def post(self, request, *args, **kwargs):
        if not request.user.has_event_permission(request.organizer, request.event, "event.orders:write",
                                                 request=request):
            raise Http404()
        date = self.subevent or request.event
        guids = request.POST.getlist("seat")
        seats = list(date.seats.filter(seat_guid__in=guids))
        if not seats:
            messages.error(request, _("Please choose at least one seat."))
            return HttpResponseRedirect(request.path)
        done, errors = 0, []
        for seat in seats:
            try:
                if request.POST.get("action") == "unblock":
                    blocking.unblock(seat, user=request.user)
                else:
                    blocking.block(seat, request.POST.get("reason", ""), user=request.user)
                done += 1
            except SeatingError as e:
                errors.append(str(e))
        if done:
            messages.success(request, _("Seats changed: {count}.").format(count=done))
        for e in errors[:10]:
            messages.error(request, e)
        return HttpResponseRedirect(request.path)
