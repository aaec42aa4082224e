"""The catalog answers questions about itself: ballistic classes, missiles, ballistic-capable rounds, cheap layers.

Each answer follows the flag the data sets (`ballistic`, a family's `missile`,
`ballistic_capable`, a battery type's `cheap`), never a name or a cost: a
catalog that moves a flag gets the answers its data says. (That the report's
answers are the same under a catalog whose classes, families and rounds have
other names is tested in `test_report.py`.)
"""

import copy

import numpy as np
import pytest

from model import AirCampaign, build_scenario, load_scenario, scenario_data

BASE, SOURCE = scenario_data("baseline-2025")
CATALOG = load_scenario("baseline-2025").catalog


def catalog_with(**tables):
    """The baseline's catalog with some of its tables' entries changed (`families={"cruise": {...}}`)."""
    raw = copy.deepcopy(BASE)
    for table, entries in tables.items():
        for name, changes in entries.items():
            raw["catalog"][table][name] = {**raw["catalog"][table][name], **changes}
    return build_scenario(raw, SOURCE).catalog


def test_missiles_are_the_ballistic_classes_and_those_of_the_families_marked_missile():
    members = {f: [n for n, t in CATALOG.threats.items() if t.family == f] for f in CATALOG.families}
    assert all(CATALOG.families[f].missile for f in ("cruise", "ballistic"))
    assert CATALOG.missile_classes() == members["cruise"] + members["ballistic"]
    assert not {n for n, t in CATALOG.threats.items() if t.mimics or t.family is None} & set(CATALOG.missile_classes())
    assert CATALOG.ballistic_classes() == members["ballistic"]
    unmarked = catalog_with(families={"cruise": {"missile": False}})
    assert unmarked.missile_classes() == members["ballistic"]  # ballistic classes are missiles whatever the flag


def test_ballistic_capable_rounds_and_cheap_layers_follow_their_flags():
    assert CATALOG.ballistic_capable() == [n for n, k in CATALOG.interceptors.items() if k.ballistic_capable]
    assert set(CATALOG.ballistic_capable()) == set(CATALOG.battery_types["patriot"].interceptors)
    moved = catalog_with(interceptors={"aim120": {"ballistic_capable": True}},
                         battery_types={"gun": {"cheap": False}, "medium_sam": {"cheap": True}})
    assert "aim120" in moved.ballistic_capable()
    assert "gun" not in moved.cheap_layers() and "medium_sam" in moved.cheap_layers()


def test_the_cheap_flags_mark_the_layers_whose_rounds_cost_under_100_000_dollars():
    """The data keeps the rule the flag replaced: a layer is cheap when each of its rounds costs under $100k."""
    for name, btype in CATALOG.battery_types.items():
        under = all(CATALOG.interceptors[r].cost_usd < 100_000 for r in btype.interceptors)
        assert btype.cheap == under, name
    assert len(CATALOG.cheap_layers()) == 4


PLANNED = {"kh101": 2.0, "kalibr": 2.0, "iskander_m": 1.0, "kinzhal": 1.0}


def adapted_routine(tiny, catalog: dict | None = None) -> dict[str, float]:
    """Routine means after one night in which kalibr and iskander_m leaked most, by class."""
    tiny["catalog"] = catalog or {}
    tiny["attacker"]["routine"] = {"mean": dict(PLANNED), "dispersion": 0.0}
    tiny["attacker"]["adaptation"] = {"window_days": 14, "strength": 1.0, "max_decoy_share": 0.8}
    attacker = AirCampaign(build_scenario(tiny), rng=2).attacker
    classes = list(attacker.class_names)
    launched, leaked = np.zeros(len(classes)), np.zeros(len(classes))
    for name, (fired, through) in {"kh101": (100, 10), "kalibr": (100, 50), "iskander_m": (20, 18),
                                   "kinzhal": (20, 2)}.items():
        launched[classes.index(name)], leaked[classes.index(name)] = fired, through
    attacker.observe(launched, leaked)
    attacker.adapt()
    return {name: float(attacker.routine_mean[classes.index(name)]) for name in PLANNED}


def test_the_attacker_shares_its_missiles_over_the_classes_the_catalog_calls_missiles(tiny):
    both = adapted_routine(copy.deepcopy(tiny))
    assert both["kalibr"] > PLANNED["kalibr"] and both["kh101"] < PLANNED["kh101"]
    assert sum(both.values()) == pytest.approx(sum(PLANNED.values()))
    ballistic_only = adapted_routine(copy.deepcopy(tiny), {"families": {"cruise": {"missile": False}}})
    assert ballistic_only["kh101"] == PLANNED["kh101"] and ballistic_only["kalibr"] == PLANNED["kalibr"]
    assert ballistic_only["iskander_m"] > PLANNED["iskander_m"] > ballistic_only["kinzhal"]
    assert ballistic_only["iskander_m"] + ballistic_only["kinzhal"] == pytest.approx(2.0)
