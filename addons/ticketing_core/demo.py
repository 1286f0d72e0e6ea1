"""
The demo operator "Нева Круиз" (St Petersburg) that `make run` shows: fleet, piers, events, dates, an admin.

:func:`load_demo` is idempotent: every object is looked up by a stable key (organizer slug, e-mail,
registration number, Russian name, event slug, date start) and only created when missing, so running it
again creates nothing twice and leaves whatever staff changed in the back office alone. Dates of the
series are created for the next 30 days counted from now; a later run adds the dates that have come into
that window since. Everything runs in one transaction with scopes disabled.

Each addon brings its own part (charters, seat maps, the shop's look, support cases): it answers
``hooks.demo_loaders`` with :class:`DemoLoader` entries, which run with core's own part in the order of their
positions. Core imports none of them.

Payments: besides "Оплата на причале" (pretix's manual payment), every event takes YooKassa through the local
emulator that ``tools/devserver.py`` starts (the demo shop 100500, in test mode); the shop's credentials are
organizer settings, which the events inherit. Settings missing on an older demo database are added by the next
run; the emulator's address follows PRICHAL_YOOKASSA_PORT.
"""
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.timezone import now
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from pretix.base.models import (
    CheckinList,
    Event,
    Item,
    ItemCategory,
    Organizer,
    Quota,
    SubEvent,
    TaxRule,
    Team,
    User,
)

from .errors import TicketingError
from .fleet.sailings import save_sailing
from .hooks import demo_loaders
from .models import EventKind, Pier, Vessel

ORGANIZER_SLUG = "neva"
ORGANIZER_NAME = "Нева Круиз"
ADMIN_EMAIL = "admin@prichal.local"
ADMIN_PASSWORD = "prichal-admin"  # noqa: S105  # nosec B105  # the published demo credential of the dev server
# The demo creates an administrator with the published password above: it only runs where the instance says
# it is a demo (`make run` / tools/devserver.py set this), never by accident in the production image.
DEMO_FLAG = "PRICHAL_DEMO"


class NotADemoInstance(RuntimeError):
    pass


def require_demo_instance() -> None:
    if os.environ.get(DEMO_FLAG) != "1":
        raise NotADemoInstance(
            f"Refusing to load the demo: it creates the administrator {ADMIN_EMAIL} with a published password. "
            f"This instance is not marked as a demo; set {DEMO_FLAG}=1 only on a throw-away demo instance "
            f"(`make run` does).")
ADMIN_TEAM = "Администраторы"

TIMEZONE = "Europe/Moscow"
MSK = ZoneInfo(TIMEZONE)
LOCALES = ["ru", "en", "zh-hans"]
WINDOW = timedelta(days=30)

ORGANIZER_PLUGINS = [
    "ticketing_core", "ticketing_rentals", "ticketing_seating", "ticketing_website", "ticketing_yoomoney",
    "ticketing_helpdesk",
]
EVENT_PLUGINS = [
    "pretix.plugins.sendmail", "pretix.plugins.statistics", "pretix.plugins.checkinlists",
    "pretix.plugins.ticketoutputpdf", "pretix.plugins.manualpayment",
    "ticketing_core", "ticketing_rentals", "ticketing_seating", "ticketing_website", "ticketing_yoomoney",
]


def langs(ru: str, en: str, zh: str) -> dict:
    return {"ru": ru, "en": en, "zh-hans": zh}


ORGANIZER_HOMEPAGE_TEXT = langs(
    "Прогулки по Неве и каналам Петербурга, развод мостов, концерты на борту и аренда яхты. "
    "Билеты можно вернуть до 24 часов до отправления.",
    "Cruises on the Neva and the canals of St Petersburg, the raising of the bridges, concerts on board and a "
    "yacht for hire. Tickets can be refunded until 24 hours before departure.",
    "涅瓦河与圣彼得堡运河游船、夜看开桥、船上音乐会以及游艇租赁。开船前24小时可全额退票。",
)

# --- fleet ---------------------------------------------------------------------------------------------

