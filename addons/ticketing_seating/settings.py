"""Defaults of this addon's event settings (pretix's settings store; events inherit the organizer's)."""
from pretix.base.settings import settings_hierarkey

# The most seats one order may hold.
settings_hierarkey.add_default("ticketing_seating_max_seats", "10", int)
# Refuse a choice that leaves one empty seat alone between taken seats in a row.
settings_hierarkey.add_default("ticketing_seating_no_single_gap", "True", bool)
# Seconds between two availability refreshes of the open seat picker.
settings_hierarkey.add_default("ticketing_seating_refresh_seconds", "15", int)
# Passenger products (admission) that a seated sailing sells without a seat, e.g. a small child on a lap:
# comma-separated product ids; every other passenger there needs a seat.
settings_hierarkey.add_default("ticketing_seating_seatless_items", "", str)
