"""Event-level back-office pages: the sailings of an event, their cancellation and the event's kind."""
from django.contrib import messages
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView

from pretix.base.models import Order
from pretix.base.views.tasks import AsyncAction
from pretix.control.permissions import EventPermissionRequiredMixin

from ..permissions import SAILING_CANCEL
from .capacity import sold_places
from .forms import CancelSailingForm
from .models import Sailing
from .schedule import sailings_with_times
from .tasks import cancel_sailing


def event_url(request, name: str, **kwargs) -> str:
    return reverse(f"plugins:ticketing_core:{name}", kwargs={
        "organizer": request.organizer.slug, "event": request.event.slug, **kwargs})


class SailingList(EventPermissionRequiredMixin, ListView):
    """Every date of the event with its vessel, piers, capacity, sold and available places."""

    template_name = "ticketing_core/fleet/sailings.html"
    context_object_name = "sailings"
    paginate_by = 50

    def get_queryset(self):
        return sailings_with_times(
            Sailing.objects.filter(event=self.request.event)
        ).select_related("vessel", "departure_pier", "arrival_pier", "subevent", "quota").order_by("starts_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for s in ctx["sailings"]:
            s.sold = sold_places(s)
            s.available = max(s.capacity - s.sold, 0)
        ctx["can_cancel"] = self.request.user.has_event_permission(
            self.request.organizer, self.request.event, SAILING_CANCEL, request=self.request)
        return ctx


class SailingCancel(EventPermissionRequiredMixin, AsyncAction, FormView):
    """The operator cancels one sailing: all orders cancelled and refunded in full, customers notified."""

    permission = SAILING_CANCEL
    template_name = "ticketing_core/fleet/sailing_cancel.html"
    form_class = CancelSailingForm
    task = cancel_sailing
    known_errortypes = ["OrderError", "FleetError"]

    @cached_property
    def sailing(self) -> Sailing:
        return get_object_or_404(Sailing.objects.select_related("vessel", "subevent", "departure_pier"),
                                 event=self.request.event, pk=self.kwargs["sailing"])

    def get(self, request, *args, **kwargs):
        if "async_id" in request.GET:
            return AsyncAction.get(self, request, *args, **kwargs)
        return FormView.get(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["event"] = self.request.event
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        s = self.sailing
        orders = self.request.event.orders.filter(status__in=(Order.STATUS_PAID, Order.STATUS_PENDING))
        if s.subevent_id:
            orders = orders.filter(all_positions__subevent_id=s.subevent_id).distinct()
        ctx["sailing"] = s
        ctx["order_count"] = orders.count()
        ctx["paid_total"] = orders.filter(status=Order.STATUS_PAID).aggregate(t=Sum("total"))["t"] or 0
        return ctx

    def form_valid(self, form):
        if self.sailing.is_canceled:
            messages.error(self.request, _("This sailing has already been cancelled."))
            return HttpResponseRedirect(self.get_error_url())
        return self.do(
            self.request.event.pk,
            sailing=self.sailing.pk,
            reason=form.cleaned_data["reason"],
            send_subject=form.cleaned_data["send_subject"].data,
            send_message=form.cleaned_data["send_message"].data,
            user=self.request.user.pk,
        )

    def get_success_message(self, value):
        return _("The sailing has been cancelled; its orders have been cancelled and refunded.")

    def get_success_url(self, value=None):
        return event_url(self.request, "sailings")

    def get_error_url(self):
        return event_url(self.request, "sailings")
