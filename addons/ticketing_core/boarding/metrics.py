"""Check-ins by result (pretix's metrics endpoint): a wave of refusals at a pier shows before the crew calls."""
from pretix.base.metrics import Counter

checkins_total = Counter("prichal_checkins_total", "Check-in scans by result (ok or pretix's refusal reason)",
                         ["result", "source"])


def count_checkin(checkin) -> None:
    result = "ok" if checkin.successful else (checkin.error_reason or "error")
    checkins_total.inc(result=result, source="device" if checkin.device_id else "web")