PIERS = {
    "palace": {
        "name": langs("Дворцовая пристань", "Palace Pier", "宫殿码头"),
        "address": langs("Санкт-Петербург, Дворцовая наб., 2 (напротив Эрмитажа)",
                        "St Petersburg, 2 Dvortsovaya Embankment (opposite the Hermitage)",
                        "圣彼得堡，宫殿堤岸2号（艾尔米塔什博物馆对面）"),
        "latitude": Decimal("59.941250"),
        "longitude": Decimal("30.311400"),
        "boarding_instructions": langs(
            "Спуск к воде напротив главного входа в Эрмитаж, между Дворцовым мостом и Зимней канавкой. "
            "Посадка начинается за 15 минут до отправления; покажите билет на экране телефона или распечатанным.",
            "Steps down to the water opposite the main entrance of the Hermitage, between the Palace Bridge and "
            "the Winter Canal. Boarding starts 15 minutes before departure; show your ticket on your phone or "
            "printed.",
            "码头位于冬宫（艾尔米塔什博物馆）正门对面，宫殿桥与冬运河之间的台阶下。开船前15分钟开始登船，"
            "请出示手机或纸质船票。",
        ),
    },
    "admiralty": {
        "name": langs("Причал «Адмиралтейский»", "Admiralty Pier", "海军部码头"),
        "address": langs("Санкт-Петербург, Адмиралтейская наб., 2", "St Petersburg, 2 Admiralteyskaya Embankment",
                        "圣彼得堡，海军部堤岸2号"),
        "latitude": Decimal("59.938300"),
        "longitude": Decimal("30.304500"),
        "boarding_instructions": langs(
            "Причал на Адмиралтейской набережной, у Дворцового моста со стороны Адмиралтейства. Посадка за "
            "20 минут до отправления. Ночью на воде прохладно — возьмите тёплую одежду.",
            "The pier on the Admiralty Embankment, next to the Palace Bridge on the Admiralty side. Boarding "
            "starts 20 minutes before departure. Nights on the water are cool, so bring something warm.",
            "码头位于海军部堤岸，宫殿桥靠海军部一侧。开船前20分钟开始登船。夜间水上较凉，请带上保暖衣物。",
        ),
    },
    "summer_garden": {
        "name": langs("Причал «Летний сад»", "Summer Garden Pier", "夏园码头"),
        "address": langs("Санкт-Петербург, наб. Кутузова, у Прачечного моста (устье Фонтанки)",
                        "St Petersburg, Kutuzov Embankment, by the Prachechny Bridge (mouth of the Fontanka)",
                        "圣彼得堡，库图佐夫堤岸，洗衣桥旁（丰坦卡河口）"),
        "latitude": Decimal("59.947950"),
        "longitude": Decimal("30.336900"),
        "boarding_instructions": langs(
            "Причал на набережной Кутузова у Прачечного моста, где Фонтанка впадает в Неву, напротив северных "
            "ворот Летнего сада. Посадка за 15 минут до начала.",
            "The pier on the Kutuzov Embankment by the Prachechny Bridge, where the Fontanka flows into the "
            "Neva, opposite the northern gates of the Summer Garden. Boarding starts 15 minutes before the start.",
            "码头位于库图佐夫堤岸洗衣桥旁，丰坦卡河汇入涅瓦河处，夏园北门对面。开始前15分钟登船。",
        ),
    },
}

