"""
Which products get a ticket (a boarding QR code and a PDF): passenger places only. pretix issues tickets for
every product by default ("Generate tickets for all products"), so mulled wine and a photographer had boarding
passes captioned like passengers. With the setting off by default, pretix issues them for products marked as
admission (a passenger place) and for those whose own "generate tickets" setting says so — the charter time,
whose ticket boards the charter party (see ``rentals.receivers``).
"""
from pretix.base.settings import settings_hierarkey

settings_hierarkey.add_default("ticket_download_nonadm", "False", bool)
