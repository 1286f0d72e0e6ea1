"""Prichal: the accountant's desk (B2B bank-invoice sales, Russian accounting documents, bank statement import and
registers for 1C), a pretix plugin on ticketing_core."""
