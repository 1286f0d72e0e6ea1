"""Tickets and documents (PDF tickets, invoices) for every event of the suite: fonts and which products get a ticket."""
