"""
The URL permission matrix: every URL our addons register (back office, shop, plugin-global callbacks, REST API
routes on pretix's routers) is requested by each kind of visitor — anonymous, a customer of the organizer, staff
of another organizer, and each of the five roles — and must answer exactly as ``TABLE`` says.

The URLs come from Django's resolver, not from a list: a URL an addon adds without a row here fails
``test_every_url_has_a_row`` with its name, so nobody ships a page whose permissions nobody has decided.

Outcomes: ``ok`` 2xx, or 3xx not to a login page; ``blind`` ok, but the page shows none of the customer's data (her
e-mail, the order's code, the case's subject); ``login`` a redirect to a login page (401 for the API);
``deny`` 403/404; ``bad`` 400/405 (callbacks that refuse an empty or wrong request). A 500 is never expected.
Every request runs in a savepoint that is rolled back, so a permitted POST cannot change what the next sees.

The helpdesk is the top-most addon allowed to import core, website and yoomoney (``tools/layering.py``); the
rental and seating objects come from those addons' pytest fixtures (root ``conftest.py``), their URLs by name.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from pretix.base.models import OrderPayment

from ticketing_core.notifications.sms.factory import CALLBACK_TOKEN_KEY
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..cases import attachments
from ..cases.links import case_token
from ..roles.templates import ROLES
from .cases_fixtures import customer_session, make_case
from .console_fixtures import staff

ROLE_KEYS = list(ROLES)
ACTORS = ["anonymous", "customer", "outsider", *ROLE_KEYS]
OUTCOMES = {"ok", "blind", "login", "deny", "bad"}


# --------------------------------------------------------------------------- the URLs our addons register

def _unwrap(callback):
    """The view behind pretix's permission decorators and DRF's/Django's ``as_view`` wrappers."""
    while True:
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is not None:
            return view
        if not hasattr(callback, "__wrapped__"):
            return callback
        callback = callback.__wrapped__


def registered_urls() -> dict[str, str]:
    """name → pattern of every URL whose namespace is one of our addons or whose view lives in one."""
    found: dict[str, str] = {}

    def walk(resolver, prefix: str, namespaces: tuple):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), namespaces + ((p.namespace,) if p.namespace else ()))
            elif isinstance(p, URLPattern):
                ours = any(ns.startswith("ticketing_") for ns in namespaces) or \
                    (getattr(_unwrap(p.callback), "__module__", "") or "").startswith("ticketing_")
                if not ours:
                    continue
                name = ":".join(namespaces + (p.name or f"<unnamed {prefix}{p.pattern}>",))
                # DRF's format-suffix twins (".json") share the name and the view: one row covers both
                found.setdefault(name, prefix + str(p.pattern))

    walk(get_resolver(), "", ())
    return found


# --------------------------------------------------------------------------- the world every request is made in

@dataclass
class World:
    organizer: object
    other: object
    series: object
    sailing: object
    boat: object
    pier: object
    order: object
    yookassa_payment: object
    customer: object
    case: object
    attachment: object
    charter: object
    charter_order: object
    seated_vessel: object
    seated_event: object
    seated_sailing: object
    single_event: object
    charter_day: object
    bank_payment: object = None
    document: object = None
    sms_token: str = "matrix-callback-token"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(organizer, series, sailing, boat, pier, customer, paid_order, offer, yacht, mon, seated) -> World:
    from ticketing_website.testing import enable_accounts

    other = factories.make_organizer(slug="ladoga", name="Ладога Тур")
    seated_vessel, seated_event, seated_sailing, _products = seated
    enable_accounts(organizer, seated_event)
    # an event without dates, seated: the occupancy page of a single event
    single_event = factories.make_event(organizer, "single", {"ru": "Разовый рейс", "en": "One-off cruise"},
                                        has_subevents=False, plugins=factories.PLUGINS)
    single_event.seating_plan_id = seated_sailing.subevent.seating_plan_id
    single_event.save()
    charter = offer.event
    charter_order = factories.make_order(charter, None, [offer.item], email=customer.email)
    starts = datetime.combine(mon, time(12), factories.MSK)
    # the charter's booking (ticketing_rentals' model, by name: the helpdesk does not import the rentals addon)
    apps.get_model("ticketing_rentals", "VesselOccupancy").objects.create(
        vessel=yacht, kind="rental", starts_at=starts, ends_at=starts + timedelta(hours=2),
        blocked_until=starts + timedelta(hours=2), offer=offer, order_position=charter_order.positions.first())
    yookassa_payment = paid_order.payments.create(provider="yookassa", amount=Decimal("10.00"),
                                                  state=OrderPayment.PAYMENT_STATE_CONFIRMED)
    organizer.settings.set(CALLBACK_TOKEN_KEY, World.sms_token)
    case = make_case(organizer, customer=customer, order=paid_order)
    attachment = attachments.store(case, SimpleUploadedFile("ticket.pdf", PDF, "application/pdf"), by_customer=True)
    w = World(organizer, other, series, sailing, boat, pier, paid_order, yookassa_payment, customer, case,
              attachment, charter, charter_order, seated_vessel, seated_event, seated_sailing, single_event, mon)
    # an open payment document of a bank statement (ticketing_accounting's models, by label)
    statement = apps.get_model("ticketing_accounting", "StatementImport").objects.create(
        organizer=organizer, filename="v.txt", sha256="0" * 64)
    w.bank_payment = apps.get_model("ticketing_accounting", "BankPayment").objects.create(
        organizer=organizer, statement=statement, number="1", date=mon, amount=Decimal("10.00"),
        purpose="Без кода", state="unmatched")
    # a Счёт of the paid order, with its PDF (ticketing_accounting's model, by label)
    w.document = apps.get_model("ticketing_accounting", "Document").objects.create(
        organizer=organizer, order=paid_order, kind="invoice", year=mon.year, number=1, date=mon,
        total=Decimal("10.00"), file=SimpleUploadedFile("schet.pdf", PDF, "application/pdf"))

    return w


