__version__ = "0.1.0"

# The pretix release every Prichal addon is built and tested against (PEP 508 requirement string).
PRETIX_COMPATIBILITY = "pretix>=2026.8.0,<2026.9"
