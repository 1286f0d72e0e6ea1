"""
Creating messages. Every addon calls :func:`notify`; it records one row per channel (sent, skipped
and why), and hands the sending to a Celery task only after the surrounding transaction commits,
so a rolled-back order never gets a confirmation and a crash never loses a recorded message.
"""
import uuid
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from i18nfield.strings import LazyI18nString

from pretix.base.i18n import language
from pretix.base.models import Order, User
from pretix.base.templatetags.money import money_filter
from pretix.helpers.format import format_map
from pretix.multidomain.urlreverse import build_absolute_uri

from .kinds import EMAIL, KINDS, SMS, Kind, is_enabled, setting_key
from .models import ContactPreference, Notification


def preference_for(order: Order) -> ContactPreference:
    """The order's own choice (checkout), else the customer's profile, else the defaults (no SMS)."""
    pref = ContactPreference.objects.filter(order=order).first()
    if pref is None and order.customer_id:
        pref = ContactPreference.objects.filter(customer_id=order.customer_id).first()
    return pref or ContactPreference(order=order)


def phone_for(order: Order, pref: ContactPreference) -> str:
    return pref.phone or (str(order.phone) if order.phone else "")


def template_of(event, kind: Kind, part: str) -> LazyI18nString:
    """The event's text (editable in the back office), else the organizer's, else the default."""
    stored = event.settings.get(setting_key(kind.key, part), as_type=LazyI18nString) if event else None
    if stored and (stored.data if isinstance(stored.data, str) else any(stored.data.values())):
        return stored
    return LazyI18nString(getattr(kind, part))


def sailing_facts(order: Order, subevent=None) -> dict:
    """
    Departure, pier and boarding instructions of ``subevent`` (by default the order's first sailing),
    in the pier's time zone and the active language.
    """
    from ..fleet.models import Sailing
    from ..policy.rules import departures_of

    if subevent is None and not order.event.has_subevents:
        own = departures_of(order)
        if own:  # a charter departs when it starts, from its offer's pier
            first = min(own, key=lambda d: d.start)
            return facts_of(first.start, first.pier, order.event, first.end)
    if subevent is None and order.event.has_subevents:
        # the order's earliest date with its sailing and pier in one statement (every order e-mail asks, issue 21)
        from pretix.base.models import SubEvent

        first = SubEvent.objects.filter(
            pk__in=order.positions.filter(subevent__isnull=False).values("subevent_id")
        ).select_related("ticketing_sailing__departure_pier").order_by("date_from", "pk").first()
        if first is not None:
            sailing = getattr(first, "ticketing_sailing", None)  # None when the date has no sailing
            return facts_of(first.date_from, sailing.departure_pier if sailing else None, order.event)
    if subevent is not None:
        sailing = Sailing.objects.filter(subevent=subevent).select_related("departure_pier").first()
        start = subevent.date_from
    else:
        sailing = Sailing.objects.filter(event=order.event, subevent__isnull=True).select_related(
            "departure_pier").first()
        start = order.event.date_from
    return facts_of(start, sailing.departure_pier if sailing else None, order.event)


def text_of(value) -> str:
    """A multilingual value in the active language (objects fresh from code may still hold a plain dict)."""
    if isinstance(value, dict):
        value = LazyI18nString(value)
    return str(value) if value is not None else ""


def facts_of(start: datetime, pier, event, end: datetime | None = None) -> dict:
    """``end`` is given for a period of its own (a charter): the date then reads "11.12.2026 18:00–21:00"."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(pier.timezone) if pier else event.timezone
    local = start.astimezone(tz)
    until = f"–{end.astimezone(tz):%H:%M}" if end else ""
    return {
        "date": local.strftime("%d.%m.%Y %H:%M") + until,
        "pier": text_of(pier.name) if pier else "",
        "boarding": text_of(pier.boarding_instructions) if pier and pier.boarding_instructions else "",
        "start": start.isoformat(),
    }


def order_context(order: Order, extra: dict | None = None, subevent=None) -> dict:
    """Placeholder values in the order's language (call inside ``language(order.locale)``)."""
    ctx = {
        "code": order.code,
        "event": text_of(order.event.name),
        "organizer": text_of(order.event.organizer.name),
        "url": build_absolute_uri(order.event, "presale:event.order", kwargs={
            "order": order.code, "secret": order.secret}),
        "total": money_filter(order.total, order.event.currency),
    }
    ctx.update(sailing_facts(order, subevent))
    for key, value in (extra or {}).items():
        ctx[key] = money_filter(value, order.event.currency) if key == "amount" and not isinstance(value, str) \
            else str(value)
    return ctx


