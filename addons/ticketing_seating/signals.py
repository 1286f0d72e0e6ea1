"""Every place where the seat-map addon touches pretix; the logic lives in services/."""

from django.db.models import Q, prefetch_related_objects
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import resolve, reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.base.i18n import language
from pretix.base.models import Item, Order, OrderPosition
from pretix.base.services.cart import CartError
from pretix.base.services.orders import OrderError
from pretix.base.signals import (
    email_filter,
    event_live_issues,
    layout_text_variables,
    periodic_task,
    validate_cart,
    validate_order,
)
from pretix.control.signals import nav_event, nav_organizer, subevent_detail_html
from pretix.helpers.periodic import minimum_interval
from pretix.plugins.ticketoutputpdf.signals import override_layout
from pretix.presale.signals import html_head, order_info, process_response, render_seating_plan

from ticketing_core.documents.layouts import edited_layout
from ticketing_core.hooks import demo_loaders, seat_description, seat_wheelchair
from ticketing_core.models import Sailing, Vessel
from ticketing_core.responses import after_render

from . import logdisplay  # noqa: F401 - registers the log texts
from . import settings as _settings  # noqa: F401 - registers the setting defaults
from .services import assign, rules
from .services.errors import SeatingError
from .services.labels import describe, labels_for, translate_pretix_seats
from .services.mailparts import append_html

APP = "ticketing_seating"


@receiver(post_save, sender=Sailing, dispatch_uid="ticketing_seating_sailing_saved")
def sailing_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """A new sailing, or one moved to another vessel, gets that vessel's seat map (never moving sold seats)."""
    if raw or (update_fields and set(update_fields) <= {"quota", "canceled_at", "cancel_reason"}):
        return
    assign.apply_to_sailing(instance)


@receiver(post_save, sender=Item, dispatch_uid="ticketing_seating_item_saved")
def item_saved(sender, instance, raw=False, **kwargs):
    """A passenger product added or changed later is switched off on seated dates as well (or on again)."""
    if raw or "ticketing_seating" not in instance.event.get_plugins():
        return
    for sailing in assign.future_sailings(Sailing.objects.filter(event=instance.event, subevent__isnull=False)):
        assign.sync_passenger_products(instance.event, sailing.subevent)


@receiver(pre_save, sender=Vessel, dispatch_uid="ticketing_seating_vessel_mode_before")
def vessel_mode_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._seating_mode_before = Vessel.objects.filter(pk=instance.pk).values_list(
            "seating_mode", flat=True).first()


@receiver(post_save, sender=Vessel, dispatch_uid="ticketing_seating_vessel_mode_after")
def vessel_mode_after(sender, instance, raw=False, created=False, **kwargs):
    """Switching a vessel between assigned seats and general admission updates its future sailings."""
    before = getattr(instance, "_seating_mode_before", None)
    if not raw and not created and before is not None and before != instance.seating_mode:
        assign.apply_to_vessel(instance)


@receiver(render_seating_plan, dispatch_uid="ticketing_seating_picker")
def picker(sender, request, subevent=None, voucher=None, **kwargs):
    from .views.shop import render_picker

    return render_picker(request, sender, subevent)


@receiver(html_head, dispatch_uid="ticketing_seating_html_head")
def shop_head(sender, request=None, **kwargs):
    """The shop's seat lines (cart, checkout, order) without pretix's wheelchair-like pictogram."""
    return format_html('<link rel="stylesheet" href="{}">', static("ticketing_seating/seats.css"))


@receiver(validate_cart, dispatch_uid="ticketing_seating_validate_cart")
def cart_rules(sender, positions, **kwargs):
    """
    pretix sends its own cart queryset (``presale.views.get_cart``, shared by the request and already holding the
    products): reading it as is costs nothing after the first receiver, where a new ``select_related`` queryset
    re-ran pretix's cart query with its prefetches on every step. Seats are fetched only for seated positions.
    """
    positions = list(positions)
    prefetch_related_objects([p for p in positions if p.seat_id], "seat")
    prefetch_related_objects(positions, "item")
    try:
        rules.check_positions(sender, positions)
    except SeatingError as e:
        raise CartError(str(e)) from None


