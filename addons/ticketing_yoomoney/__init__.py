"""Prichal: YooKassa (YooMoney)."""