def render(event, kind: Kind, locale: str, context: dict) -> tuple[str, str, str]:
    """(subject, e-mail body, SMS text) in ``locale``."""
    with translation.override(locale):
        subject = template_of(event, kind, "subject").localize(locale) if kind.subject else ""
        body = template_of(event, kind, "body").localize(locale) if kind.body else ""
        sms = template_of(event, kind, "sms").localize(locale) if kind.sms else ""
    return (str(format_map(subject, context)), str(format_map(body, context)),
            " ".join(str(format_map(sms, context)).split()))


def notify(order: Order, kind_key: str, occasion: str = "", extra: dict | None = None,
           channels: tuple[str, ...] | None = None, user: User | None = None, subevent=None) -> list[Notification]:
    """
    Record the message ``kind_key`` for ``order`` on each of its channels and send it after commit.
    ``occasion`` tells apart two messages of the same kind (a refund id, a reminder's lead time);
    the same (order, kind, channel, occasion) is recorded once, whoever asks how often. ``subevent``
    names the sailing the message is about, when it is not the order's first.
    """
    kind = KINDS[kind_key]
    pref = preference_for(order)
    wanted = [c for c in kind.channels if (channels is None and not (c == EMAIL and kind.pretix_email))
              or (channels is not None and c in channels)]
    with language(order.locale, order.event.settings.region):
        context = order_context(order, extra, subevent)
        subject, body, sms = render(order.event, kind, order.locale or "ru", context)
    created = []
    for channel in wanted:
        enabled = is_enabled(order.event.settings, kind, channel)
        status, detail = Notification.PENDING, ""
        if channel == EMAIL:
            recipient = order.email or ""
            if not recipient:
                status, detail = Notification.SKIPPED, "no e-mail address"
            elif not kind.transactional and not pref.reminders:
                status, detail = Notification.SKIPPED, "opted out of reminders"
        else:
            recipient = phone_for(order, pref)
            if not pref.sms:
                status, detail = Notification.SKIPPED, "no SMS consent"
            elif not recipient:
                status, detail = Notification.SKIPPED, "no phone number"
            elif not kind.transactional and not pref.reminders:
                status, detail = Notification.SKIPPED, "opted out of reminders"
        if not enabled and user is None:
            status, detail = Notification.SKIPPED, "switched off for this event"
        key = f"{kind.key}:{channel}:o{order.pk}:{occasion}"[:190]
        try:
            with transaction.atomic():
                n, new = Notification.objects.get_or_create(key=key, defaults={
                    "organizer": order.event.organizer, "event": order.event, "order": order,
                    "customer_id": order.customer_id, "kind": kind.key, "channel": channel, "recipient": recipient,
                    "locale": order.locale or "", "subject": subject if channel == EMAIL else "",
                    "text": body if channel == EMAIL else sms, "context": {"occasion": occasion},
                    "status": status, "detail": detail, "requested_by": user,
                })
        except IntegrityError:  # the same message recorded concurrently: that one is sent
            continue
        if new:
            created.append(n)
            if status == Notification.PENDING:
                schedule(n)
    return created


