"""
Passenger categories on the manifest: adult, child or concession.

pretix knows products, not categories. The operator may set the product's meta property ``passenger_category``
(``adult`` / ``child`` / ``concession``; pretix's *Item metadata*); without it the product's Russian or English
name decides (Детский/Child, Льготный/Concession, else adult), which is how the demo and most operators name them.
"""
from django.utils.translation import gettext_lazy as _

ADULT, CHILD, CONCESSION = "adult", "child", "concession"
LABELS = {ADULT: _("adult"), CHILD: _("child"), CONCESSION: _("concession")}
_NAME_HINTS = ((CHILD, ("детск", "ребён", "ребен", "child", "kid")),
               (CONCESSION, ("льгот", "пенсион", "студен", "concession", "senior", "student")))


def category_of(item) -> str:
    meta = getattr(item, "meta_data", None)
    if meta:
        value = str(meta.get("passenger_category", "")).strip().lower()
        if value in LABELS:
            return value
    names = " ".join(str(v) for v in (item.name.data.values() if isinstance(item.name.data, dict)
                                       else [item.name.data])).lower()
    for kind, hints in _NAME_HINTS:
        if any(h in names for h in hints):
            return kind
    return ADULT


def category_label(item, variation=None) -> str:
    """"взрослый · Взрослый" — the category and the product, so the crew sees both at a glance."""
    product = str(item.name) + (f" – {variation}" if variation else "")
    return f"{LABELS[category_of(item)]} · {product}"
