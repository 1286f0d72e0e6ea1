"""Every place where the helpdesk touches pretix; the logic lives in cases/, sla/, reports/, api/ and console/."""
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.api.signals import register_webhook_events
from pretix.base.signals import periodic_task
from pretix.control.signals import nav_organizer, order_info
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.signals import global_footer_link, order_info_top

from ticketing_core.hooks import account_menu, demo_loaders

from . import permissions  # noqa: F401 - registers the permission groups
from .cases import logdisplay  # noqa: F401 - registers the log entry texts
from .permissions import CASES_READ, CASES_SETTINGS, CASES_WRITE

APP = "ticketing_helpdesk"

# ------------------------------------------------------------------------------------------- support cases


@receiver(nav_organizer, dispatch_uid="ticketing_helpdesk_nav_cases")
def navbar_cases(sender, request, organizer, **kwargs):
    """Support cases in the organizer menu, for staff who may see them."""
    user = request.user
    if not user.has_organizer_permission(organizer, CASES_READ, request=request):
        return []
    url = resolve(request.path_info)
    ours = url.namespace == f"plugins:{APP}"

    def link(name):
        return reverse(f"plugins:{APP}:{name}", kwargs={"organizer": organizer.slug})

    children = [{"label": _("All cases"), "url": link("cases"),
                 "active": ours and url.url_name in ("cases", "case")}]
    if user.has_organizer_permission(organizer, CASES_WRITE, request=request):
        children.append({"label": _("New case"), "url": link("case.add"),
                         "active": ours and url.url_name == "case.add"})
    children.append({"label": _("Reports"), "url": link("reports"), "active": ours and url.url_name == "reports"})
    if user.has_organizer_permission(organizer, CASES_SETTINGS, request=request):
        children.append({"label": _("SLA settings"), "url": link("sla.settings"),
                         "active": ours and url.url_name == "sla.settings"})
    return [{"label": _("Support cases"), "url": link("cases"), "icon": "life-ring",
             "active": ours and url.url_name in ("cases", "case", "case.add", "reports", "sla.settings"),
             "children": children}]


@receiver(order_info, dispatch_uid="ticketing_helpdesk_order_cases")
def order_cases_panel(sender, order, request, **kwargs):
    """The order's support cases on pretix's back-office order page, and "new case" for this order."""
    organizer = sender.organizer
    if APP not in (organizer.plugins or "") or not request.user.has_organizer_permission(
            organizer, CASES_READ, request=request):
        return ""
    from .models import SupportCase

    return get_template("ticketing_helpdesk/cases/order_panel.html").render({
        "cases": SupportCase.objects.filter(organizer=organizer, order=order).select_related("assignee"),
        "order": order, "organizer": organizer,
        "can_write": request.user.has_organizer_permission(organizer, CASES_WRITE, request=request),
    }, request=request)


@receiver(order_info_top, dispatch_uid="ticketing_helpdesk_order_contact")
def order_contact_link(sender, request, order, **kwargs):
    """The customer's order page offers "Ask a question about this order" (the contact form, order linked)."""
    if APP not in (sender.organizer.plugins or ""):
        return ""
    url = eventreverse(sender.organizer, f"plugins:{APP}:contact") + "?" + \
        f"order={order.code}&secret={order.tagged_secret('ticketing_helpdesk')}"
    return get_template("ticketing_helpdesk/customer/order_link.html").render({"url": url})  # no shop context needed


@receiver(global_footer_link, dispatch_uid="ticketing_helpdesk_footer_links")
def footer_links(sender, request=None, **kwargs):
    """"Contact us" on every shop page (a customer's support requests are in the account menu)."""
    organizer = getattr(request, "organizer", None)
    if organizer is None or APP not in (organizer.plugins or ""):
        return []
    return [{"label": _("Contact us"), "url": eventreverse(organizer, f"plugins:{APP}:contact")}]


@receiver(account_menu, dispatch_uid="ticketing_helpdesk_account_menu")
def account_menu_entries(sender, request, **kwargs):
    """The customer's support requests in the account menu (active on a request's own page too)."""
    match = request.resolver_match
    ours = match is not None and match.namespace == f"plugins:{APP}" and match.url_name.startswith("customer.case")
    return [{"label": pgettext_lazy("customer account", "Support requests"), "icon": "life-ring",
             "url": eventreverse(sender, f"plugins:{APP}:customer.cases"), "active": ours}]


@receiver(periodic_task, dispatch_uid="ticketing_helpdesk_sla_scan")
def sla_scan(sender, **kwargs):
    """Flag cases about to breach and breached, and tell their assignees."""
    from .sla.tasks import scan

    scan()


@receiver(register_webhook_events, dispatch_uid="ticketing_helpdesk_case_webhooks")
def case_webhooks(sender, **kwargs):
    from .cases.webhooks import webhook_events

    return webhook_events()


# ------------------------------------------------------------------------------------------------- console
from .console import signals as console_signals  # noqa: E402,F401 - menu, order panel, audit trail


@receiver(demo_loaders, dispatch_uid="ticketing_helpdesk_demo")
def demo_part(sender, **kwargs):
    """This addon's part of the demo operator (``python -m pretix load_demo``, ``make run``)."""
    from .demo_cases import LOADERS

    return LOADERS
