"""The KPI dashboard and its export, under the organizer in the back office."""
from django.urls import re_path

from . import views

KPI = r"^control/organizer/(?P<organizer>[^/]+)/kpi/"

urlpatterns = [
    re_path(KPI + r"$", views.Dashboard.as_view(), name="kpi.dashboard"),
    re_path(KPI + r"export\.xlsx$", views.Export.as_view(), name="kpi.export"),
]
