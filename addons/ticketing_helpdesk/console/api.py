"""
REST API of the console, for support tools (a phone system, a chat bot) with pretix's token or OAuth auth:

* ``GET /api/v1/organizers/<org>/console_search/?q=…`` — the console's search (``organizer.console:read``);
* ``POST /api/v1/organizers/<org>/events/<event>/policy_refunds/`` ``{"order": "ABC12", "positions": [ids]}`` —
  a refund within ticketing_core's policy (``event.support:refund``); after the deadline it answers 400 with the
  reason and changes nothing. pretix's own refund endpoints keep needing ``event.orders:write``.
"""
from django.utils.translation import gettext
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from pretix.base.models import Order

from ticketing_core.jsoninput import parser_classes

from ..audit.log import audit
from ..permissions import CONSOLE, POLICY_REFUND
from .refunds import RefundRefused, refund
from .search import search


def actor(request):
    return request.user if request.user.is_authenticated else request.auth


class ConsoleSearchViewSet(viewsets.ViewSet):
    parser_classes = parser_classes()
    permission = CONSOLE

    def list(self, request, *args, **kwargs):
        q = request.query_params.get("q", "").strip()[:200]
        if not q:
            raise ValidationError({"q": [gettext("Enter what to search for.")]})
        result = search(request.organizer, actor(request), q, request=request)
        audit(request.organizer, "ticketing_helpdesk.console.searched", request=request,
              user=request.user if request.user.is_authenticated else None,
              data={"query": q, "count": result.count, "kinds": result.kinds})
        return Response({
            "query": q, "phone": result.phone,
            "orders": [{"code": o.code, "event": o.event.slug, "status": o.status, "email": o.email,
                        "phone": str(o.phone) if o.phone else None, "total": str(o.total),
                        "customer": o.customer.identifier if o.customer_id else None,
                        "sailings": sorted({p.subevent.date_from.isoformat() for p in o.positions.all()
                                            if p.subevent_id})} for o in result.orders],
            "customers": [{"identifier": c.identifier, "name": c.name, "email": c.email,
                           "phone": str(c.phone) if c.phone else None} for c in result.customers],
            "guests": [{"email": g["email"], "name": g["name"], "orders": g["count"]} for g in result.guests],
            "tickets": [{"order": t.order.code, "event": t.order.event.slug, "positionid": t.positionid,
                         "attendee_name": t.attendee_name_cached or ""} for t in result.tickets],
            "cases": [{"number": c.number, "subject": c.subject, "status": c.status} for c in result.cases],
        })


class PolicyRefundSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=16)
    positions = serializers.ListField(child=serializers.IntegerField(), required=False, allow_empty=True)


class PolicyRefundViewSet(viewsets.ViewSet):
    parser_classes = parser_classes()
    permission = POLICY_REFUND
    write_permission = POLICY_REFUND

    def create(self, request, *args, **kwargs):
        data = PolicyRefundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = Order.objects.filter(event=request.event, code=data.validated_data["order"].upper()).first()
        if order is None:
            raise ValidationError({"order": [gettext("There is no order with this code in this event.")]})
        token = None if request.user.is_authenticated else request.auth
        try:
            outcome = refund(order, request.user if request.user.is_authenticated else None,
                             position_ids=data.validated_data.get("positions") or None, request=request, auth=token)
        except RefundRefused as e:
            return Response({"detail": str(e)}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"order": order.code, "status": outcome.order.status, "amount": str(outcome.amount),
                         "positions": outcome.positions, "refunds": [r.full_id for r in outcome.refunds]},
                        status=status.HTTP_201_CREATED)