VESSELS = {
    "neva": {
        "name": langs("Теплоход «Нева»", "Motor ship «Neva»", "“涅瓦号”游船"),
        "registration_number": "ТХ-0120-СПБ",
        "vessel_type": Vessel.TYPE_MOTOR_SHIP,
        "capacity": 120,
        "seating_mode": Vessel.SEATING_ASSIGNED,
        "description": langs(
            "Двухпалубный теплоход с закрытым отапливаемым салоном и открытой верхней палубой.",
            "A two-deck motor ship with a closed heated saloon and an open upper deck.",
            "双层游船，设有封闭式暖气客舱和露天上层甲板。",
        ),
        "amenities": langs(
            "Отапливаемый салон, бар, туалеты, открытая верхняя палуба, сцена для концертов.",
            "Heated saloon, bar, toilets, open upper deck, a stage for concerts.",
            "暖气客舱、酒吧、洗手间、露天上层甲板、音乐会舞台。",
        ),
    },
    "fontanka": {
        "name": langs("Катер «Фонтанка»", "Boat «Fontanka»", "“丰坦卡号”游艇"),
        "registration_number": "КТ-0060-СПБ",
        "vessel_type": Vessel.TYPE_BOAT,
        "capacity": 60,
        "seating_mode": Vessel.SEATING_GENERAL,
        "description": langs(
            "Низкий прогулочный катер для рек и каналов: проходит под всеми мостами исторического центра.",
            "A low excursion boat for the rivers and canals: it fits under every bridge of the historic centre.",
            "适合河道与运河的低矮游览船，可从历史中心的所有桥下通过。",
        ),
        "amenities": langs(
            "Закрытый салон с панорамными окнами, открытая корма, пледы, туалет.",
            "Closed saloon with panoramic windows, open stern deck, blankets, toilet.",
            "全景窗封闭客舱、露天船尾、毛毯、洗手间。",
        ),
    },
    "aurora": {
        "name": langs("Яхта «Аврора»", "Yacht «Aurora»", "“曙光号”游艇"),
        "registration_number": "ЯХ-0012-СПБ",
        "vessel_type": Vessel.TYPE_YACHT,
        "capacity": 12,
        "seating_mode": Vessel.SEATING_GENERAL,
        "description": langs(
            "Парусно-моторная яхта с капитаном для частных прогулок до 12 гостей.",
            "A sailing motor yacht with a skipper for private trips of up to 12 guests.",
            "配船长的帆动力游艇，可供最多12位客人私人出游。",
        ),
        "amenities": langs(
            "Каюта, кокпит с диванами, холодильник, музыкальная система, пледы.",
            "Cabin, cockpit with sofas, fridge, sound system, blankets.",
            "船舱、带沙发的驾驶舱、冰箱、音响、毛毯。",
        ),
    },
}

# --- events --------------------------------------------------------------------------------------------

CATEGORY_TICKETS = langs("Билеты", "Tickets", "船票")
CATEGORY_ON_BOARD = langs("На борту", "On board", "船上")


def _ticket_products(adult: str, child: str, concession: str) -> list[dict]:
    return [
        {"name": langs("Взрослый", "Adult", "成人"), "price": Decimal(adult), "admission": True},
        {"name": langs("Детский (6–12 лет)", "Child (6–12 years)", "儿童（6–12岁）"), "price": Decimal(child),
         "admission": True},
        {"name": langs("Льготный (пенсионеры, студенты)", "Concession (pensioners, students)",
                       "优惠票（退休人员、学生）"),
         "price": Decimal(concession), "admission": True},
        {"name": langs("Детский до 6 лет (без места)", "Child under 6 (no seat)", "6岁以下儿童（无座）"),
         "price": Decimal("0.00"), "admission": True},
        {"name": langs("Глинтвейн", "Mulled wine", "热红酒"), "price": Decimal("350.00"), "admission": False,
         "category": CATEGORY_ON_BOARD},
    ]


