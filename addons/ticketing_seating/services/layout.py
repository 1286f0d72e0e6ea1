"""
Seat maps in pretix's seat-plan JSON format: reading, validating with every error and where, labels.

pretix's format (``static/seating/seating-plan.schema.json`` in the pretix package) has zones, rows,
seats and categories. We use a zone per deck. pretix's own validator stops at the first error and
speaks English; staff importing a file need every error, translated, with its place, so the schema is
checked here error by error and our own rules follow (unique seat ids, categories that exist, seats
inside the deck, unique seat numbers in a row). An invalid file changes nothing.
"""
import json
from functools import lru_cache
from typing import NamedTuple

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pretix.base.models.seating import SeatingPlan, SeatingPlanLayoutValidator

from .errors import SeatingError

MAX_ERRORS = 100
DEFAULT_RADIUS = 10


@lru_cache(maxsize=1)
def schema() -> dict:
    with open(finders.find("seating/seating-plan.schema.json"), encoding="utf-8") as f:
        return json.load(f)


def _where(path) -> str:
    """A place in the file as staff read it: "deck 1 › row 3 › seat 5 › position"."""
    names = {"zones": _("deck {n}"), "rows": _("row {n}"), "seats": _("seat {n}"),
             "categories": _("category {n}"), "areas": _("area {n}")}
    parts, items = [], list(path)
    i = 0
    while i < len(items):
        key = items[i]
        if key in names and i + 1 < len(items) and isinstance(items[i + 1], int):
            parts.append(names[key].format(n=items[i + 1] + 1))
            i += 2
            continue
        parts.append(str(key))
        i += 1
    return " › ".join(parts) if parts else _("the whole file")


_TYPE_NAMES = {
    "object": lambda: _("an object"), "array": lambda: _("a list"), "string": lambda: _("a text"),
    "number": lambda: _("a number"), "integer": lambda: _("a whole number"), "null": lambda: _("empty"),
    "boolean": lambda: _("yes or no"),
}


def _schema_message(error) -> str:
    where = _where(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = [f for f in error.validator_value if isinstance(error.instance, dict) and f not in error.instance]
        return _("{where}: the field \"{field}\" is missing.").format(where=where, field=", ".join(missing))
    if v == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = " / ".join(str(_TYPE_NAMES.get(t, lambda t=t: t)()) for t in expected)
        return _("{where}: must be {type}.").format(where=where, type=names)
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed) if isinstance(error.instance, dict) else []
        return _("{where}: unknown field \"{field}\".").format(where=where, field="\", \"".join(extra))
    if v == "pattern":
        return _("{where}: \"{value}\" is not allowed here (it must not start or end with a space and needs at "
                 "least two characters).").format(where=where, value=error.instance)
    if v == "enum":
        return _("{where}: \"{value}\" is not one of {choices}.").format(
            where=where, value=error.instance, choices=", ".join(str(c) for c in error.validator_value))
    return _("{where}: {message}").format(where=where, message=error.message)


def parse(raw: str | bytes | dict) -> dict:
    """Read a seat map from text or a dict; raise ``SeatingError`` listing every problem."""
    if isinstance(raw, dict):
        data = raw
    else:
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise SeatingError(_("The file is not UTF-8 text.")) from None
        try:
            data = json.loads(raw)
        except RecursionError:
            raise SeatingError(_("The JSON data is nested too deeply.")) from None
        except ValueError as e:
            msg = _("The file is not valid JSON: line {line}, column {column}: {error}.").format(
                line=getattr(e, "lineno", "?"), column=getattr(e, "colno", "?"), error=getattr(e, "msg", str(e)))
            raise SeatingError(msg) from None
    errors = validate(data)
    if errors:
        raise SeatingError(_("Errors in the seat map: {count}. Nothing was changed.").format(count=len(errors)),
                           errors)
    return data


def validate(data) -> list[str]:
    """Every problem of a seat map, translated, each with its place; an empty list means valid."""
    import jsonschema

    if not isinstance(data, dict):
        return [_("The file must contain one JSON object (a seat map), not a list or a value.")]
    validator = jsonschema.Draft7Validator(schema())
    errors = [_schema_message(e) for e in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))]
    if errors:
        return _cap(errors)
    errors += _our_rules(data)
    if not errors:
        try:
            SeatingPlanLayoutValidator()(data)  # pretix's own check, the one its API and models use
        except ValidationError as e:
            errors.extend(e.messages)
    return _cap(errors)


def _cap(errors: list[str]) -> list[str]:
    if len(errors) > MAX_ERRORS:
        return errors[:MAX_ERRORS] + [_("… and {count} more errors.").format(count=len(errors) - MAX_ERRORS)]
    return errors


