"""
Back-office and account pages of the notifications: the event's message texts (Settings → Notifications), the
organizer's SMS gateway, the delivery log (per order on pretix's order page, per organizer and customer under
Messages), staff's "send the confirmation again", and the customer's own SMS and reminder choices.
"""
import re

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import get_template
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from pretix.base.models import Customer, Order
from pretix.base.models.mail import OutgoingMail
from pretix.control.permissions import EventPermissionRequiredMixin, OrganizerPermissionRequiredMixin
from pretix.control.views import PaginationMixin
from pretix.control.views.event import EventSettingsViewMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views.customer import CustomerAccountBaseMixin

from ..account_menu import AccountMenuMixin
from .forms import (
    REMINDER_HOURS,
    ContactPreferenceForm,
    DraftEvent,
    NotificationSettingsForm,
    SmsSettingsForm,
    language_name,
    preview_context,
    sample_context,
    segments_text,
)
from .kinds import CHANNELS, EMAIL, KINDS, PLACEHOLDER_HELP, SMS, is_enabled, setting_key
from .models import ContactPreference, Notification
from .service import describe_skip, phone_for, preference_for, render, resend
from .sms.base import GatewayRefused, GatewayUnavailable
from .sms.factory import callback_token, configured_api_url
from .sms.phone import mask_phone
from .sms.segments import MAX_SEGMENTS, count_segments

APP = "ticketing_core"
SETTINGS_WRITE = "event.settings.general:write"
ORGANIZER_SETTINGS_WRITE = "organizer.settings.general:write"
ORDERS_READ = "event.orders:read"
ORDERS_WRITE = "event.orders:write"

# Bootstrap label classes of the delivery states (ours and pretix's outgoing mails).
STATUS_CLASS = {
    Notification.PENDING: "default", Notification.SENDING: "info", Notification.SENT: "info",
    Notification.DELIVERED: "success", Notification.FAILED: "danger", Notification.SKIPPED: "default",
    Notification.UNKNOWN: "warning",
}
MAIL_STATUS_CLASS = {
    OutgoingMail.STATUS_QUEUED: "default", OutgoingMail.STATUS_INFLIGHT: "info",
    OutgoingMail.STATUS_AWAITING_RETRY: "warning", OutgoingMail.STATUS_WITHHELD: "warning",
    OutgoingMail.STATUS_FAILED: "danger", OutgoingMail.STATUS_ABORTED: "danger", OutgoingMail.STATUS_SENT: "success",
    OutgoingMail.STATUS_BOUNCED: "danger",
}


def display_recipient(n: Notification) -> str:
    return mask_phone(n.recipient) if n.channel == SMS else n.recipient


def describe(n: Notification) -> str:
    if n.status == Notification.SKIPPED:
        return describe_skip(n)
    return n.detail


def log_rows(notifications) -> list[dict]:
    channels = dict(CHANNELS)
    rows = []
    for n in notifications:
        status = n.effective_status
        rows.append({
            "time": n.created, "notification": n, "kind": n.kind_label, "channel": channels.get(n.channel, n.channel),
            "recipient": display_recipient(n), "status": dict(Notification.STATUSES).get(status, status),
            "status_class": STATUS_CLASS.get(status, "default"), "detail": describe(n), "attempts": n.attempts,
            "segments": n.segments if n.channel == SMS else None,
            "resent": (n.context or {}).get("occasion", "").startswith("resend-"),
        })
    return rows


# ---------------------------------------------------------------------------------------------- event texts