EVENTS = [
    {
        "slug": "evening-canals",
        "kind": EventKind.KIND_EXCURSION,
        "name": langs("Вечерняя прогулка по рекам и каналам", "Evening cruise on the rivers and canals",
                   "河道与运河夜游"),
        "text": langs(
            "Полтора часа по Неве, Мойке, Фонтанке и Крюкову каналу: Эрмитаж, Спас на Крови, Новая Голландия "
            "и десятки мостов в вечерних огнях. Экскурсия на русском языке, аудиогид на английском и китайском.",
            "Ninety minutes on the Neva, the Moika, the Fontanka and the Kryukov Canal: the Hermitage, the "
            "Church of the Saviour on Spilled Blood, New Holland and dozens of bridges in the evening lights. "
            "Guided in Russian, audio guide in English and Chinese.",
            "沿涅瓦河、莫伊卡河、丰坦卡河和克留科夫运河航行一个半小时：艾尔米塔什、滴血救世主教堂、新荷兰岛以及"
            "数十座夜色中的桥梁。俄语讲解，提供英语和中文语音导览。",
        ),
        "vessel": "fontanka", "departure": "palace", "arrival": "palace",
        "duration": timedelta(minutes=90),
        "times": [time(19, 0), time(21, 0)], "weekdays": None,
        "products": _ticket_products("1500.00", "900.00", "1100.00"),
    },
    {
        "slug": "bridges",
        "kind": EventKind.KIND_EXCURSION,
        "name": langs("Развод мостов", "The raising of the bridges: night cruise", "夜游观看开桥"),
        "text": langs(
            "Ночная прогулка по Неве: Дворцовый, Троицкий, Литейный и Благовещенский мосты разводятся у вас на "
            "глазах. Тёплый салон и открытая палуба, бар на борту.",
            "A night cruise on the Neva: watch the Palace, Trinity, Liteyny and Annunciation bridges open right "
            "in front of you. Warm saloon and open deck, bar on board.",
            "涅瓦河夜游：亲眼看宫殿桥、三一桥、铸造桥和报喜桥依次开启。温暖的客舱与露天甲板，船上设有酒吧。",
        ),
        "vessel": "neva", "departure": "admiralty", "arrival": "admiralty",
        "duration": timedelta(minutes=150),
        "times": [time(0, 45)], "weekdays": None,
        "products": _ticket_products("1500.00", "900.00", "1100.00"),
    },
    {
        "slug": "jazz",
        "kind": EventKind.KIND_ONBOARD_EVENT,
        "name": langs("Джаз на борту", "Jazz on board", "船上爵士乐"),
        "text": langs(
            "Живой джаз на теплоходе: два часа музыки, закат над Невой и вид на Петропавловскую крепость.",
            "Live jazz on a motor ship: two hours of music, the sunset over the Neva and the view of the Peter "
            "and Paul Fortress.",
            "游船上的现场爵士乐：两小时音乐、涅瓦河上的日落以及彼得保罗要塞的景色。",
        ),
        "vessel": "neva", "departure": "summer_garden", "arrival": "summer_garden",
        "duration": timedelta(minutes=120),
        "times": [time(20, 0)], "weekdays": {5},  # Saturday
        "products": _ticket_products("2500.00", "1500.00", "1800.00"),
    },
]

BAR_QUOTA_NAME = "Бар на борту"

TAX_RULE_NAME = langs("НДС не облагается", "Not subject to VAT", "不征增值税")

MANUAL_PAYMENT = {
    "payment_manual__enabled": True,
    "payment_manual_public_name": langs("Оплата на причале", "Pay at the pier", "码头付款"),
    "payment_manual_checkout_description": langs(
        "Оплатите заказ наличными или картой в кассе на причале не позднее чем за 15 минут до отправления.",
        "Pay in cash or by card at the ticket desk on the pier at least 15 minutes before departure.",
        "请在开船前至少15分钟于码头售票处以现金或银行卡付款。",
    ),
    "payment_manual_email_instructions": langs(
        "Оплатите заказ {order} ({amount_with_currency}) в кассе на причале не позднее чем за 15 минут до "
        "отправления. Назовите кассиру номер заказа.",
        "Please pay order {order} ({amount_with_currency}) at the ticket desk on the pier at least 15 minutes "
        "before departure. Tell the cashier your order code.",
        "请在开船前至少15分钟于码头售票处支付订单 {order}（{amount_with_currency}），并告知售票员订单号。",
    ),
    "payment_manual_pending_description": langs(
        "Заказ {order} ждёт оплаты: {amount_with_currency} в кассе на причале, не позднее чем за 15 минут до "
        "отправления.",
        "Order {order} awaits payment: {amount_with_currency} at the ticket desk on the pier, at least 15 minutes "
        "before departure.",
        "订单 {order} 待付款：请在开船前至少15分钟于码头售票处支付 {amount_with_currency}。",
    ),
}