def _our_rules(data: dict) -> list[str]:
    errors = []
    categories = [c["name"] for c in data["categories"]]
    seen_cat = set()
    for i, name in enumerate(categories):
        if not name.strip():
            errors.append(_("{where}: the category needs a name.").format(where=_where(["categories", i])))
        elif name in seen_cat:
            errors.append(_("{where}: the category \"{name}\" is defined twice.").format(
                where=_where(["categories", i]), name=name))
        seen_cat.add(name)
    width, height = data["size"]["width"], data["size"]["height"]
    if width <= 0 or height <= 0:
        errors.append(_("size: width and height must be positive."))
    zone_names = set()
    guids: dict[str, str] = {}
    seat_count = 0
    for zi, zone in enumerate(data["zones"]):
        zname = (zone.get("name") or "").strip()
        if not zname:
            errors.append(_("{where}: the deck needs a name.").format(where=_where(["zones", zi])))
        elif zname in zone_names:
            errors.append(_("{where}: the deck name \"{name}\" is used twice.").format(
                where=_where(["zones", zi]), name=zname))
        zone_names.add(zname)
        zx, zy = zone["position"]["x"], zone["position"]["y"]
        for ri, row in enumerate(zone["rows"]):
            rx = zx + row.get("position", {}).get("x", 0)
            ry = zy + row.get("position", {}).get("y", 0)
            numbers = set()
            for si, seat in enumerate(row["seats"]):
                seat_count += 1
                where = _where(["zones", zi, "rows", ri, "seats", si])
                guid = seat["seat_guid"]
                if guid in guids:
                    errors.append(_("{where}: the seat id \"{id}\" is already used at {other}.").format(
                        where=where, id=guid, other=guids[guid]))
                else:
                    guids[guid] = where
                if seat["category"] not in seen_cat:
                    errors.append(_("{where}: the category \"{category}\" does not exist in the list of "
                                    "categories.").format(where=where, category=seat["category"]))
                if seat["seat_number"] in numbers:
                    errors.append(_("{where}: seat number {number} appears twice in row {row}.").format(
                        where=where, number=seat["seat_number"], row=row["row_number"]))
                numbers.add(seat["seat_number"])
                x, y = rx + seat["position"]["x"], ry + seat["position"]["y"]
                if not (0 <= x <= width and 0 <= y <= height):
                    errors.append(_("{where}: the seat lies outside the deck (x {x}, y {y}; the deck is {width} × "
                                    "{height}).").format(where=where, x=round(x, 1), y=round(y, 1), width=width,
                                                         height=height))
    if not seat_count and not errors:
        errors.append(_("The seat map has no seats."))
    return errors


def dumps(layout: dict) -> str:
    """The export: pretix's seat-plan JSON, readable and stable."""
    return json.dumps(layout, ensure_ascii=False, indent=2)


class SeatInfo(NamedTuple):
    guid: str
    zone: str
    zone_index: int
    row: str
    number: str
    category: str
    x: float
    y: float
    radius: float
    sorting_rank: int


def _seats_of(layout_text: str) -> tuple[SeatInfo, ...]:
    plan = SeatingPlan(layout=layout_text)
    data = plan.layout_data
    zone_index = {z["name"]: i for i, z in enumerate(data["zones"])}
    radius = {s["seat_guid"]: s.get("radius", DEFAULT_RADIUS)
              for z in data["zones"] for r in z["rows"] for s in r["seats"]}
    return tuple(SeatInfo(guid=s.guid, zone=s.zone, zone_index=zone_index.get(s.zone, 0), row=s.row,
                          number=s.number, category=s.category, x=s.x, y=s.y, radius=radius[s.guid],
                          sorting_rank=s.sorting_rank)
                 for s in plan.iter_all_seats())


@lru_cache(maxsize=64)
def _seats_cached(pk: int, digest: int, layout_text: str) -> tuple[SeatInfo, ...]:
    return _seats_of(layout_text)


def seats(plan: SeatingPlan) -> tuple[SeatInfo, ...]:
    """Every seat of a plan with its category and absolute position (cached: plans are saved as new rows)."""
    return _seats_cached(plan.pk or 0, hash(plan.layout), plan.layout)


def label(labels: dict, kind: str, name: str, lang: str | None) -> str:
    """The name of a deck (``kind="zones"``) or category in a language, or the name itself."""
    texts = (labels or {}).get(kind, {}).get(name) or {}
    if lang:
        for candidate in (lang, lang.split("-")[0]):
            if texts.get(candidate):
                return texts[candidate]
    return name
