"""Every place where the core addon touches pretix; the logic lives in services/."""
import hmac

from django.contrib import messages
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.template.loader import get_template
from django.urls import resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.models import Event, Item, ItemVariation, Order, Quota, SubEvent
from pretix.base.signals import event_live_issues, order_placed
from pretix.control.signals import (
    nav_event,
    nav_event_settings,
    nav_organizer,
    order_info,
    subevent_detail_html,
    subevent_forms,
)
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.signals import global_footer_link, order_info_top, process_request

from .forms import SailingForm
from .models import Sailing
from .permissions import FLEET_WRITE, SAILINGS_WRITE
from .rentals.occupancy import sync_date
from .services.capacity import guard_quota_save, hold_capacity_lock, sold_places, sync_item
from .services.policy import check_refund, policy_issues
from .services.schedule import guard_date_move

APP = "ticketing_core"


@receiver(nav_organizer, dispatch_uid="ticketing_core_nav_organizer")
def navbar_organizer(sender, request, organizer, **kwargs):
    url = resolve(request.path_info)

    def link(name):
        return reverse(f"plugins:{APP}:{name}", kwargs={"organizer": organizer.slug})

    children = [
        {"label": _("Vessels"), "url": link("vessels"),
         "active": url.namespace == f"plugins:{APP}" and url.url_name.startswith("vessel")},
        {"label": _("Piers"), "url": link("piers"),
         "active": url.namespace == f"plugins:{APP}" and url.url_name.startswith("pier")},
    ]
    children.append({"label": pgettext_lazy("fleet", "Timeline"), "url": link("timeline"),
                     "active": url.namespace == f"plugins:{APP}" and url.url_name == "timeline"})
    if request.user.has_organizer_permission(organizer, FLEET_WRITE, request=request):
        children.append({"label": _("Settings"), "url": link("fleet.settings"),
                         "active": url.namespace == f"plugins:{APP}" and url.url_name == "fleet.settings"})
    return [{
        "label": _("Fleet"), "url": link("vessels"), "icon": "ship",
        "active": url.namespace == f"plugins:{APP}", "children": children,
    }]


