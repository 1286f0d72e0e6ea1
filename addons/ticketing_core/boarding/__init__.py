"""
Boarding day: one pretix check-in list per sailing kept in step with it (``lists.py``), boarding that closes at
departure plus a grace period (a pretix check-in rule, so pretixSCAN enforces it offline too), the crew's web
boarding page (``views.py``) that checks in through pretix's own service (``service.py``), the passenger manifest
a captain signs (``manifest.py``, ``pdf.py``, ``xlsx.py``), no-shows (``noshows.py``) and the travel-document
questions of inter-regional and international routes (``documents.py``).

It sits above ``fleet`` (a list belongs to a sailing) and talks to nothing above it.
"""
