"""
Capacity guard: each sailing owns one pretix quota over all admission products, sized to the vessel.

pretix counts a product against every quota it belongs to and sells only while *all* have room, so
this one managed quota caps passengers no matter what other quotas staff add. pretix's "admission"
flag on a product is the passenger-place flag: add-ons such as drinks are not admissions.
"""
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pretix.base.i18n import language
from pretix.base.models import Event, Item, ItemVariation, Order, OrderPosition, Quota
from pretix.base.services.locking import lock_objects

from ..errors import CapacityError
from ..observability.metrics import timed
from .metrics import capacity_lock_wait_seconds
from .models import Sailing, Vessel


def passenger_items(event: Event):
    return event.items.filter(admission=True)


def sold_places(sailing: Sailing) -> int:
    """Passenger places in placed orders (paid or awaiting payment) for this sailing."""
    qs = OrderPosition.objects.filter(
        order__event_id=sailing.event_id,
        item__admission=True,
        order__status__in=(Order.STATUS_PAID, Order.STATUS_PENDING),
    )
    if sailing.subevent_id:
        qs = qs.filter(subevent_id=sailing.subevent_id)
    return qs.count()


def check_capacity(sailing: Sailing, vessel: Vessel, sellable_capacity: int | None) -> None:
    """Refuse a vessel or sellable capacity that is smaller than what is already sold."""
    if sellable_capacity is not None and sellable_capacity > vessel.capacity:
        raise CapacityError(
            ngettext("The sellable capacity of {requested} is larger than the certified capacity of {vessel} "
                     "({capacity} passenger).",
                     "The sellable capacity of {requested} is larger than the certified capacity of {vessel} "
                     "({capacity} passengers).", vessel.capacity,
            ).format(requested=sellable_capacity, vessel=vessel.name, capacity=vessel.capacity)
        )
    if not sailing.pk:
        return
    new_capacity = vessel.capacity if sellable_capacity is None else min(vessel.capacity, sellable_capacity)
    sold = sold_places(sailing)
    if sold > new_capacity:
        raise CapacityError(
            ngettext("{sold} passenger place is already sold for this sailing, but {vessel} would only allow "
                     "{capacity}. Choose a larger vessel or cancel orders first.",
                     "{sold} passenger places are already sold for this sailing, but {vessel} would only allow "
                     "{capacity}. Choose a larger vessel or cancel orders first.", sold).format(
                sold=sold, vessel=vessel.name, capacity=new_capacity)
        )


def check_vessel_capacity_change(vessel: Vessel, new_capacity: int) -> None:
    """Refuse shrinking a vessel below what any of its future sailings has sold."""
    for sailing in vessel.sailings.filter(canceled_at__isnull=True).select_related("event", "subevent"):
        effective = new_capacity if sailing.sellable_capacity is None else min(new_capacity, sailing.sellable_capacity)
        sold = sold_places(sailing)
        if sold > effective:
            raise CapacityError(
                ngettext("{sold} passenger place is already sold for {sailing}, more than the new capacity of "
                         "{capacity}.",
                         "{sold} passenger places are already sold for {sailing}, more than the new capacity of "
                         "{capacity}.", sold).format(sold=sold, sailing=sailing, capacity=effective)
            )


def managed_quota_name(event: Event) -> str:
    """The name of a sailing's managed quota, in the event's language (the same on every page)."""
    with language(event.settings.locale):
        return _("Passenger places (vessel capacity)")


def _blank_form_quota(sailing: Sailing) -> Quota | None:
    """
    The quota pretix's blank date form created for this new date from the managed quota's pre-filled entry
    (``SailingForm.blank_form_quota``): the sailing adopts it instead of keeping a second quota.
    """
    if sailing.subevent_id is None:
        return None
    taken = Sailing.objects.exclude(quota__isnull=True).values("quota_id")
    return (Quota.objects.filter(event=sailing.event, subevent=sailing.subevent,
                                 name=managed_quota_name(sailing.event))
            .exclude(pk__in=taken).order_by("pk").first())


