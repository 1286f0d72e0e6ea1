"""
The operator's name as customers read it, in their language. pretix's ``Organizer.name`` is one plain text (the
back office, invoices and the organizer's legal identity keep it), and pretix's shop pages print it in their
header and title, so "Нева Круиз" stayed in Cyrillic on English and Chinese pages. The storefront setting
``ticketing_public_name`` (organizer *Storefront* page, every shop language) holds the public name; empty means
pretix's name.

pretix has no hook for its header, so :func:`localize_organizer` puts the localized name on the request's
organizer object (never saved) before a shop page is rendered: pretix's ``process_request`` signal for event
pages, our own views (catalogue, policy, account pages) for organizer pages. (A middleware's
``process_template_response`` comes too late: pretix's view wrappers render the page themselves.)
"""
from i18nfield.strings import LazyI18nString

from pretix.base.models import Organizer
from pretix.base.settings import settings_hierarkey

SETTING = "ticketing_public_name"
APP = "ticketing_website"

settings_hierarkey.add_default(SETTING, None, LazyI18nString)


def public_name(organizer: Organizer) -> str:
    """The organizer's public name in the active language, else pretix's name."""
    value = organizer.settings.get(SETTING, as_type=LazyI18nString)
    text = str(value).strip() if value else ""
    return text or organizer.name


def localize_organizer(request) -> None:
    """On a shop page, the request's organizer object carries the public name, for pretix's header and title."""
    organizer = getattr(request, "organizer", None)
    if (isinstance(organizer, Organizer) and not getattr(organizer, "_ticketing_legal_name", None)
            and not request.path.startswith(("/control/", "/api/")) and APP in organizer.get_plugins()):
        organizer._ticketing_legal_name = organizer.name
        organizer.name = public_name(organizer)
