"""
Metrics of the documents (pretix's Redis-backed metrics, served on its ``/metrics`` endpoint): a Счёт or an act
that fails to be issued or sent means a buyer cannot pay or book the expense, and an act missing after a sailing is
a gap in the books.
"""
from pretix.base.metrics import Counter

documents_issued = Counter("ticketing_accounting_documents_issued_total",
                           "Accounting documents issued, by kind (invoice, act, upd)", ["kind"])
documents_failed = Counter("ticketing_accounting_documents_failed_total",
                           "Accounting documents that could not be issued or sent, by kind and step",
                           ["kind", "step"])