class NotificationSettings(EventSettingsViewMixin, EventPermissionRequiredMixin, FormView):
    """Settings → Notifications: switches, texts with placeholders, preview, SMS counter, reminder times."""

    permission = SETTINGS_WRITE
    template_name = "ticketing_core/notifications/settings.html"
    form_class = NotificationSettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["obj"] = self.request.event
        return kwargs

    def url(self) -> str:
        return reverse(f"plugins:{APP}:notifications.settings", kwargs={
            "organizer": self.request.organizer.slug, "event": self.request.event.slug})

    @cached_property
    def latest_order(self) -> Order | None:
        return self.request.event.orders.order_by("-datetime", "-pk").first()

    def preview(self, form, kind_key: str) -> dict | None:
        kind = KINDS.get(kind_key)
        if kind is None:
            return None
        event = self.request.event
        draft = DraftEvent(event, {k: v for k, v in form.drafts.items() if k.startswith(setting_key(kind.key, ""))})
        order = self.latest_order
        languages = []
        for locale in form.locales:
            subject, body, sms = render(draft, kind, locale, preview_context(event, locale, order))
            seg = count_segments(sms) if kind.sms else None
            languages.append({
                "locale": locale, "name": language_name(locale), "subject": subject, "body": body, "sms": sms,
                "segments": segments_text(seg) if seg else "", "too_long": bool(seg and seg.segments > MAX_SEGMENTS),
            })
        return {"kind": kind, "order": order, "languages": languages}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        event = self.request.event
        preview = kwargs.get("preview")
        kinds = []
        for kind in KINDS.values():
            fields = form.kind_fields(kind)
            kinds.append({
                "kind": kind, "switches": fields["switches"], "texts": fields["texts"],
                "has_errors": any(f.errors for f in fields["switches"] + fields["texts"]),
                "placeholders": [("{%s}" % p, PLACEHOLDER_HELP.get(p, "")) for p in kind.placeholders],
                "email_on": kind.pretix_email or is_enabled(event.settings, kind, EMAIL),
                "sms_on": SMS in kind.channels and is_enabled(event.settings, kind, SMS),
                "has_email": EMAIL in kind.channels, "has_sms": SMS in kind.channels,
                "preview": preview if preview and preview["kind"].key == kind.key else None,
            })
        ctx["kinds"] = kinds
        ctx["hours_field"] = form[REMINDER_HOURS]
        ctx["sms_samples"] = {loc: sample_context(event, loc) for loc in form.locales}
        ctx["sms_labels"] = {
            "count": gettext("{segments} SMS · {characters} characters · {encoding}"),
            "remaining": gettext("{remaining} more fit in the last SMS"),
            "too_long": gettext("more than {max} SMS: please shorten the text").format(max=MAX_SEGMENTS),
        }
        ctx["sms_ready"] = bool(self.request.organizer.settings.get("ticketing_sms_api_id"))
        ctx["can_sms_settings"] = self.request.user.has_organizer_permission(
            self.request.organizer, ORGANIZER_SETTINGS_WRITE, request=self.request)
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        valid = form.is_valid()
        if "preview" in request.POST:
            # Nothing is saved; the texts as typed are rendered (even if one is still too long).
            return self.render_to_response(self.get_context_data(
                form=form, preview=self.preview(form, request.POST.get("preview", ""))))
        if not valid:
            messages.error(request, _("We could not save your changes. See below for details."))
            return self.render_to_response(self.get_context_data(form=form))
        return self.form_valid(form)

    @transaction.atomic
    def form_valid(self, form):
        s = self.request.event.settings
        before = {name: s.get(name, as_type=str) for name in form.fields}
        form.save()
        changed = sorted(name for name in form.fields if s.get(name, as_type=str) != before[name])
        if changed:
            self.request.event.log_action("ticketing_core.notifications.changed", user=self.request.user,
                                          data={"changed": changed})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(self.url())


# ---------------------------------------------------------------------------------------------- SMS gateway


def check_message(error: Exception, url: str) -> str:
    """What a failed connection check means, in words staff can act on."""
    reason = getattr(error, "reason", "")
    if reason == "auth":
        return gettext("SMS.ru did not accept the API key (api_id). Copy it again from your SMS.ru account, "
                       "section API, and save.")
    if reason == "insufficient_funds":
        return gettext("The SMS.ru account has no money left. Top it up, then check again.")
    if reason in ("timeout", "connection"):
        return gettext("The SMS service at {url} could not be reached. Try again in a few minutes; the address "
                       "is set in the server's configuration (pretix.cfg).").format(url=url)
    if reason == "blocked_address":
        return gettext("pretix does not connect to the address {url} (a private network). In development, "
                       "allow it in pretix's configuration; in production use https://sms.ru.").format(url=url)
    if reason in ("http_error", "bad_response", "bad_request"):
        return gettext("The address {url} does not answer like SMS.ru. Check the server's configuration "
                       "(pretix.cfg).").format(url=url)
    if reason == "rate_limit":
        return gettext("SMS.ru asks us to wait (too many requests). Try again in a few minutes.")
    return gettext("The check failed: {error}").format(error=getattr(error, "message", None) or str(error))