def clients_of(w: World, actor: str) -> tuple[Client, Client]:
    """The actor's browser session and its REST client (a team token for staff; the same session otherwise)."""
    web = Client(raise_request_exception=False)  # a crash is a 500 in the report, not the end of the run
    if actor == "anonymous":
        return web, web
    if actor == "customer":
        customer_session(web, w.customer)
        return web, web
    user = factories.make_admin(w.other, "outsider@example.org") if actor == "outsider" else staff(w.organizer, actor)
    return login(web, user), token_client(user.teams.get())


def token_client(team) -> APIClient:
    api = APIClient()
    api.raise_request_exception = False
    api.credentials(HTTP_AUTHORIZATION=f"Token {team.tokens.create(name='matrix').token}")
    return api


# --------------------------------------------------------------------------- the table

@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict]
    expect: dict
    method: str = "get"
    query: Callable[[World], dict] = lambda w: {}


def everyone(outcome: str = "ok", **override) -> dict:
    return {**{a: outcome for a in ACTORS}, **override}


def public(**override) -> dict:
    """A shop page anyone may open; only the customer herself may find her data on it."""
    return everyone("blind", **{"customer": "ok", **override})


def backoffice(*allowed: str, **override) -> dict:
    """A back-office page: logged-out visitors go to the login, other organizers' staff and roles without the
    permission are refused."""
    return {"anonymous": "login", "customer": "login", "outsider": "deny",
            **{r: "ok" if r in allowed else "deny" for r in ROLE_KEYS}, **override}


def api(*allowed: str, **override) -> dict:
    """A REST route: no token → 401; another organizer's token or too few permissions → 403/404."""
    return backoffice(*allowed, **override)


def customer_only(**override) -> dict:
    """The shop's account pages: only a logged-in customer; everyone else is sent to the customer login."""
    return {**everyone("login"), "customer": "ok", **override}


ALL_ROLES = tuple(ROLE_KEYS)
# pages every team member may open; boarding staff (check-in only) must not find orders or customers there
ANY_STAFF = {"boarding": "blind"}
ADMIN = ("administrator",)
SALES = ("administrator", "sales_manager")
ORDERS = ("administrator", "sales_manager", "support_agent", "accountant")  # event.orders:read
CASES = ("administrator", "sales_manager", "support_agent")  # organizer.cases:read
ACCOUNTING = ("administrator", "accountant")  # ticketing_accounting's registers and bank import
CONSOLE = ("administrator", "sales_manager", "support_agent")  # the console permission


def org(w):
    return {"organizer": w.organizer.slug}


def ev(event_attr: str = "series", **extra: Callable[[World], object]):
    return lambda w: {"organizer": w.organizer.slug, "event": getattr(w, event_attr).slug,
                      **{k: f(w) for k, f in extra.items()}}


def seat_map(w):
    return {"organizer": w.organizer.slug, "vessel": w.seated_vessel.pk}


def helpdesk_order(w):
    return {"organizer": w.organizer.slug, "ev": w.series.slug, "code": w.order.code}


