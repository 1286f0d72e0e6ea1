"""
Passenger names on sailings. The manifest at the gangway lists who is on board, so the shop asks every
passenger's name: pretix asks names only for products that are "personalized" admissions (``Item.
ask_attendee_data``), and its own model leaves new products impersonal. A new passenger place is therefore
personalized, and names are required unless the operator switches it off per event (pretix's settings
*Ask for attendee names* / *Attendee names required*). Products that are no passenger place (mulled wine,
a photographer, the charter time) are left alone.
"""
from pretix.base.models import Item
from pretix.base.settings import settings_hierarkey

settings_hierarkey.add_default("attendee_names_required", "True", bool)


def personalize_new_passenger_place(item: Item) -> None:
    """Called before a product is saved: a passenger place being created asks its passenger's name."""
    if item.pk is None and item.admission and not item.personalized:
        item.personalized = True
