"""
Every place where ticketing_core touches pretix (and Django's model signals), in one index; the logic lives in
the slices: ``fleet/`` (menus, the sailing fields on pretix's date form, capacity and schedule guards),
``policy/`` (the refund rule on pretix's order pages and in the shop) and ``notifications/`` (when messages
are sent, the delivery log, the customer's choices). Also registered elsewhere, by pretix's own registries:
permission groups (``permissions.py``), log entry types (``logdisplay.py``), the REST endpoints
(``fleet/api.py``, through ``urls.py``) and the error middleware (``middleware.py``).

The addon also *sends* signals of its own, for the addons above it (rentals, seating, …): they are defined
in ``hooks.py`` and listed at the end of this module.
"""
import logging

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import resolve, reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.api.signals import register_webhook_events
from pretix.api.webhooks import ParametrizedOrderWebhookEvent
from pretix.base.i18n import language
from pretix.base.models import Checkin, Event, Item, ItemVariation, Order, OrderPayment, OrderRefund, Quota, SubEvent
from pretix.base.signals import (
    event_live_issues,
    order_paid,
    order_placed,
    periodic_task,
    register_data_shredders,
    register_text_placeholders,
)
from pretix.control.signals import (
    event_dashboard_widgets,
    nav_event,
    nav_event_settings,
    nav_global,
    nav_organizer,
    order_info,
    subevent_detail_html,
    subevent_forms,
    user_dashboard_widgets,
)
from pretix.helpers.periodic import minimum_interval
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.signals import contact_form_fields, order_info_top, process_request

from .fleet.capacity import guard_quota_save, hold_capacity_lock, sold_places, sync_item
from .fleet.forms import SailingForm
from .fleet.models import Sailing
from .fleet.names import personalize_new_passenger_place
from .fleet.schedule import guard_date_move
from .hooks import account_menu, demo_loaders, fleet_menu, sailing_canceled, sailing_changed
from .kpi.funnel import record_step, step_of_request
from .notifications.checkout import checkout_fields, save_preferences
from .notifications.placeholders import departure_placeholder
from .notifications.service import notify, notify_cancellation
from .notifications.shredder import NotificationShredder
from .permissions import FLEET_WRITE, SAILINGS_WRITE
from .policy import guards, payment_term

APP = "ticketing_core"
logger = logging.getLogger(__name__)


