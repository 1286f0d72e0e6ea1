"""
The agent console in the back office (organizer level): the search page, customer profiles with their
export, and the two order actions — refund within the policy and send the confirmation again. Every page
checks its permission on the server; the order actions check the event permission and the policy again
on every request, whatever the page showed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from pretix.base.models import Customer, Order
from pretix.base.templatetags.money import money_filter
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.exports import csv_response
from ticketing_core.notifications.kinds import CHANNELS, EMAIL, SMS
from ticketing_core.notifications.models import Notification
from ticketing_core.notifications.service import describe_skip, phone_for, preference_for, resend
from ticketing_core.notifications.sms.phone import mask_phone
from ticketing_core.policy.rules import format_deadline

from ..audit.log import audit
from ..permissions import CASES_READ, CONSOLE, POLICY_REFUND, RESEND
from . import profile as profiles
from .refunds import RefundRefused, decision_for, nothing_paid, refund, refundable_positions
from .search import search

APP = "ticketing_helpdesk"
ORDERS_READ = "event.orders:read"


def console_url(organizer, name: str = "console", **kwargs) -> str:
    return reverse(f"plugins:{APP}:{name}", kwargs={"organizer": organizer.slug, **kwargs})


def case_url(case) -> str:
    """The back-office page of a support case."""
    return reverse(f"plugins:{APP}:case", kwargs={"organizer": case.organizer.slug, "number": case.number})


def safe_next(request, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


def order_for(request, event_slug: str, code: str, permission: str = ORDERS_READ) -> Order:
    """The order, if the user holds ``permission`` on its event; 404 otherwise (no hint that it exists)."""
    order = Order.objects.filter(organizer=request.organizer, event__slug=event_slug, code=code).select_related(
        "event").first()
    if order is None or not request.user.has_event_permission(request.organizer, order.event, permission,
                                                              request=request):
        raise Http404(_("This order does not exist or you may not see it."))
    return order


class ConsoleView(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, TemplateView):
    permission = CONSOLE


class ConsoleSearch(ConsoleView):
    """One search box across every event of the organizer; results grouped by what they are."""

    template_name = "ticketing_helpdesk/console/search.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:200]
        ctx["q"] = q
        ctx["tz"] = self.request.organizer.settings.timezone
        if q:
            result = search(self.request.organizer, self.request.user, q, request=self.request)
            ctx["result"] = result
            ctx["cases"] = [{"case": c, "url": case_url(c)} for c in result.cases]
            ctx["can_cases"] = self.request.user.has_organizer_permission(
                self.request.organizer, CASES_READ, request=self.request)
            audit(self.request.organizer, "ticketing_helpdesk.console.searched", request=self.request,
                  data={"query": q, "count": result.count, "kinds": result.kinds})
        return ctx


class ProfileMixin(ConsoleView):
    template_name = "ticketing_helpdesk/console/profile.html"

    def get_profile(self) -> profiles.Profile:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p = self.profile
        ctx["profile"] = p
        ctx["cases"] = [{"case": c, "url": case_url(c)} for c in p.cases]
        ctx["channels"] = dict(CHANNELS)
        ctx["statuses"] = dict(Notification.STATUSES)
        ctx["can_cases"] = self.request.user.has_organizer_permission(self.request.organizer, CASES_READ,
                                                                      request=self.request)
        ctx["can_customers"] = self.request.user.has_organizer_permission(
            self.request.organizer, "organizer.customers:read", request=self.request)
        ctx["messages_rows"] = [{"n": n, "recipient": mask_phone(n.recipient) if n.channel == SMS else n.recipient,
                                 "skip": describe_skip(n) if n.status == Notification.SKIPPED else n.detail}
                                for n in p.messages]
        ctx["tz"] = self.request.organizer.settings.timezone
        for row in p.orders:
            row["reasons"] = resend_reasons(row["order"]) if row["can_resend"] else {}
        return ctx

    def load_profile(self) -> profiles.Profile:
        profile = self.get_profile()
        if not profiles.may_see(profile):
            raise Http404(_("This customer does not exist or you may not see it."))
        return profile

    def get(self, request, *args, **kwargs):
        self.profile = self.load_profile()
        self.log_view()
        return super().get(request, *args, **kwargs)


class CustomerProfile(ProfileMixin):
    @cached_property
    def customer(self) -> Customer:
        return get_object_or_404(Customer, organizer=self.request.organizer, identifier=self.kwargs["customer"])

    def get_profile(self):
        return profiles.build(self.request.organizer, self.request.user, customer=self.customer, request=self.request)

    def log_view(self):
        audit(self.customer, "ticketing_helpdesk.customer.viewed", request=self.request,
              data={"orders": len(self.profile.orders)})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_url"] = console_url(self.request.organizer, "console.customer.export",
                                        customer=self.customer.identifier)
        return ctx


class GuestProfile(ProfileMixin):
    @cached_property
    def order(self) -> Order:
        return order_for(self.request, self.kwargs["ev"], self.kwargs["code"])

    def get_profile(self):
        return profiles.build(self.request.organizer, self.request.user, order=self.order, request=self.request)

    def log_view(self):
        audit(self.order, "ticketing_helpdesk.guest.viewed", request=self.request,
              data={"email": self.order.email or "", "orders": len(self.profile.orders)})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["export_url"] = console_url(self.request.organizer, "console.guest.export",
                                        ev=self.order.event.slug, code=self.order.code)
        return ctx


class CustomerExport(CustomerProfile):
    """The profile as CSV (a data subject request, or the agent's own records); always logged."""

    def log_view(self):
        audit(self.customer, "ticketing_helpdesk.customer.exported", request=self.request, data={"format": "CSV"})

    def get(self, request, *args, **kwargs):
        self.profile = self.load_profile()
        self.log_view()
        return csv_response(profiles.export_rows(self.profile), [gettext("Section"), gettext("Field"),
                                                                  gettext("Value")],
                            f"customer-{self.customer.identifier}.csv")


class GuestExport(GuestProfile):
    def log_view(self):
        audit(self.order, "ticketing_helpdesk.guest.exported", request=self.request,
              data={"email": self.order.email or "", "format": "CSV"})

    def get(self, request, *args, **kwargs):
        self.profile = self.load_profile()
        self.log_view()
        return csv_response(profiles.export_rows(self.profile), [gettext("Section"), gettext("Field"),
                                                                  gettext("Value")],
                            f"customer-{self.order.code}.csv")


class OrderRefund(ConsoleView):
    """
    Refund within the policy: GET shows the order, its tickets and the deadline (or why a refund is no longer
    possible, without any button); POST refunds — after checking the permission and the policy again.
    """

    permission = None  # the event permission POLICY_REFUND is checked per order
    template_name = "ticketing_helpdesk/console/refund.html"

    @cached_property
    def order(self) -> Order:
        order = order_for(self.request, self.kwargs["ev"], self.kwargs["code"])
        if not self.request.user.has_event_permission(self.request.organizer, order.event, POLICY_REFUND,
                                                      request=self.request):
            raise PermissionDenied(_("You may not refund orders of this event."))
        return order

    def back(self) -> str:
        return safe_next(self.request, reverse("control:event.order", kwargs={
            "organizer": self.request.organizer.slug, "event": self.order.event.slug, "code": self.order.code}))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        order = self.order
        tickets = refundable_positions(order)
        decision = decision_for(order)
        preselected = set(self.request.GET.getlist("position"))
        ctx.update({
            "order": order, "decision": decision, "back": self.back(), "preselected": preselected,
            "deadline": format_deadline(decision.deadline, decision.timezone) if decision.deadline else "",
            "tickets": [{"position": p, "decision": decision_for(order, [p]), "checked": str(p.pk) in preselected,
                         "addons": [a for a in order.positions.all() if a.addon_to_id == p.pk]} for p in tickets],
            "fee": order.user_cancel_fee if order.status == Order.STATUS_PAID else None,
            "paid": order.payment_refund_sum, "unpaid": nothing_paid(order),
        })
        return ctx

    def post(self, request, *args, **kwargs):
        order = self.order
        scope = request.POST.get("scope")
        ids = request.POST.getlist("position") if scope == "positions" else None
        if scope == "positions" and not ids:
            messages.error(request, _("Choose the tickets to refund."))
            return HttpResponseRedirect(request.get_full_path())
        if scope not in ("order", "positions"):
            messages.error(request, _("Choose what to refund."))
            return HttpResponseRedirect(request.get_full_path())
        try:
            ids = [int(i) for i in ids] if ids else None
        except ValueError:
            messages.error(request, _("Choose the tickets to refund."))
            return HttpResponseRedirect(request.get_full_path())
        try:
            outcome = refund(order, request.user, position_ids=ids, request=request)
        except RefundRefused as e:
            messages.error(request, str(e))
            return HttpResponseRedirect(self.back())
        if outcome.refunds:
            messages.success(request, gettext("The tickets were cancelled and {amount} is being refunded to the "
                                              "customer.").format(amount=money_filter(outcome.amount,
                                                                                      order.event.currency)))
        else:
            messages.success(request, gettext("The tickets were cancelled. Nothing had been paid, so there is "
                                              "nothing to refund."))
        return HttpResponseRedirect(self.back())


class OrderResend(ConsoleView):
    """Send the order confirmation with the tickets again, by e-mail or SMS (ticketing_core's resend)."""

    permission = None  # the event permission RESEND is checked per order

    def post(self, request, *args, **kwargs):
        order = order_for(request, kwargs["ev"], kwargs["code"])
        if not request.user.has_event_permission(request.organizer, order.event, RESEND, request=request):
            raise PermissionDenied(_("You may not send messages for orders of this event."))
        back = safe_next(request, reverse("control:event.order", kwargs={
            "organizer": request.organizer.slug, "event": order.event.slug, "code": order.code}))
        channel = request.POST.get("channel")
        if channel not in (EMAIL, SMS):
            messages.error(request, _("Choose e-mail or SMS."))
            return HttpResponseRedirect(back)
        if order.status != Order.STATUS_PAID:
            messages.error(request, _("The order is not paid, so there is no confirmation to send."))
            return HttpResponseRedirect(back)
        with transaction.atomic():
            n = resend(order, "order_confirmed", channel, user=request.user)
            audit(order, "ticketing_helpdesk.resend", request=request, data={
                "channel": channel, "status": n.status if n else "none",
                "recipient": (mask_phone(n.recipient) if channel == SMS else n.recipient) if n else ""})
        if n is None:
            messages.error(request, _("Nothing was sent."))
        elif n.status == Notification.SKIPPED:
            messages.warning(request, gettext("The confirmation was not sent: {reason}").format(
                reason=describe_skip(n)))
        elif channel == EMAIL:
            messages.success(request, gettext("The confirmation with the tickets is being sent again by e-mail to "
                                              "{recipient}.").format(recipient=n.recipient))
        else:
            messages.success(request, gettext("The confirmation with the link to the tickets is being sent again by "
                                              "SMS to {recipient}.").format(recipient=mask_phone(n.recipient)))
        return HttpResponseRedirect(back)

    def get(self, request, *args, **kwargs):
        raise Http404()


def resend_reasons(order: Order) -> dict:
    """Why the confirmation cannot be sent again on each channel ("" where it can)."""
    pref = preference_for(order)
    reasons = {EMAIL: "", SMS: ""}
    if order.status != Order.STATUS_PAID:
        reasons[EMAIL] = reasons[SMS] = gettext("The order is not paid, so there is no confirmation to send.")
        return reasons
    if not order.email:
        reasons[EMAIL] = gettext("The order has no e-mail address.")
    if not pref.sms:
        reasons[SMS] = gettext("The customer has not agreed to SMS.")
    elif not phone_for(order, pref):
        reasons[SMS] = gettext("There is no mobile phone number.")
    elif not order.event.organizer.settings.get("ticketing_sms_api_id"):
        reasons[SMS] = gettext("SMS are not set up for this organizer.")
    return reasons
