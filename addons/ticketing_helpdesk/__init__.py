"""Prichal: helpdesk."""
