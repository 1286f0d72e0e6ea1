"""
The numbers of the season (issue 18, section 2): the organizer's KPI dashboard and its XLSX export, the event
dashboard widgets, and the shop's anonymous conversion funnel.

* ``figures.py`` computes per-sailing figures (capacity, sold, paid, load factor, revenue, refunds, no-shows,
  channel mix) and the booking pace with a handful of grouped SQL queries — no per-order Python loops.
* ``funnel.py`` is the one counting point of the funnel (``record_step``) and its daily summary table.
* ``views.py``/``widgets.py``/``export.py`` are the pages; ``charts.py`` draws the charts as SVG on the server
  (no JavaScript, nothing from other hosts).
"""