# The demo shop the YooKassa emulator serves by default (tools/yookassa_emulator); organizer-level settings
# of the "yookassa" payment provider, read by every event through event.settings.
YOOKASSA_SHOP_ID = "100500"
YOOKASSA_SECRET_KEY = "test_prichal_secret"  # noqa: S105  # nosec B105  # the emulator's published demo credential


# --- loading -------------------------------------------------------------------------------------------

def russian(value) -> str:
    """The Russian text of an i18n field value (the lookup key of demo objects that have no slug)."""
    data = value.data if isinstance(value, LazyI18nString) else value
    if isinstance(data, dict):
        return data.get("ru") or ""
    return str(data or "")


def _i18n(value) -> LazyI18nString:
    """A freshly assigned i18n field still holds the dict it was given; loaded ones hold LazyI18nString."""
    return value if isinstance(value, LazyI18nString) else LazyI18nString(value)


def _departures(event_spec: dict, start: datetime, end: datetime) -> list[datetime]:
    """Departure times of a series in (start, end], computed on the Moscow calendar."""
    result = []
    day: date = start.astimezone(MSK).date()
    last: date = end.astimezone(MSK).date()
    while day <= last:
        if event_spec["weekdays"] is None or day.weekday() in event_spec["weekdays"]:
            for t in event_spec["times"]:
                dt = datetime.combine(day, t, tzinfo=MSK)
                if start < dt <= end:
                    result.append(dt)
        day += timedelta(days=1)
    return sorted(result)


class _Tally:
    def __init__(self) -> None:
        self.created: dict[str, int] = {}
        self.skipped: list[str] = []

    def add(self, what: str, created: bool = True) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def _organizer(tally: _Tally) -> Organizer:
    organizer, created = Organizer.objects.get_or_create(slug=ORGANIZER_SLUG, defaults={"name": ORGANIZER_NAME})
    tally.add("organizer", created)
    if created:
        s = organizer.settings
        s.locales = LOCALES
        s.locale = "ru"
        s.timezone = TIMEZONE
        s.region = "RU"
        s.customer_accounts = True
        s.organizer_homepage_text = _i18n(ORGANIZER_HOMEPAGE_TEXT)
    # Creating an organizer already enables pretix's configured organizer plugins; make sure the whole
    # suite is on (enable_plugin runs each addon's installed() hook and is a no-op for enabled ones).
    before = organizer.plugins
    for module in ORGANIZER_PLUGINS:
        organizer.enable_plugin(module, allow_restricted=ORGANIZER_PLUGINS)
    if organizer.plugins != before:
        organizer.save(update_fields=["plugins"])
    _yookassa_shop(organizer, tally)
    _sms_account(organizer, tally)
    return organizer


def _stored(settings_proxy, key: str) -> bool:
    """Whether ``key`` is stored on this very object (not inherited, not pretix's default)."""
    return settings_proxy._objects.filter(key=key).exists()


def _emulator_account(organizer: Organizer, tally: _Tally, label: str, values: tuple) -> None:
    """
    An outside service's demo account. Values staff set are kept. Where the service is (the local emulator)
    is not a setting: pretix.cfg's [ticketing_yoomoney] / [ticketing_sms] api_url, set by tools/devserver.py.
    """
    s = organizer.settings
    changed = False
    for key, value in values:
        if not _stored(s, key):
            s.set(key, value)
            changed = True
    tally.add(label, changed)


def _yookassa_shop(organizer: Organizer, tally: _Tally) -> None:
    """The emulator's demo shop as the organizer's YooKassa account."""
    _emulator_account(organizer, tally, "YooKassa demo shop settings", (
        ("payment_yookassa_shop_id", YOOKASSA_SHOP_ID),
        ("payment_yookassa_secret_key", YOOKASSA_SECRET_KEY),
        ("payment_yookassa_test_mode", True),
        # The emulator's notifications come from 127.0.0.1, not from YooKassa's networks.
        ("payment_yookassa_restrict_networks", False),
    ))


