"""
The passenger manifest: who is booked on a sailing and who has boarded (pretix check-ins).

Boarding staff hold only pretix's check-in permission; for them the manifest exists for today's sailings
only (the organizer's local date) — other dates answer 403 even when the URL is typed by hand. Staff who
may read orders see any date. Every view and export is logged: the manifest is personal data.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from pretix.base.models import Checkin, Order, OrderPosition, SubEvent
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.dateranges import day_bounds
from ticketing_core.exports import csv_response

from ..audit.log import audit

CHECKIN = "event.orders:checkin"
ORDERS_READ = "event.orders:read"


def today_range(tz: ZoneInfo, at: datetime | None = None) -> tuple[datetime, datetime]:
    today = (at or now()).astimezone(tz).date()
    return day_bounds(today, today, tz)


def manifest_events(user, organizer, request=None):
    return user.get_events_with_permission([CHECKIN, ORDERS_READ], request=request).filter(
        organizer=organizer, has_subevents=True)


def passengers(subevent: SubEvent) -> list[OrderPosition]:
    checked_in = Checkin.objects.filter(position=OuterRef("pk"), successful=True, type=Checkin.TYPE_ENTRY)
    return list(OrderPosition.objects.filter(
        subevent=subevent, order__status__in=(Order.STATUS_PAID, Order.STATUS_PENDING), addon_to__isnull=True,
        item__admission=True,
    ).exclude(order__status=Order.STATUS_PENDING, order__valid_if_pending=False).select_related(
        "order", "item", "variation", "seat").annotate(boarded=Exists(checked_in))
        .order_by("attendee_name_cached", "order__code", "positionid"))


class ManifestMixin(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin):
    permission = None  # the event permissions are checked per sailing

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.request.organizer.settings.timezone)


class ManifestIndex(ManifestMixin, TemplateView):
    """Today's sailings of every event the person may check in or read."""

    template_name = "ticketing_helpdesk/manifest/index.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        start, end = today_range(self.tz)
        events = manifest_events(self.request.user, self.request.organizer, self.request)
        ctx["sailings"] = list(SubEvent.objects.filter(event__in=events, date_from__gte=start, date_from__lt=end)
                               .select_related("event").order_by("date_from"))
        ctx["today"] = start.date()
        ctx["tz"] = self.tz
        return ctx


class ManifestDetail(ManifestMixin, TemplateView):
    template_name = "ticketing_helpdesk/manifest/detail.html"

    @cached_property
    def subevent(self) -> SubEvent:
        se = SubEvent.objects.filter(pk=self.kwargs["subevent"], event__organizer=self.request.organizer,
                                     event__slug=self.kwargs["ev"]).select_related("event").first()
        if se is None:
            raise Http404(_("This sailing does not exist."))
        user, org = self.request.user, self.request.organizer
        if user.has_event_permission(org, se.event, ORDERS_READ, request=self.request):
            return se
        if not user.has_event_permission(org, se.event, CHECKIN, request=self.request):
            raise PermissionDenied(_("You may not see the passengers of this sailing."))
        start, end = today_range(self.tz)
        if not (start <= se.date_from < end):
            raise PermissionDenied(_("Boarding staff see the manifest of today's sailings only."))
        return se

    def get(self, request, *args, **kwargs):
        se = self.subevent
        rows = passengers(se)
        if request.GET.get("format") == "csv":
            audit(se, "ticketing_helpdesk.manifest.exported", request=request, data={"passengers": len(rows)})
            header = [gettext("Sailing"), gettext("Departure"), gettext("Passenger"), gettext("Ticket"),
                      gettext("Order"), gettext("Seat"), gettext("Boarded")]
            sailing, departure = str(se.name), date_format(se.date_from.astimezone(self.tz), "SHORT_DATETIME_FORMAT")
            return csv_response(([sailing, departure, p.attendee_name_cached or "", str(p.item.name),
                                  f"{p.order.code}-{p.positionid}", str(p.seat) if p.seat else "",
                                  gettext("yes") if p.boarded else gettext("no")]
                                 for p in rows), header, f"manifest-{se.event.slug}-{se.pk}.csv")
        audit(se, "ticketing_helpdesk.manifest.viewed", request=request, data={"passengers": len(rows)})
        return self.render_to_response(self.get_context_data(rows=rows))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = ctx["rows"]
        ctx.update({"subevent": self.subevent, "tz": self.tz, "boarded": sum(1 for p in rows if p.boarded),
                    "can_orders": self.request.user.has_event_permission(
                        self.request.organizer, self.subevent.event, ORDERS_READ, request=self.request)})
        return ctx
