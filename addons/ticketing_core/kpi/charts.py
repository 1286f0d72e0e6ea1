"""
The dashboard's charts as SVG drawn on the server: no JavaScript, nothing from other hosts, printable, and within
a strict CSP (presentation attributes and classes only, no inline styles or scripts). Each chart carries a
``<title>`` and ``role="img"`` with an ``aria-label`` so screen readers get the figures too.
"""
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
COLORS = ("#3b6fb6", "#e08a2e", "#4a9a5a", "#9b59b6", "#c0392b")


def _num(value) -> str:
    return f"{float(value):.1f}"


def hbars(title: str, items: list[tuple[str, float, str]], height_per_bar: int = 26) -> SafeString:
    """Horizontal bars: ``(label, value, text shown at the bar's end)``."""
    top = max((float(v) for _l, v, _t in items), default=0) or 1
    label_w, bar_w = 170, WIDTH - 170 - 140
    height = len(items) * height_per_bar + 8
    rows = []
    for i, (label, value, text) in enumerate(items):
        y = 4 + i * height_per_bar
        w = max(float(value) / top * bar_w, 1 if value else 0)
        rows.append(format_html(
            '<text x="{}" y="{}" text-anchor="end" class="kpi-label">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" class="kpi-value">{}</text>',
            label_w - 8, y + height_per_bar * 0.62, label,
            label_w, y + 3, _num(w), height_per_bar - 8, COLORS[i % len(COLORS)], label, text,
            _num(label_w + w + 6), y + height_per_bar * 0.62, text))
    return _svg(title, height, _join(rows))


def columns(title: str, items: list[tuple[str, float | None]], maximum: float = 100, unit: str = "%") -> SafeString:
    """Vertical columns over time (e.g. load factor per day); ``None`` leaves a gap (no sailing that day)."""
    height, base, left = 180, 150, 36
    n = max(len(items), 1)
    step = (WIDTH - left - 8) / n
    parts = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" class="kpi-axis"/>', left, base, WIDTH - 4, base)]
    for tick in (0, 50, 100):
        y = base - tick / maximum * (base - 10)
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" class="kpi-tick">{}{}</text>'
                                 '<line x1="{}" y1="{}" x2="{}" y2="{}" class="kpi-grid"/>',
                                 left - 4, _num(y + 4), tick, unit, left, _num(y), WIDTH - 4, _num(y)))
    every = max(n // 8, 1)
    for i, (label, value) in enumerate(items):
        x = left + i * step
        if value is not None:
            h = min(float(value), maximum) / maximum * (base - 10)
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}{}</title>'
                                     '</rect>', _num(x + 1), _num(base - h), _num(max(step - 2, 1)), _num(h),
                                     COLORS[0], label, value, unit))
        if i % every == 0:
            parts.append(format_html('<text x="{}" y="{}" class="kpi-tick">{}</text>', _num(x), base + 16, label))
    return _svg(title, height, _join(parts))


def lines(title: str, xs: list[str], series: list[tuple[str, list[float | None]]]) -> SafeString:
    """Lines over the same x labels (the booking pace: this season against the previous one)."""
    height, base, left = 200, 160, 44
    top = max((float(v) for _n, vs in series for v in vs if v is not None), default=0) or 1
    step = (WIDTH - left - 16) / max(len(xs) - 1, 1)
    parts = [format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" class="kpi-axis"/>', left, base, WIDTH - 4, base)]
    for frac in (0, 0.5, 1):
        y = base - frac * (base - 12)
        parts.append(format_html('<text x="{}" y="{}" text-anchor="end" class="kpi-tick">{}</text>'
                                 '<line x1="{}" y1="{}" x2="{}" y2="{}" class="kpi-grid"/>',
                                 left - 4, _num(y + 4), round(top * frac), left, _num(y), WIDTH - 4, _num(y)))
    for i, x in enumerate(xs):
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle" class="kpi-tick">{}</text>',
                                 _num(left + i * step), base + 16, x))
    for k, (name, values) in enumerate(series):
        points = [(left + i * step, base - float(v) / top * (base - 12)) for i, v in enumerate(values)
                  if v is not None]
        if not points:
            continue
        color = COLORS[k % len(COLORS)]
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                                 'stroke-dasharray="{}"/>',
                                 " ".join(f"{_num(x)},{_num(y)}" for x, y in points), color, "6 4" if k else "none"))
        parts.append(format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>',
                                      ((_num(x), _num(y), color, name) for x, y in points)))
        parts.append(format_html('<rect x="{}" y="{}" width="12" height="4" fill="{}"/>'
                                 '<text x="{}" y="{}" class="kpi-label">{}</text>',
                                 left + 8 + k * 200, base + 30, color, left + 24 + k * 200, base + 36, name))
    return _svg(title, height + 20, _join(parts))


def _join(parts: list) -> SafeString:
    """Pieces that format_html already escaped, joined without escaping them twice (and without mark_safe)."""
    return format_html_join("", "{}", ((p,) for p in parts))


def _svg(title: str, height: int, body: SafeString) -> SafeString:
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                       'class="kpi-chart" preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>',
                       WIDTH, height, title, title, body)


def as_float(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)
