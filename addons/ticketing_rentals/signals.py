"""
Where charters touch pretix (the shop's event page, cart checks, order creation and order state changes, the
back office's order page and menus) and ticketing_core (its hooks: the vessel's time, a sailing's changes, an
order's departure, the Fleet menu). The logic lives in the modules named in each receiver.
"""
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.base.i18n import language
from pretix.base.models import Event, Item, OrderPosition, SubEvent
from pretix.base.services.cart import CartError
from pretix.base.services.orders import OrderError
from pretix.base.signals import (
    invoice_line_text,
    layout_text_variables,
    order_canceled,
    order_expired,
    order_paid,
    order_reactivated,
    periodic_task,
    validate_cart,
    validate_order,
)
from pretix.control.signals import nav_event, order_info
from pretix.helpers.periodic import minimum_interval
from pretix.multidomain.urlreverse import eventreverse
from pretix.plugins.ticketoutputpdf.signals import override_layout
from pretix.presale.signals import checkout_confirm_page_content, html_head, process_request, process_response
from pretix.presale.signals import order_info as presale_order_info

from ticketing_core.hooks import (
    Departure,
    demo_loaders,
    event_without_fixed_departure,
    fleet_menu,
    order_departures,
    position_departure,
    sailing_changed,
    vessel_time_check,
)
from ticketing_core.responses import after_render
from ticketing_core.urlmatch import url_match

from . import cart
from .errors import RentalError
from .models import RentalOffer
from .permissions import RENTALS_WRITE, SAILING_CANCEL

APP = "ticketing_rentals"


@receiver(process_request, dispatch_uid="ticketing_rentals_front_page")
def rental_front_page(sender, request, **kwargs):
    """A rental event's shop page is the charter form: pretix's product list cannot choose a time."""
    match = url_match(request)
    if match.namespace != "presale" or match.url_name != "event.index":
        return None
    if cart.offer_of(sender) is None:
        return None
    return HttpResponseRedirect(eventreverse(sender, f"plugins:{APP}:rentals.book"))


@receiver(process_response, dispatch_uid="ticketing_rentals_cart_line")
def charter_cart_line(sender, request, response, **kwargs):
    """The charter's date and time on its line in pretix's cart (cartline.py: pretix has no cart-line signal)."""
    from .cartline import add_charter_period

    after_render(response, lambda rendered: add_charter_period(request, rendered))
    return response


@receiver(validate_cart, dispatch_uid="ticketing_rentals_validate_cart")
def check_cart(sender, positions, **kwargs):
    try:
        cart.check_positions(sender, list(positions))
    except RentalError as e:
        raise CartError(str(e)) from None


@receiver(validate_order, dispatch_uid="ticketing_rentals_validate_order")
def check_order(sender, positions, **kwargs):
    if cart.offer_id_of(sender) is None:  # an excursion: pretix's cart queryset is not run for nothing (issue 21)
        return
    try:
        cart.check_positions(sender, list(positions))
    except RentalError as e:
        raise OrderError(str(e)) from None


@receiver(post_save, sender=RentalOffer, dispatch_uid="ticketing_rentals_offer_id_saved")
@receiver(post_delete, sender=RentalOffer, dispatch_uid="ticketing_rentals_offer_id_deleted")
def forget_offer_id(sender, instance, **kwargs):
    """
    ``cart.offer_id_of`` keeps whether the event has an offer in pretix's event cache: a change invalidates it, now
    and once the transaction commits (a request that read the old state meanwhile must not keep it for an hour).
    """
    if instance.event_id:
        if RentalOffer.event.is_cached(instance):  # the request's own event object forgets its answers too
            instance.event.__dict__.pop("_ticketing_rental_offer_id", None)
            instance.event.__dict__.pop("_ticketing_rental_offer", None)
        event_cache = Event(pk=instance.event_id).cache
        event_cache.delete(cart.OFFER_ID_KEY)
        transaction.on_commit(lambda: event_cache.delete(cart.OFFER_ID_KEY))


