"""
The catalogue of an operator: every upcoming bookable thing (sailing dates, single events, rentals) as one
flat list of entries, with its final price from, tax statement and live availability.

The number of queries is fixed, whatever the number of dates: events, dates with their sailings, price
overrides, and pretix's ``QuotaAvailability`` (a constant number of queries for any number of quotas).
Text search and filters then run in Python over the entries; an operator has a few hundred upcoming dates,
far below where that would matter (see bench/storefront.py).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils.timezone import now

from pretix.base.models import Event, Item, Organizer, Quota, SubEvent, SubEventItem
from pretix.base.services.quotas import QuotaAvailability
from pretix.multidomain.urlreverse import eventreverse

from ticketing_core.models import EventKind, Pier, Sailing, Vessel
from ticketing_rentals.models import RentalOffer

from .pricing import TaxNote, final_price, service_fee, tax_note


@dataclass
class Entry:
    """One line of the catalogue: a date of a series, a single event, or a rental offer (``start`` is None)."""

    event: Event
    subevent: SubEvent | None
    kind: str
    start: datetime | None
    end: datetime | None
    tz: ZoneInfo
    duration_minutes: int | None
    pier: Pier | None
    vessel: Vessel | None
    price_from: Decimal | None
    tax: TaxNote
    capacity: int | None = None
    available: int | None = None  # places left; None = not limited by a quota we know
    sold_out: bool = False
    search_text: str = ""
    offers: list = field(default_factory=list)  # (item, final price) of every ticket on sale, cheapest first

    @property
    def local_start(self) -> datetime | None:
        return self.start.astimezone(self.tz) if self.start else None

    @property
    def local_end(self) -> datetime | None:
        return self.end.astimezone(self.tz) if self.end else None

    @cached_property
    def url(self) -> str:
        if self.subevent is not None:
            return eventreverse(self.event, "presale:event.index", kwargs={"subevent": self.subevent.pk})
        return eventreverse(self.event, "presale:event.index")

    @property
    def few_left(self) -> bool:
        return self.available is not None and 0 < self.available <= 10


def _i18n_text(value) -> str:
    data = getattr(value, "data", value)
    if isinstance(data, dict):
        return " ".join(str(v) for v in data.values() if v)
    return str(data or "")


def public_events(organizer: Organizer, sales_channel, events: list[Event] | None = None) -> list[Event]:
    qs = organizer.events.filter(live=True)
    # an event page shows its own dates even when the event is not listed publicly
    qs = qs.filter(pk__in=[e.pk for e in events]) if events is not None else qs.filter(is_public=True)
    qs = qs.filter(
        Q(all_sales_channels=True) | Q(limit_sales_channels=sales_channel)
    ).select_related("organizer").prefetch_related(
        Prefetch("items", queryset=Item.objects.filter(active=True).select_related("tax_rule", "category")
                 .order_by("position", "id"), to_attr="catalogue_items"),
    ).distinct()
    return list(qs)


def _items_on_sale(event: Event, at: datetime) -> list[Item]:
    """Products a customer can put in the cart without a voucher; tickets (admissions) when there are any."""
    items = [
        i for i in event.catalogue_items
        if not i.require_voucher and not i.hide_without_voucher
        and (i.available_until is None or i.available_until > at)
        and (i.category is None or not i.category.is_addon)
    ]
    tickets = [i for i in items if i.admission]
    return tickets or items


def _offers(items: list[Item], overrides: dict, fee: Decimal) -> list[tuple[Item, Decimal]]:
    result = []
    for item in items:
        price, disabled = overrides.get(item.pk, (None, False))
        if disabled:
            continue
        result.append((item, final_price(item, item.default_price if price is None else price, fee)))
    return sorted(result, key=lambda o: o[1])


def _price_from(offers: list[tuple[Item, Decimal]]) -> Decimal | None:
    paid = [p for _, p in offers if p > 0]
    return min(paid) if paid else (Decimal("0.00") if offers else None)


def build_entries(organizer: Organizer, sales_channel, at: datetime | None = None,
                  events: list[Event] | None = None) -> list[Entry]:
    """Every upcoming entry of the organizer's shop (or of ``events``), sorted by next departure (rentals last)."""
    at = at or now()
    events = public_events(organizer, sales_channel, events)
    if not events:
        return []
    by_id = {e.pk: e for e in events}
    kinds = dict(EventKind.objects.filter(event_id__in=by_id).values_list("event_id", "kind"))
    tz_default = ZoneInfo(organizer.settings.timezone or "Europe/Moscow")
    fees = {e.pk: service_fee(e) for e in events}
    event_tz = {e.pk: ZoneInfo(e.settings.timezone or str(tz_default)) for e in events}
    items = {e.pk: _items_on_sale(e, at) for e in events}
    taxes = {e.pk: tax_note([i.tax_rule for i in items[e.pk]]) for e in events}
    texts = {e.pk: " ".join([_i18n_text(e.name), _i18n_text(e.settings.get("frontpage_text"))]) for e in events}

    sailings = Sailing.objects.filter(event_id__in=by_id, canceled_at__isnull=True).select_related(
        "vessel", "departure_pier", "quota")
    by_subevent, by_single = {}, {}
    for s in sailings:
        (by_subevent if s.subevent_id else by_single)[s.subevent_id or s.event_id] = s

    subevents = list(SubEvent.objects.filter(
        event_id__in=[e.pk for e in events if e.has_subevents], active=True, is_public=True, date_from__gte=at,
    ).exclude(presale_end__lt=at).order_by("date_from", "pk"))  # a date whose sale has ended is not on offer
    overrides = defaultdict(dict)
    for se_id, item_id, price, disabled in SubEventItem.objects.filter(
            subevent__in=subevents).values_list("subevent_id", "item_id", "price", "disabled"):
        overrides[se_id][item_id] = (price, disabled)

    # availability: the sailing's managed quota; otherwise the tightest quota of the date's tickets
    quota_of = {}
    plain = [se.pk for se in subevents if se.pk not in by_subevent]
    plain_quotas = defaultdict(list)
    if plain:
        for q in Quota.objects.filter(subevent_id__in=plain).prefetch_related("items"):
            plain_quotas[q.subevent_id].append(q)
    single_events = [e for e in events if not e.has_subevents]
    for q in Quota.objects.filter(event__in=single_events, subevent__isnull=True):
        if q.event_id not in by_single:
            plain_quotas[("event", q.event_id)].append(q)
    to_compute = [s.quota for s in sailings if s.quota is not None and s.quota.size is not None]
    to_compute += [q for qs in plain_quotas.values() for q in qs if q.size is not None]
    for q in to_compute:
        q.event = by_id[q.event_id]  # one event object per event: its settings are read once, not per quota
    qa = QuotaAvailability(full_results=False, early_out=True)
    if to_compute:
        qa.queue(*to_compute)
        qa.compute()
    for s in sailings:
        if s.quota is not None and s.quota.size is not None:
            quota_of[s.subevent_id or ("event", s.event_id)] = [s.quota]
    for key, qs in plain_quotas.items():
        quota_of.setdefault(key, [q for q in qs if q.size is not None])

    def availability(key, capacity) -> tuple[int | None, bool, int | None]:
        quotas = quota_of.get(key) or []
        if not quotas:
            return None, False, capacity
        nums = [qa.results[q][1] for q in quotas if q in qa.results]
        if not nums:
            return None, False, capacity
        left = max(0, min(n for n in nums if n is not None)) if any(n is not None for n in nums) else None
        return left, left == 0, capacity if capacity is not None else min(q.size for q in quotas)

    entries = []
    for se in subevents:
        event = by_id[se.event_id]
        sailing = by_subevent.get(se.pk)
        offers = _offers(items[event.pk], overrides.get(se.pk, {}), fees[event.pk])
        left, sold_out, capacity = availability(se.pk, sailing.capacity if sailing else None)
        entries.append(_entry(event, se, kinds, event_tz, taxes, texts, sailing, offers, left, sold_out, capacity,
                              se.date_from, se.date_to))

    rentals = {r.event_id: r for r in RentalOffer.objects.filter(event_id__in=by_id).select_related("pier")}
    for event in single_events:
        sailing = by_single.get(event.pk)
        kind = kinds.get(event.pk, EventKind.KIND_EXCURSION)
        offers = _offers(items[event.pk], {}, fees[event.pk])
        if kind == EventKind.KIND_RENTAL:
            if (event.date_to or event.date_from) < at:
                continue
            entry = _entry(event, None, kinds, event_tz, taxes, texts, sailing, offers, None, False, None, None,
                           event.date_to)
            rental = rentals.get(event.pk)
            if rental is not None and rental.pier is not None:  # an offer need not name its pier
                entry.pier = rental.pier
                entry.search_text += " " + _i18n_text(rental.pier.name)
            entries.append(entry)
            continue
        if event.date_from < at:
            continue
        left, sold_out, capacity = availability(("event", event.pk), sailing.capacity if sailing else None)
        entries.append(_entry(event, None, kinds, event_tz, taxes, texts, sailing, offers, left, sold_out, capacity,
                              event.date_from, event.date_to))
    entries.sort(key=lambda e: (e.start is None, e.start or at, e.event.pk))
    return entries


def _entry(event, subevent, kinds, event_tz, taxes, texts, sailing, offers, left, sold_out, capacity, start,
           end) -> Entry:
    duration = sailing.duration_minutes if sailing else (
        int((end - start).total_seconds() // 60) if start and end and end > start else None)
    if sailing and start:
        end = start + sailing.duration
    text = [texts[event.pk]]
    if subevent is not None:
        text.append(_i18n_text(subevent.name))
    if sailing:
        pier = sailing.departure_pier
        text += [_i18n_text(pier.name), _i18n_text(pier.address), _i18n_text(sailing.vessel.name)]
    return Entry(
        event=event, subevent=subevent, kind=kinds.get(event.pk, EventKind.KIND_EXCURSION), start=start, end=end,
        tz=ZoneInfo(sailing.departure_pier.timezone) if sailing else event_tz[event.pk],
        duration_minutes=duration, pier=sailing.departure_pier if sailing else None,
        vessel=sailing.vessel if sailing else None, price_from=_price_from(offers), tax=taxes[event.pk],
        capacity=capacity, available=left, sold_out=sold_out, search_text=" ".join(text).casefold(), offers=offers,
    )
