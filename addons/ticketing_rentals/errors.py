"""Why a charter is refused; both are ticketing_core's ``TicketingError``, so its middleware and views show them."""
from ticketing_core.errors import TicketingError


class RentalError(TicketingError):
    """A charter request breaks the offer's rules (duration, opening hours, notice, guests, rates)."""


class SlotTaken(RentalError):
    """The vessel is not free for the requested time (another sailing, charter or hold, turnaround included)."""
