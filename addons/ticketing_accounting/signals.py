"""Where ticketing_accounting touches pretix: every receiver of the addon is connected from this module."""
