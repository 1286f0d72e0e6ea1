"""The bond between a sailing and the pretix check-in list kept for it, and when its no-shows were summed up."""
from django.db import models
from django_scopes import ScopedManager


class BoardingList(models.Model):
    """
    The check-in list ``lists.sync_list`` keeps for a sailing. Staff never build lists by hand: the row says which
    of pretix's lists is ours, so a list staff added themselves is never renamed or deleted.
    """

    sailing = models.OneToOneField("ticketing_core.Sailing", on_delete=models.CASCADE, related_name="boarding_list")
    checkin_list = models.OneToOneField("pretixbase.CheckinList", on_delete=models.CASCADE,
                                        related_name="ticketing_boarding")
    noshows_logged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedManager(organizer="sailing__event__organizer")

    class Meta:
        app_label = "ticketing_core"
