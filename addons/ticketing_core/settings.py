"""Defaults of the settings this addon adds to pretix's organizer/event settings store."""
from pretix.base.settings import settings_hierarkey

# Minutes a vessel needs between two sailings (mooring, cleaning, boarding).
settings_hierarkey.add_default("ticketing_turnaround_minutes", "30", int)
# Reminders before departure, in hours (comma-separated; per event).
settings_hierarkey.add_default("ticketing_notify_reminder_hours", "24,2", str)
# Boarding closes this many minutes after departure (check-in rule of every sailing's list).
settings_hierarkey.add_default("ticketing_boarding_grace_minutes", "15", int)
# Inter-regional or international route (event): the checkout asks for travel documents.
settings_hierarkey.add_default("ticketing_documents_required", "False", bool)
# Days after departure the travel-document answers are kept, then erased.
settings_hierarkey.add_default("ticketing_documents_retention_days", "30", int)
