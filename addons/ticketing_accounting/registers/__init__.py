"""The accountant's registers: payments and refunds, advances and revenue, daily totals, YooKassa reconciliation."""
