"""Prichal: seat maps."""
