"""What the bank import did, for monitoring: a statement that matches nothing any more is a broken export."""
from pretix.base.metrics import Counter

bank_import_documents = Counter(
    "prichal_bank_import_documents_total",
    "Incoming payment documents read from bank statements, by result (matched, partial, over, unmatched, "
    "duplicate)",
    ["result"],
)
bank_import_files = Counter(
    "prichal_bank_import_files_total",
    "Bank statement uploads, by result (imported, rejected)",
    ["result"],
)