@receiver(validate_order, dispatch_uid="ticketing_seating_validate_order")
def order_rules(sender, positions, **kwargs):
    """
    The seat rules once more as the order is placed. Only positions with a seat or on a date with a seat map can
    break one (a seat too many, a single gap, a passenger without a seat on a seated date): the others are left in
    the database, so an order on a general-admission sailing loads nothing here.
    """
    if not sender.seating_plan_id:
        positions = positions.filter(Q(seat__isnull=False) | Q(subevent__seating_plan__isnull=False))
    try:
        rules.check_positions(sender, list(positions.select_related("seat", "item", "subevent")))
    except SeatingError as e:
        raise OrderError(str(e)) from None


@receiver(event_live_issues, dispatch_uid="ticketing_seating_live_issues")
def live_issues(sender, **kwargs):
    issues = assign.unmapped_issues(sender)
    if not issues:
        return None
    return format_html('{} <a href="{}">{}</a>', " ".join(issues), reverse(
        f"plugins:{APP}:event.seating", kwargs={"organizer": sender.organizer.slug, "event": sender.slug}),
        _("Choose products for the seat categories"))


@receiver(nav_organizer, dispatch_uid="ticketing_seating_nav_organizer")
def navbar_organizer(sender, request, organizer, **kwargs):
    url = resolve(request.path_info)
    return [{
        "label": _("Seat maps"), "icon": "th",
        "url": reverse(f"plugins:{APP}:maps", kwargs={"organizer": organizer.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name.startswith("map"),
    }]


@receiver(nav_event, dispatch_uid="ticketing_seating_nav_event")
def navbar_event(sender, request, **kwargs):
    url = resolve(request.path_info)
    kw = {"organizer": request.organizer.slug, "event": request.event.slug}
    ours = url.namespace == f"plugins:{APP}"
    children = [
        {"label": _("Seat categories"), "url": reverse(f"plugins:{APP}:event.seating", kwargs=kw),
         "active": ours and url.url_name == "event.seating"},
        {"label": _("Seat occupancy"), "url": reverse(f"plugins:{APP}:occupancy.list", kwargs=kw),
         "active": ours and url.url_name.startswith("occupancy")},
    ]
    return [{"label": _("Seats"), "url": children[0]["url"], "icon": "th", "active": ours, "children": children}]


@receiver(subevent_detail_html, dispatch_uid="ticketing_seating_subevent_detail")
def occupancy_link(sender, subevent, **kwargs):
    if not subevent.seating_plan_id:
        return ""
    url = reverse(f"plugins:{APP}:occupancy", kwargs={
        "organizer": sender.organizer.slug, "event": sender.slug, "subevent": subevent.pk})
    return format_html('<p><a class="btn btn-default" href="{}"><i class="fa fa-th"></i> {}</a></p>', url,
                       _("Seat occupancy"))


@receiver(order_info, dispatch_uid="ticketing_seating_order_info")
def order_seats(sender, order, request=None, **kwargs):
    """The customer's order page lists the seats as "deck, row, seat" in the customer's language."""
    if order.status not in (Order.STATUS_PENDING, Order.STATUS_PAID):
        return ""  # a cancelled or expired order holds no seats any more
    # the seated positions only: an order on a general-admission sailing (most of them) loads no position here
    positions = list(order.positions.filter(seat__isnull=False).select_related("seat", "item"))
    if not positions:
        return ""
    labels = labels_for(order.event_id, positions[0].subevent_id)
    return get_template("ticketing_seating/order_seats.html").render({
        "seats": [(p, describe(p.seat, labels)) for p in positions]})


def _seat_of(op: OrderPosition):
    return op.seat if op.seat_id else (op.addon_to.seat if op.addon_to_id and op.addon_to.seat_id else None)


@receiver(layout_text_variables, dispatch_uid="ticketing_seating_ticket_variables")
def ticket_variables(sender, **kwargs):
    return {"ticketing_seat": {
        "label": _("Seat: deck, row and seat (in the customer's language)"),
        "editor_sample": _("Upper deck, row 3, seat 12"),
        "evaluate": lambda op, order, ev: describe(_seat_of(op)) if _seat_of(op) else "",
    }}


@receiver(override_layout, dispatch_uid="ticketing_seating_ticket_layout")
def ticket_layout(sender, layout, orderposition, **kwargs):
    """pretix's default "seat" text on tickets becomes our "deck, row, seat" in the customer's language."""
    if layout is None or not _seat_of(orderposition):
        return layout
    return edited_layout(layout, sender, _seat_text_ours)


def _seat_text_ours(elements: list) -> bool:
    """pretix's "seat" text elements print ours; True when the layout had one."""
    changed = False
    for e in elements:
        if isinstance(e, dict) and e.get("content") == "seat":
            e["content"] = "ticketing_seat"
            changed = True
    return changed


@receiver(email_filter, dispatch_uid="ticketing_seating_email_seats")
def email_seats(sender, message, order=None, **kwargs):
    """Order e-mails name the seats ("deck, row, seat") in the order's language."""
    if order is None or order.status not in (Order.STATUS_PENDING, Order.STATUS_PAID):
        return message
    positions = list(order.positions.filter(seat__isnull=False).select_related("seat"))  # seated ones only
    if not positions:
        return message
    labels = labels_for(order.event_id, positions[0].subevent_id)
    with language(order.locale, sender.settings.region):
        lines = [describe(p.seat, labels) for p in positions]
        title = str(_("Your seats"))
    text = "\n\n{}:\n{}".format(title, "\n".join(f"- {line}" for line in lines))
    message.body = (message.body or "") + text
    html = "<p><strong>{}:</strong><br>{}</p>".format(escape(title), "<br>".join(escape(line) for line in lines))
    append_html(message, html)  # pretix's HTML part as a string or, as its mail task sends it, multipart/related
    return message


@receiver(demo_loaders, dispatch_uid="ticketing_seating_demo")
def demo_part(sender, **kwargs):
    """This addon's part of the demo operator (``python -m pretix load_demo``, ``make run``)."""
    from .demo import LOADERS

    return LOADERS


@receiver(seat_description, dispatch_uid="ticketing_seating_seat_description")
def seat_in_words(sender, **kwargs):
    """Deck, row and seat in the active language, for the shop's boarding cards (ticketing_website)."""
    from .services.labels import describe

    return describe(sender)


@receiver(periodic_task, dispatch_uid="ticketing_seating_metrics_holds")
@scopes_disabled()
@minimum_interval(minutes_after_success=1, minutes_after_error=5)
def metrics_seat_holds(sender, **kwargs):
    """The gauge of seats held in carts (a count query, so periodic; ``metrics.py``)."""
    from .metrics import update_holds

    update_holds()


@receiver(seat_wheelchair, dispatch_uid="ticketing_seating_seat_wheelchair")
def seat_is_wheelchair(sender, **kwargs):
    """A seat of a category marked "wheelchair" on the vessel's seat map (the passenger manifest counts them)."""
    from .services import layout
    from .services.picker import seat_map_for_date

    seat = sender
    seat_map = seat_map_for_date(seat.event, seat.subevent)
    plan = (seat.subevent or seat.event).seating_plan
    if seat_map is None or plan is None:
        return None
    info = next((s for s in layout.seats(plan) if s.guid == seat.seat_guid), None)
    return bool(info and ((seat_map.category_flags or {}).get(info.category) or {}).get("wheelchair"))


@receiver(process_response, dispatch_uid="ticketing_seating_seat_decks")
def seat_decks_in_language(sender, request, response, **kwargs):
    """pretix's cart and order lines name a seat's deck in the shopper's language (services/labels.py)."""
    after_render(response, lambda rendered: translate_pretix_seats(request, rendered))
    return response
