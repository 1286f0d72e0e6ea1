"""The addon's models live in their concept packages; Django finds them through this module."""
from .bankimport.models import BankPayment, StatementImport  # noqa: F401
