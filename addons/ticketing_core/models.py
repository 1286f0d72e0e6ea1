"""
The Django models of this app (label ``ticketing_core``), each defined in the slice that owns it; Django looks
for them here. The tables keep their names (``ticketing_core_<model>``), so no migration follows a move.
"""
from .boarding.models import BoardingList  # noqa: F401
from .fleet.models import EventKind, Pier, Sailing, Vessel  # noqa: F401
from .kpi.models import FunnelDay, SailingFigures  # noqa: F401
from .notifications.models import ContactPreference, Notification  # noqa: F401