def case_kw(**extra):
    return lambda w: {"organizer": w.organizer.slug, "number": w.case.number, **{k: f(w) for k, f in extra.items()}}


def guest_kw(**extra):
    return case_kw(token=lambda w: case_token(w.case), **extra)


CORE = "plugins:ticketing_core:"
WEB = "plugins:ticketing_website:"
PAY = "plugins:ticketing_yoomoney:"
RENT = "plugins:ticketing_rentals:"
SEAT = "plugins:ticketing_seating:"
DESK = "plugins:ticketing_helpdesk:"
ACC = "plugins:ticketing_accounting:"

TABLE: dict[str, Row] = {
    # ---- ticketing_core: fleet, policy, notifications (back office; SMS callback; customer's choices)
    CORE + "vessels": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF)),
    CORE + "vessel.add": Row(org, backoffice(*ADMIN)),
    CORE + "vessel.edit": Row(lambda w: {**org(w), "pk": w.boat.pk}, backoffice(*ADMIN)),
    CORE + "vessel.archive": Row(lambda w: {**org(w), "pk": w.boat.pk}, backoffice(*ADMIN), "post"),
    CORE + "piers": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF)),
    CORE + "pier.add": Row(org, backoffice(*ADMIN)),
    CORE + "pier.edit": Row(lambda w: {**org(w), "pk": w.pier.pk}, backoffice(*ADMIN)),
    CORE + "pier.archive": Row(lambda w: {**org(w), "pk": w.pier.pk}, backoffice(*ADMIN), "post"),
    CORE + "fleet.settings": Row(org, backoffice(*ADMIN)),
    CORE + "sailings": Row(ev(), backoffice(*ALL_ROLES, **ANY_STAFF)),
    CORE + "sailing.cancel": Row(ev(sailing=lambda w: w.sailing.pk), backoffice(*ADMIN)),
    CORE + "settings": Row(ev(), backoffice(*SALES)),  # event.settings.general:write
    CORE + "notifications.settings": Row(ev(), backoffice(*SALES)),
    # pretix's order page: event.orders:write (the roles resend through the console instead)
    CORE + "notifications.resend": Row(ev(code=lambda w: w.order.code), backoffice(*ADMIN), "post"),
    CORE + "messages": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF)),
    # boarding (w.sailing departs in 3 days: boarding staff see and board today's sailings only)
    CORE + "boarding": Row(org, backoffice(*ALL_ROLES)),
    CORE + "manifest": Row(org, backoffice(*ALL_ROLES)),
    CORE + "manifest.detail": Row(lambda w: {**org(w), "sailing": w.sailing.pk}, backoffice(*ORDERS)),
    CORE + "boarding.sailing": Row(lambda w: {**org(w), "sailing": w.sailing.pk}, backoffice(*ADMIN)),
    CORE + "boarding.search": Row(lambda w: {**org(w), "sailing": w.sailing.pk}, backoffice(*ADMIN)),
    CORE + "boarding.scan": Row(lambda w: {**org(w), "sailing": w.sailing.pk}, backoffice(administrator="bad"),
                                "post"),
    CORE + "boarding.settings": Row(ev(), backoffice(*SALES)),
    CORE + "sms.settings": Row(org, backoffice(*ADMIN)),
    # the sales dashboard and its export: organizer.kpi:read (Administrator, Sales manager), no revenue for others
    CORE + "kpi.dashboard": Row(org, backoffice(*SALES)),
    CORE + "kpi.export": Row(org, backoffice(*SALES)),
    CORE + "sms.callback": Row(lambda w: {**org(w), "token": w.sms_token}, everyone("bad"), "post"),
    CORE + "customer.notifications": Row(org, customer_only()),
    # pretix's admin mode only (a staff session): no role of an organizer's team opens the feature flags
    CORE + "flags": Row(lambda w: {}, backoffice()),
    # the load balancer's probe: public, no data
    CORE + "health": Row(lambda w: {}, everyone()),
    # ---- ticketing_website: storefront, accounts, privacy, boarding cards, robots.txt, settings
    WEB + "catalogue": Row(org, public()),
    WEB + "sitemap": Row(org, public()),
    WEB + "account.register": Row(org, public(customer="login")),  # pretix sends a logged-in customer on
    WEB + "account.profile": Row(org, customer_only()),
    WEB + "account.privacy": Row(org, customer_only()),
    WEB + "account.privacy.export": Row(org, customer_only()),
    WEB + "privacy.policy": Row(org, public()),
    WEB + "boarding": Row(ev(order=lambda w: w.order.code, secret=lambda w: w.order.secret,
                             position=lambda w: w.order.positions.first().positionid), everyone()),
    WEB + "robots": Row(lambda w: {}, public()),
    WEB + "favicon": Row(lambda w: {}, public()),
    WEB + "organizer.settings": Row(org, backoffice(*ADMIN)),
    WEB + "event.settings": Row(ev(), backoffice(*SALES)),
    WEB + "privacy.settings": Row(org, backoffice(*ADMIN)),
    # pretix's own account pages under pretix's names, shown with the whole account menu
    WEB + "organizer.customer.index": Row(org, customer_only()),
    WEB + "organizer.customer.memberships": Row(org, customer_only()),
    WEB + "organizer.customer.giftcards": Row(org, customer_only()),
    WEB + "organizer.customer.addresses": Row(org, customer_only()),
    WEB + "organizer.customer.profiles": Row(org, customer_only()),
    # ---- ticketing_yoomoney: the webhook, settings, the payer's return and status
    PAY + "webhook": Row(lambda w: {}, everyone("bad"), "post"),
    PAY + "organizer.settings": Row(org, backoffice(*ADMIN)),
    PAY + "check": Row(ev(), backoffice(*ADMIN), "post"),
    PAY + "return": Row(ev(order=lambda w: w.order.code, hash=lambda w: w.order.tagged_secret("ticketing_yoomoney"),
                           payment=lambda w: w.yookassa_payment.pk), everyone()),
    PAY + "status": Row(ev(order=lambda w: w.order.code, hash=lambda w: w.order.tagged_secret("ticketing_yoomoney"),
                           payment=lambda w: w.yookassa_payment.pk), everyone()),
    # ---- ticketing_rentals: offer, charter cancellation, fleet timeline; the shop's charter pages
    RENT + "timeline": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF),
                           query=lambda w: {"date": w.charter_day.isoformat()}),
    RENT + "rentals.offer": Row(ev("charter"), backoffice(*SALES)),
    RENT + "rental.cancel": Row(ev("charter", code=lambda w: w.charter_order.code), backoffice(*ADMIN)),
    RENT + "rentals.book": Row(ev("charter"), public()),
    RENT + "rentals.availability": Row(ev("charter"), public(), query=lambda w: {"date": "2030-01-07"}),
    # ---- ticketing_seating: seat maps, the event's seating, occupancy; the shop's JSON
    SEAT + "maps": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF)),
    # every role sees a seat map; changing it (map.generate) takes the fleet permission
    SEAT + "map.edit": Row(seat_map, backoffice(*ALL_ROLES, **ANY_STAFF)),
    SEAT + "map.generate": Row(seat_map, backoffice(administrator="bad"), "post"),
    SEAT + "map.export": Row(seat_map, backoffice(*ALL_ROLES, **ANY_STAFF)),
    SEAT + "event.seating": Row(ev("seated_event"), backoffice(*SALES)),
    SEAT + "occupancy.list": Row(ev("seated_event"), backoffice(*ORDERS)),
    SEAT + "occupancy": Row(ev("seated_event", subevent=lambda w: w.seated_sailing.subevent_id),
                            backoffice(*ORDERS)),
    SEAT + "occupancy.single": Row(ev("single_event"), backoffice(*ORDERS)),
    SEAT + "map": Row(ev("seated_event"), public(), query=lambda w: {"subevent": w.seated_sailing.subevent_id}),
    SEAT + "availability": Row(ev("seated_event"), public(),
                               query=lambda w: {"subevent": w.seated_sailing.subevent_id}),
    SEAT + "check": Row(ev("seated_event"), public(), query=lambda w: {"subevent": w.seated_sailing.subevent_id}),
    # ---- ticketing_helpdesk: cases, SLA, reports, console, manifest, roles, audit; the shop's support pages
    DESK + "cases": Row(org, backoffice(*CASES)),
    DESK + "case.add": Row(org, backoffice("administrator", "support_agent")),
    DESK + "case": Row(case_kw(), backoffice(*CASES)),
    DESK + "case.attachment": Row(case_kw(pk=lambda w: w.attachment.pk), backoffice(*CASES)),
    DESK + "sla.settings": Row(org, backoffice(*ADMIN)),
    DESK + "reports": Row(org, backoffice(*CASES)),
    DESK + "reports.csv": Row(lambda w: {**org(w), "report": "by_status"}, backoffice(*CASES)),
    DESK + "console": Row(org, backoffice(*CONSOLE)),
    DESK + "console.customer": Row(lambda w: {**org(w), "customer": w.customer.identifier}, backoffice(*CONSOLE)),
    DESK + "console.customer.export": Row(lambda w: {**org(w), "customer": w.customer.identifier},
                                          backoffice(*CONSOLE)),
    DESK + "console.guest": Row(helpdesk_order, backoffice(*CONSOLE)),
    DESK + "console.guest.export": Row(helpdesk_order, backoffice(*CONSOLE)),
    DESK + "console.refund": Row(helpdesk_order, backoffice(*CONSOLE), "post"),
    DESK + "console.resend": Row(helpdesk_order, backoffice(*CONSOLE), "post"),
    DESK + "manifest": Row(org, backoffice(*ALL_ROLES, **ANY_STAFF)),
    DESK + "manifest.detail": Row(lambda w: {**org(w), "ev": w.series.slug, "subevent": w.sailing.subevent_id},
                                  backoffice(*ORDERS)),
    DESK + "roles": Row(org, backoffice(*ADMIN)),
    DESK + "audit": Row(org, backoffice(*ADMIN)),
    DESK + "contact": Row(org, public()),
    DESK + "customer.case.guest": Row(guest_kw(), everyone()),
    DESK + "customer.case.guest.attachment": Row(guest_kw(pk=lambda w: w.attachment.pk), everyone()),
    DESK + "customer.cases": Row(org, customer_only()),
    DESK + "customer.case": Row(case_kw(), customer_only()),
    DESK + "customer.case.attachment": Row(case_kw(pk=lambda w: w.attachment.pk), customer_only()),
    # ---- ticketing_accounting: registers, bank statement import (objects made by model label in ``world``)
    ACC + "register": Row(lambda w: {**org(w), "register": "payments"}, backoffice(*ACCOUNTING)),
    ACC + "bankimport": Row(org, backoffice(*ACCOUNTING)),
    ACC + "bankimport.statement": Row(lambda w: {**org(w), "pk": w.bank_payment.statement_id},
                                      backoffice(*ACCOUNTING)),
    ACC + "bankimport.assign": Row(lambda w: {**org(w), "pk": w.bank_payment.pk}, backoffice(*ACCOUNTING), "post"),
    ACC + "bankimport.ignore": Row(lambda w: {**org(w), "pk": w.bank_payment.pk}, backoffice(*ACCOUNTING), "post"),
    # documents: the buyer downloads through the order's secret link (as pretix's invoices), staff need to read
    # orders; issuing takes the accounting documents permission (Accountant) or event.orders:write (Administrator)
    ACC + "document.download": Row(ev(order=lambda w: w.order.code, secret=lambda w: w.order.secret,
                                      document=lambda w: w.document.pk), everyone()),
    ACC + "document.staff": Row(ev(code=lambda w: w.order.code, document=lambda w: w.document.pk),
                                backoffice(*ORDERS)),
    ACC + "document.issue": Row(ev(code=lambda w: w.order.code, kind=lambda w: "invoice"),
                                backoffice(*ACCOUNTING), "post"),
    ACC + "group_order": Row(ev(), backoffice(*ADMIN)),  # event.orders:write
    ACC + "requisites": Row(org, backoffice(*ACCOUNTING)),  # organizer.accounting.documents:write
    # ---- the REST API (pretix's routers, basenames "ticketing-…")
    "api-v1:ticketing-piers-list": Row(org, api(*ALL_ROLES)),
    "api-v1:ticketing-piers-detail": Row(lambda w: {**org(w), "pk": w.pier.pk}, api(*ALL_ROLES)),
    "api-v1:ticketing-vessels-list": Row(org, api(*ALL_ROLES)),
    "api-v1:ticketing-vessels-detail": Row(lambda w: {**org(w), "pk": w.boat.pk}, api(*ALL_ROLES)),
    "api-v1:ticketing-sailings-list": Row(org, api(*ALL_ROLES)),
    "api-v1:ticketing-sailings-detail": Row(lambda w: {**org(w), "pk": w.sailing.pk}, api(*ALL_ROLES)),
    "api-v1:ticketing-console-search-list": Row(org, api(*CONSOLE), query=lambda w: {"q": w.order.code}),
    "api-v1:ticketing-cases-list": Row(org, api(*CASES)),
    "api-v1:ticketing-cases-detail": Row(case_kw(), api(*CASES)),
    "api-v1:ticketing-cases-attachment": Row(case_kw(attachment=lambda w: w.attachment.pk), api(*CASES)),
    "api-v1:ticketing-cases-messages": Row(case_kw(), api(*CASES)),
    "api-v1:ticketing-cases-note": Row(case_kw(), api(administrator="bad", support_agent="bad"), "post"),
    "api-v1:ticketing-cases-reply": Row(case_kw(), api(administrator="bad", support_agent="bad"), "post"),
    "api-v1:ticketing-cases-sla": Row(case_kw(), api(*CASES)),
    "api-v1:ticketing-policy-refunds-list": Row(ev(), api(**{r: "bad" for r in CONSOLE}), "post"),
}


