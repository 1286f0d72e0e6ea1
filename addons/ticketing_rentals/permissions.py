"""The permissions charters need: pretix's own, named here so views and menus refer to one place."""
from ticketing_core.permissions import SAILING_CANCEL  # noqa: F401 - cancelling a charter is cancelling a sailing

# The charter offer (vessels, hours, rates) is part of editing the event's products and prices.
RENTALS_WRITE = "event.items:write"
