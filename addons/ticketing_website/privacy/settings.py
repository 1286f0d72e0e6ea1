"""Defaults of the organizer settings this feature adds to pretix's settings store."""
from i18nfield.strings import LazyI18nString

from pretix.base.settings import settings_hierarkey

from .policy import SETTING

# The operator's personal data policy (Markdown per language); empty until the operator writes it.
settings_hierarkey.add_default(SETTING, None, LazyI18nString)
