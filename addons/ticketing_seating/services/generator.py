"""
The seat-map generator: deck → sections → rows × seats, numbered left to right or right to left,
with aisles inside a row and gaps between sections. Its output is a seat map in pretix's format that
staff can fine-tune afterwards.
"""
from django.utils.translation import gettext as _

from .errors import SeatingError
from .layout import parse

SEAT_PITCH = 30      # distance between seat centres in a row
ROW_PITCH = 34       # distance between rows
AISLE = 30           # extra width of an aisle
SECTION_GAP = 34     # extra space between two sections of one deck
DECK_GAP = 60        # space between decks on the canvas
MARGIN = 40
RADIUS = 11
PALETTE = ["#3b82c4", "#2e9e6a", "#c9712d", "#8e5bb5", "#c2416b", "#6b7a8f"]
MAX_SEATS = 5000


def _int(value, field: str, where: str, low: int = 0, high: int = 500) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise SeatingError(_("{where}: \"{field}\" must be a whole number.").format(where=where, field=field)) from None
    if not low <= n <= high:
        raise SeatingError(_("{where}: \"{field}\" must be between {low} and {high}.").format(
            where=where, field=field, low=low, high=high))
    return n


def check_size(decks) -> int:
    """
    The number of seats ``decks`` asks for, refused above :data:`MAX_SEATS` before a single seat is built:
    rows and seats are bounded per section, but not the number of sections, so counting after building
    would let one request build millions of seats first. Also refuses decks and sections that are not
    objects, so the generator below never meets one.
    """
    if not isinstance(decks, list):
        raise SeatingError(_("The generator needs decks with sections."))
    total = 0
    for di, deck in enumerate(decks):
        where = _("deck {n}").format(n=di + 1)
        sections = deck.get("sections") if isinstance(deck, dict) else None
        if not sections or not isinstance(sections, list) or not all(isinstance(s, dict) for s in sections):
            raise SeatingError(_("{where}: add at least one section.").format(where=where))
        dname = str(deck.get("name", "")).strip() or where
        for si, section in enumerate(sections):
            swhere = _("{deck}, section {n}").format(deck=dname, n=si + 1)
            total += _int(section.get("rows"), _("Rows"), swhere, 1, 200) * \
                _int(section.get("seats"), _("Seats per row"), swhere, 1, 200)
    if total > MAX_SEATS:
        raise SeatingError(_("The seat map would hold {total} seats; a seat map may hold at most {max} seats.")
                           .format(total=total, max=MAX_SEATS))
    return total


def generate(spec: dict) -> dict:
    """
    Build a seat map from ``spec``::

        {"name": "...", "categories": [{"name": "Standard", "color": "#3b82c4"}, ...],
         "decks": [{"name": "Main deck", "sections": [
             {"rows": 6, "seats": 10, "aisles_after": [5], "numbering": "ltr" | "rtl",
              "category": "Standard", "first_row": 1}]}]}

    Row numbers continue from one section to the next unless ``first_row`` is given.
    """
    if not isinstance(spec, dict):
        raise SeatingError(_("The generator needs decks with sections."))
    categories = spec.get("categories") if isinstance(spec.get("categories"), list) else []
    categories = [c for c in categories if isinstance(c, dict) and str(c.get("name", "")).strip()]
    if not categories:
        raise SeatingError(_("Add at least one seat category."))
    categories = [{"name": str(c["name"]).strip(), "color": c.get("color") or PALETTE[i % len(PALETTE)]}
                  for i, c in enumerate(categories)]
    category_names = {c["name"] for c in categories}
    decks = spec.get("decks") or []
    if not decks:
        raise SeatingError(_("Add at least one deck."))
    check_size(decks)

    zones, y_offset, width = [], MARGIN, 0
    for di, deck in enumerate(decks):
        dname = str(deck.get("name", "")).strip()
        where = _("deck {n}").format(n=di + 1)
        if not dname:
            raise SeatingError(_("{where}: the deck needs a name.").format(where=where))
        rows, y, next_row, deck_width = [], 0, 1, 0
        sections = deck["sections"]
        for si, section in enumerate(sections):
            swhere = _("{deck}, section {n}").format(deck=dname, n=si + 1)
            n_rows = _int(section.get("rows"), _("Rows"), swhere, 1, 200)
            n_seats = _int(section.get("seats"), _("Seats per row"), swhere, 1, 200)
            first_row = section.get("first_row")
            first_row = next_row if first_row in (None, "") else _int(first_row, _("First row"), swhere, 1, 999)
            aisles = set()
            aisles_after = section.get("aisles_after") or []
            if not isinstance(aisles_after, list):
                aisles_after = [aisles_after]
            for a in aisles_after:
                aisles.add(_int(a, _("Aisle after seat"), swhere, 1, n_seats - 1 if n_seats > 1 else 1))
            direction = section.get("numbering", "ltr")
            if direction not in ("ltr", "rtl"):
                raise SeatingError(_("{where}: numbering must be left to right or right to left.").format(
                    where=swhere))
            category = str(section.get("category", "")).strip()
            if category not in category_names:
                raise SeatingError(_("{where}: the category \"{category}\" does not exist.").format(
                    where=swhere, category=category))
            if si > 0:
                y += SECTION_GAP
            for r in range(n_rows):
                row_number = str(first_row + r)
                seats, x = [], 0
                xs = []
                for s in range(n_seats):
                    xs.append(x)
                    x += SEAT_PITCH + (AISLE if (s + 1) in aisles else 0)
                deck_width = max(deck_width, xs[-1])
                for s in range(n_seats):
                    number = s + 1 if direction == "ltr" else n_seats - s
                    seats.append({
                        "seat_guid": f"d{di + 1}-r{row_number}-s{number}",
                        "seat_number": str(number),
                        "position": {"x": xs[s], "y": 0},
                        "category": category,
                        "radius": RADIUS,
                    })
                rows.append({"row_number": row_number, "row_number_position": "start",
                             "position": {"x": MARGIN, "y": y + MARGIN}, "seats": seats})
                y += ROW_PITCH
            next_row = first_row + n_rows
        deck_height = y - ROW_PITCH + 2 * MARGIN
        hull = {"shape": "rectangle", "position": {"x": 0, "y": 0},
                "rectangle": {"width": deck_width + 2 * MARGIN, "height": deck_height},
                "color": "#f4f7fa", "border_color": "#9aa9b8"}
        zones.append({"name": dname, "zone_id": f"d{di + 1}", "position": {"x": MARGIN, "y": y_offset},
                      "rows": rows, "areas": [hull]})
        width = max(width, deck_width + 2 * MARGIN)
        y_offset += deck_height + DECK_GAP
    layout = {
        "name": str(spec.get("name") or _("Seat map")),
        "categories": categories,
        "zones": zones,
        "size": {"width": int(width + 2 * MARGIN), "height": int(y_offset - DECK_GAP + MARGIN)},
    }
    return parse(layout)