# --- fleet: menus, sailings on pretix's date pages, capacity and schedule guards ---------------------------------


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
    for _receiver, more in fleet_menu.send(organizer, request=request):  # e.g. the timeline of ticketing_rentals
        children.extend(more or [])
    if request.user.has_organizer_permission(organizer, FLEET_WRITE, request=request):
        children.append({"label": _("Settings"), "url": link("fleet.settings"),
                         "active": url.namespace == f"plugins:{APP}" and url.url_name == "fleet.settings"})
    return [{
        "label": _("Fleet"), "url": link("vessels"), "icon": "ship",
        "active": url.namespace == f"plugins:{APP}" or any(c["active"] for c in children), "children": children,
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
    (_("Boarding"), "boarding.settings", SAILINGS_WRITE),
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
    return get_template("ticketing_core/fleet/sailing_detail.html").render({
        "sailing": sailing, "sold": sold, "available": max(sailing.capacity - sold, 0),
    })


@receiver(pre_save, sender=Quota, dispatch_uid="ticketing_core_quota_guard")
def quota_guard(sender, instance, **kwargs):
    guard_quota_save(instance)


@receiver(pre_save, sender=SubEvent, dispatch_uid="ticketing_core_subevent_move_guard")
@receiver(pre_save, sender=Event, dispatch_uid="ticketing_core_event_move_guard")
def date_move_guard(sender, instance, raw=False, **kwargs):
    if not raw:
        guard_date_move(instance)


@receiver(register_text_placeholders, dispatch_uid="ticketing_core_departure_placeholder")
def text_placeholders(sender, **kwargs):
    """``{departure}`` for pretix's e-mail texts: the sailing's or the charter's date and time, and the pier."""
    return [departure_placeholder()]


@receiver(pre_save, sender=Item, dispatch_uid="ticketing_core_item_names")
def item_names(sender, instance, raw=False, **kwargs):
    if not raw:
        personalize_new_passenger_place(instance)


@receiver(post_save, sender=Item, dispatch_uid="ticketing_core_item_sync")
def item_saved(sender, instance, created, **kwargs):
    sync_item(instance)
    if instance.admission:  # a new passenger product of a route with travel documents asks them too
        from .boarding.documents import ensure_questions, route_requires_documents

        if route_requires_documents(instance.event):
            ensure_questions(instance.event)


@receiver(post_save, sender=ItemVariation, dispatch_uid="ticketing_core_variation_sync")
def variation_saved(sender, instance, created, **kwargs):
    if created:
        sync_item(instance.item)


@receiver(register_text_placeholders, dispatch_uid="ticketing_core_sailing_placeholders")
def sailing_placeholders(sender, **kwargs):
    """{sailing_date} and {cancel_reason} in pretix's e-mail texts (the sailing cancellation notice uses both)."""
    from .fleet.placeholders import placeholders

    return placeholders()


@receiver(order_placed, dispatch_uid="ticketing_core_capacity_lock")
def order_placed_lock(sender, order, **kwargs):
    hold_capacity_lock(order)


# --- policy: the refund rule on pretix's pages and in the shop ---------------------------------------------------


@receiver(event_live_issues, dispatch_uid="ticketing_core_live_issues")
def live_issues(sender, **kwargs):
    return guards.live_issue(sender)


@receiver(order_placed, dispatch_uid="ticketing_core_payment_term")
def order_placed_payment_term(sender, order, **kwargs):
    """
    A pending order expires before its departure. Set on pretix's own order object before pretix renders the
    "order placed" e-mail, so its "pay until" date is the capped one.
    """
    if _active(sender):
        payment_term.cap_at_departure(order)


@receiver(pre_save, sender=Order, dispatch_uid="ticketing_core_payment_term_on_save")
def payment_term_on_save(sender, instance: Order, raw=False, update_fields=None, **kwargs):
    """Any later new deadline of pretix's (another payment method, reactivation, staff's extension) is capped too."""
    if raw or instance.pk is None or instance.status != Order.STATUS_PENDING or instance.expires is None:
        return
    if update_fields is not None and "expires" not in update_fields:
        return
    if _active(instance.event):
        payment_term.cap_at_departure(instance, save=False)


@receiver(process_request, dispatch_uid="ticketing_core_policy_guard")
def policy_guard(sender, request, **kwargs):
    return guards.refuse_late_cancel_or_change(sender, request)


@receiver(order_info_top, dispatch_uid="ticketing_core_order_policy")
def order_policy_notice(sender, request, order, **kwargs):
    return guards.deadline_notice(order)


# --- notifications: when messages are sent, the delivery log, the customer's choices -----------------------------


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
    from .notifications.views import order_panel

    return order_panel(request, order)


@receiver(account_menu, dispatch_uid="ticketing_core_account_menu")
def customer_notifications_entry(sender, request, **kwargs):
    """The customer's SMS and reminder choices in the account menu."""
    return [{"label": pgettext_lazy("customer account", "SMS and reminders"), "icon": "bell",
             "url": eventreverse(sender, f"plugins:{APP}:customer.notifications")}]


@receiver(contact_form_fields, dispatch_uid="ticketing_core_contact_form_fields")
def contact_fields(sender, request=None, **kwargs):
    """
    SMS (opt-in, with a mobile number) and reminders (opt-out) on pretix's checkout contact step. pretix's
    confirmation page lists every contact field with its value: an SMS number nobody typed is left out there.
    """
    if APP not in (sender.plugins or ""):
        return {}
    fields = checkout_fields()
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "event.checkout" and match.kwargs.get("step") == "confirm":
        from pretix.presale.views.cart import cart_session

        if not (cart_session(request).get("contact_form_data") or {}).get("ticketing_sms_phone"):
            del fields["ticketing_sms_phone"]
    return fields


def _active(event) -> bool:
    return APP in (event.plugins or "")


@receiver(order_paid, dispatch_uid="ticketing_core_notify_paid")
def on_paid(sender, order, **kwargs):
    if not _active(sender):
        return
    notify(order, "order_confirmed")
    payment = order.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).order_by("-payment_date").first()
    if payment is not None and payment.amount > 0:
        with language(order.locale, order.event.settings.region):
            method = str(payment.payment_provider.public_name) if payment.payment_provider else payment.provider
            receipt = gettext("The fiscal receipt (54-FZ) is sent to you by the payment service.") \
                if payment.info_data.get("receipt_status") else ""
        notify(order, "payment_receipt", occasion=f"p{payment.pk}",
               extra={"amount": payment.amount, "method": method, "receipt": receipt})


@receiver(order_placed, dispatch_uid="ticketing_core_notify_placed")
def on_placed(sender, order, **kwargs):
    if not _active(sender):
        return
    save_preferences(order)
    if order.status == order.STATUS_PAID:  # free orders are paid when placed
        notify(order, "order_confirmed")


@receiver(post_save, sender=OrderRefund, dispatch_uid="ticketing_core_notify_refund")
def on_refund(sender, instance: OrderRefund, **kwargs):
    if instance.state != OrderRefund.REFUND_STATE_DONE or instance.provider in ("offsetting", "giftcard"):
        return
    with scopes_disabled():
        order = instance.order
        if _active(order.event):
            notify(order, "refund_confirmed", occasion=f"r{instance.pk}", extra={"amount": instance.amount})


@receiver(periodic_task, dispatch_uid="ticketing_core_notify_reminders")
@scopes_disabled()
@minimum_interval(minutes_after_success=5, minutes_after_error=5)
def reminders(sender, **kwargs):
    from .notifications.reminders import send_due_reminders
    from .notifications.tasks import sweep

    send_due_reminders()
    sweep()


@receiver(periodic_task, dispatch_uid="ticketing_core_notify_sms_status")
@scopes_disabled()
@minimum_interval(minutes_after_success=10, minutes_after_error=10)
def sms_status(sender, **kwargs):
    """Delivery reports whose callback never came are asked for."""
    from .notifications.delivery import poll_sms_statuses

    poll_sms_statuses()


@receiver(register_webhook_events, dispatch_uid="ticketing_core_notify_webhooks")
def webhook_events(sender, **kwargs):
    return (
        ParametrizedOrderWebhookEvent("ticketing_core.notification.delivered",
                                      _("Message to the customer delivered (e-mail sent or SMS delivered)")),
        ParametrizedOrderWebhookEvent("ticketing_core.notification.failed",
                                      _("Message to the customer failed")),
    )


@receiver(sailing_canceled, dispatch_uid="ticketing_core_notify_sailing_canceled")
def on_sailing_canceled(sender, sailing, reason, **kwargs):
    """pretix's cancellation service e-mailed every customer; the SMS notice comes from us."""
    notify_cancellation(sailing, reason)


@receiver(register_data_shredders, dispatch_uid="ticketing_core_notification_shredder")
def register_shredder(sender, **kwargs):
    return NotificationShredder


# --- boarding: a check-in list per sailing, check-in metrics, no-shows, travel documents ---------------------------


@receiver(nav_organizer, dispatch_uid="ticketing_core_nav_boarding")
def navbar_boarding(sender, request, organizer, **kwargs):
    """*Boarding* (the crew's page) and *Passenger manifest*, for whoever may check in or read orders somewhere."""
    from .boarding.access import boarding_events

    if not boarding_events(request).exists():
        return []
    url = resolve(request.path_info)
    ours = url.namespace == f"plugins:{APP}" and (url.url_name or "").split(".")[0] in ("boarding", "manifest")
    children = [
        {"label": _("Boarding"), "url": reverse(f"plugins:{APP}:boarding", kwargs={"organizer": organizer.slug}),
         "active": ours and url.url_name.startswith("boarding")},
        {"label": _("Passenger manifest"),
         "url": reverse(f"plugins:{APP}:manifest", kwargs={"organizer": organizer.slug}),
         "active": ours and url.url_name.startswith("manifest")},
    ]
    return [{"label": _("Boarding"), "url": children[0]["url"], "icon": "qrcode", "active": ours,
             "children": children}]


@receiver(sailing_changed, dispatch_uid="ticketing_core_boarding_list")
def boarding_list_for_sailing(sender, sailing, **kwargs):
    from .boarding.lists import sync_list

    sync_list(sailing)


@receiver(post_save, sender=SubEvent, dispatch_uid="ticketing_core_boarding_list_date")
@receiver(post_save, sender=Event, dispatch_uid="ticketing_core_boarding_list_event")
def boarding_list_for_date(sender, instance, raw=False, created=False, **kwargs):
    """pretix's date form changed the time or name: the sailing's list is renamed (its rule follows by itself)."""
    if raw or created:
        return
    from .boarding.lists import sync_date

    sync_date(instance)


@receiver(periodic_task, dispatch_uid="ticketing_core_boarding_closed")
@scopes_disabled()
@minimum_interval(minutes_after_success=5, minutes_after_error=5)
def boarding_closed(sender, **kwargs):
    """No-show summaries of sailings whose boarding closed; travel documents past their retention are erased."""
    from .boarding.documents import purge_expired
    from .boarding.noshows import summarize_closed

    summarize_closed()
    purge_expired()


@receiver(register_webhook_events, dispatch_uid="ticketing_core_boarding_webhooks")
def boarding_webhook_events(sender, **kwargs):
    from .boarding.noshows import webhook_events

    return webhook_events()


@receiver(register_data_shredders, dispatch_uid="ticketing_core_documents_shredder")
def register_documents_shredder(sender, **kwargs):
    from .boarding.documents import DocumentShredder

    return DocumentShredder


@receiver(post_save, sender=Checkin, dispatch_uid="ticketing_core_boarding_metric")
def checkin_metric(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        from .boarding.metrics import count_checkin

        count_checkin(instance)


# --- kpi: the organizer's dashboard, the event widgets, the shop's anonymous funnel ------------------------------


@receiver(nav_organizer, dispatch_uid="ticketing_core_nav_organizer_kpi")
def navbar_organizer_kpi(sender, request, organizer, **kwargs):
    """*Dashboard* at the top of the organizer menu, for Administrators and Sales managers."""
    from .kpi.access import may_see_kpis

    if not may_see_kpis(request.user, organizer, request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Dashboard"), "icon": "line-chart",
        "url": reverse(f"plugins:{APP}:kpi.dashboard", kwargs={"organizer": organizer.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name.startswith("kpi."),
    }]


@receiver(event_dashboard_widgets, dispatch_uid="ticketing_core_kpi_event_widgets")
def kpi_event_widgets(sender, subevent=None, lazy=False, **kwargs):
    from .kpi.widgets import event_widgets

    return event_widgets(sender, subevent=subevent, lazy=lazy)


@receiver(user_dashboard_widgets, dispatch_uid="ticketing_core_kpi_user_widgets")
def kpi_user_widgets(sender, user, **kwargs):
    from .kpi.widgets import user_widgets

    return user_widgets(user)


@receiver(process_request, dispatch_uid="ticketing_core_funnel_request")
def funnel_request(sender, request, **kwargs):
    """A visit of the event's shop page, an "add to cart", a checkout started: counted, never who."""
    step = step_of_request(request)
    if step is not None:
        record_step(sender, step)


def _shop_order(order) -> bool:
    return getattr(order.sales_channel, "type", "") == "web"


@receiver(order_placed, dispatch_uid="ticketing_core_funnel_placed")
def funnel_placed(sender, order, **kwargs):
    if _shop_order(order):
        record_step(sender, "placed")
        if order.status == Order.STATUS_PAID:  # a free order is paid when placed; pretix sends no order_paid
            record_step(sender, "paid")


@receiver(order_paid, dispatch_uid="ticketing_core_funnel_paid")
def funnel_paid(sender, order, **kwargs):
    if _shop_order(order):
        record_step(sender, "paid")


@receiver(post_save, sender=Order, dispatch_uid="ticketing_core_kpi_order_saved")
@receiver(post_save, sender=OrderPayment, dispatch_uid="ticketing_core_kpi_payment_saved")
@receiver(post_save, sender=OrderRefund, dispatch_uid="ticketing_core_kpi_refund_saved")
@receiver(post_save, sender=Checkin, dispatch_uid="ticketing_core_kpi_checkin_saved")
def kpi_figures_changed(sender, instance, **kwargs):
    """
    An order, payment, refund or scan was saved: its sailings' KPI summary rows are stale (marked after commit).
    Django's model signals rather than pretix's order signals: they also fire for events without the plugin
    active and for every state change that saves (refund done, payment confirmed, check-in annulled).
    """
    from .kpi.summary import mark_orders_changed

    if sender is Order:
        mark_orders_changed(instance.pk)
    elif sender is Checkin:
        if instance.position_id is None:  # a code nobody knows was scanned (pretix keeps the failed scan): no order
            return
        mark_orders_changed(instance.position.order_id)
    else:
        mark_orders_changed(instance.order_id)


@receiver(post_save, sender=SubEvent, dispatch_uid="ticketing_core_kpi_date_saved")
def kpi_date_changed(sender, instance, created, **kwargs):
    """A sailing's date was saved (its departure may have moved): its booking pace and no-shows are stale."""
    from .kpi.summary import mark_subevent_changed

    if not created:
        mark_subevent_changed(instance.pk)


@receiver(periodic_task, dispatch_uid="ticketing_core_kpi_summary")
@scopes_disabled()
@minimum_interval(minutes_after_success=1, minutes_after_error=5)
def kpi_summary_refresh(sender, **kwargs):
    """The KPI summary rows changed since their computation; every recent sailing's once an hour (safety net)."""
    from django.core.cache import cache

    from .kpi.summary import refresh_recent

    full = cache.add("ticketing_core:kpi:summary:full", "1", 3600)
    refresh_recent(full=full)


@receiver(periodic_task, dispatch_uid="ticketing_core_funnel_flush")
@scopes_disabled()
@minimum_interval(minutes_after_success=5, minutes_after_error=5)
def funnel_flush(sender, **kwargs):
    """The shop's funnel counters from Redis into the daily summary table (nothing to do without Redis)."""
    from .kpi.funnel import flush

    flush()


@receiver(demo_loaders, dispatch_uid="ticketing_core_kpi_demo")
def kpi_demo(sender, **kwargs):
    """A past month (and the same month a year earlier) of sailings with orders, so the dashboard has a season."""
    from .kpi.demo import loaders

    return loaders()


# ---- metrics (observability/metrics.py; one Redis increment each, no query) -------------------------------------

@receiver(order_placed, dispatch_uid="ticketing_core_metrics_placed")
def metrics_order_placed(sender, order, **kwargs):
    from .observability.metrics import count_placed

    count_placed(order)


@receiver(order_paid, dispatch_uid="ticketing_core_metrics_paid")
def metrics_order_paid(sender, order, **kwargs):
    from .observability.metrics import count_paid

    count_paid(order)


@receiver(periodic_task, dispatch_uid="ticketing_core_metrics_backlog")
@scopes_disabled()
@minimum_interval(minutes_after_success=1, minutes_after_error=5)
def metrics_notification_backlog(sender, **kwargs):
    """The age of the oldest unsent SMS/e-mail (a query, so here and not on a request)."""
    from .notifications.metrics import update_backlog

    update_backlog()


# --- signals this addon sends (defined in hooks.py; demo_loaders, fleet_menu, sailing_canceled/_changed: above) -----
# --- feature flags: the administrators' page (flags/) ---------------------------------------------------------------


@receiver(nav_global, dispatch_uid="ticketing_core_nav_global_flags")
def navbar_global_flags(sender, request, **kwargs):
    """*Feature flags* under pretix's global settings, for administrators in admin mode only."""
    if not request.user.has_active_staff_session(request.session.session_key):
        return []
    url = request.resolver_match
    return [{
        "label": _("Feature flags"), "url": reverse("plugins:ticketing_core:flags"), "parent":
            reverse("control:global.settings"),
        "active": bool(url and url.namespace == "plugins:ticketing_core" and url.url_name == "flags"),
    }]


# --- signals this addon sends (defined in hooks.py; fleet_menu and sailing_canceled are imported above) -------
from .hooks import (  # noqa: E402, F401 - listed here so this module indexes every touch point
    event_without_fixed_departure,
    order_departures,
    vessel_time_check,
)

