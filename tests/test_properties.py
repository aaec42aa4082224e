"""Property-based tests: random valid scenarios keep the campaign's books balanced every day.

Scenarios are drawn as plain dicts, valid by construction, and built with
`build_scenario`. Each is run with a drawn seed; the daily table must balance:
threats (launched = neutralised + leaked, neutralised = shot down + lost to
EW, per class and per family; EW never stops a ballistic missile),
interceptors (initial + dispatched + added with batteries = fired + stock +
in transit + held), and nothing is ever negative. The same seed must give the
same table. Tables may name families as well as classes (subtypes), and the
attacker launches only classes that reach some site.
"""

import copy
import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from agents.allocation import ALLOCATION_RULES
from model import AirCampaign, ScenarioError, build_scenario, load_scenario
from model.books import check_books as check_books_of

CATALOG = load_scenario("baseline-2025").catalog
THREATS = list(CATALOG.threats)
"""The built-in catalog's classes (subtypes included)."""
FAMILIES = list(CATALOG.families)
KINDS = THREATS + FAMILIES
"""What a table or list may name: a class, or a family (its classes in properties and lists, its default in counts)."""
INTERCEPTORS = ["pac3_mse", "gem_t", "aim120", "gun_burst", "mfg_burst", "interceptor_drone"]
BATTERY_INTERCEPTORS = {
    "patriot": ["pac3_mse", "gem_t"],
    "medium_sam": ["aim120"],
    "gun": ["gun_burst"],
    "mobile_fire_group": ["mfg_burst"],
    "interceptor_drones": ["interceptor_drone"],
    "ew": [],
}
BATTERY_TYPES = list(BATTERY_INTERCEPTORS)
BUILTIN_DOCTRINES = ["patriot_keep_off_drones", "patriot_all_targets", "sam_standard", "point_defence",
                     "interceptor_drones"]


def fitting(doctrines: list[str], battery_type: str) -> list[str]:
    """The doctrines a battery of this type may follow: those whose `preference` names only rounds it carries.

    (The Patriot doctrines prefer PAC-3 MSE or GEM-T by class; a doctrine drawn here has no preference.)
    """
    carried = set(BATTERY_INTERCEPTORS[battery_type])
    return [name for name in doctrines
            if name not in CATALOG.doctrines
            or {i for order in CATALOG.doctrines[name].preference.values() for i in order} <= carried]

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

small_float = st.floats(0.0, 50.0, allow_nan=False, allow_infinity=False)
# Means are 0 or at least 0.01: a mean so small against the dispersion that the negative
# binomial's p rounds to 1 crashes (test_negative_binomial_with_p_rounding_to_one).
mean = st.one_of(st.just(0.0), st.floats(0.01, 120.0))
probability = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))


def subset_dict(keys, values):
    """A dict over a random subset of `keys`."""
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


@st.composite
def shares(draw, n: int) -> list[float]:
    """`n` shares that sum to 1 within 1e-9: whole weights, divided by their total."""
    weights = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[draw(st.integers(0, n - 1))] = 1
    total = sum(weights)
    result = [w / total for w in weights]
    assert abs(sum(result) - 1.0) < 1e-9
    return result


@st.composite
def cells(draw, width: int, height: int) -> list[int]:
    return [draw(st.integers(0, width - 1)), draw(st.integers(0, height - 1))]


@st.composite
def magazines(draw, battery_type: str):
    """None (the type's magazine) or a custom magazine over some of its interceptors, 0s included."""
    interceptors = BATTERY_INTERCEPTORS[battery_type]
    if draw(st.booleans()):
        return None
    return draw(subset_dict(interceptors, st.one_of(st.just(0), st.integers(0, 60)))) if interceptors else {}


@st.composite
def placements(draw, width, height, doctrines):
    battery_type = draw(st.sampled_from(BATTERY_TYPES))
    placement = {"type": battery_type, "cell": draw(cells(width, height))}
    magazine = draw(magazines(battery_type))
    if magazine is not None:
        placement["magazine"] = magazine
    if draw(st.booleans()):
        placement["doctrine"] = draw(st.sampled_from(fitting(doctrines, battery_type)))
    return placement


