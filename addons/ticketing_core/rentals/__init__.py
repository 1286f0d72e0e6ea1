"""Boat and yacht rentals: charter offers, hourly rates and the vessel occupancy every booking goes through."""
