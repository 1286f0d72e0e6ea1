"""Fixtures shared by the helpdesk tests (each part keeps its own in a module and imports it here)."""
# YooKassa's emulator and a paid YooKassa order, from ticketing_yoomoney's tests (refunds go through YooKassa)
from ticketing_yoomoney.tests.conftest import (  # noqa: E402,F401
    paid,
    paying,
    pending_order,
    rf_request,
    shop,
)

from .console_fixtures import agent, agent_client, console_customer, order  # noqa: F401
