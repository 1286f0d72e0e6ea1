"""
A customer's profile for the console: who they are, what they agreed to, every order with its sailings and
state, their support cases, notes and every message we sent them.

A customer is either a pretix customer account (with the orders linked to it and the guest orders placed
with its e-mail address) or a guest, known only by the e-mail address of their orders.

Everything shown is what the viewer's teams allow, as everywhere in pretix: orders, and what comes with
them (phones, consents, messages), only of events where the viewer reads orders; the account's own data
(its e-mail, phone, language, consents, messages not about an order) only with pretix's customer
permission; support cases, their notes and the e-mails quoting them only with the case permission.
"""
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.db.models import Prefetch, Q

from pretix.base.models import Customer, Order, OrderPosition, Organizer, User

from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.policy.rules import check_refund

from ..permissions import CASES_READ, POLICY_REFUND, RESEND
from .refunds import nothing_paid
from .search import visible_events

MAX_ORDERS = 200
MAX_MESSAGES = 200
CUSTOMERS_READ = "organizer.customers:read"
# Messages about a support case (their subject quotes the case's): shown with the case permission only.
CASE_MESSAGE_KINDS = ("case_reply",)


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
    # whether the viewer may see the customer account's own data (pretix's customer permission)
    show_account: bool = False

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
            "decision": decision, "unpaid": nothing_paid(o),
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
        match |= Q(customer=customer, order__isnull=True)
    try:
        with transaction.atomic():  # a savepoint: a missing table must not break the surrounding transaction
            return list(Consent.objects.filter(match).select_related("policy", "order")[:100])
    except DatabaseError:  # the website addon's tables may not exist yet on this installation
        return []


def build(organizer: Organizer, user: User, customer: Customer | None = None, order: Order | None = None,
          request=None) -> Profile:
    """The profile of ``customer`` or of the guest who placed ``order``, as far as ``user`` may see it."""
    from ..models import SupportCase

    show_account = customer is not None and user.has_organizer_permission(organizer, CUSTOMERS_READ,
                                                                           request=request)
    can_cases = user.has_organizer_permission(organizer, CASES_READ, request=request)
    if customer is not None:
        match = Q(customer=customer)
        if show_account and customer.email:
            match |= Q(customer__isnull=True, email__iexact=customer.email)
        email, name, locale, phones = "", "", "", []
        if show_account:
            email, name, locale = customer.email or "", customer.name or "", customer.locale or ""
            phones = [str(customer.phone)] if customer.phone else []
    else:
        email = order.email or ""
        match = Q(customer__isnull=True, email__iexact=email) if email else Q(pk=order.pk)
        name, locale, phones = "", order.locale or "", []
    orders = _orders(organizer, user, match, request)
    if order is not None and order.pk not in {o.pk for o in orders}:
        orders = [order, *orders]  # the view has checked that the agent may see it
    for o in orders:
        email = email or o.email or ""
        locale = locale or o.locale or ""
        if o.phone and str(o.phone) not in phones:
            phones.append(str(o.phone))
        if not name:
            from .search import guest_name
            name = guest_name(o)
    # the account's own records only with the customer permission, the orders' records with the orders
    own = Q(customer=customer) if show_account else Q(pk__in=[])
    prefs = list(ContactPreference.objects.filter(Q(order__in=orders) | (own & Q(order__isnull=True)))
                 .select_related("order"))
    for p in prefs:
        if p.phone and p.phone not in phones:
            phones.append(p.phone)
    profile = Profile(organizer=organizer, customer=customer, email=email, name=name, phones=phones,
                      locale=locale, anchor_order=order, show_account=show_account)
    profile.orders = order_rows(orders, user, organizer, request)
    profile.preferences = prefs
    profile.consents = _consents(customer if show_account else None, orders)
    messages = Notification.objects.filter(organizer=organizer).filter(
        Q(order__in=orders) | (own & Q(order__isnull=True, event__isnull=True)))
    if not can_cases:
        messages = messages.exclude(kind__in=CASE_MESSAGE_KINDS)
    profile.messages = list(messages.select_related("order", "event", "outgoing_mail")[:MAX_MESSAGES])
    if can_cases:
        case_q = Q(order__in=orders)
        if customer is not None:
            case_q |= Q(customer=customer)
        if email:
            case_q |= Q(email__iexact=email)
        profile.cases = list(SupportCase.objects.filter(organizer=organizer).filter(case_q)
                             .select_related("assignee", "order").order_by("-created")[:100])
        profile.notes = internal_notes(profile.cases)
    return profile


def may_see(profile: Profile) -> bool:
    """
    Whether the viewer may open this profile at all: a customer account needs the customer permission, or at
    least one of its orders or cases the viewer may see; otherwise the profile is only a name with no data.
    """
    return profile.customer is None or profile.show_account or bool(profile.orders) or bool(profile.cases)


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
    if profile.customer and profile.show_account:
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
