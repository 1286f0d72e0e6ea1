"""
A customer's profile for the console: who they are, what they agreed to, every order with its sailings and
state, their support cases, notes and every message we sent them.

A customer is either a pretix customer account (with the orders linked to it and the guest orders placed
with its e-mail address) or a guest, known only by the e-mail address of their orders. Only orders of
events the agent may see are shown.
"""
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q

from pretix.base.models import Customer, Order, OrderPosition, Organizer, User

from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.policy.rules import check_refund

from ..permissions import CASES_READ, POLICY_REFUND, RESEND
from .search import visible_events

MAX_ORDERS = 200
MAX_MESSAGES = 200


@dataclass
class Profile:
    organizer: Organizer
    customer: Customer | None
    email: str
    name: str
    phones: list[str]
    locale: str
    orders: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    preferences: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    anchor_order: Order | None = None

    @property
    def is_guest(self) -> bool:
        return self.customer is None


def _orders(organizer: Organizer, user: User, match: Q, request=None) -> list[Order]:
    events = visible_events(user, organizer, request)
    positions = OrderPosition.objects.select_related("item", "variation", "subevent").order_by("positionid")
    return list(Order.objects.filter(organizer=organizer, event__in=events).filter(match).select_related(
        "event", "customer", "invoice_address").prefetch_related(Prefetch("positions", queryset=positions),
                                                                  "refunds", "payments")
        .order_by("-datetime")[:MAX_ORDERS])


def order_rows(orders: list[Order], user: User, organizer: Organizer, request=None) -> list[dict]:
    rows = []
    for o in orders:
        sailings = sorted({p.subevent for p in o.positions.all() if p.subevent_id}, key=lambda s: s.date_from)
        decision = check_refund(o, positions=list(o.positions.all()))
        rows.append({
            "order": o, "sailings": sailings or ([o.event] if not o.event.has_subevents else []),
            "tickets": [p for p in o.positions.all() if p.addon_to_id is None],
            "decision": decision,
            "can_refund": user.has_event_permission(organizer, o.event, POLICY_REFUND, request=request),
            "can_resend": user.has_event_permission(organizer, o.event, RESEND, request=request),
        })
    return rows


def _consents(customer: Customer | None, orders: list[Order]) -> list:
    """Consents recorded by ticketing_website's privacy module, when that addon provides them."""
    try:
        from ticketing_website.privacy.models import Consent
    except ImportError:
        return []
    match = Q(order__in=orders)
    if customer is not None:
        match |= Q(customer=customer)
    try:
        with transaction.atomic():  # a savepoint: a missing table must not break the surrounding transaction
            return list(Consent.objects.filter(match).select_related("policy", "order")[:100])
    except DatabaseError:  # the website addon's tables may not exist yet on this installation
        return []


def build(organizer: Organizer, user: User, customer: Customer | None = None, order: Order | None = None,
          request=None) -> Profile:
    """The profile of ``customer`` or of the guest who placed ``order``."""
    from ..models import SupportCase

    if customer is not None:
        email = customer.email or ""
        match = Q(customer=customer)
        if email:
            match |= Q(customer__isnull=True, email__iexact=email)
        name = customer.name or ""
        locale = customer.locale or ""
        phones = [str(customer.phone)] if customer.phone else []
    else:
        email = order.email or ""
        match = Q(customer__isnull=True, email__iexact=email) if email else Q(pk=order.pk)
        name, locale, phones = "", order.locale or "", []
    orders = _orders(organizer, user, match, request)
    if order is not None and order.pk not in {o.pk for o in orders}:
        orders = [order, *orders]  # the view has checked that the agent may see it
    for o in orders:
        if o.phone and str(o.phone) not in phones:
            phones.append(str(o.phone))
        if not name:
            from .search import guest_name
            name = guest_name(o)
    prefs = list(ContactPreference.objects.filter(Q(order__in=orders) | (
        Q(customer=customer) if customer is not None else Q(pk__in=[]))).select_related("order"))
    for p in prefs:
        if p.phone and p.phone not in phones:
            phones.append(p.phone)
    profile = Profile(organizer=organizer, customer=customer, email=email, name=name, phones=phones,
                      locale=locale, anchor_order=order)
    profile.orders = order_rows(orders, user, organizer, request)
    profile.preferences = prefs
    profile.consents = _consents(customer, orders)
    msg_q = Q(order__in=orders)
    if customer is not None:
        msg_q |= Q(customer=customer)
    profile.messages = list(Notification.objects.filter(organizer=organizer).filter(msg_q)
                            .select_related("order", "event", "outgoing_mail")[:MAX_MESSAGES])
    if user.has_organizer_permission(organizer, CASES_READ, request=request):
        case_q = Q(order__in=orders)
        if customer is not None:
            case_q |= Q(customer=customer)
        if email:
            case_q |= Q(email__iexact=email)
        profile.cases = list(SupportCase.objects.filter(organizer=organizer).filter(case_q)
                             .select_related("assignee", "order").order_by("-created")[:100])
        profile.notes = internal_notes(profile.cases)
    return profile


def internal_notes(cases: list) -> list:
    """The staff-only notes written on the customer's cases, newest first."""
    from ..models import CaseMessage

    if not cases:
        return []
    return list(CaseMessage.objects.filter(case__in=cases, kind=CaseMessage.KIND_NOTE)
                .select_related("case", "author").order_by("-created")[:100])


def export_rows(profile: Profile) -> list[tuple[str, str, str]]:
    """(section, field, value) lines of everything the profile shows, for the customer data export."""
    rows = [("contact", "name", profile.name), ("contact", "email", profile.email),
            ("contact", "phones", ", ".join(profile.phones)), ("contact", "language", profile.locale)]
    if profile.customer:
        rows.append(("contact", "customer_account", profile.customer.identifier))
    for p in profile.preferences:
        rows.append(("consent", f"contact_preference{'/' + p.order.code if p.order_id else ''}",
                     f"sms={p.sms} reminders={p.reminders} phone={p.phone}"))
    for c in profile.consents:
        rows.append(("consent", f"{c.purpose}/{c.policy.version}", c.given_at.isoformat()))
    for r in profile.orders:
        o = r["order"]
        rows.append(("order", o.code, "{} {} {} {}".format(
            o.event.slug, o.get_status_display(), o.total, ", ".join(s.date_from.isoformat() for s in r["sailings"]))))
        for t in r["tickets"]:
            rows.append(("ticket", f"{o.code}-{t.positionid}", t.attendee_name_cached or ""))
    for c in profile.cases:
        rows.append(("case", f"#{c.number}", f"{c.subject} [{c.status}]"))
    for m in profile.messages:
        rows.append(("message", f"{m.created.isoformat()} {m.channel} {m.kind}", f"{m.recipient} [{m.status}]"))
    return rows