# --------------------------------------------------------------------------- asking and judging

def markers(w: World) -> list[str]:
    return [w.customer.email, w.order.code, w.charter_order.code, w.case.subject]


def shows_data(w: World, response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return [m for m in markers(w) if m in text]


def outcome(response) -> str:
    code = response.status_code
    location = response.get("Location", "")
    if code == 401 or (code in (301, 302, 303, 307) and "/login" in location):
        return "login"
    if 200 <= code < 400:
        return "ok"
    if code in (403, 404):
        return "deny"
    if code in (400, 405):
        return "bad"
    return f"HTTP {code}"


def ask(w: World, clients: tuple[Client, Client], name: str, row: Row):
    url = reverse(name, kwargs=row.kwargs(w))
    client = clients[1] if name.startswith("api-v1:") else clients[0]
    with transaction.atomic():
        if row.method == "post":
            response = client.post(url, {}, format="json") if isinstance(client, APIClient) else client.post(url, {})
        else:
            response = client.get(url, row.query(w))
        transaction.set_rollback(True)  # a permitted POST changes nothing the next request sees
    return url, response


def table_problems(urls: dict[str, str], table: dict) -> list[str]:
    """What is wrong between the registered URLs and the table, each naming the URL."""
    return [f"URL without a row in the permission matrix (add one to TABLE): {name} ({urls[name]})"
            for name in sorted(set(urls) - set(table))] + \
        [f"row for a URL that no longer exists: {name}" for name in sorted(set(table) - set(urls))]


def test_every_url_has_a_row():
    urls = registered_urls()
    problems = table_problems(urls, TABLE)
    assert not problems, "\n".join(problems)
    api_basenames = {n.split(":", 1)[1].rsplit("-", 1)[0] for n in urls if n.startswith("api-v1:")}
    assert all(b.startswith("ticketing-") for b in api_basenames), api_basenames


def test_a_new_url_without_a_row_is_named():
    """The enumeration finds every kind of URL, and a URL missing from the table is reported by name."""
    urls = registered_urls()
    for kind in (CORE + "vessels", WEB + "catalogue", RENT + "rentals.book", PAY + "webhook", CORE + "sms.callback",
                 DESK + "customer.cases", "api-v1:ticketing-policy-refunds-list"):
        assert kind in urls, kind
    assert not any(name.startswith(("control:", "presale:")) for name in urls)  # pretix's own are not ours
    table = {k: v for k, v in TABLE.items() if k != SEAT + "map.export"}
    assert table_problems(urls, table) == [
        "URL without a row in the permission matrix (add one to TABLE): plugins:ticketing_seating:map.export "
        f"({urls[SEAT + 'map.export']})"]


def test_table_is_complete():
    for name, row in TABLE.items():
        assert set(row.expect) == set(ACTORS), name
        assert set(row.expect.values()) <= OUTCOMES, name


@pytest.mark.parametrize("actor", ACTORS)
def test_url_matrix(actor, world):
    wrong = []
    clients = clients_of(world, actor)
    for name, row in TABLE.items():
        url, response = ask(world, clients, name, row)
        got, want = outcome(response), row.expect[actor]
        if got == "ok" and want == "blind":
            leaked = shows_data(world, response)
            got = f"ok but shows {leaked}" if leaked else "blind"
        if got != want:
            wrong.append(f"{row.method.upper()} {url} ({name}): expected {want}, got {got} "
                         f"[{response.status_code} {response.get('Location', '')}]")
    assert not wrong, f"{actor}:\n" + "\n".join(wrong)


def test_blind_rows_hide_data_that_is_there(world):
    """``blind`` means something: the pages checked for it do show the customer's data to an administrator."""
    clients = clients_of(world, "administrator")
    for name in (CORE + "messages", RENT + "timeline"):
        _url, response = ask(world, clients, name, TABLE[name])
        assert response.status_code == 200 and shows_data(world, response), name
