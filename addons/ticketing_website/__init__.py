"""Prichal: storefront."""
