"""
Every URL of the addon, gathered from its slices (one namespace, ``plugins:ticketing_core``, so the names do
not say which slice holds a page): ``fleet/urls.py``, ``policy/urls.py``, ``notifications/urls.py``,
``flags/urls.py``.
"""
from .flags import urls as flag_urls
from .fleet import urls as fleet_urls
from .notifications import urls as notification_urls
from .policy import urls as policy_urls

urlpatterns = [*flag_urls.urlpatterns, *fleet_urls.urlpatterns, *policy_urls.urlpatterns,
               *notification_urls.urlpatterns]

organizer_patterns = [*notification_urls.organizer_patterns]

