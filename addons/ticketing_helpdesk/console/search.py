"""
The agent console's one search box: whatever an agent types — an order code, an e-mail address, a phone
number in any format, a name, a ticket's number (``QK7AR-1``: the order code and the ticket's position, as
pretix prints it on tickets and invoices), a ticket's secret or the text of its QR code, a case number — is tried as
each of these, across every event of the organizer the agent may see, and the hits come back grouped.

Every lookup is an equality or a trigram match on an indexed column (see ``console/indexes.py`` and
``bench/console.py``), so a search stays fast on an organizer with 100 000 orders.
"""
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from django.db.models import Prefetch, Q

from pretix.base.models import Customer, Event, Order, OrderPosition, Organizer, User

from ticketing_core.notifications.models import ContactPreference
from ticketing_core.notifications.sms.phone import InvalidPhone, normalize_phone

from ..permissions import CASES_READ

ORDERS_READ = "event.orders:read"
CUSTOMERS_READ = "organizer.customers:read"
LIMIT = 25
MIN_NAME_LENGTH = 3

CODE_RE = re.compile(r"^(?:[A-Z0-9][A-Z0-9._-]*-)?([A-Z0-9]{5,16})$")
TICKET_RE = re.compile(r"^(?:[A-Z0-9][A-Z0-9._-]*-)?([A-Z0-9]{5,16})-(\d{1,5})$")
CASE_RE = re.compile(r"^(?:#|№|N\s*|case\s*|обращение\s*)?(\d{1,9})$", re.IGNORECASE)
PHONE_CHARS_RE = re.compile(r"^\+?[\d\s().\-]{7,24}$")
SECRET_RE = re.compile(r"^[A-Za-z0-9+/=_\-.:~]{8,}$")


@dataclass
class SearchResult:
    query: str
    orders: list = field(default_factory=list)
    customers: list = field(default_factory=list)
    guests: list = field(default_factory=list)
    tickets: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    phone: str = ""  # the query as an E.164 number, when it is one
    kinds: list = field(default_factory=list)  # what the query was tried as (order code, e-mail, …)

    @property
    def people(self) -> int:
        return len(self.customers) + len(self.guests)

    @property
    def count(self) -> int:
        return len(self.orders) + len(self.customers) + len(self.guests) + len(self.tickets) + len(self.cases)


def as_phone(q: str) -> str:
    """``q`` as E.164 if it looks like and is a valid phone number ("8 (916) 123-45-67"), else ``""``."""
    if not PHONE_CHARS_RE.match(q) or sum(c.isdigit() for c in q) < 7:
        return ""
    try:
        return normalize_phone(q)
    except InvalidPhone:
        return ""


def as_order_code(q: str) -> str:
    """``ABC12`` or pretix's full code ``EVENTSLUG-ABC12``, upper-cased; ``""`` if it cannot be a code."""
    m = CODE_RE.match(q.upper())
    return m.group(1) if m else ""


def as_ticket_number(q: str) -> tuple[str, int] | None:
    """``QK7AR-1`` (or ``EVENTSLUG-QK7AR-1``) → (order code, position number); None if it cannot be one."""
    m = TICKET_RE.match(q.upper().replace(" ", ""))
    return (m.group(1), int(m.group(2))) if m else None


def as_case_number(q: str) -> int | None:
    m = CASE_RE.match(q.strip())
    return int(m.group(1)) if m else None


def secrets_of(q: str) -> list[str]:
    """The ticket secret inside a scanned QR code: the text itself, or the last part of a URL."""
    candidates = [q]
    if "://" in q:
        path = urlparse(q).path.rstrip("/")
        if path:
            candidates.append(unquote(path.rsplit("/", 1)[-1]))
    return [c for c in candidates if SECRET_RE.match(c)]


def visible_events(user: User, organizer: Organizer, request=None):
    return user.get_events_with_permission(ORDERS_READ, request=request).filter(organizer=organizer)


def _orders_qs(organizer: Organizer, events):
    positions = OrderPosition.objects.select_related("subevent", "item").order_by("positionid")
    return Order.objects.filter(organizer=organizer, event__in=events).select_related(
        "event", "customer", "invoice_address").prefetch_related(Prefetch("positions", queryset=positions))


def _ids(base, criteria: list[Q], order: str) -> set[int]:
    """The primary keys matching any of ``criteria``, one query each, at most :data:`LIMIT` per criterion."""
    ids: set[int] = set()
    for criterion in criteria:
        ids.update(base.filter(criterion).order_by(order).values_list("pk", flat=True)[:LIMIT])
    return ids