@st.composite
def doctrine_tables(draw):
    engage = draw(st.permutations(KINDS))[: draw(st.integers(1, len(KINDS)))]
    table = {
        "engage": engage,
        "shots_per_target": draw(subset_dict(KINDS, st.integers(1, 3))),
        "mode": draw(st.sampled_from(["salvo", "shoot-look-shoot"])),
        "ballistic_reserve": draw(st.integers(0, 10)),
    }
    if draw(st.booleans()):  # shots by site: every scenario has a site_0
        table["site_shots"] = {"site_0": draw(subset_dict(KINDS, st.integers(1, 3)))}
    return table


@st.composite
def catalogs(draw) -> dict:
    """Overrides merged over the built-in catalog: kill probabilities, EW shares, channels, launchers,
    which threats are ballistic and which rounds ballistic-capable, and new doctrines."""
    catalog: dict = {"interceptors": {}, "battery_types": {}, "doctrines": {}}
    catalog["threats"] = {}
    for name in draw(st.lists(st.sampled_from(THREATS), max_size=2, unique=True)):
        catalog["threats"][name] = {"ballistic": draw(st.booleans())}
        if draw(st.booleans()):
            catalog["threats"][name]["range_km"] = draw(st.floats(10.0, 3000.0))
    for name in INTERCEPTORS:
        table = {}
        kill_probability = draw(subset_dict(KINDS, probability))
        if kill_probability:
            table["kill_probability"] = kill_probability
        if draw(st.integers(0, 3)) == 0:
            table["ballistic_capable"] = draw(st.booleans())
        if table:
            catalog["interceptors"][name] = table
    for name in BATTERY_TYPES:
        table = {}
        if draw(st.booleans()):
            table["channels_per_wave"] = draw(st.integers(0, 12))
        if draw(st.booleans()):
            table["radius"] = draw(st.floats(0.0, 4.0))
        if draw(st.booleans()):  # 0: one engagement per channel per wave
            table["engagement_hours"] = draw(st.one_of(st.just(0.0), st.floats(0.05, 3.0)))
        if draw(st.booleans()):
            table["terminal_radius"] = draw(st.floats(0.0, 3.0))
        if name == "ew" and draw(st.booleans()):
            table["ew_share"] = draw(subset_dict(KINDS, probability))
        if name != "ew" and draw(st.booleans()):
            table["doctrine"] = draw(st.sampled_from(fitting(BUILTIN_DOCTRINES, name)))
        if name != "ew" and draw(st.integers(0, 3)) == 0:  # a launcher of 0 rounds: deliveries stay held
            table["launcher_rounds"] = draw(subset_dict(BATTERY_INTERCEPTORS[name], st.integers(0, 60)))
        if table:
            catalog["battery_types"][name] = table
    for k in range(draw(st.integers(0, 3))):
        catalog["doctrines"][f"doctrine_{k}"] = draw(doctrine_tables())
    return catalog


@st.composite
def attackers(draw, launchable: list[str]) -> dict:
    """An attacker that launches only `launchable` kinds (in range of some site) and stocks any."""
    n_waves = draw(st.integers(1, 3))
    interval_low = draw(st.integers(1, 20))
    swarm_low = draw(st.integers(0, 300))
    mix_classes = draw(st.lists(st.sampled_from(launchable), min_size=1, max_size=4, unique=True))
    wave_classes = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4, unique=True))
    dispersion = st.one_of(st.just(0.0), st.floats(0.05, 10.0))
    low_hours = draw(st.floats(0.1, 4.0))
    return {
        "initial_stockpile": draw(subset_dict(KINDS, st.integers(0, 3000))),
        "production_per_day": draw(subset_dict(KINDS, small_float)),
        "routine": {"mean": draw(subset_dict(launchable, mean)), "dispersion": draw(dispersion)},
        "salvo": {
            "interval_days": [interval_low, interval_low + draw(st.integers(0, 15))],
            "swarm_size": [swarm_low, swarm_low + draw(st.integers(0, 300))],
            "swarm_mix": dict(zip(mix_classes, draw(shares(len(mix_classes))), strict=True)),
            "missiles": draw(subset_dict(launchable, mean)),
            "dispersion": draw(dispersion),
        },
        "waves": {name: draw(shares(n_waves)) for name in wave_classes},
        "concentration": draw(st.floats(0.0, 3.0)),
        "timing": {"launches_per_hour": draw(st.floats(1.0, 500.0)), "min_hours": low_hours,
                   "max_hours": low_hours + draw(st.floats(0.0, 8.0))},
    }