@receiver(post_save, sender=RentalOffer, dispatch_uid="ticketing_rentals_charter_ticket")
def charter_time_ticket(sender, instance, raw=False, **kwargs):
    """
    The charter time is no passenger place of pretix's quota (admission off) but its ticket boards the party:
    it keeps a ticket while pretix issues tickets for passenger places only (``documents.tickets``).
    """
    if not raw and instance.item_id:
        Item.objects.filter(pk=instance.item_id, generate_tickets__isnull=True).update(generate_tickets=True)


@receiver(post_save, sender=RentalOffer, dispatch_uid="ticketing_rentals_charter_checkin_list")
def charter_checkin_list(sender, instance, created, raw=False, **kwargs):
    """pretixSCAN and the crew board a charter's guests with the charter's ticket, on the offer's one list."""
    if not raw:
        from ticketing_core.boarding.lists import ensure_event_list

        with language(instance.event.settings.locale):
            ensure_event_list(instance.event, str(_("Charter guests")))


@receiver(post_save, sender=RentalOffer, dispatch_uid="ticketing_rentals_charter_mails")
def charter_mail_texts(sender, instance, created, raw=False, **kwargs):
    """A new charter offer's order e-mails say when the charter is (pretix's texts name no date)."""
    if created and not raw:
        from .mails import apply_charter_mail_texts

        apply_charter_mail_texts(instance.event)


@receiver(post_save, sender=OrderPosition, dispatch_uid="ticketing_rentals_confirm")
def confirm_charter(sender, instance, created, **kwargs):
    """The order is being created from the cart: the hold becomes the charter in the same transaction."""
    if not created or not instance.meta_info or cart.META_KEY not in instance.meta_info:
        return
    try:
        cart.confirm_position(instance)
    except RentalError as e:
        raise OrderError(str(e)) from None


@receiver(order_canceled, dispatch_uid="ticketing_rentals_release_canceled")
@receiver(order_expired, dispatch_uid="ticketing_rentals_release_expired")
def release_charter(sender, order, **kwargs):
    cart.release_order(order)


@receiver(order_paid, dispatch_uid="ticketing_rentals_restore_paid")
@receiver(order_reactivated, dispatch_uid="ticketing_rentals_restore_reactivated")
def restore_charter(sender, order, **kwargs):
    """
    An expired order paid late or a cancelled order reactivated gets its charter back when the vessel is
    still free; otherwise staff are told on the order (the log and the order page) to refund or rebook.
    """
    for occupancy in cart.restore_order(order):
        order.log_action("ticketing_core.rental.lost", data={
            "vessel": occupancy.vessel_id, "starts_at": occupancy.starts_at.isoformat(),
            "ends_at": occupancy.ends_at.isoformat(),
        })


@receiver(order_info, dispatch_uid="ticketing_rentals_order_panel")
def charter_panel(sender, order, request, **kwargs):
    """The charter on the back-office order page: vessel, time, guests, the charter's details, cancel."""
    charter = cart.charter_of(order) if cart.offer_id_of(sender) else None
    if charter is None:
        return ""
    from .services import offer_timezone

    can_cancel = request.user.has_event_permission(request.organizer, request.event, SAILING_CANCEL, request=request)
    return get_template("ticketing_rentals/order_panel.html").render({
        "charter": charter, "order": order, "tz": offer_timezone(charter.offer) if charter.offer_id else None,
        "can_cancel": can_cancel and order.status in ("n", "p") and charter.released_at is None,
        "cancel_url": reverse(f"plugins:{APP}:rental.cancel", kwargs={
            "organizer": sender.organizer.slug, "event": sender.slug, "code": order.code}),
        "answers": [(a.question.question, a) for a in charter.order_position.answers.select_related("question")],
    }, request=request)


