"""The addon's models live in their concept packages; Django finds them through this module."""
from .b2b.models import B2BBuyer  # noqa: F401
from .bankimport.models import BankPayment, StatementImport  # noqa: F401
from .documents.models import Document, DocumentCounter  # noqa: F401
