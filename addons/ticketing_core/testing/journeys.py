"""
Helpers of the journey tests (marked ``journey``; part of ``make test``, alone by ``make journeys``): one headless
Chromium per test module, pages that record every browser console error, screenshots into var/journeys/. A journey
opens only its first page by address (what a person types); everything after that is clicks on visible buttons and
links and typing into visible fields.
"""
import os
import re
from pathlib import Path

import pytest

from .fixtures import CHROMIUM, CHROMIUM_ARGS

SHOTS = Path(os.environ.get("PRICHAL_JOURNEY_SHOTS")
             or Path(__file__).resolve().parents[3] / "var" / "journeys")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
BROWSER_LOCALE = {"ru": "ru-RU", "en": "en-GB", "zh-hans": "zh-CN"}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture(scope="module")
def journey_browser():
    """One Chromium for every journey of a module (starting it costs about a second)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls in the test stay synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def styled(settings):
    """pretix's stylesheets compiled as in production (the test settings skip SCSS): the phone's layout is real."""
    settings.COMPRESS_ENABLED = True
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_CACHE_BACKEND = "default"


class Person:
    """A browser tab of one person: their language and device, and the console errors their pages logged."""

    def __init__(self, browser, lang: str, device: str, name: str):
        self.context = browser.new_context(locale=BROWSER_LOCALE[lang], accept_downloads=True,
                                           extra_http_headers={"Accept-Language": lang},
                                           **(PHONE if device == "phone" else DESKTOP))
        self.page = self.context.new_page()
        self.page.set_default_timeout(20000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.device = device
        self.name = name
        self.shots = 0

    def press(self, locator) -> None:
        """Click (desktop) or tap (phone) a visible element."""
        locator = locator.first
        locator.scroll_into_view_if_needed()
        assert locator.is_visible(), locator
        locator.tap() if self.device == "phone" else locator.click()

    def type(self, locator, text: str) -> None:
        locator = locator.first
        locator.scroll_into_view_if_needed()
        assert locator.is_visible(), locator
        locator.fill(text)

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.shots}-{step}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert not self.errors, self.errors
