"""Metrics of the fleet slice (pretix's metric classes, see ``ticketing_core.observability.metrics``)."""
from ..observability.metrics import INF, Histogram

# How long placing an order waited for the sailings' quota locks (capacity.hold_capacity_lock): the first
# thing to rise when a peak sale queues buyers on one sailing. No labels: sailing ids are not labels.
capacity_lock_wait_seconds = Histogram(
    "prichal_capacity_lock_wait_seconds", "Seconds placing an order waited for the sailing capacity lock.", [],
    buckets=[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, INF])