def launchable(catalog: dict, grid: dict, sites: list[dict]) -> list[str]:
    """Kinds the attacker may launch: classes whose range reaches the nearest site (families: their default).

    A drawn scenario that launches a class reaching no site is rejected at its `range_km`.
    """
    nearest = min(math.dist(area, site["cell"]) for area in grid["launch_areas"] for site in sites)
    nearest *= grid.get("cell_km", 50.0)

    def reaches(name: str) -> bool:
        limit = catalog["threats"].get(name, {}).get("range_km", CATALOG.threats[name].range_km)
        return limit is None or limit >= nearest

    return [name for name in THREATS if reaches(name)] + [
        family for family, table in CATALOG.families.items() if reaches(table.default)]


@st.composite
def suppliers(draw, k: int) -> dict:
    return {
        "name": f"supplier_{k}",
        "products": draw(st.dictionaries(st.sampled_from(INTERCEPTORS), small_float, min_size=1)),
        "theatre_share": draw(probability),
        "lead_time_days": draw(st.integers(0, 20)),
        "ship_every_days": draw(st.integers(1, 30)),
        "allocation": draw(st.sampled_from(list(ALLOCATION_RULES))),
    }


@st.composite
def scenarios(draw) -> dict:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    horizon = draw(st.integers(5, 60))
    end = start + timedelta(days=horizon - 1)
    on_day = st.integers(0, horizon - 1).map(lambda d: start + timedelta(days=d))
    any_day = st.integers(0, horizon + 9).map(lambda d: start + timedelta(days=d))  # past the end: never comes
    width, height = draw(st.integers(1, 20)), draw(st.integers(1, 20))
    catalog = draw(catalogs())
    grid = {"width": width, "height": height, "cell_km": draw(st.one_of(st.just(50.0), st.floats(5.0, 200.0))),
            "launch_areas": draw(st.lists(cells(width, height), min_size=1, max_size=3))}
    sites = [{"name": f"site_{k}", "kind": draw(st.sampled_from(["capital", "city", "energy", "military"])),
              "cell": draw(cells(width, height)), "value": draw(st.floats(0.0, 10.0))}
             for k in range(draw(st.integers(1, 4)))]
    reach = launchable(catalog, grid, sites)
    assume(reach)
    doctrines = BUILTIN_DOCTRINES + list(catalog["doctrines"])
    supplier_list = [draw(suppliers(k)) for k in range(draw(st.integers(0, 3)))]
    names = [s["name"] for s in supplier_list]
    n_batteries = draw(st.integers(0, 6))

    timeline = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["pause", "battery", "supplier_rate", "attacker_rate", "force", "force_ramp",
                                     "kill_probability"]))
        if kind == "pause" and names:
            first = draw(on_day)
            event = {"event": "pause", "supplier": draw(st.sampled_from(names)), "start": first}
            if draw(st.integers(0, 4)):  # mostly with an end
                event["end"] = first + timedelta(days=draw(st.integers(0, (end - first).days)))
            timeline.append(event)
        elif kind == "battery":
            event = {"event": "battery", "date": draw(on_day), **draw(placements(width, height, doctrines))}
            timeline.append(event)
        elif kind == "supplier_rate" and names:
            timeline.append({"event": "supplier_rate", "date": draw(on_day), "supplier": draw(st.sampled_from(names)),
                             "interceptor": draw(st.sampled_from(INTERCEPTORS)), "per_day": draw(small_float)})
        elif kind == "attacker_rate":
            timeline.append({"event": "attacker_rate", "date": draw(on_day), "threat": draw(st.sampled_from(KINDS)),
                             "per_day": draw(small_float)})
        elif kind == "force":
            factors = draw(st.sampled_from([("capacity_factor",), ("ew_factor",), ("capacity_factor", "ew_factor")]))
            timeline.append({"event": "force", "date": draw(any_day), "type": draw(st.sampled_from(BATTERY_TYPES)),
                             **{factor: draw(st.floats(0.0, 3.0)) for factor in factors}})
        elif kind == "force_ramp":
            first = draw(any_day)
            timeline.append({"event": "force_ramp", "type": draw(st.sampled_from(BATTERY_TYPES)),
                             "quantity": draw(st.sampled_from(["capacity", "ew"])), "start": first,
                             "end": first + timedelta(days=draw(st.integers(0, 60))),
                             "from_factor": draw(st.floats(0.0, 3.0)), "to_factor": draw(st.floats(0.0, 3.0)),
                             "step_days": draw(st.integers(1, 30))})
        elif kind == "kill_probability":
            timeline.append({"event": "kill_probability", "date": draw(any_day),
                             "interceptor": draw(st.sampled_from(INTERCEPTORS)),
                             "threat": draw(st.sampled_from(KINDS)), "value": draw(probability)})
    processes = []
    if names and draw(st.booleans()):
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
            processes.append({"supplier": name, "mean_interval_days": draw(st.floats(0.5, 30.0)),
                              "mean_duration_days": draw(st.floats(1.0, 10.0))})

    return {
        "name": "drawn",
        "start": start,
        "end": end,
        "catalog": catalog,
        "grid": grid,
        "sites": sites,
        "batteries": [draw(placements(width, height, doctrines)) for _ in range(n_batteries)],
        "attacker": draw(attackers(reach)),
        "suppliers": supplier_list,
        "timeline": timeline,
        "pause_processes": processes,
    }


