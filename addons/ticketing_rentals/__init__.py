"""Prichal: boat and yacht rentals (charters by the hour), a pretix plugin on ticketing_core's fleet and policy."""
