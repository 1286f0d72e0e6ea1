from django.views.generic import ListView, TemplateView, View
from pretix.base.models import Customer, Order
from pretix.control.permissions import EventPermissionRequiredMixin, event_permission_required


class LeakyExport(View):
    def get(self, request, *args, **kwargs):
        # ruleid: prichal-view-reads-orders-without-permission
        return list(Order.objects.filter(event=request.event))


class LeakyProfile(TemplateView):
    def get_context_data(self, **kwargs):
        # ruleid: prichal-view-reads-orders-without-permission
        return {"customers": self.request.organizer.customers.filter(email=self.request.GET["q"])}


def leaky_function(request, code):
    # ruleid: prichal-view-reads-orders-without-permission
    return Customer.objects.get(identifier=code)


class GuardedList(EventPermissionRequiredMixin, ListView):
    permission = "event.orders:read"

    def get_queryset(self):
        # ok: prichal-view-reads-orders-without-permission
        return Order.objects.filter(event=self.request.event)


class CheckedView(View):
    def get(self, request, *args, **kwargs):
        if not request.user.has_event_permission(request.organizer, request.event, "event.orders:read", request):
            raise PermissionError
        # ok: prichal-view-reads-orders-without-permission
        return list(Order.objects.filter(event=request.event))


@event_permission_required("event.orders:read")
def guarded_function(request, code):
    # ok: prichal-view-reads-orders-without-permission
    return Order.objects.get(code=code)


def not_a_view(event):
    # ok: prichal-view-reads-orders-without-permission
    return Order.objects.filter(event=event).count()
