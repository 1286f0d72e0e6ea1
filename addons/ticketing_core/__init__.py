"""Prichal core: vessels, piers, sailings, capacity and the refund policy that every other addon relies on."""
