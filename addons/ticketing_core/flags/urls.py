from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^control/global/prichal-flags/$", views.FlagList.as_view(), name="flags"),
]