class SmsSettings(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, FormView):
    """Messages → SMS settings: the organizer's SMS.ru account, its check and the callback address."""

    permission = ORGANIZER_SETTINGS_WRITE
    form_class = SmsSettingsForm
    template_name = "ticketing_core/notifications/sms_settings.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["obj"] = self.request.organizer
        return kwargs

    def url(self) -> str:
        return reverse(f"plugins:{APP}:sms.settings", kwargs={"organizer": self.request.organizer.slug})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        slug = self.request.organizer.slug
        ctx["callback_url"] = settings.SITE_URL.rstrip("/") + reverse(
            f"plugins:{APP}:sms.callback", kwargs={"organizer": slug, "token": callback_token(self.request.organizer)})
        ctx["api_url"] = configured_api_url()
        ctx["configured"] = bool(self.request.organizer.settings.get("ticketing_sms_api_id"))
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, _("We could not save your changes. See below for details."))
            return self.render_to_response(self.get_context_data(form=form))
        if request.POST.get("action") == "check":
            self.check(form)
            return self.render_to_response(self.get_context_data(form=form))
        return self.form_valid(form)

    def check(self, form) -> None:
        """Connect with the values in the form (saved or not) and say what came of it."""
        from .sms.smsru import SmsRu

        url = configured_api_url()  # from the configuration only: the key never goes where staff point it
        api_id = form.api_id()
        if not api_id:
            messages.error(self.request, _("Enter the API key (api_id) first."))
            return
        try:
            answer = SmsRu(api_id=api_id, base_url=url).check_connection()
        except (GatewayRefused, GatewayUnavailable) as e:
            messages.error(self.request, check_message(e, url))
            return
        except Exception as e:  # noqa: BLE001 - whatever happens, staff get an answer, not a server error
            messages.error(self.request, gettext("The check failed: {error}").format(error=type(e).__name__))
            return
        messages.success(self.request, gettext("The connection works. {answer}").format(answer=answer))

    @transaction.atomic
    def form_valid(self, form):
        s = self.request.organizer.settings
        old_key = s.get("ticketing_sms_api_id")
        form.save()
        self.request.organizer.log_action("ticketing_core.sms.changed", user=self.request.user, data={
            "provider": form.cleaned_data.get("ticketing_sms_provider"),
            "sender": form.cleaned_data.get("ticketing_sms_sender"),
            "api_id_changed": s.get("ticketing_sms_api_id") != old_key,  # never the key itself
        })
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(self.url())


# ---------------------------------------------------------------------------------------------- order page


def order_panel(request, order: Order) -> str:
    """The delivery log on pretix's order page: our messages and pretix's own e-mails, newest first."""
    event = order.event
    notifications = list(Notification.objects.filter(order=order).select_related("outgoing_mail"))
    ours = {n.outgoing_mail_id for n in notifications if n.outgoing_mail_id}
    mails = [m for m in OutgoingMail.objects.filter(order=order).order_by("-created") if m.pk not in ours]
    rows = log_rows(notifications)
    for m in mails:
        rows.append({
            "time": m.created, "mail": m, "kind": m.subject, "channel": gettext("E-mail (pretix)"),
            "recipient": ", ".join(m.to or []), "status": m.get_status_display(),
            "status_class": MAIL_STATUS_CLASS.get(m.status, "default"), "detail": m.error or "",
            "attempts": None, "segments": None,
        })
    rows.sort(key=lambda r: r["time"], reverse=True)

    user = request.user
    can_resend = user.has_event_permission(event.organizer, event, ORDERS_WRITE, request=request)
    pref = preference_for(order)
    reasons = {EMAIL: "", SMS: ""}
    if order.status != Order.STATUS_PAID:
        reasons[EMAIL] = reasons[SMS] = gettext("The order is not paid, so there is no confirmation to send.")
    if not reasons[EMAIL] and not order.email:
        reasons[EMAIL] = gettext("The order has no e-mail address.")
    if not reasons[SMS]:
        if not pref.sms:
            reasons[SMS] = gettext("The customer has not agreed to SMS.")
        elif not phone_for(order, pref):
            reasons[SMS] = gettext("There is no mobile phone number.")
        elif not event.organizer.settings.get("ticketing_sms_api_id"):
            reasons[SMS] = gettext("SMS are not set up for this organizer.")
    return get_template("ticketing_core/notifications/order_panel.html").render({
        "order": order, "rows": rows, "can_resend": can_resend, "reasons": reasons,
        "sms_phone": mask_phone(phone_for(order, pref)) if pref.sms else "",
        "can_see_mails": user.has_organizer_permission(event.organizer, "organizer.outgoingmails:read",
                                                       request=request),
        "resend_url": reverse(f"plugins:{APP}:notifications.resend", kwargs={
            "organizer": event.organizer.slug, "event": event.slug, "code": order.code}),
        "log_url": reverse(f"plugins:{APP}:messages", kwargs={"organizer": event.organizer.slug}),
        "tz": event.timezone,
    }, request=request)