SMS_API_ID = "prichal-demo-api-id"  # the SMS.ru emulator's demo account (tools/sms_emulator)


def _sms_account(organizer: Organizer, tally: _Tally) -> None:
    """The SMS.ru emulator's demo account as the organizer's SMS gateway account."""
    _emulator_account(organizer, tally, "SMS demo account settings", (
        ("ticketing_sms_api_id", SMS_API_ID), ("ticketing_sms_sender", "Prichal"),
    ))


def _admin(organizer: Organizer, tally: _Tally) -> User:
    user = User.objects.filter(email__iexact=ADMIN_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            ADMIN_EMAIL, ADMIN_PASSWORD, is_staff=True, locale="ru", timezone=TIMEZONE,
            needs_password_change=False, require_2fa=False, is_verified=True, fullname="Администратор «Нева Круиз»",
        )
        tally.add("admin user")
    team, created = Team.objects.get_or_create(
        organizer=organizer, name=ADMIN_TEAM,
        defaults={"all_events": True, "all_event_permissions": True, "all_organizer_permissions": True,
                  "require_2fa": False},
    )
    tally.add("team", created)
    team.members.add(user)
    return user


def _piers(organizer: Organizer, tally: _Tally) -> dict[str, Pier]:
    existing = {russian(p.name): p for p in Pier.objects.filter(organizer=organizer)}
    piers = {}
    for key, spec in PIERS.items():
        pier = existing.get(spec["name"]["ru"])
        if pier is None:
            pier = Pier.objects.create(organizer=organizer, timezone=TIMEZONE, active=True, **spec)
            tally.add("pier")
        piers[key] = pier
    return piers


def _vessels(organizer: Organizer, tally: _Tally) -> dict[str, Vessel]:
    vessels = {}
    for key, spec in VESSELS.items():
        spec = dict(spec)
        vessel, created = Vessel.objects.get_or_create(
            organizer=organizer, registration_number=spec.pop("registration_number"),
            defaults={**spec, "active": True},
        )
        tally.add("vessel", created)
        vessels[key] = vessel
    return vessels


def _event_location(pier: Pier) -> dict:
    name = _i18n(pier.name)
    address = _i18n(pier.address)
    return {lang: f"{name.localize(lang)}, {address.localize(lang)}" for lang in LOCALES}


def _configure_new_event(event: Event, spec: dict) -> None:
    event.set_active_plugins(list(EVENT_PLUGINS), allow_restricted=EVENT_PLUGINS)
    event.save(update_fields=["plugins"])
    event.set_defaults()
    s = event.settings
    s.locales = LOCALES
    s.locale = "ru"
    s.timezone = TIMEZONE
    s.region = "RU"
    s.frontpage_text = _i18n(spec["text"])
    for key, value in MANUAL_PAYMENT.items():
        s.set(key, _i18n(value) if isinstance(value, dict) else value)


def _enable_yookassa(event: Event, tally: _Tally) -> None:
    """YooKassa on for the event, unless staff already switched it either way (credentials: organizer)."""
    if not _stored(event.settings, "payment_yookassa__enabled"):
        event.settings.set("payment_yookassa__enabled", True)
        tally.add("event with YooKassa enabled")


def _event(organizer: Organizer, spec: dict, piers: dict, tally: _Tally) -> Event:
    pier = piers[spec["departure"]]
    first = now().astimezone(MSK).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    event, created = Event.objects.get_or_create(
        organizer=organizer, slug=spec["slug"],
        defaults={
            "name": spec["name"], "currency": "RUB", "has_subevents": spec["duration"] is not None,
            "date_from": first, "date_to": first + timedelta(days=180) if spec["duration"] is None else None,
            "live": True, "is_public": True, "plugins": "", "location": _event_location(pier),
            "geo_lat": float(pier.latitude), "geo_lon": float(pier.longitude),
        },
    )
    tally.add("event", created)
    if created:
        _configure_new_event(event, spec)
    else:
        before = event.plugins
        for module in EVENT_PLUGINS:
            event.enable_plugin(module, allow_restricted=EVENT_PLUGINS)
        if event.plugins != before:
            event.save(update_fields=["plugins"])
    _enable_yookassa(event, tally)
    _, created = EventKind.objects.get_or_create(event=event, defaults={"kind": spec["kind"]})
    tally.add("event kind", created)
    return event