def search(organizer: Organizer, user: User, q: str, request=None) -> SearchResult:
    """Everything matching ``q`` that ``user`` may see, at most :data:`LIMIT` per group."""
    q = " ".join((q or "").split())
    result = SearchResult(query=q)
    if not q:
        return result
    events = list(visible_events(user, organizer, request).values_list("pk", flat=True))
    can_customers = user.has_organizer_permission(organizer, CUSTOMERS_READ, request=request)

    # One query per criterion, each answered by one index; an OR across joined tables would scan them all.
    order_q: list[Q] = []
    customer_q: list[Q] = []
    position_q: list[Q] = []
    code = as_order_code(q)
    if code:
        result.kinds.append("code")
        order_q.append(Q(code=code))
    ticket = as_ticket_number(q)
    if ticket:
        result.kinds.append("ticket")
        order_q.append(Q(code=ticket[0]))
        position_q.append(Q(order__code=ticket[0], positionid=ticket[1]))
    phone = as_phone(q)
    if phone:
        result.phone = phone
        result.kinds.append("phone")
        prefs = list(ContactPreference.objects.filter(phone=phone).values_list("order_id", "customer_id")[:LIMIT * 4])
        pref_orders = [o for o, _c in prefs if o]
        pref_customers = [c for _o, c in prefs if c]
        order_q.append(Q(phone=phone))
        customer_q.append(Q(phone=phone))
        if pref_orders:
            order_q.append(Q(pk__in=pref_orders))
        if pref_customers:
            order_q.append(Q(customer__in=pref_customers))
            customer_q.append(Q(pk__in=pref_customers))
    if "@" in q and " " not in q:
        result.kinds.append("email")
        order_q.append(Q(email__iexact=q))
        customer_q.append(Q(email=q.lower()))  # pretix stores customers' addresses in lower case (unique index)
        position_q.append(Q(attendee_email__iexact=q))
    elif not phone and len(q) >= MIN_NAME_LENGTH and not q.isdigit():
        result.kinds.append("name")
        order_q.append(Q(invoice_address__name_cached__icontains=q))
        customer_q.append(Q(name_cached__icontains=q))
        position_q.append(Q(attendee_name_cached__icontains=q))
    secrets = secrets_of(q)
    if secrets:
        result.kinds.append("secret")
        position_q.append(Q(secret__in=secrets))

    if events and order_q:
        base = Order.objects.filter(organizer=organizer, event__in=events)
        ids = _ids(base, order_q, "-datetime")
        result.orders = sorted(_orders_qs(organizer, events).filter(pk__in=ids), key=lambda o: o.datetime,
                               reverse=True)[:LIMIT]
    if events and position_q:
        base = OrderPosition.objects.filter(organizer=organizer, order__event__in=events)
        ids = _ids(base, position_q, "-order_id")
        result.tickets = list(OrderPosition.objects.filter(pk__in=ids).select_related(
            "order", "order__event", "item", "subevent").order_by("-order__datetime")[:LIMIT])
    if can_customers and customer_q:
        ids = _ids(Customer.objects.filter(organizer=organizer), customer_q, "-pk")
        result.customers = list(Customer.objects.filter(pk__in=ids).order_by("name_cached", "email")[:LIMIT])
    # Guests (no customer account) are grouped by their e-mail address; their profile is reached through an order.
    account_emails = {c.email.lower() for c in result.customers if c.email}
    guests = {}
    for o in result.orders + [t.order for t in result.tickets]:
        if o.customer_id or not o.email or o.email.lower() in account_emails:
            continue
        guests.setdefault(o.email.lower(), {"email": o.email, "name": guest_name(o), "order": o, "orders": set()})
        guests[o.email.lower()]["orders"].add(o.pk)
    result.guests = [dict(g, count=len(g["orders"])) for g in guests.values()][:LIMIT]
    result.cases = find_cases(organizer, user, q, phone, request)
    return result


def guest_name(order: Order) -> str:
    address = getattr(order, "invoice_address", None)  # a missing one raises an AttributeError subclass
    if address is not None and address.name_cached:
        return address.name_cached
    for p in order.positions.all():
        if p.attendee_name_cached:
            return p.attendee_name_cached
    return ""


def find_cases(organizer: Organizer, user: User, q: str, phone: str, request=None) -> list:
    """Support cases by number ("#123", "123"), by the contact's e-mail or phone, or by subject."""
    from ..models import SupportCase

    if not user.has_organizer_permission(organizer, CASES_READ, request=request):
        return []
    criteria = []
    number = as_case_number(q)
    if number is not None:
        criteria.append(Q(number=number))
    if phone:
        criteria.append(Q(phone=phone))
    if "@" in q and " " not in q:
        criteria.append(Q(email__iexact=q))
    code = as_order_code(q) or (as_ticket_number(q) or ("",))[0]
    if code:
        criteria.append(Q(order__code=code))
    if not criteria:
        return []
    ids = _ids(SupportCase.objects.filter(organizer=organizer), criteria, "-created")
    return list(SupportCase.objects.filter(pk__in=ids).select_related("customer", "order", "assignee")
                .order_by("-created")[:LIMIT])


def events_of(user: User, organizer: Organizer, request=None) -> list[Event]:
    return list(visible_events(user, organizer, request))
