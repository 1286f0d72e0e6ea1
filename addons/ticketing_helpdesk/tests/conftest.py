"""Fixtures shared by the helpdesk tests (each part keeps its own in a module and imports it here)."""
from .console_fixtures import agent, agent_client, customer, order  # noqa: F401