def _products(event: Event, spec: dict, tally: _Tally) -> None:
    tax_rule = event.tax_rules.filter(rate=Decimal("0.00")).first()
    if tax_rule is None:
        tax_rule = TaxRule.objects.create(
            event=event, name=TAX_RULE_NAME, rate=Decimal("0.00"), price_includes_tax=True, code="O",
            default=not event.tax_rules.filter(default=True).exists(),
        )
        tally.add("tax rule")
    categories = {russian(c.name): c for c in event.categories.all()}
    items = {russian(i.name) for i in event.items.all()}
    for position, product in enumerate(spec["products"]):
        if product["name"]["ru"] in items:
            continue
        cat_name = product.get("category", CATEGORY_TICKETS)
        category = categories.get(cat_name["ru"])
        if category is None:
            category = ItemCategory.objects.create(event=event, name=cat_name, position=len(categories))
            categories[cat_name["ru"]] = category
            tally.add("product category")
        Item.objects.create(
            event=event, name=product["name"], default_price=product["price"], admission=product["admission"],
            category=category, tax_rule=tax_rule, position=position, active=True,
            free_price=product.get("free_price", False), max_per_order=product.get("max_per_order"),
        )
        tally.add("product")
    # an older demo's passenger places ask each passenger's name too (fleet/names.py), so its manifest has names
    if event.items.filter(admission=True, personalized=False).update(personalized=True):
        tally.add("passenger names")
    if not event.checkin_lists.exists():
        CheckinList.objects.create(event=event, name="Посадка", all_products=True)
        tally.add("check-in list")


def _dates(event: Event, spec: dict, vessels: dict, piers: dict, tally: _Tally) -> None:
    if spec["duration"] is None:
        return  # rentals have no fixed departures yet
    start = now()
    existing = set(event.subevents.filter(date_from__gt=start).values_list("date_from", flat=True))
    vessel, departure, arrival = vessels[spec["vessel"]], piers[spec["departure"]], piers[spec["arrival"]]
    for dt in _departures(spec, start, start + WINDOW):
        if dt in existing:
            continue
        try:
            with transaction.atomic():
                subevent = SubEvent.objects.create(
                    event=event, name=event.name, date_from=dt, date_to=dt + spec["duration"], active=True,
                    is_public=True, location=_event_location(departure),
                    geo_lat=float(departure.latitude), geo_lon=float(departure.longitude),
                )
                save_sailing(event, subevent, vessel=vessel, departure_pier=departure, arrival_pier=arrival,
                             duration=spec["duration"])
        except TicketingError as e:
            tally.skipped.append(f"{russian(event.name)} {dt:%Y-%m-%d %H:%M}: {e}")
            continue
        tally.add("date with sailing")
    _bar_quotas(event, tally)
    first = event.subevents.order_by("date_from").values_list("date_from", flat=True).first()
    if first is not None and event.date_from > first:
        event.date_from = first  # a series starts with its first date
        event.save(update_fields=["date_from"])


def _bar_quotas(event: Event, tally: _Tally) -> None:
    """
    pretix sells a product on a date only if a quota of that date covers it. The sailing's managed quota
    covers passenger places only, so the drinks get an unlimited quota of their own on every date.
    """
    extras = list(event.items.filter(admission=False))
    if not extras:
        return
    covered = set(Quota.objects.filter(event=event, items__in=extras).values_list("subevent_id", flat=True))
    # past dates (the dashboard's season, kpi/demo.py) sell nothing any more
    for subevent in event.subevents.exclude(pk__in=covered).filter(date_from__gte=now()):
        quota = Quota.objects.create(event=event, subevent=subevent, name=BAR_QUOTA_NAME, size=None)
        quota.items.set(extras)
        tally.add("bar quota")


