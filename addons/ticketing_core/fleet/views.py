"""Organizer-level back-office pages for piers, vessels and the fleet settings."""
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..permissions import FLEET_WRITE
from .forms import FleetSettingsForm, PierForm, VesselForm
from .models import Pier, Vessel


class FleetMixin(OrganizerDetailViewMixin):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_write"] = self.request.user.has_organizer_permission(
            self.request.organizer, FLEET_WRITE, request=self.request)
        return ctx

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"plugins:ticketing_core:{name}", kwargs={"organizer": self.request.organizer.slug, **kwargs})


class VesselList(FleetMixin, OrganizerPermissionRequiredMixin, ListView):
    template_name = "ticketing_core/fleet/vessels.html"
    context_object_name = "vessels"

    def get_queryset(self):
        qs = Vessel.objects.filter(organizer=self.request.organizer).annotate(
            sailing_count=Count("sailings", filter=Q(sailings__canceled_at__isnull=True)))
        if self.request.GET.get("archived") != "1":
            qs = qs.filter(active=True)
        return qs


class PierList(FleetMixin, OrganizerPermissionRequiredMixin, ListView):
    template_name = "ticketing_core/fleet/piers.html"
    context_object_name = "piers"

    def get_queryset(self):
        qs = Pier.objects.filter(organizer=self.request.organizer)
        if self.request.GET.get("archived") != "1":
            qs = qs.filter(active=True)
        return qs


class _EditView(FleetMixin, OrganizerPermissionRequiredMixin, FormView):
    """Create (no pk) or edit one pier or vessel; every save is logged."""

    permission = FLEET_WRITE
    model = None
    form_class = None
    log_prefix = ""
    list_url = ""
    new_title = ""
    template_name = "ticketing_core/fleet/fleet_edit.html"

    @cached_property
    def object(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, organizer=self.request.organizer, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["organizer"] = self.request.organizer
        kwargs["instance"] = self.object or self.model(organizer=self.request.organizer)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        ctx["list_url"] = self.url(self.list_url)
        ctx["new_title"] = self.new_title
        return ctx

    @transaction.atomic
    def form_valid(self, form):
        is_new = form.instance.pk is None
        obj = form.save()
        data = {k: form.cleaned_data.get(k) for k in form.changed_data}
        data["name"] = str(obj.name)
        obj.log_action(f"{self.log_prefix}.{'added' if is_new else 'changed'}", user=self.request.user, data=data)
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(self.url(self.list_url))

    def form_invalid(self, form):
        messages.error(self.request, _("We could not save your changes. See below for details."))
        return super().form_invalid(form)


class VesselEdit(_EditView):
    model = Vessel
    form_class = VesselForm
    new_title = _("New vessel")
    log_prefix = "ticketing_core.vessel"
    list_url = "vessels"


class PierEdit(_EditView):
    model = Pier
    form_class = PierForm
    new_title = _("New pier")
    log_prefix = "ticketing_core.pier"
    list_url = "piers"


class _ArchiveView(FleetMixin, OrganizerPermissionRequiredMixin, TemplateView):
    """Archive (soft delete) or restore; a vessel without any sailing may also be deleted for good."""

    permission = FLEET_WRITE
    model = None
    log_prefix = ""
    list_url = ""
    template_name = "ticketing_core/fleet/archive.html"
    texts: dict = {}

    @cached_property
    def object(self):
        return get_object_or_404(self.model, organizer=self.request.organizer, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        ctx["list_url"] = self.url(self.list_url)
        ctx["can_delete"] = self.can_delete()
        ctx["in_use_text"] = self.texts["in_use"]
        return ctx

    def can_delete(self) -> bool:
        return False

    @transaction.atomic
    def post(self, request, *args, **kwargs):
        obj = self.object
        action = request.POST.get("action")
        if action == "delete":
            if not self.can_delete():
                messages.error(request, self.delete_refused_message())
                return HttpResponseRedirect(self.url(self.list_url))
            name = str(obj.name)
            obj.log_action(f"{self.log_prefix}.deleted", user=request.user, data={"name": name})
            try:
                obj.delete()
            except ProtectedError:
                transaction.set_rollback(True)
                messages.error(request, self.delete_refused_message())
                return HttpResponseRedirect(self.url(self.list_url))
            messages.success(request, self.texts["deleted"].format(name=name))
        else:
            outcome = "restored" if action == "restore" else "archived"
            obj.active = outcome == "restored"
            obj.save(update_fields=["active"])
            obj.log_action(f"{self.log_prefix}.{outcome}", user=request.user, data={"name": str(obj.name)})
            messages.success(request, self.texts[outcome].format(name=obj.name))
        return HttpResponseRedirect(self.url(self.list_url))


class VesselArchive(_ArchiveView):
    model = Vessel
    log_prefix = "ticketing_core.vessel"
    list_url = "vessels"
    texts = {
        "deleted": _("The vessel \"{name}\" has been deleted."),
        "restored": _("The vessel \"{name}\" is active again."),
        "archived": _("The vessel \"{name}\" has been archived."),
        "in_use": _("This vessel has sailings, so it cannot be deleted; archiving is possible."),
    }

    def can_delete(self) -> bool:
        return not self.object.sailings.exists()

    def delete_refused_message(self):
        return _("The vessel \"{name}\" has sailings and cannot be deleted; archive it instead.").format(
            name=self.object.name)


class PierArchive(_ArchiveView):
    model = Pier
    log_prefix = "ticketing_core.pier"
    list_url = "piers"
    texts = {
        "deleted": _("The pier \"{name}\" has been deleted."),
        "restored": _("The pier \"{name}\" is active again."),
        "archived": _("The pier \"{name}\" has been archived."),
        "in_use": _("This pier is used by sailings, so it cannot be deleted; archiving is possible."),
    }

    def can_delete(self) -> bool:
        return not (self.object.departures.exists() or self.object.arrivals.exists())

    def delete_refused_message(self):
        return _("The pier \"{name}\" is used by sailings and cannot be deleted; archive it instead.").format(
            name=self.object.name)


class FleetSettings(FleetMixin, OrganizerPermissionRequiredMixin, FormView):
    permission = FLEET_WRITE
    form_class = FleetSettingsForm
    template_name = "ticketing_core/fleet/settings.html"

    def get_initial(self):
        s = self.request.organizer.settings
        return {
            "turnaround_minutes": s.ticketing_turnaround_minutes,
            "cancellation_fee": s.cancel_allow_user_paid_keep,
            "cancellation_fee_percentage": s.cancel_allow_user_paid_keep_percentage,
        }

    @transaction.atomic
    def form_valid(self, form):
        s = self.request.organizer.settings
        s.ticketing_turnaround_minutes = form.cleaned_data["turnaround_minutes"]
        # pretix's own cancellation fee settings, set organizer-wide so every event inherits them.
        s.cancel_allow_user_paid_keep = form.cleaned_data["cancellation_fee"]
        s.cancel_allow_user_paid_keep_percentage = form.cleaned_data["cancellation_fee_percentage"]
        self.request.organizer.log_action("ticketing_core.settings.changed", user=self.request.user,
                                          data={k: str(v) for k, v in form.cleaned_data.items()})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(self.url("fleet.settings"))
