"""The error seat-map services raise; ``str(exc)`` is a translated sentence, ``errors`` every problem found."""
from ticketing_core.errors import TicketingError


class SeatingError(TicketingError):
    """A seat map, a mapping or a block was refused. ``errors`` lists every problem (for imports)."""

    def __init__(self, message, errors: list | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [message])
