"""
The shop side: the seat picker on a date's page (rendered into pretix's cart form through
``render_seating_plan``) and the public JSON endpoints for the map, the live availability and the
rule check the picker runs before it hands seats to pretix's cart.
"""
import functools

from django.http import Http404, JsonResponse
from django.template.loader import get_template
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pretix.base.models import Event
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views.cart import get_or_create_cart_id

from ticketing_core import flags
from ticketing_core.dateranges import parse_id

from ..services import picker as picker_service
from ..services import rules
from ..services.errors import SeatingError

MAP_CACHE_SECONDS = 60


def _date(request, event: Event):
    """The date asked for (``?subevent=<id>`` in an event series); 404 without a seat map."""
    subevent = None
    if event.has_subevents:
        try:
            pk = parse_id(request.GET.get("subevent", ""))
        except ValueError:
            raise Http404(_("Please choose a date.")) from None
        subevent = event.subevents.filter(pk=pk, active=True).first()
        if subevent is None:
            raise Http404(_("This date does not exist."))
    if not (subevent or event).seating_plan_id:
        raise Http404(_("This date has no seat map."))
    return subevent


def texts() -> dict:
    """Every sentence the picker's script shows, in the page's language."""
    return {
        "available": _("available"), "taken": _("taken"), "notForSale": _("not for sale"),
        "selected": _("selected"), "inCart": _("in your cart"), "wheelchair": _("wheelchair place"),
        "seatMap": _("Seat map"), "remove": _("Remove"), "variation": _("Ticket type"),
        "total": _("Total"), "none": _("No seats chosen yet."), "chosen": _("Seat chosen: {seat}."),
        "unchosen": _("Seat removed: {seat}."),
        "takenNow": _("Sorry, {seat} has just been taken by someone else. Please choose another seat."),
        "notFree": _("{seat} is not available."),
        "max": _("You can book at most {max} seats in one order."),
        "checking": _("Checking your seats…"), "failed": _("The seat map could not be updated. Please try again."),
        "chooseVariation": _("Please choose a ticket type for {seat}."),
        "deckShown": _("{deck} is shown."), "zoom": _("Zoom: {percent} %"),
    }


def render_picker(request, event: Event, subevent) -> str:
    date = subevent or event
    if not date.seating_plan_id:
        return ""
    if not flags.enabled("seat_picker"):
        # the kill switch (Administration → Feature flags): a notice instead of the map; carts and orders stay
        return get_template("ticketing_seating/picker_unavailable.html").render({}, request=request)
    data = picker_service.map_data(event, subevent, get_language())
    if data is None:
        return ""
    cart_id = get_or_create_cart_id(request, create=False)
    data["availability"] = picker_service.availability(event, subevent, cart_id)
    data["texts"] = texts()
    data["maxSeats"] = event.settings.ticketing_seating_max_seats
    data["refresh"] = event.settings.ticketing_seating_refresh_seconds
    query = f"?subevent={subevent.pk}" if subevent else ""
    urls = {
        "availability": eventreverse(event, "plugins:ticketing_seating:availability") + query,
        "check": eventreverse(event, "plugins:ticketing_seating:check") + query,
    }
    return get_template("ticketing_seating/picker.html").render({
        "data": data, "urls": urls,
        "event": event, "subevent": subevent,
    }, request=request)


def switchable(view):
    """The seat picker's JSON endpoints answer 503 with a readable message while the kill switch is off."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not flags.enabled("seat_picker"):
            return JsonResponse({"ok": False, "error": _("Seat selection is temporarily unavailable.")}, status=503)
        return view(request, *args, **kwargs)
    return wrapped


@require_GET
@switchable
def map_json(request, **kwargs):
    """Public: a date's seat map with categories, prices and readable seat labels (no personal data)."""
    event = request.event
    subevent = _date(request, event)
    data = picker_service.map_data(event, subevent, get_language())
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=MAP_CACHE_SECONDS)
    return response


@require_GET
@switchable
def availability_json(request, **kwargs):
    """Public: every seat's state now (f free, x taken, b not for sale, m in the asking customer's cart)."""
    event = request.event
    subevent = _date(request, event)
    cart_id = get_or_create_cart_id(request, create=False)
    response = JsonResponse(picker_service.availability(event, subevent, cart_id))
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


@require_GET
@switchable
def check_json(request, **kwargs):
    """The picker asks before adding seats: are they free, and do the operator's rules allow them?"""
    event = request.event
    subevent = _date(request, event)
    wanted = [g for g in request.GET.getlist("seat") if g][:500]
    cart_id = get_or_create_cart_id(request, create=False)
    states = picker_service.availability(event, subevent, cart_id)["seats"]
    taken = [g for g in wanted if states.get(g) not in (picker_service.FREE, picker_service.MINE)]
    if taken:
        return JsonResponse({"ok": False, "taken": taken, "errors": []})
    mine = {g for g, s in states.items() if s == picker_service.MINE}
    in_cart = event.cartposition_set.filter(cart_id=cart_id, seat__isnull=False).count() if cart_id else 0
    try:
        rules.check_count(event, in_cart + len(set(wanted) - mine))
        if event.settings.ticketing_seating_no_single_gap:
            rules.check_no_single_gap(event, subevent, set(wanted) | mine)
    except SeatingError as e:
        return JsonResponse({"ok": False, "taken": [], "errors": e.errors})
    return JsonResponse({"ok": True, "taken": [], "errors": []})
