"""
The public availability of a rental offer, as JSON for the shop's booking widget: free start times per
vessel and day with the price of the requested duration. No login, no personal data (never order codes
or customers: only free times and prices), cached briefly by browsers and proxies.
"""
from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ticketing_core import flags
from ticketing_core.dateranges import parse_day, range_error

from .. import services
from ..errors import RentalError
from ..models import RentalOffer, RentalVessel

MAX_DAYS = 31
DEFAULT_DAYS = 7
CACHE_SECONDS = 30


class BadRequest(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def shop_offer(event) -> RentalOffer | None:
    """
    The event's rental offer as the shop pages read it: product and tax rule, pier, vessels and rates
    prefetched (the services then query once per vessel), the time zone read once.
    """
    offer = (RentalOffer.objects.filter(event=event).select_related("item__tax_rule", "pier", "event")
             .prefetch_related(Prefetch("offer_vessels", queryset=RentalVessel.objects.select_related(
                 "vessel__organizer").order_by("id")), "rates").first())
    if offer is not None:
        services.pin_timezone(offer)
    return offer


def _date(request, name: str, default: date) -> date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse_day(raw)
    except ValueError as e:
        raise BadRequest(name, str(e)) from None


def _params(request, offer: RentalOffer) -> tuple[list[RentalVessel], date, date, int]:
    vessels = list(offer.offer_vessels.all())
    raw_vessel = request.GET.get("vessel", "").strip()
    if raw_vessel:
        vessels = [rv for rv in vessels if str(rv.vessel_id) == raw_vessel]
        if not vessels:
            raise BadRequest("vessel", _("This vessel cannot be chartered in this offer."))
    today = now().astimezone(services.offer_timezone(offer)).date()
    date_from = _date(request, "date_from", today)
    date_to = _date(request, "date_to", date_from + timedelta(days=DEFAULT_DAYS - 1))
    error = range_error(date_from, date_to, MAX_DAYS)
    if error:
        raise BadRequest("date_to", error)
    raw_duration = request.GET.get("duration", "").strip()
    bounds = _("A charter lasts from {min} to {max} minutes in steps of {step} minutes.").format(
        min=offer.min_duration_minutes, max=offer.max_duration_minutes, step=offer.step_minutes)
    if not raw_duration:
        duration = offer.min_duration_minutes
    elif not raw_duration.isdigit():
        raise BadRequest("duration", bounds)
    else:
        duration = int(raw_duration)
    if duration not in services.durations(offer):
        raise BadRequest("duration", bounds)
    return vessels, date_from, date_to, duration


def _price(offer: RentalOffer, vessel, start, duration: int) -> str | None:
    try:
        return f"{services.price(offer, vessel, start, duration).total:.2f}"
    except RentalError:
        return None  # no rate covers this time: the offer is incomplete there, the start is not sold


@require_GET
def availability(request, organizer=None, event=None):
    """``GET …/rentals/availability.json?vessel=&date_from=&date_to=&duration=`` (all optional)."""
    if not flags.enabled("rentals"):
        return JsonResponse({"error": _("Booking boats and yachts online is temporarily unavailable.")}, status=503)
    offer = shop_offer(request.event) if request.event.live else None
    if offer is None:
        return JsonResponse({"error": _("This event has no boats or yachts for charter.")}, status=404)
    try:
        vessels, date_from, date_to, duration = _params(request, offer)
    except BadRequest as e:
        response = JsonResponse({"error": e.message, "field": e.field}, status=400)
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
        return response
    tz = services.offer_timezone(offer)
    at = now()
    step = timedelta(minutes=duration)
    availability = []
    for rv in vessels:
        calendar = services.availability_calendar(offer, rv.vessel, date_from, date_to, duration, at=at)
        availability.append({
            "vessel": rv.vessel_id,
            "days": [
                {"date": day.isoformat(), "starts": [
                    {"start": start.isoformat(), "end": (start + step).astimezone(tz).isoformat(),
                     "price": _price(offer, rv.vessel, start, duration)}
                    for start in starts]}
                for day, starts in calendar.items()
            ],
        })
    response = JsonResponse({
        "event": request.event.slug,
        "currency": "RUB",
        "timezone": str(tz),
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "duration": {"requested": duration, "min": offer.min_duration_minutes, "max": offer.max_duration_minutes,
                     "step": offer.step_minutes},
        "notice_minutes": offer.notice_minutes,
        "vessels": [{"id": rv.vessel_id, "name": str(rv.vessel.name), "max_guests": rv.max_guests}
                    for rv in offer.offer_vessels.all()],
        "availability": availability,
    }, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