@receiver(nav_event, dispatch_uid="ticketing_core_nav_event")
def navbar_event(sender, request, **kwargs):
    url = resolve(request.path_info)
    return [{
        "label": _("Sailings"),
        "url": reverse(f"plugins:{APP}:sailings", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name in ("sailings", "sailing.cancel"),
        "icon": "ship",
    }]


# (label, url name, permission) of the addon's pages under the event's settings
EVENT_SETTINGS_PAGES = (
    (_("Sailing and refund policy"), "settings", SAILINGS_WRITE),
    (_("Notifications"), "notifications.settings", "event.settings.general:write"),
)


@receiver(nav_event_settings, dispatch_uid="ticketing_core_nav_event_settings")
def navbar_event_settings(sender, request, **kwargs):
    url = resolve(request.path_info)
    return [{
        "label": label,
        "url": reverse(f"plugins:{APP}:{name}", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name == name,
    } for label, name, permission in EVENT_SETTINGS_PAGES
        if request.user.has_event_permission(request.organizer, request.event, permission, request=request)]


@receiver(nav_organizer, dispatch_uid="ticketing_core_nav_organizer_messages")
def navbar_organizer_messages(sender, request, organizer, **kwargs):
    """Messages: the delivery log (any team member; rows limited to what they may see) and the SMS settings."""
    url = resolve(request.path_info)
    ours = url.namespace == f"plugins:{APP}"
    log_url = reverse(f"plugins:{APP}:messages", kwargs={"organizer": organizer.slug})
    children = [{"label": _("Delivery log"), "url": log_url, "active": ours and url.url_name == "messages"}]
    if request.user.has_organizer_permission(organizer, "organizer.settings.general:write", request=request):
        children.append({"label": _("SMS settings"),
                         "url": reverse(f"plugins:{APP}:sms.settings", kwargs={"organizer": organizer.slug}),
                         "active": ours and url.url_name == "sms.settings"})
    return [{
        "label": _("Messages"), "url": log_url, "icon": "envelope",
        "active": ours and url.url_name in ("messages", "sms.settings"), "children": children,
    }]


@receiver(order_info, dispatch_uid="ticketing_core_order_messages")
def order_messages(sender, order, request, **kwargs):
    """The delivery log and "send the confirmation again" on the back-office order page."""
    from .views.notifications import order_panel

    return order_panel(request, order)


@receiver(global_footer_link, dispatch_uid="ticketing_core_customer_notifications_link")
def customer_notifications_link(sender, request=None, **kwargs):
    """A logged-in customer finds their SMS and reminder choices in the shop's footer."""
    organizer = getattr(request, "organizer", None)
    if organizer is None or not getattr(request, "customer", None) or APP not in (organizer.plugins or ""):
        return []
    return [{"label": _("SMS and reminders"),
             "url": eventreverse(organizer, f"plugins:{APP}:customer.notifications")}]


@receiver(subevent_forms, dispatch_uid="ticketing_core_subevent_forms")
def sailing_subevent_form(sender, request, subevent, copy_from=None, **kwargs):
    return SailingForm(
        data=request.POST if request.method == "POST" else None,
        event=sender, subevent=subevent, request=request, copy_from=copy_from, prefix="ticketing_sailing",
    )


@receiver(subevent_detail_html, dispatch_uid="ticketing_core_subevent_detail")
def sailing_on_date_page(sender, subevent, **kwargs):
    """The date's page in the back office shows its vessel, piers and passenger places."""
    sailing = Sailing.objects.filter(subevent=subevent).select_related(
        "vessel", "departure_pier", "arrival_pier").first()
    if sailing is None:
        return ""
    sold = sold_places(sailing)
    return get_template("ticketing_core/sailing_detail.html").render({
        "sailing": sailing, "sold": sold, "available": max(sailing.capacity - sold, 0),
    })


@receiver(event_live_issues, dispatch_uid="ticketing_core_live_issues")
def live_issues(sender, **kwargs):
    issues = policy_issues(sender)
    if not issues:
        return None
    return format_html(
        '{} <a href="{}">{}</a>',
        _("The refund policy is not in force: {issues}").format(issues=" ".join(str(i) for i in issues)),
        reverse(f"plugins:{APP}:settings", kwargs={"organizer": sender.organizer.slug, "event": sender.slug}),
        _("Apply the refund policy"),
    )


# Customer-facing URLs that would refund, exchange or transfer; the policy decides, nothing else.
_CANCEL_URLS = {"event.order.cancel", "event.order.cancel.do"}
_CHANGE_URLS = {"event.order.change", "event.order.position.change", "event.order.modify",
                "event.order.position.modify"}


@receiver(process_request, dispatch_uid="ticketing_core_policy_guard")
def policy_guard(sender, request, **kwargs):
    """
    Refuse, on the server, a cancellation after the deadline (stale page, crafted POST) and any
    exchange or transfer, whatever the event's settings say.
    """
    match = request.resolver_match or resolve(request.path_info)
    if match.namespace != "presale" or match.url_name not in (_CANCEL_URLS | _CHANGE_URLS):
        return None
    order = Order.objects.filter(event=sender, code=match.kwargs.get("order")).first()
    if order is None or not hmac.compare_digest(order.secret.lower(), str(match.kwargs.get("secret", "")).lower()):
        return None  # pretix's own view answers 404 without telling whether the order exists
    back = eventreverse(sender, "presale:event.order", kwargs={"order": order.code, "secret": order.secret})
    if match.url_name in _CHANGE_URLS:
        messages.error(request, _("Tickets cannot be exchanged or transferred, and names on tickets cannot "
                                  "be changed."))
        return HttpResponseRedirect(back)
    decision = check_refund(order)
    if not decision.allowed:
        messages.error(request, decision.reason)
        return HttpResponseRedirect(back)
    return None


@receiver(order_info_top, dispatch_uid="ticketing_core_order_policy")
def order_policy_notice(sender, request, order, **kwargs):
    """The customer's order page states the deadline, or that tickets are non-refundable now."""
    if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
        return ""
    decision = check_refund(order)
    if decision.deadline is None:
        return ""
    return get_template("ticketing_core/order_policy.html").render({"decision": decision})


@receiver(pre_save, sender=Quota, dispatch_uid="ticketing_core_quota_guard")
def quota_guard(sender, instance, **kwargs):
    guard_quota_save(instance)


@receiver(pre_save, sender=SubEvent, dispatch_uid="ticketing_core_subevent_move_guard")
@receiver(pre_save, sender=Event, dispatch_uid="ticketing_core_event_move_guard")
def date_move_guard(sender, instance, raw=False, **kwargs):
    if not raw:
        guard_date_move(instance)


@receiver(post_save, sender=SubEvent, dispatch_uid="ticketing_core_subevent_occupancy_sync")
@receiver(post_save, sender=Event, dispatch_uid="ticketing_core_event_occupancy_sync")
def date_occupancy_sync(sender, instance, raw=False, **kwargs):
    """A moved date moves its sailing's row in the vessel occupancy (the pre_save guard checked the move)."""
    if not raw:
        sync_date(instance)


@receiver(post_save, sender=Item, dispatch_uid="ticketing_core_item_sync")
def item_saved(sender, instance, created, **kwargs):
    sync_item(instance)


@receiver(post_save, sender=ItemVariation, dispatch_uid="ticketing_core_variation_sync")
def variation_saved(sender, instance, created, **kwargs):
    if created:
        sync_item(instance.item)


@receiver(order_placed, dispatch_uid="ticketing_core_capacity_lock")
def order_placed_lock(sender, order, **kwargs):
    hold_capacity_lock(order)