def notify_contact(organizer, kind_key: str, *, occasion: str, context: dict, email: str = "", phone: str = "",
                   locale: str = "ru", customer=None, event=None, channels: tuple[str, ...] = (EMAIL,),
                   sms_consent: bool = False, user: User | None = None) -> list[Notification]:
    """
    Record and send ``kind_key`` to someone who is not reached through an order (a support case's
    customer): the caller supplies the recipient and the placeholder values. Same guarantees as
    :func:`notify`: one row per (kind, channel, occasion), sent after commit; SMS only with consent.
    """
    kind = KINDS[kind_key]
    subject, body, sms = render(event, kind, locale or "ru", context)
    created = []
    for channel in [c for c in kind.channels if c in channels]:
        status, detail = Notification.PENDING, ""
        recipient = email if channel == EMAIL else phone
        if channel == EMAIL and not recipient:
            status, detail = Notification.SKIPPED, "no e-mail address"
        elif channel == SMS and not sms_consent:
            status, detail = Notification.SKIPPED, "no SMS consent"
        elif channel == SMS and not recipient:
            status, detail = Notification.SKIPPED, "no phone number"
        key = f"{kind.key}:{channel}:g{organizer.pk}:{occasion}"[:190]
        try:
            with transaction.atomic():
                n, new = Notification.objects.get_or_create(key=key, defaults={
                    "organizer": organizer, "event": event, "order": None,
                    "customer_id": getattr(customer, "pk", None), "kind": kind.key, "channel": channel,
                    "recipient": recipient or "", "locale": locale or "",
                    "subject": subject if channel == EMAIL else "", "text": body if channel == EMAIL else sms,
                    # our own link in a literal e-mail stays clickable (notifications/literal.py)
                    "context": {"occasion": occasion, "links": [context["url"]] if context.get("url") else []},
                    "status": status, "detail": detail, "requested_by": user,
                })
        except IntegrityError:
            continue
        if new:
            created.append(n)
            if status == Notification.PENDING:
                schedule(n)
    return created


def schedule(n: Notification) -> None:
    from .tasks import send_notification

    transaction.on_commit(lambda: send_notification.apply_async(args=(n.pk,)))


def resend(order: Order, kind_key: str, channel: str, user: User | None = None) -> Notification | None:
    """Staff's "send again": a new occasion, so it is sent even though the first one was."""
    occasion = f"resend-{uuid.uuid4().hex[:12]}"
    sent = notify(order, kind_key, occasion=occasion, channels=(channel,), user=user)
    order.log_action("ticketing_core.notification.resent", user=user, data={
        "kind": kind_key, "channel": channel, "status": sent[0].status if sent else "none"})
    return sent[0] if sent else None


def describe_skip(n: Notification) -> str:
    """Translated reason why a message was not sent."""
    return {
        "no e-mail address": gettext("The order has no e-mail address."),
        "opted out of reminders": gettext("The customer does not want reminders."),
        "no SMS consent": gettext("The customer has not agreed to SMS."),
        "no phone number": gettext("There is no mobile phone number."),
        "switched off for this event": gettext("Switched off for this event."),
    }.get(n.detail, n.detail)


__all__ = ["notify", "notify_contact", "resend", "preference_for", "render", "EMAIL", "SMS"]


def notify_cancellation(sailing, reason: str) -> int:
    """
    The SMS notice to every customer of the cancelled sailing who agreed to SMS (pretix's cancellation
    service has already sent the e-mail). Once per order, however often the cancellation is retried.
    """
    from django.db.models import Sum

    from pretix.base.models import Order, OrderRefund

    orders = Order.objects.filter(event=sailing.event, status=Order.STATUS_CANCELED)
    if sailing.subevent_id:
        orders = orders.filter(all_positions__subevent=sailing.subevent_id).distinct()
    count = 0
    for order in orders:
        refunded = order.refunds.exclude(state__in=(OrderRefund.REFUND_STATE_CANCELED, OrderRefund.REFUND_STATE_FAILED)
                                         ).aggregate(s=Sum("amount"))["s"] or 0
        count += len(notify(order, "sailing_canceled", occasion=f"s{sailing.pk}",
                            extra={"reason": reason, "amount": refunded}, subevent=sailing.subevent))
    return count
