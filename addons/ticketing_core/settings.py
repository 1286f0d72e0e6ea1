"""Defaults of the settings this addon adds to pretix's organizer/event settings store."""
from pretix.base.settings import settings_hierarkey

# Minutes a vessel needs between two sailings (mooring, cleaning, boarding).
settings_hierarkey.add_default("ticketing_turnaround_minutes", "30", int)
# Reminders before departure, in hours (comma-separated; per event).
settings_hierarkey.add_default("ticketing_notify_reminder_hours", "24,2", str)
