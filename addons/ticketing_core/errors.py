"""The one error type that domain services raise; views turn it into a message, the API into HTTP 400."""


class TicketingError(Exception):
    """A rule of the domain refused an operation; ``str(exc)`` is a translated sentence for people."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CapacityError(TicketingError):
    pass


class ScheduleConflict(TicketingError):
    pass


class FleetError(TicketingError):
    pass


class PolicyViolation(TicketingError):
    pass