seeds = st.integers(0, 2**32 - 1)


def run(raw: dict, seed: int) -> AirCampaign:
    return AirCampaign(build_scenario(copy.deepcopy(raw), "drawn"), rng=seed).run()


def block(table: pd.DataFrame, name: str, labels: list[str]) -> np.ndarray:
    return table[[f"{name}_{label}" for label in labels]].to_numpy()


def check_books(campaign: AirCampaign) -> None:
    """Every conservation law of `model.books.check_books` holds, and the daily table has a row a day."""
    assert len(campaign.daily()) == campaign.days_done == campaign.horizon
    assert check_books_of(campaign) == []


@SETTINGS
@given(raw=scenarios(), seed=seeds)
def test_random_scenarios_keep_the_books(raw, seed):
    first = run(raw, seed)
    check_books(first)
    again = run(raw, seed)
    pd.testing.assert_frame_equal(first.daily(), again.daily())
    np.testing.assert_array_equal(first.attacker.stockpile, again.attacker.stockpile)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios())
def test_random_scenarios_are_valid(raw):
    """The generator only makes valid scenarios, and building does not change the plain data."""
    before = copy.deepcopy(raw)
    scenario = build_scenario(raw, "drawn")
    assert raw == before
    assert scenario.horizon == (raw["end"] - raw["start"]).days + 1


# ---------------------------------------------------------------- known failures, minimal cases

def test_no_battery_at_start_with_a_supplier(tiny):
    """Regression: `_takers` was only set when a battery was fielded, so a landing shipment crashed."""
    tiny["batteries"] = []
    campaign = AirCampaign(build_scenario(tiny), rng=0).run()
    check_books(campaign)
    table = campaign.daily()
    assert table["delivered_pac3_mse"].sum() == 0  # no battery to take them: everything landed waits
    assert table["held_pac3_mse"].iloc[-1] > 0


def build_or_reject(raw: dict):
    """The scenario, or None when validation rejects it (a fix either way is fine)."""
    try:
        return build_scenario(raw)
    except ScenarioError:
        return None


def test_empty_waves_table(tiny):
    """Regression: `waves = {}` validated, then Attacker raised StopIteration reading the wave count."""
    tiny["attacker"]["waves"] = {}
    scenario = build_or_reject(tiny)
    if scenario is not None:
        check_books(AirCampaign(scenario, rng=0).run())


def test_swarm_mix_accepted_by_validation_runs(tiny):
    """Regression: a mix within validation's 1e-6 of 1 crashed numpy's multinomial (tolerance 1e-12)."""
    tiny["attacker"]["salvo"] = {"interval_days": [1, 1], "swarm_size": [10, 10],
                                 "swarm_mix": {"drone": 0.6, "decoy": 0.4000005}}
    tiny["attacker"]["initial_stockpile"]["decoy"] = 1000
    scenario = build_or_reject(tiny)
    if scenario is not None:
        campaign = AirCampaign(scenario, rng=0).run()
        check_books(campaign)
        assert campaign.daily()[["launched_drone", "launched_decoy"]].to_numpy().sum() > 0


@pytest.mark.parametrize(("mean", "dispersion"), [(2.0, 1e17), (1e-17, 1.0)], ids=["huge-dispersion", "tiny-mean"])
def test_negative_binomial_with_p_rounding_to_one(tiny, mean, dispersion):
    tiny["attacker"]["routine"] = {"mean": {"ballistic": mean}, "dispersion": dispersion}
    scenario = build_or_reject(tiny)
    if scenario is not None:
        check_books(AirCampaign(scenario, rng=0).run())
