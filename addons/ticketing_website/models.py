"""Models of the storefront; each lives with its feature and is imported here for Django."""
from .privacy.models import Consent, PolicyVersion  # noqa: F401
