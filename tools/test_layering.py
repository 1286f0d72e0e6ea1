"""The layering of the addons (see tools/layering.py) holds, and the check notices a bad import."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import layering  # noqa: E402


def test_the_addons_follow_their_layering():
    assert layering.findings() == []


def test_the_known_package_circles_still_exist_so_the_list_only_shrinks():
    existing = {frozenset(cycle) for addon in layering.ADDON_DEPENDENCIES
                for cycle in layering.dependency_cycles(layering.package_graph(addon))}
    assert layering.KNOWN_PACKAGE_CYCLES <= existing, "a circle is gone: remove it from KNOWN_PACKAGE_CYCLES"


def test_core_importing_an_addon_above_it_is_found():
    sources = {
        "ticketing_core.testing.seating": "from ticketing_seating.models import EventSeatCategory\n",
        "ticketing_core.demo": "def load():\n    from ticketing_helpdesk.demo_cases import load_cases_demo\n",
        "ticketing_core.fleet.views": "from ticketing_core.models import Vessel\nimport pretix\n",
    }
    found = layering.addon_violations("ticketing_core", sources=sources)
    assert found == [
        "ticketing_core.demo:2: ticketing_core imports ticketing_helpdesk.demo_cases "
        "(ticketing_helpdesk is not below ticketing_core)",
        "ticketing_core.demo:2: ticketing_core imports ticketing_helpdesk.demo_cases.load_cases_demo "
        "(ticketing_helpdesk is not below ticketing_core)",
        "ticketing_core.testing.seating:1: ticketing_core imports ticketing_seating.models "
        "(ticketing_seating is not below ticketing_core)",
        "ticketing_core.testing.seating:1: ticketing_core imports ticketing_seating.models.EventSeatCategory "
        "(ticketing_seating is not below ticketing_core)",
    ]


def test_an_addon_importing_one_beside_it_is_found_and_allowed_ones_are_not():
    sources = {"ticketing_rentals.views.bad": "from ticketing_website.catalogue import query\n",
               "ticketing_rentals.views.good": "from ticketing_core.fleet.schedule import turnaround\n"}
    found = layering.addon_violations("ticketing_rentals", sources=sources)
    assert [f.split(":")[0] for f in found] == ["ticketing_rentals.views.bad", "ticketing_rentals.views.bad"]


def test_a_slice_of_core_importing_one_above_it_is_found():
    sources = {
        "ticketing_core.fleet.tasks": "from ..notifications.service import notify\n",
        "ticketing_core.notifications.service": "from ..fleet.models import Sailing\n",
        "ticketing_core.policy.rules": "from ..fleet.models import Sailing\n",
    }
    assert layering.core_slice_violations(sources) == [
        "ticketing_core.fleet imports ticketing_core.notifications, a slice above it"]
    graph = layering.package_graph("ticketing_core", sources)
    assert layering.dependency_cycles(graph) == [
        ["ticketing_core.fleet", "ticketing_core.notifications", "ticketing_core.fleet"]]


def test_circles_between_addons_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert layering.dependency_cycles(graph) == [["a", "b", "c", "a"]]
    assert layering.dependency_cycles(layering.ADDON_DEPENDENCIES) == []
