"""
The passenger manifest moved to ``ticketing_core.boarding`` (it belongs to the sailing, beside the boarding page
and the check-in lists, not to the support desk). These views keep the old addresses working: they send the
browser to the new pages, where the same rules apply (boarding staff: today's sailings only).
"""
from zoneinfo import ZoneInfo

from django.http import Http404
from django.shortcuts import redirect
from django.views import View

from pretix.base.models import SubEvent
from pretix.control.permissions import OrganizerPermissionRequiredMixin

from ticketing_core.boarding.access import sailing_for
from ticketing_core.models import Sailing


class ManifestIndex(OrganizerPermissionRequiredMixin, View):
    permission = None

    def get(self, request, *args, **kwargs):
        return redirect("plugins:ticketing_core:manifest", organizer=request.organizer.slug)


class ManifestDetail(OrganizerPermissionRequiredMixin, View):
    permission = None

    def get(self, request, *args, **kwargs):
        se = SubEvent.objects.filter(pk=kwargs["subevent"], event__organizer=request.organizer,
                                     event__slug=kwargs["ev"]).first()
        sailing = Sailing.objects.filter(subevent=se).first() if se else None
        if sailing is None:
            raise Http404()
        sailing_for(request, sailing.pk, ZoneInfo(str(request.organizer.settings.timezone)))  # 403 as before
        return redirect("plugins:ticketing_core:manifest.detail", organizer=request.organizer.slug,
                        sailing=sailing.pk)
