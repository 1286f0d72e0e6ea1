"""Organizer pages: the seat maps of the fleet, the editor (generator, JSON, live preview), import and export."""
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core import jsoninput
from ticketing_core.models import Vessel
from ticketing_core.permissions import FLEET_WRITE

from ..models import VesselSeatMap
from ..services import assign, generator
from ..services import layout as layout_service
from ..services.errors import SeatingError

MAX_UPLOAD = 2 * 1024 * 1024


class MapList(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    template_name = "ticketing_seating/maps.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        maps = {m.vessel_id: m for m in VesselSeatMap.objects.filter(
            vessel__organizer=self.request.organizer).select_related("plan")}
        rows = []
        for v in Vessel.objects.filter(organizer=self.request.organizer, active=True):
            m = maps.get(v.pk)
            rows.append({"vessel": v, "map": m, "seats": len(layout_service.seats(m.plan)) if m else 0})
        ctx["rows"] = rows
        return ctx


class _VesselMixin(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin):
    @cached_property
    def vessel(self) -> Vessel:
        return get_object_or_404(Vessel, organizer=self.request.organizer, pk=self.kwargs["vessel"])

    @cached_property
    def seat_map(self) -> VesselSeatMap | None:
        return VesselSeatMap.objects.filter(vessel=self.vessel).select_related("plan").first()

    def can_write(self) -> bool:
        return self.request.user.has_organizer_permission(self.request.organizer, FLEET_WRITE, request=self.request)

    def require_write(self):
        if not self.can_write():
            raise PermissionDenied(_("You may not change the fleet."))


class MapEdit(_VesselMixin, TemplateView):
    template_name = "ticketing_seating/map_edit.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = self.seat_map
        ctx.update({
            "vessel": self.vessel, "seat_map": m, "can_write": self.can_write(),
            "layout_text": kwargs.get("layout_text") or (layout_service.dumps(m.plan.layout_data) if m else ""),
            "meta_json": kwargs.get("meta_json") or json.dumps({
                "flags": m.category_flags if m else {}, "labels": m.labels if m else {}}, ensure_ascii=False),
            "errors": kwargs.get("errors") or [],
            "locales": self.request.organizer.settings.locales or ["ru", "en", "zh-hans"],
            "generate_url": reverse("plugins:ticketing_seating:map.generate", kwargs={
                "organizer": self.request.organizer.slug, "vessel": self.vessel.pk}),
            "assigned": self.vessel.seating_mode == Vessel.SEATING_ASSIGNED,
        })
        return ctx

    def post(self, request, *args, **kwargs):
        self.require_write()
        meta_text = request.POST.get("meta", "") or "{}"
        if request.POST.get("action") == "import":
            upload = request.FILES.get("file")
            if upload is None:
                return self.render_to_response(self.get_context_data(errors=[_("Please choose a file.")]))
            if upload.size > MAX_UPLOAD:
                return self.render_to_response(self.get_context_data(errors=[
                    _("The file is larger than {size} MB.").format(size=MAX_UPLOAD // (1024 * 1024))]))
            raw = upload.read()
            layout_text = raw.decode("utf-8", errors="replace")
            m = self.seat_map
            meta = {"flags": m.category_flags if m else {}, "labels": m.labels if m else {}}
        else:
            raw = layout_text = request.POST.get("layout", "")
            try:
                meta = jsoninput.loads(meta_text)
                if not isinstance(meta, dict):
                    raise ValueError
            except ValueError:
                meta = {}
        try:
            data = layout_service.parse(raw)
            seat_map, result = assign.save_seat_map(self.vessel, data, meta.get("flags") or {}, _clean_labels(meta),
                                              user=request.user)
        except SeatingError as e:
            return self.render_to_response(self.get_context_data(
                errors=[e.message] + [x for x in e.errors if x != e.message], layout_text=layout_text,
                meta_json=meta_text))
        messages.success(request, _("The seat map has been saved."))
        sellable = set(assign.sellable_categories(seat_map))
        count = sum(1 for seat in layout_service.seats(seat_map.plan) if seat.category in sellable)
        if count > self.vessel.capacity:
            messages.warning(request, _("The map has {seats} seats for sale, more than the certified capacity of "
                                        "{capacity} passengers: no sailing sells more than {capacity}.").format(
                seats=count, capacity=self.vessel.capacity))
        if result.applied:
            messages.info(request, _("Applied to sailings ({count}): {sailings}").format(
                count=len(result.applied), sailings="; ".join(str(s) for s in result.applied)))
        if result.skipped:
            messages.warning(request, _("Not applied to sailings that already have sold seats; they keep their "
                                        "map, so no sold seat moves ({count}): {sailings}").format(
                count=len(result.skipped), sailings="; ".join(str(s) for s in result.skipped)))
        return HttpResponseRedirect(request.path)


def _clean_labels(meta: dict) -> dict:
    labels = meta.get("labels") or {}
    out = {}
    for kind in ("zones", "categories"):
        out[kind] = {}
        for name, texts in (labels.get(kind) or {}).items():
            if isinstance(texts, dict):
                out[kind][str(name)] = {str(k): str(v).strip() for k, v in texts.items() if str(v).strip()}
    return out


class MapGenerate(_VesselMixin, View):
    """The generator, for the editor's script: a spec in, a seat map (or every error) out. Changes nothing."""

    def post(self, request, *args, **kwargs):
        self.require_write()
        try:
            spec = jsoninput.loads(request.body)
            return JsonResponse({"layout": generator.generate(spec)})
        except ValueError:
            return JsonResponse({"errors": [_("The generator settings could not be read.")]}, status=400)
        except SeatingError as e:
            return JsonResponse({"errors": e.errors}, status=400)


class MapExport(_VesselMixin, View):
    def get(self, request, *args, **kwargs):
        m = self.seat_map
        if m is None:
            messages.error(request, _("This vessel has no seat map yet."))
            return HttpResponseRedirect(reverse("plugins:ticketing_seating:maps", kwargs={
                "organizer": request.organizer.slug}))
        response = HttpResponse(layout_service.dumps(m.plan.layout_data), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="seatmap-{self.vessel.pk}.json"'
        return response