def sync_quota(sailing: Sailing) -> Quota:
    """Create or update the sailing's managed quota: its size and the list of passenger products."""
    event = sailing.event
    quota = sailing.quota or _blank_form_quota(sailing)
    if quota is None:
        quota = Quota(event=event, subevent=sailing.subevent)
    quota.name = managed_quota_name(event)
    quota.size = sailing.capacity
    quota._ticketing_managed_save = True
    quota.save()
    quota._ticketing_managed_save = False
    if sailing.quota_id != quota.pk:
        sailing.quota = quota
        sailing.save(update_fields=["quota"])
    _cover_passenger_items(quota, event)
    return quota


def _cover_passenger_items(quota: Quota, event: Event) -> None:
    items = list(passenger_items(event))
    quota.items.set(items)
    quota.variations.set(ItemVariation.objects.filter(item__in=items))


def guard_quota_save(quota: Quota) -> None:
    """Called before any quota is saved: a sailing's managed quota may never exceed the vessel."""
    if getattr(quota, "_ticketing_managed_save", False) or not quota.pk:
        return
    sailing = Sailing.objects.filter(quota_id=quota.pk).select_related("vessel").first()
    if sailing is None:
        return
    if quota.size is None or quota.size > sailing.capacity:
        raise CapacityError(
            _("The quota \"{quota}\" guards the capacity of {vessel}: it cannot be larger than {capacity} "
              "places (requested: {requested}).").format(
                quota=quota.name, vessel=sailing.vessel.name, capacity=sailing.capacity,
                requested=_("unlimited") if quota.size is None else quota.size)
        )


def sync_item(item: Item) -> None:
    """
    A product was saved: it belongs to every managed quota of its event exactly when it is an admission.

    Only the product's own quota memberships are touched (two queries), so saving a drink on an event
    with hundreds of sailings costs nothing noticeable.
    """
    managed = list(Quota.objects.filter(ticketing_sailing__event_id=item.event_id,
                                        ticketing_sailing__canceled_at__isnull=True).values_list("pk", flat=True))
    if not managed:
        return
    through = Quota.items.through
    vthrough = Quota.variations.through
    if item.admission:
        have = set(through.objects.filter(quota_id__in=managed, item_id=item.pk).values_list("quota_id", flat=True))
        through.objects.bulk_create([through(quota_id=q, item_id=item.pk) for q in managed if q not in have])
        variations = list(item.variations.values_list("pk", flat=True))
        have_v = set(vthrough.objects.filter(quota_id__in=managed, itemvariation_id__in=variations)
                     .values_list("quota_id", "itemvariation_id"))
        vthrough.objects.bulk_create([vthrough(quota_id=q, itemvariation_id=v) for q in managed for v in variations
                                      if (q, v) not in have_v])
    else:
        through.objects.filter(quota_id__in=managed, item_id=item.pk).delete()
        vthrough.objects.filter(quota_id__in=managed, itemvariation__item_id=item.pk).delete()


def hold_capacity_lock(order: Order) -> None:
    """
    Hold the managed quotas' locks until the transaction that places ``order`` commits.

    pretix trusts a cart that is valid long enough and turns it into an order without locking its
    quotas. A concurrent cart check that holds the quota lock counts orders and carts in separate
    statements; if the order commits between the two, the places are counted in neither and the
    quota is oversold (seen here under 24 parallel buyers on PostgreSQL). Taking the lock inside the
    placing transaction serialises both, so every count sees the order either as a cart or as an order.
    Where pretix already locked in this transaction (carts close to expiry) the advisory lock is simply
    taken again by the same session. A checkout that first locked a voucher budget and then waits here
    can meet a cart holding this quota and waiting for that voucher; PostgreSQL then aborts one of the
    two, pretix reports a lock timeout and the checkout task retries.
    """
    if not connection.in_atomic_block:
        return
    sailings = Sailing.objects.filter(event_id=order.event_id, quota__isnull=False)
    if order.event.has_subevents:
        # the order's dates as a subquery: one statement instead of loading the positions first (issue 21)
        subevent_ids = OrderPosition.objects.filter(order_id=order.pk, subevent__isnull=False).values("subevent_id") \
            if order.pk else []
        sailings = sailings.filter(subevent_id__in=subevent_ids)
    else:
        sailings = sailings.filter(subevent__isnull=True)
    quotas = [s.quota for s in sailings.select_related("quota") if s.quota.size is not None]
    if quotas:
        with timed(capacity_lock_wait_seconds):
            lock_objects(quotas, shared_lock_objects=[order.event])
