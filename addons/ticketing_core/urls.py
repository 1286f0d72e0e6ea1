"""
Every URL of the addon, gathered from its slices (one namespace, ``plugins:ticketing_core``, so the names do
not say which slice holds a page): ``fleet/urls.py``, ``policy/urls.py``, ``notifications/urls.py``,
``boarding/urls.py``, ``kpi/urls.py``, ``flags/urls.py``.
"""
from django.urls import path

from .boarding import urls as boarding_urls
from .flags import urls as flag_urls
from .fleet import urls as fleet_urls
from .kpi import urls as kpi_urls
from .notifications import urls as notification_urls
from .observability import health
from .policy import urls as policy_urls

urlpatterns = [*flag_urls.urlpatterns, *fleet_urls.urlpatterns, *boarding_urls.urlpatterns, *policy_urls.urlpatterns,
               *notification_urls.urlpatterns, *kpi_urls.urlpatterns,
               path("_prichal/health/", health.health, name="health")]

organizer_patterns = [*notification_urls.organizer_patterns]

