"""Changing a PDF ticket layout for one ticket (pretix's ``override_layout``) without touching the stored one."""
import json
from collections.abc import Callable

from pretix.plugins.ticketoutputpdf.models import TicketLayout


def layout_copy(layout: TicketLayout, elements: list, event) -> TicketLayout:
    """An unsaved copy of ``layout`` with other elements; it keeps the primary key, so pretix caches stay valid."""
    copy = TicketLayout(event=layout.event if layout.event_id else event, name=layout.name,
                        layout=json.dumps(elements), background=layout.background)
    copy.pk = layout.pk
    return copy


def edited_layout(layout: TicketLayout, event, edit: Callable[[list], bool]) -> TicketLayout:
    """
    ``layout`` with its elements changed by ``edit`` (which returns whether it changed anything), as a copy for one
    ticket; the stored layout, or an unreadable one, is returned unchanged.
    """
    try:
        elements = json.loads(layout.layout)
    except (TypeError, ValueError):
        return layout
    return layout_copy(layout, elements, event) if edit(elements) else layout
