"""
The operator's personal data policy (152-FZ): its text is an organizer setting edited in the back office in
every shop language, and each wording gets a version, the hash of the text, kept with the exact words so that
a consent can always be shown with what the customer agreed to.
"""
import hashlib
import json

from django.db import IntegrityError, transaction
from i18nfield.strings import LazyI18nString

from pretix.base.models import Organizer
from pretix.multidomain.urlreverse import eventreverse

from .models import PolicyVersion

SETTING = "ticketing_privacy_policy"
OPERATOR_SETTING = "ticketing_privacy_operator"
APP = "ticketing_website"


def policy_data(organizer: Organizer) -> dict:
    """The text of the policy per language, e.g. ``{"ru": "…", "en": "…"}`` (empty languages left out)."""
    text = organizer.settings.get(SETTING, as_type=LazyI18nString)
    data = text.data if text is not None else {}
    if isinstance(data, str):
        data = {"ru": data}
    return {lang: value for lang, value in (data or {}).items() if value and value.strip()}


def version_of(data: dict) -> str:
    """A short hash of the text; any change in any language makes a new version."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()[:12]


VERSION_CACHE_KEY = "ticketing_policy_version:{}"
VERSION_CACHE_SECONDS = 3600


def find_version(organizer: Organizer, version: str) -> PolicyVersion | None:
    """
    The stored wording ``version`` of the organizer's policy, or None. A version is the hash of its text and is
    never changed or deleted (consents protect it), so once found it is kept on the organizer object (the checkout
    asks up to three times per request) and in pretix's organizer cache (every checkout step and the order
    placement ask: one query each before, issue 21). It enters the cache only once its row is committed, so a
    rolled-back creation is never remembered.
    """
    known = organizer.__dict__.setdefault("_ticketing_policy_versions", {})
    if version in known:
        return known[version]
    key = VERSION_CACHE_KEY.format(version)
    found = organizer.cache.get(key)
    if not isinstance(found, PolicyVersion) or found.organizer_id != organizer.pk or found.version != version:
        found = PolicyVersion.objects.filter(organizer=organizer, version=version).first()
        if found is None:
            return None
        transaction.on_commit(lambda: organizer.cache.set(key, found, VERSION_CACHE_SECONDS))
    known[version] = found
    return found


def current_version(organizer: Organizer) -> PolicyVersion:
    """The version of the text in force now (created on first use, so every wording shown is kept)."""
    data = policy_data(organizer)
    version = version_of(data)
    found = find_version(organizer, version)
    if found:
        return found
    try:
        with transaction.atomic():
            return PolicyVersion.objects.create(organizer=organizer, version=version, text=data)
    except IntegrityError:  # two requests at once created it
        return PolicyVersion.objects.get(organizer=organizer, version=version)


def policy_url(organizer: Organizer) -> str:
    return eventreverse(organizer, f"plugins:{APP}:privacy.policy")
