"""
The B2B part of the demo operator: the supplier's requisites, the bank-invoice payment switched on, a school group
(ГБОУ «Школа № 239», 2 teachers and 25 pupils) on an upcoming sailing with its Счёт, and a company's group on a
sailing three days ago, paid, with its Акт. Run by ``ticketing_core.demo.load_demo``; idempotent like the rest
(a group is created once, identified by its ИНН).
"""
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils.timezone import now

from pretix.base.models import Event, Order, OrderPayment, OrderPosition, Quota, SubEvent

from ticketing_core.demo import BAR_QUOTA_NAME, FLEET_POSITION, MSK, DemoContext, DemoLoader
from ticketing_core.errors import TicketingError
from ticketing_core.fleet.sailings import save_sailing
from ticketing_core.models import Sailing

from .b2b.models import B2BBuyer
from .b2b.services import PROVIDER, apply_payment_term, record_buyer
from .documents.services import DocumentError, issue_closing_document, issue_invoice

APP = "ticketing_accounting"
TEACHERS, PUPILS, PAST_GROUP = 2, 25, 12
SUPPLIER = {
    "supplier_name": "ООО «Причал»", "supplier_inn": "7707083893", "supplier_kpp": "784101001",
    "supplier_ogrn": "1027700132195", "supplier_address": "191186, Санкт-Петербург, Дворцовая наб., д. 2",
    "bank_name": "ПАО Сбербанк, г. Москва", "bank_bik": "044525225", "bank_account": "40702810438000034726",
    "bank_corr_account": "30101810400000000225", "director": "Петров И. И.", "chief_accountant": "Иванова А. А.",
}
SCHOOL = {"name": "ГБОУ «Школа № 239»", "inn": "7841000026", "kpp": "784101001",
          "legal_address": "191028, Санкт-Петербург, Кирочная ул., д. 8", "documents_email": "buh@school239.example",
          "contact_person": "Смирнова Елена Викторовна"}
COMPANY = {"name": "ИП Соколов Андрей Петрович", "inn": "500100732259", "kpp": "",
           "legal_address": "141400, Московская обл., г. Химки, ул. Ленина, д. 1",
           "documents_email": "sokolov@example.org", "contact_person": ""}


def _requisites(context: DemoContext) -> None:
    s = context.organizer.settings
    if not s.get("ticketing_accounting_supplier_inn"):
        for key, value in SUPPLIER.items():
            s.set(f"ticketing_accounting_{key}", value)
        s.set("ticketing_accounting_vat_payer", True)
        context.tally.add("accounting requisites")
    if APP not in context.organizer.get_plugins():
        context.organizer.enable_plugin(APP)
        context.organizer.save(update_fields=["plugins"])


def _event(context: DemoContext) -> Event | None:
    events = [e for e in context.events if e.has_subevents and e.subevents.exists()]
    if not events:
        return None
    event = events[0]
    if APP not in event.get_plugins():
        event.enable_plugin(APP)
        event.save(update_fields=["plugins"])
    event.settings.set(f"payment_{PROVIDER}__enabled", True)
    return event


def _order(event: Event, subevent: SubEvent, counts: list[tuple], requisites: dict, paid: bool) -> Order:
    total = sum((item.default_price * n for item, n in counts), Decimal("0.00"))
    order = Order.objects.create(event=event, email=requisites["documents_email"], status=Order.STATUS_PENDING,
                                 locale="ru", total=total, expires=now() + timedelta(days=3),
                                 sales_channel=event.organizer.sales_channels.get(identifier="web"))
    for item, n in counts:
        for _i in range(n):
            p = OrderPosition(order=order, item=item, subevent=subevent, price=item.default_price)
            p._calculate_tax()
            p.save()
    order.create_transactions()
    record_buyer(order, dict(requisites))
    payment = order.payments.create(provider=PROVIDER, amount=total, state=OrderPayment.PAYMENT_STATE_CREATED)
    if paid:
        payment.info_data = {"payer": requisites["name"], "payer_inn": requisites["inn"],
                             "payer_account": "40702810438000034726", "payer_bik": "044525225"}
        payment.save(update_fields=["info"])
        payment.confirm(send_mail=False)
        order.refresh_from_db()
    else:
        apply_payment_term(order)
    return order


def _products(event: Event) -> list:
    return list(event.items.filter(admission=True, default_price__gt=0).order_by("-default_price")[:2])


def _school_group(context: DemoContext) -> None:
    event = _event(context)
    if event is None or B2BBuyer.objects.filter(inn=SCHOOL["inn"], order__event=event).exists():
        return
    products = _products(event)
    subevent = event.subevents.filter(date_from__gt=now() + timedelta(days=8)).order_by("date_from").first()
    if not products or subevent is None:
        return
    counts = [(products[0], TEACHERS)] + ([(products[1], PUPILS)] if len(products) > 1 else [])
    order = _order(event, subevent, counts, SCHOOL, paid=False)
    try:
        issue_invoice(order)
    except DocumentError as e:
        context.tally.skipped.append(f"Счёт {order.code}: {e}")
        return
    context.tally.add(f"school group with a Счёт (order {order.code})")


def _past_group(context: DemoContext) -> None:
    """A sailing three days ago (a date of its own) with a paid group and the act issued after it."""
    event = _event(context)
    if event is None or B2BBuyer.objects.filter(inn=COMPANY["inn"], order__event=event).exists():
        return
    template = Sailing.objects.filter(event=event, subevent__isnull=False).select_related(
        "vessel", "departure_pier", "arrival_pier").first()
    products = _products(event)
    if template is None or not products:
        return
    start = datetime.combine((now() - timedelta(days=3)).astimezone(MSK).date(), time(11, 0), tzinfo=MSK)
    subevent = SubEvent.objects.create(event=event, name=event.name, date_from=start,
                                       date_to=start + template.duration, active=True, is_public=False)
    try:
        save_sailing(event, subevent, vessel=template.vessel, departure_pier=template.departure_pier,
                     arrival_pier=template.arrival_pier, duration=template.duration)
    except TicketingError as e:
        subevent.delete()
        context.tally.skipped.append(f"past sailing for the act: {e}")
        return
    extras = list(event.items.filter(admission=False))
    if extras:  # as core's demo does for every date: drinks sell on a quota of their own (so a rerun adds none)
        Quota.objects.create(event=event, subevent=subevent, name=BAR_QUOTA_NAME, size=None).items.set(extras)
    order = _order(event, subevent, [(products[0], PAST_GROUP)], COMPANY, paid=True)
    try:
        issue_invoice(order, day=start.date() - timedelta(days=7))
        issue_closing_document(order)
    except DocumentError as e:
        context.tally.skipped.append(f"act {order.code}: {e}")
        return
    context.tally.add(f"group with an Акт after a past sailing (order {order.code})")


def _load(context: DemoContext) -> None:
    _requisites(context)
    _school_group(context)
    _past_group(context)


def loaders() -> list:
    return [DemoLoader(FLEET_POSITION + 50, _load)]
