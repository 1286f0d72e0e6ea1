"""
The SMS gateway abstraction: what the notifications service needs from any SMS provider.

A provider's own status codes and error numbers stay inside its module; the service sees five delivery
states and two kinds of failure, because those are the only decisions it takes:

* :class:`GatewayRefused`: the provider will never send this message as it is (bad number, text too long,
  sender name not approved, wrong credentials). Retrying the same request is pointless: mark it failed.
* :class:`GatewayUnavailable`: not now (provider down, HTTP 5xx, rate limit, timeout, connection error).
  Retry later, after ``retry_after`` seconds when the provider said how long. ``maybe_sent`` is True when
  the request may have reached the provider before the answer was lost (a read timeout, a connection
  closed mid-answer): most providers, SMS.ru included, have no idempotence keys, so a blind retry of such a
  send can deliver the message twice.

``account_problem`` marks failures only staff can fix (credentials, balance, sender name): worth an alert,
whichever of the two it is.
"""
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar


class SmsStatus(StrEnum):
    """Where a message is. A str, so ``status == "delivered"`` and dict lookups by plain strings work."""

    QUEUED = "queued"  # accepted by the gateway, not yet handed to the mobile network
    SENT = "sent"  # handed to the network, on its way
    DELIVERED = "delivered"  # the handset confirmed it (final)
    FAILED = "failed"  # rejected or undeliverable (final)
    EXPIRED = "expired"  # the network gave up when the validity period ran out (final)

    @property
    def final(self) -> bool:
        return self in (SmsStatus.DELIVERED, SmsStatus.FAILED, SmsStatus.EXPIRED)


@dataclass(frozen=True)
class SendResult:
    """A message the gateway accepted. ``cost`` is None when the provider does not say it at sending time."""

    message_id: str
    status: SmsStatus
    segments: int
    cost: Decimal | None = None
    provider_code: int | None = None
    phone: str = ""


@dataclass(frozen=True)
class DeliveryStatus:
    """
    One delivery report, polled or called back. ``detail`` is the provider's own wording (with its code),
    for the delivery log; ``changed_at`` is when the provider says the status changed, if it says.
    """

    message_id: str
    status: SmsStatus
    provider_code: int | None = None
    detail: str = ""
    cost: Decimal | None = None
    changed_at: datetime | None = None

    @property
    def final(self) -> bool:
        return self.status.final


class GatewayError(Exception):
    """
    Base of the two failures. ``code`` is the provider's code (None for network-level failures), ``reason``
    a short stable word for logs and tests (``"auth"``, ``"recipient"``, ``"rate_limit"``, ``"timeout"``…).
    """

    def __init__(self, message: str, *, code: int | None = None, reason: str = "", retry_after: float | None = None,
                 maybe_sent: bool = False, account_problem: bool = False):
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent
        self.account_problem = account_problem

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.message!r}, code={self.code!r}, reason={self.reason!r}, "
                f"retry_after={self.retry_after!r}, maybe_sent={self.maybe_sent!r})")


class GatewayRefused(GatewayError):
    """Permanent: the provider will not send this message as it is. Do not retry."""


class GatewayUnavailable(GatewayError):
    """Temporary: try again later (``retry_after`` seconds, if known). Mind ``maybe_sent`` before resending."""


class SmsGateway(ABC):
    """
    One provider account. Implementations are cheap to construct (one per organizer and call is fine) and
    safe to use from several threads.
    """

    #: A short name for logs and settings.
    name: ClassVar[str] = ""
    #: The body a callback view answers with, so that the provider stops re-sending the report.
    callback_ack: ClassVar[str] = "OK"

    @abstractmethod
    def send(self, phone_e164: str, text: str, sender: str, idempotency_key: str) -> SendResult:
        """
        Send ``text`` to ``phone_e164`` (E.164, e.g. "+79161234567") from the approved ``sender`` name ("" for
        the account's default). ``idempotency_key`` identifies the notification: providers that support it
        deduplicate retries with it, the others as far as they can. Raises :class:`GatewayRefused` or
        :class:`GatewayUnavailable`.
        """

    @abstractmethod
    def status(self, message_id: str) -> DeliveryStatus:
        """The current status of a message this account sent (for polling when callbacks do not come)."""

    @abstractmethod
    def parse_callback(self, request_body: bytes | str | Mapping[str, Any]) -> list[DeliveryStatus]:
        """
        The delivery reports in one callback request: the raw body, or the parsed form (a Django QueryDict
        or any mapping of names to strings or lists of strings). Unrelated or unknown entries are skipped
        (so the view can still acknowledge the request); ``ValueError`` only for bodies that cannot be
        read at all. Callbacks are usually unsigned: trust them only for messages this account sent.
        """

    @abstractmethod
    def check_connection(self) -> str:
        """A short human-readable confirmation that the credentials work (e.g. the balance); raises otherwise."""
