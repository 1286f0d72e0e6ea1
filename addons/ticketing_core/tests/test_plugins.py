"""The suite: six addons registered as pretix plugins, each enableable, none incompatible."""
from importlib import metadata

import pytest
from django.apps import apps
from packaging.requirements import Requirement

from pretix.base.plugins import (
    PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    PLUGIN_LEVEL_ORGANIZER,
    get_all_plugins,
)

ADDONS = {
    "ticketing_core": PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    "ticketing_rentals": PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    "ticketing_seating": PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    "ticketing_website": PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    "ticketing_yoomoney": PLUGIN_LEVEL_EVENT_ORGANIZER_HYBRID,
    "ticketing_helpdesk": PLUGIN_LEVEL_ORGANIZER,
}


def test_every_addon_is_a_pretix_plugin_entry_point():
    eps = {ep.name: ep.value for ep in metadata.entry_points(group="pretix.plugin")}
    for name in ADDONS:
        assert eps.get(name) == name


@pytest.mark.parametrize("name,level", ADDONS.items())
def test_plugin_meta(name, level):
    meta = apps.get_app_config(name).PretixPluginMeta
    assert meta.level == level
    assert str(meta.name) and str(meta.description)
    req = Requirement(meta.compatibility)
    assert req.name == "pretix" and req.specifier.contains(metadata.version("pretix"))
    assert "2026.8" in str(req.specifier)


def test_plugins_are_listed_and_visible():
    found = {p.module: p for p in get_all_plugins()}
    for name in ADDONS:
        assert name in found and getattr(found[name], "visible", True)


@pytest.mark.django_db
def test_plugins_can_be_enabled_on_organizer_and_event(organizer, series):
    for name, level in ADDONS.items():
        organizer.enable_plugin(name)
        if level != PLUGIN_LEVEL_ORGANIZER:
            series.enable_plugin(name)
    organizer.save()
    series.save()
    assert set(ADDONS) <= set(organizer.get_plugins())
    assert set(ADDONS) - {"ticketing_helpdesk"} <= set(series.get_plugins())


def test_pretix_is_pinned_exactly():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {Requirement(d).name.lower(): str(Requirement(d).specifier) for d in deps}
    assert pins["pretix"] == "==2026.8.0"
    assert all(spec.startswith("==") for spec in pins.values()), pins
    reqs = (root / "requirements.txt").read_text()
    assert "pretix==2026.8.0" in reqs