class ResendConfirmation(EventPermissionRequiredMixin, View):
    """Staff's "send the confirmation again" from the order page (logged on the order by the service)."""

    permission = ORDERS_WRITE

    def post(self, request, *args, **kwargs):
        order = get_object_or_404(Order, event=request.event, code=kwargs["code"])
        channel = request.POST.get("channel")
        back = reverse("control:event.order", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug, "code": order.code})
        if channel not in (EMAIL, SMS):
            messages.error(request, _("Choose e-mail or SMS."))
            return HttpResponseRedirect(back)
        if order.status != Order.STATUS_PAID:
            messages.error(request, _("The order is not paid, so there is no confirmation to send."))
            return HttpResponseRedirect(back)
        with transaction.atomic():
            n = resend(order, "order_confirmed", channel, user=request.user)
        if n is None:
            messages.error(request, _("Nothing was sent."))
        elif n.status == Notification.SKIPPED:
            messages.warning(request, gettext("The confirmation was not sent: {reason}").format(
                reason=describe_skip(n)))
        elif channel == EMAIL:
            messages.success(request, gettext("The confirmation is being sent again by e-mail to {recipient}.").format(
                recipient=n.recipient))
        else:
            messages.success(request, gettext("The confirmation is being sent again by SMS to {recipient}.").format(
                recipient=mask_phone(n.recipient)))
        return HttpResponseRedirect(back + "#ticketing-messages")

    def get(self, request, *args, **kwargs):
        raise Http404()


# ---------------------------------------------------------------------------------------------- delivery log


class MessageList(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, PaginationMixin, ListView):
    """
    Messages: every notification of the organizer that the user may see (events where they may see orders),
    filtered by customer, order code, e-mail or phone, status, kind and channel.
    """

    permission = None  # any team member; the rows are limited to the events whose orders they may see
    template_name = "ticketing_core/notifications/messages.html"
    context_object_name = "notifications"
    paginate_by = 50

    @cached_property
    def customer(self) -> Customer | None:
        ident = self.request.GET.get("customer", "").strip()
        if not ident:
            return None
        return Customer.objects.filter(organizer=self.request.organizer, identifier=ident).first()

    def get_queryset(self):
        org = self.request.organizer
        user = self.request.user
        events = user.get_events_with_permission(ORDERS_READ, request=self.request).filter(organizer=org)
        visible = Q(event__in=events)
        if user.has_organizer_permission(org, "organizer.customers:read", request=self.request):
            visible |= Q(event__isnull=True)
        qs = Notification.objects.filter(organizer=org).filter(visible).select_related(
            "event", "order", "customer", "outgoing_mail")
        get = self.request.GET
        if get.get("customer"):
            c = self.customer
            qs = qs.filter(Q(customer=c) | Q(order__customer=c)) if c else qs.none()
        q = get.get("q", "").strip()
        if q:
            match = Q(order__code__iexact=q) | Q(recipient__iexact=q) | Q(order__email__iexact=q)
            if re.fullmatch(r"[\d\s()+-]{4,}", q):  # a phone as people write it: its last ten digits
                digits = re.sub(r"\D", "", q)
                match |= Q(channel=SMS, recipient__endswith=digits[-10:])
            qs = qs.filter(match)
        for key in ("status", "kind", "channel"):
            value = get.get(key)
            if value:
                qs = qs.filter(**{key: value})
        return qs.order_by("-created", "-pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rows"] = log_rows(ctx["notifications"])
        ctx["customer"] = self.customer
        ctx["statuses"] = Notification.STATUSES
        ctx["kinds"] = [(k, v.label) for k, v in KINDS.items()]
        ctx["channels"] = CHANNELS
        ctx["filters"] = {k: self.request.GET.get(k, "") for k in ("q", "status", "kind", "channel", "customer")}
        ctx["can_customers"] = self.request.user.has_organizer_permission(
            self.request.organizer, "organizer.customers:read", request=self.request)
        ctx["tz"] = self.request.organizer.timezone
        return ctx


# ---------------------------------------------------------------------------------------------- customer account


class CustomerPreferences(AccountMenuMixin, CustomerAccountBaseMixin, FormView):
    """The customer's own SMS and reminder choices, in their account (organizer-level shop)."""

    template_name = "ticketing_core/notifications/customer_preferences.html"
    form_class = ContactPreferenceForm

    @cached_property
    def preference(self) -> ContactPreference:
        customer = self.request.customer
        return ContactPreference.objects.filter(customer=customer).first() or ContactPreference(
            customer=customer, phone=str(customer.phone) if customer.phone else "")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.preference
        return kwargs

    @transaction.atomic
    def form_valid(self, form):
        pref = form.save()
        # The account's choice also governs the orders placed with it (their checkout choice is older).
        ContactPreference.objects.filter(order__customer=self.request.customer).update(
            sms=pref.sms, reminders=pref.reminders, phone=pref.phone)
        self.request.customer.log_action("ticketing_core.contact_preference.changed", data={
            "sms": pref.sms, "reminders": pref.reminders, "phone": mask_phone(pref.phone)})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(eventreverse(self.request.organizer, f"plugins:{APP}:customer.notifications"))
