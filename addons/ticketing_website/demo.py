"""
The storefront part of the demo operator: the maritime colours, pictures on every event, a family discount and a
promo code on every ticketed event. Run by ``ticketing_core.demo.load_demo`` (see ``LOADERS``); idempotent like the rest
of the demo (objects are found by their name or code, settings staff already changed are left alone).
"""
from datetime import timedelta
from decimal import Decimal

from django.utils.timezone import now
from i18nfield.strings import LazyI18nString

from pretix.base.models import Discount, Event, Organizer, Voucher

from ticketing_core.demo import FLEET_POSITION, DemoLoader

from .demo_accounts import load_accounts_demo
from .demo_photos import add_demo_photos
from .public_name import SETTING as PUBLIC_NAME_SETTING

# colours with at least 4.5:1 contrast against white text (tests/test_theme.py)
THEME = {
    "primary_color": "#0b4f71",
    "theme_color_success": "#1e6b3a",
    "theme_color_danger": "#a3261b",
    "theme_color_background": "#eef4f8",
}
FAMILY_DISCOUNT = "Семейная скидка −10 % от 4 билетов · Family −10 % from 4 tickets · 家庭优惠 4张起九折"
PROMO_CODE = "NEVA10"


def _stored(settings_proxy, key: str) -> bool:
    """Whether ``key`` is stored on this very object (not inherited, not pretix's default)."""
    return settings_proxy._objects.filter(key=key).exists()


PUBLIC_NAME = {"ru": "Нева Круиз", "en": "Neva Cruise", "zh-hans": "涅瓦游船"}


def load_storefront_demo(organizer: Organizer, events: list[Event], tally) -> None:
    if not _stored(organizer.settings, PUBLIC_NAME_SETTING):
        organizer.settings.set(PUBLIC_NAME_SETTING, LazyI18nString(PUBLIC_NAME))
        tally.add("public name")
    for key, value in THEME.items():
        if not _stored(organizer.settings, key):
            organizer.settings.set(key, value)
            tally.add("shop colour")
    for event in events:
        if add_demo_photos(event):
            tally.add("event photos")
        tickets = list(event.items.filter(admission=True, default_price__gt=0))
        if not tickets:
            continue  # the rental has no passenger tickets
        discount, created = Discount.objects.get_or_create(
            event=event, internal_name=FAMILY_DISCOUNT,
            defaults={"active": True, "condition_all_products": False, "condition_min_count": 4,
                      "benefit_discount_matching_percent": Decimal("10.00"),
                      "subevent_mode": Discount.SUBEVENT_MODE_SAME},
        )
        if created:
            discount.condition_limit_products.set(tickets)
            tally.add("family discount")
        _, created = Voucher.objects.get_or_create(
            event=event, code=PROMO_CODE,
            defaults={"max_usages": 10000, "price_mode": "percent", "value": Decimal("10.00"),
                      "valid_until": now() + timedelta(days=365), "allow_ignore_quota": False,
                      "comment": "Демо-промокод: −10 % на билеты"},
        )
        if created:
            tally.add("promo code")


def _accounts(context) -> None:
    load_accounts_demo(context.organizer, context.tally)


def _storefront(context) -> None:
    load_storefront_demo(context.organizer, context.events, context.tally)


# customer accounts and the 152-FZ policy right after the organizer; colours, discounts and photos once every
# event exists (seat maps included)
LOADERS = [DemoLoader(FLEET_POSITION - 10, _accounts), DemoLoader(FLEET_POSITION + 30, _storefront)]
