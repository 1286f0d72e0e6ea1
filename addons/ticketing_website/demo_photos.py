"""
Pictures for the demo events, drawn here with Pillow (no stock photos to license, nothing fetched), so the event
page, its link preview and JSON-LD show how photos look before the operator uploads real ones. They are stored
exactly as an upload on the event's Storefront settings page is: a file in pretix's storage, ``file://`` setting.
"""
import io
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from pretix.base.models import Event

from .catalogue.event_page import PHOTO_KEYS

SIZE = (1200, 800)
HORIZON = 470

# sky top, sky bottom, water, sun or moon, hull: one mood per demo event
SCENES = {
    "evening-canals": [("#1d3b6e", "#f3a15a", "#23476b", "#ffd27a", "#f4f1ea"),
                       ("#2a4d7f", "#e9826a", "#1f3d5c", "#ffe3a3", "#1c2b3a")],
    "bridges": [("#060b1f", "#1b2b57", "#0b1630", "#f2f0d8", "#e8e4d8"),
                ("#0a1230", "#3b3f7a", "#101c3c", "#fff6c9", "#d8d2c4")],
    "jazz": [("#24123d", "#7a3b6e", "#1d1533", "#f7c873", "#f0e6d2"),
             ("#311a4d", "#b0566b", "#22183a", "#ffd89a", "#1a1425")],
    "aurora-rental": [("#2f86c8", "#bfe3f5", "#1f6f9f", "#fff3c4", "#ffffff"),
                      ("#3a93d0", "#d6eef8", "#2a7fb0", "#fff8d8", "#f7f7f2")],
}


def _gradient(draw: ImageDraw.ImageDraw, top: str, bottom: str) -> None:
    t, b = Image.new("RGB", (1, 1), top).getpixel((0, 0)), Image.new("RGB", (1, 1), bottom).getpixel((0, 0))
    for y in range(HORIZON):
        f = y / HORIZON
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(int(t[i] + (b[i] - t[i]) * f) for i in range(3)))


def _skyline(draw: ImageDraw.ImageDraw, rnd: random.Random, lit: bool) -> None:
    x = 0
    while x < SIZE[0]:
        w, h = rnd.randint(50, 120), rnd.randint(40, 130)
        draw.rectangle([x, HORIZON - h, x + w, HORIZON], fill="#1a2233")
        if rnd.random() < 0.25:  # a dome or a spire, as on the Neva's embankments
            draw.polygon([(x + w // 2 - 6, HORIZON - h), (x + w // 2, HORIZON - h - 60), (x + w // 2 + 6, HORIZON - h)],
                         fill="#c9a54a" if lit else "#1a2233")
        if lit:
            for wy in range(HORIZON - h + 10, HORIZON - 8, 18):
                for wx in range(x + 8, x + w - 8, 16):
                    if rnd.random() < 0.45:
                        draw.rectangle([wx, wy, wx + 5, wy + 7], fill="#ffd98a")
        x += w + rnd.randint(0, 10)


def _bridge(draw: ImageDraw.ImageDraw, lit: bool) -> None:
    draw.rectangle([0, HORIZON - 120, SIZE[0], HORIZON - 95], fill="#141a28")
    for cx in (200, 600, 1000):
        draw.chord([cx - 180, HORIZON - 110, cx + 180, HORIZON + 140], 180, 360, fill=None, outline="#141a28",
                   width=26)
        if lit:
            for lx in range(cx - 160, cx + 161, 40):
                draw.ellipse([lx - 4, HORIZON - 132, lx + 4, HORIZON - 124], fill="#fff1b8")


def _boat(draw: ImageDraw.ImageDraw, x: int, hull: str, yacht: bool) -> None:
    y = HORIZON + 150
    if yacht:
        draw.polygon([(x, y), (x + 520, y), (x + 470, y + 70), (x + 60, y + 70)], fill=hull)
        draw.polygon([(x + 120, y), (x + 380, y), (x + 340, y - 60), (x + 170, y - 60)], fill="#dfe8ee")
        draw.line([(x + 260, y - 60), (x + 260, y - 300)], fill="#cfd8de", width=8)
        draw.polygon([(x + 268, y - 290), (x + 268, y - 70), (x + 430, y - 70)], fill="#f7f7f2")
    else:
        draw.polygon([(x, y), (x + 620, y), (x + 580, y + 60), (x + 30, y + 60)], fill=hull)
        draw.rectangle([x + 70, y - 70, x + 560, y], fill="#dfe6ea" if hull != "#1c2b3a" else "#2b3b4d")
        for wx in range(x + 90, x + 540, 46):
            draw.rectangle([wx, y - 55, wx + 30, y - 25], fill="#7fb2d6")
    draw.line([(x - 40, y + 70), (x + 700, y + 70)], fill="#ffffff", width=3)


def draw_scene(slug: str, number: int) -> bytes:
    """One 1200×800 JPEG: sky, sun or moon, the city's skyline or a bridge, water and a boat."""
    sky_top, sky_bottom, water, light, hull = SCENES[slug][number % len(SCENES[slug])]
    rnd = random.Random(f"{slug}-{number}")  # the same picture on every `make run`  # nosec B311 # shapes of a demo picture, not a secret
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    _gradient(draw, sky_top, sky_bottom)
    night = slug in ("bridges", "jazz")
    cx, cy, r = rnd.randint(150, 1050), rnd.randint(90, 260), 46 if night else 70
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=light)
    _skyline(draw, rnd, lit=night)
    if slug == "bridges" or number == 1:
        _bridge(draw, lit=night)
    draw.rectangle([0, HORIZON, SIZE[0], SIZE[1]], fill=water)
    for _ in range(140):  # ripples and the light's reflection
        y, x = rnd.randint(HORIZON + 4, SIZE[1] - 4), rnd.randint(0, SIZE[0])
        near = abs(x - cx) < 120
        draw.line([(x, y), (x + rnd.randint(20, 90), y)], fill=light if near else "#ffffff", width=2 if near else 1)
    _boat(draw, rnd.randint(120, 480), hull, yacht=slug == "aurora-rental")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def add_demo_photos(event: Event) -> int:
    """Give a demo event its pictures unless it has photos already (uploaded ones are never replaced)."""
    if event.slug not in SCENES or any(event.settings.get(key, as_type=str, default="") for key in PHOTO_KEYS):
        return 0
    for number, key in enumerate(PHOTO_KEYS[:len(SCENES[event.slug])]):
        name = default_storage.save(f"{event.organizer.slug}/{event.slug}/{key}.demo.jpg",
                                    ContentFile(draw_scene(event.slug, number)))
        event.settings.set(key, f"file://{name}")
    return len(SCENES[event.slug])
