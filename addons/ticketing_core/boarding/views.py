"""
The crew's boarding page (a phone at the gangway, 390 px wide) and the passenger manifest pages.

The page scans with the phone's camera (html5-qrcode, served from our static files) or finds a passenger by
name, order code or phone, then posts to :class:`BoardingScan`, which checks in through pretix's own service
(``service.board``) on the sailing's list — the same rules pretixSCAN meets.
"""
import json
from zoneinfo import ZoneInfo

from django.http import HttpResponse, JsonResponse
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from pretix.base.models import OrderPosition
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..fleet.models import Pier
from . import manifest, pdf, xlsx
from .access import reads_orders, sailing_for, todays_sailings
from .lists import boarding_closes_at, list_of
from .service import board, passenger_of, search
from .xlsx import csv_response


class BoardingMixin(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin):
    permission = None  # event permissions are checked per sailing (access.py)
    board = True  # the boarding page checks in; the manifest only reads

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(str(self.request.organizer.settings.timezone))

    @cached_property
    def sailing(self):
        return sailing_for(self.request, int(self.kwargs["sailing"]), self.tz, board=self.board)


class BoardingIndex(BoardingMixin, TemplateView):
    """Today's sailings, optionally of one pier (remembered for the next visit on this phone)."""

    template_name = "ticketing_core/boarding/index.html"
    kind = "boarding"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        pier = self.request.GET.get("pier")
        if pier is not None:
            self.request.session["ticketing_boarding_pier"] = int(pier) if pier.isdigit() else None
        chosen = self.request.session.get("ticketing_boarding_pier")
        sailings = todays_sailings(self.request, self.tz, board=self.kind == "boarding")
        piers = Pier.objects.filter(pk__in={s.departure_pier_id for s in sailings})
        ctx.update({"sailings": [s for s in sailings if not chosen or s.departure_pier_id == chosen],
                    "piers": piers, "chosen": chosen, "tz": self.tz, "today": now().astimezone(self.tz).date(),
                    "kind": self.kind})
        return ctx


class ManifestIndex(BoardingIndex):
    kind = "manifest"


class BoardingPage(BoardingMixin, TemplateView):
    template_name = "ticketing_core/boarding/sailing.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        m = manifest.build(self.sailing, mask=True)
        ctx.update({"sailing": self.sailing, "tz": self.tz, "m": m, "closes": boarding_closes_at(self.sailing)})
        return ctx


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


class BoardingScan(BoardingMixin, View):
    """POST ``{"secret": …}`` (a scanned code) or ``{"position": id}`` (chosen in the search): board or refuse."""

    def post(self, request, *args, **kwargs):
        sailing = self.sailing
        clist = list_of(sailing)
        data = _json_body(request)
        if "position" in data:
            op = OrderPosition.all.filter(pk=str(data.get("position", "")).isdigit() and int(data["position"]) or 0,
                                          order__event=sailing.event).first()
            if op is None:
                return JsonResponse({"ok": False, "reason": "invalid", "message": _("Unknown ticket.")}, status=404)
            result = board(clist, sailing, position=op, user=request.user)
        else:
            secret = str(data.get("secret") or "").strip()
            if not secret:
                return JsonResponse({"ok": False, "reason": "invalid", "message": _("This is not a ticket code.")},
                                    status=400)
            result = board(clist, sailing, secret=secret[:300], user=request.user)
        return JsonResponse(result.as_json())  # green or red is in the body: the scan itself was handled


class BoardingSearch(BoardingMixin, View):
    def get(self, request, *args, **kwargs):
        sailing = self.sailing
        clist = list_of(sailing)
        found = search(clist, request.GET.get("q", ""))
        return JsonResponse({"results": [{"id": op.pk, **passenger_of(op, self.tz)} for op in found]})


class ManifestDetail(BoardingMixin, TemplateView):
    """The manifest on screen, as the PDF a captain signs (``?format=pdf``) and as a spreadsheet (``xlsx``)."""

    board = False

    template_name = "ticketing_core/boarding/manifest.html"

    def get(self, request, *args, **kwargs):
        sailing = self.sailing
        full = reads_orders(request, sailing)
        m = manifest.build(sailing, mask=not full)
        fmt = request.GET.get("format")
        if fmt == "csv":
            sailing.date_obj.log_action("ticketing_core.manifest.exported", data={
                "format": fmt, "passengers": len(m.rows)}, user=request.user)
            return csv_response(m)
        if fmt in ("pdf", "xlsx"):
            sailing.date_obj.log_action("ticketing_core.manifest.exported", data={
                "format": fmt, "passengers": len(m.rows)}, user=request.user)
            name = f"manifest-{sailing.event.slug}-{sailing.start.astimezone(self.tz):%Y%m%d-%H%M}.{fmt}"
            if fmt == "pdf":
                resp = HttpResponse(pdf.render(m), content_type="application/pdf")
            else:
                resp = HttpResponse(xlsx.render(m), content_type="application/vnd.openxmlformats-officedocument."
                                                                  "spreadsheetml.sheet")
            resp["Content-Disposition"] = f'attachment; filename="{name}"'
            return resp
        sailing.date_obj.log_action("ticketing_core.manifest.viewed", data={"passengers": len(m.rows)},
                                    user=request.user)
        return self.render_to_response(self.get_context_data(m=m, full=full))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"sailing": self.sailing, "tz": self.tz})
        return ctx