def _disable_default_admin() -> None:
    """pretix's first migration creates admin@localhost with the password "admin"; the demo has its own admin."""
    default = User.objects.filter(email="admin@localhost", is_active=True).first()
    if default is not None and default.check_password("admin"):
        default.is_active = False
        default.save(update_fields=["is_active"])


# --- the registry: each addon brings its own part -----------------------------------------------------

@dataclass
class DemoContext:
    """What the loaders share: the organizer, what core made (filled at ``FLEET_POSITION``) and the tally."""

    organizer: Organizer
    tally: _Tally
    piers: dict[str, Pier] = field(default_factory=dict)
    vessels: dict[str, Vessel] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class DemoLoader:
    """One part of the demo: ``load(context)`` runs at ``position`` (lower first), idempotent like the rest."""

    position: int
    load: Callable[[DemoContext], None]


# Core's own part (piers, vessels, its events and their dates) runs here: loaders before it see the organizer
# and its administrator only; loaders after it also see ``piers``, ``vessels`` and ``events``.
FLEET_POSITION = 20


def add_event(context: DemoContext, spec: dict) -> Event:
    """
    An event of the demo from a spec like those in ``EVENTS`` (also for addons that bring their own events):
    created once with its products, dates with sailings for the next 30 days, kept in ``context.events``.
    """
    event = _event(context.organizer, spec, context.piers, context.tally)
    _products(event, spec, context.tally)
    _dates(event, spec, context.vessels, context.piers, context.tally)
    context.events.append(event)
    return event


def _fleet_and_events(context: DemoContext) -> None:
    context.piers.update(_piers(context.organizer, context.tally))
    context.vessels.update(_vessels(context.organizer, context.tally))
    for spec in EVENTS:
        add_event(context, spec)


def loaders() -> list[DemoLoader]:
    """Core's part and every installed addon's (``hooks.demo_loaders``), in the order they run."""
    from .boarding.demo import load_boarding_demo

    found = [DemoLoader(FLEET_POSITION, _fleet_and_events), DemoLoader(FLEET_POSITION + 1, load_boarding_demo)]
    for _receiver, more in demo_loaders.send(sender=DemoContext):
        found.extend(more or [])
    return sorted(found, key=lambda loader: loader.position)


def load_demo() -> dict:
    """Create (or complete) the demo operator; returns the admin's credentials, URLs and what was created."""
    require_demo_instance()
    tally = _Tally()
    with scopes_disabled(), transaction.atomic():
        organizer = _organizer(tally)
        _admin(organizer, tally)
        _disable_default_admin()
        context = DemoContext(organizer=organizer, tally=tally)
        for loader in loaders():
            loader.load(context)
        events = context.events

    base = settings.SITE_URL.rstrip("/")
    from .notifications.sms.factory import callback_token

    return {
        # the SMS emulator's delivery reports go to the organizer's secret callback address
        "sms_callback_url": base + reverse("plugins:ticketing_core:sms.callback", kwargs={
            "organizer": ORGANIZER_SLUG, "token": callback_token(organizer)}),
        "admin_email": ADMIN_EMAIL,
        "admin_password": ADMIN_PASSWORD,
        "storefront_url": f"{base}/{ORGANIZER_SLUG}/",
        "control_url": f"{base}/control/",
        "organizer_control_url": f"{base}/control/organizer/{ORGANIZER_SLUG}/",
        "boarding_url": f"{base}/control/organizer/{ORGANIZER_SLUG}/boarding/",
        "dashboard_url": base + reverse("plugins:ticketing_core:kpi.dashboard", kwargs={"organizer": ORGANIZER_SLUG}),
        "event_urls": {e.slug: f"{base}/{ORGANIZER_SLUG}/{e.slug}/" for e in events},
        "created": dict(tally.created),
        "skipped": list(tally.skipped),
    }