@receiver(nav_event, dispatch_uid="ticketing_rentals_nav_event")
def navbar_rentals(sender, request, **kwargs):
    if cart.offer_of(sender) is None and request.resolver_match.url_name != "rentals.offer":
        from ticketing_core.models import EventKind

        if not EventKind.objects.filter(event=sender, kind=EventKind.KIND_RENTAL).exists():
            return []
    if not request.user.has_event_permission(request.organizer, sender, RENTALS_WRITE, request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Charter offer"),
        "url": reverse(f"plugins:{APP}:rentals.offer", kwargs={"organizer": request.organizer.slug,
                                                               "event": sender.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name.startswith("rentals."),
        "icon": "anchor",
    }]


@receiver(html_head, dispatch_uid="ticketing_rentals_order_head")
def charter_order_head(sender, request, **kwargs):
    """
    pretix lets customers cancel rental orders without a deadline of its own (there is no event date to
    count from); once the charter's deadline has passed, its cancellation panel is hidden (the server
    refuses such a cancellation anyway, see ``signals.policy_guard``).
    """
    match = request.resolver_match
    if match is None or match.url_name != "event.order" or cart.offer_of(sender) is None:
        return ""
    from pretix.base.models import Order

    from ticketing_core.policy.rules import check_refund

    order = Order.objects.filter(event=sender, code=match.kwargs.get("order")).first()
    if order is None or cart.charter_of(order) is None or check_refund(order).allowed:
        return ""
    return format_html('<link rel="stylesheet" href="{}">', static("ticketing_rentals/charter_order.css"))


def _summary(charter, request) -> str:
    from .cartline import weekday_text
    from .services import offer_timezone

    offer = charter.offer
    tz = offer_timezone(offer) if offer else None
    return get_template("ticketing_rentals/charter_summary.html").render({
        "charter": charter, "tz": tz, "pier": offer.pier if offer else None,
        "weekday": weekday_text(charter.starts_at.astimezone(tz) if tz else charter.starts_at),
    }, request=request)


@receiver(presale_order_info, dispatch_uid="ticketing_rentals_order_summary")
def charter_order_summary(sender, order, request, **kwargs):
    """The customer's order page names the vessel, the charter's time and the guests."""
    charter = cart.charter_of(order) if cart.offer_id_of(sender) else None
    return _summary(charter, request) if charter else ""


@receiver(checkout_confirm_page_content, dispatch_uid="ticketing_rentals_confirm_summary")
def charter_confirm_summary(sender, request, **kwargs):
    """Before "Place order", the charter in the cart: the product line alone does not say when and on what."""
    from pretix.presale.views.cart import get_or_create_cart_id

    offer = cart.offer_of(sender)
    cart_id = get_or_create_cart_id(request, create=False)
    held = cart.cart_hold(offer, cart_id) if offer and cart_id else None
    return _summary(held, request) if held else ""


@receiver(invoice_line_text, dispatch_uid="ticketing_rentals_invoice_line")
def charter_invoice_line(sender, position, **kwargs):
    """The invoice line of the charter time names the vessel and the period (in the invoice's language)."""
    from .models import VesselOccupancy
    from .services import offer_timezone

    charter = (VesselOccupancy.objects.filter(order_position=position, kind=VesselOccupancy.KIND_RENTAL)
               .select_related("vessel", "offer__pier", "offer__event").first())
    if charter is None:
        return ""
    tz = offer_timezone(charter.offer)
    start, end = charter.starts_at.astimezone(tz), charter.ends_at.astimezone(tz)
    return _("{vessel}, {date} {start}–{end}").format(
        vessel=charter.vessel.name, date=start.strftime("%d.%m.%Y"), start=f"{start:%H:%M}", end=f"{end:%H:%M}")


# --- ticketing_core's hooks: one vessel, one booking at a time, sailings included ---------------------------


@receiver(vessel_time_check, dispatch_uid="ticketing_rentals_vessel_time_check")
def vessel_busy_with_charter(sender, vessel, start, end, buffer, **kwargs):
    """A sailing may not be planned over a charter or a charter in a customer's cart (turnaround included)."""
    from zoneinfo import ZoneInfo

    from .occupancy import describe_clash, find_rental_clash

    rental = find_rental_clash(vessel, start, end, buffer)
    if rental is None:
        return None
    tz = ZoneInfo(str(vessel.organizer.settings.timezone))
    return describe_clash(rental, vessel, tz, int(buffer.total_seconds() // 60), "sailing")


@receiver(sailing_changed, dispatch_uid="ticketing_rentals_sailing_changed")
def sailing_occupancy(sender, sailing, **kwargs):
    """Every sailing is a row of the vessel occupancy, so the database refuses a charter over it (and back)."""
    from .occupancy import sync_sailing

    sync_sailing(sailing)


@receiver(post_save, sender=SubEvent, dispatch_uid="ticketing_rentals_subevent_occupancy_sync")
@receiver(post_save, sender=Event, dispatch_uid="ticketing_rentals_event_occupancy_sync")
def date_occupancy_sync(sender, instance, raw=False, **kwargs):
    """A moved date moves its sailing's row in the vessel occupancy (ticketing_core's pre_save guard checked it)."""
    if not raw:
        from .occupancy import sync_date

        sync_date(instance)


@receiver(order_departures, dispatch_uid="ticketing_rentals_order_departures")
def charter_departures(sender, order, **kwargs):
    """A charter order departs when its charter starts, from its offer's pier (refund deadline, messages)."""
    from .models import VesselOccupancy

    if cart.offer_id_of(order.event) is None:
        return []  # a charter belongs to its event's offer (deleting the offer deletes its charters)

    rows = (VesselOccupancy.objects.filter(order_position__order=order, kind=VesselOccupancy.KIND_RENTAL)
            .select_related("offer__pier").order_by("starts_at", "id"))
    return [Departure(r.starts_at, r.offer.pier if r.offer_id and r.offer.pier_id else None, r.ends_at)
            for r in rows]


@receiver(position_departure, dispatch_uid="ticketing_rentals_position_departure")
def charter_position_departure(sender, position, **kwargs):
    """The charter time's position departs at the charter's start and ends at its end, from the offer's pier."""
    offer = cart.offer_of(sender)
    if offer is None or position.item_id != offer.item_id or not position.pk:
        return None
    charter = cart.charter_of_position(position)
    if charter is None:
        return None
    return Departure(charter.starts_at, offer.pier if offer.pier_id else None, charter.ends_at)


@receiver(layout_text_variables, dispatch_uid="ticketing_rentals_ticket_dates")
def charter_ticket_dates(sender, **kwargs):
    """The PDF ticket of a charter prints the charter's date and time where the layout prints the event's."""
    if cart.offer_of(sender) is None:
        return {}
    from .documents import charter_date_variables, charter_variable

    return {**charter_date_variables(lambda event, op: charter_position_departure(event, op)),
            **charter_variable(lambda event, op: cart.charter_of_position(op),
                               lambda event, op: charter_position_departure(event, op))}


@receiver(override_layout, dispatch_uid="ticketing_rentals_ticket_layout")
def charter_ticket_layout(sender, layout, orderposition, **kwargs):
    """A charter's ticket prints its booked period and vessel where the layout prints the start time."""
    if layout is None or charter_position_departure(sender, orderposition) is None:
        return layout
    from ticketing_core.documents.layouts import edited_layout

    from .documents import with_charter_period

    return edited_layout(layout, sender, with_charter_period)


@receiver(event_without_fixed_departure, dispatch_uid="ticketing_rentals_event_without_departure")
def charter_event(sender, **kwargs):
    """An event with a charter offer has no date of its own to count pretix's cancellation deadline from."""
    return cart.offer_id_of(sender) is not None


@receiver(fleet_menu, dispatch_uid="ticketing_rentals_fleet_menu")
def fleet_timeline_link(sender, request, **kwargs):
    """*Fleet → Timeline*: every vessel's day, sailings and charters together."""
    from django.utils.translation import pgettext_lazy

    url = resolve(request.path_info)
    return [{"label": pgettext_lazy("fleet", "Timeline"),
             "url": reverse(f"plugins:{APP}:timeline", kwargs={"organizer": sender.slug}),
             "active": url.namespace == f"plugins:{APP}" and url.url_name == "timeline"}]


@receiver(demo_loaders, dispatch_uid="ticketing_rentals_demo")
def demo_part(sender, **kwargs):
    """This addon's part of the demo operator (``python -m pretix load_demo``, ``make run``)."""
    from .demo import LOADERS

    return LOADERS


@receiver(periodic_task, dispatch_uid="ticketing_rentals_release_holds")
@scopes_disabled()
@minimum_interval(minutes_after_success=1, minutes_after_error=5)
def release_lapsed_holds(sender, **kwargs):
    """Holds of abandoned checkouts free their vessel for the database constraint too, not only for reads."""
    from .metrics import update_holds
    from .services import release_expired

    release_expired()
    update_holds()
