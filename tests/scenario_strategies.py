"""A hypothesis generator of valid scenarios, as plain dicts, over the whole scenario language.

Every timeline event kind (`model.timeline.EVENTS`), every registered
allocation, targeting and strategy rule, doctrines with conserve mode,
adaptation, battery strikes, relocation, drawn pauses, and replay (of a small
synthetic report, `tests/synthetic_reports.py`; the generated scenario names
`REPLAY_FILE`, which `with_reports` points at the real file). `features` says
which parts of the language a drawn scenario uses, so a test can check that
the generator reaches every one (`LANGUAGE`).
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import assume
from hypothesis import strategies as st

from agents.allocation import ALLOCATION_RULES
from agents.strategies import STRATEGIES
from agents.targeting import TARGETING_RULES
from model import load_scenario
from model.families import classes_of
from model.timeline import EVENTS

REPLAY_FILE = "<synthetic reports>"
"""What a replaying scenario names as its file until `with_reports` gives the path."""
REPORTS_PERIOD = (date(2025, 1, 1), date(2026, 3, 15))
"""Nights the synthetic reports cover: every night a drawn scenario can have."""
REPLAYED = {"drone", "decoy", "kalibr", "iskander_m"}
"""The classes the synthetic reports launch (decoys split off the drones): replay needs each to reach a site."""

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

small_float = st.floats(0.0, 50.0, allow_nan=False, allow_infinity=False)
# Means are 0 or at least 0.01: a mean so small against the dispersion that the negative
# binomial's p rounds to 1 crashes (test_negative_binomial_with_p_rounding_to_one).
mean = st.one_of(st.just(0.0), st.floats(0.01, 120.0))
probability = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))


def optional(key: str, values) -> st.SearchStrategy:
    """`{key: value}` or `{}`: a part of the scenario language that a scenario may leave out."""
    return st.one_of(st.just({}), values.map(lambda value: {key: value}))


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
    if draw(st.booleans()):  # conserve mode: below a stock, fewer classes, perhaps only the first site
        table["conserve_below"] = draw(st.integers(0, 80))
        table["conserve_engage"] = draw(st.lists(st.sampled_from(KINDS), max_size=3, unique=True))
        table["conserve_sites"] = draw(st.sampled_from([[], ["site_0"]]))
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
        if name == "ew":  # EW shares of air-breathing classes only: a ballistic class's share is refused
            ballistic = {c for c, t in CATALOG.threats.items() if catalog["threats"].get(c, {}).get("ballistic",
                                                                                                   t.ballistic)}
            air = [k for k in KINDS if not ballistic & set(classes_of(k, CATALOG.threats))]
            shares = draw(subset_dict(air, probability)) if draw(st.booleans()) else {}
            builtin = CATALOG.battery_types["ew"].ew_share
            shares.update({k: 0.0 for k in builtin if ballistic & set(classes_of(k, CATALOG.threats))})
            if shares:
                table["ew_share"] = shares
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
        "strategy": draw(st.sampled_from(list(STRATEGIES))),
        "salvo_stockpile_share": draw(probability),
        "targeting": draw(st.sampled_from(list(TARGETING_RULES))),
        **draw(optional("adaptation", st.fixed_dictionaries({
            "window_days": st.integers(1, 20), "strength": st.floats(0.0, 3.0),
            "max_decoy_share": probability}))),
        **draw(optional("battery_strikes", st.fixed_dictionaries({
            "types": st.lists(st.sampled_from(BATTERY_TYPES), min_size=1, max_size=3, unique=True),
            "missiles": st.integers(0, 5), "destroy_probability": probability}))),
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


@dataclass(frozen=True)
class Frame:
    """What a timeline event is drawn against: the scenario's dates, grid, doctrines, suppliers and sites."""

    start: date
    end: date
    width: int
    height: int
    doctrines: list[str]
    suppliers: list[str]
    sites: list[str]

    @property
    def horizon(self) -> int:
        return (self.end - self.start).days + 1

    def on_day(self) -> st.SearchStrategy:
        """A day of the campaign."""
        return st.integers(0, self.horizon - 1).map(lambda d: self.start + timedelta(days=d))

    def any_day(self) -> st.SearchStrategy:
        """A day of the campaign, before its start or past its end (which never comes)."""
        return st.integers(-10, self.horizon + 9).map(lambda d: self.start + timedelta(days=d))


def window(draw, frame: Frame, shortest: int = 0) -> dict:
    """A window's start and its end or length (or neither: it lasts); a length is at least `shortest`."""
    first = draw(frame.on_day())
    event = {"start": first}
    how = draw(st.sampled_from(["end", "days", "lasts"]))
    if how == "end":
        event["end"] = first + timedelta(days=draw(st.integers(shortest, shortest + 30)))
    elif how == "days":
        event["days"] = draw(st.integers(shortest, shortest + 30))
    return event


def ramp(draw, frame: Frame, low: str, high: str) -> dict:
    first = draw(frame.any_day())
    return {"start": first, "end": first + timedelta(days=draw(st.integers(0, 60))),
            low: draw(small_float), high: draw(small_float), "step_days": draw(st.integers(1, 30))}


def pause(draw, frame):
    return {"supplier": draw(st.sampled_from(frame.suppliers)), **window(draw, frame)} if frame.suppliers else None


def supplier_rate(draw, frame):
    if not frame.suppliers:
        return None
    return {"date": draw(frame.on_day()), "supplier": draw(st.sampled_from(frame.suppliers)),
            "interceptor": draw(st.sampled_from(INTERCEPTORS)), "per_day": draw(small_float)}


def supplier_ramp(draw, frame):
    if not frame.suppliers:
        return None
    return {"supplier": draw(st.sampled_from(frame.suppliers)), "interceptor": draw(st.sampled_from(INTERCEPTORS)),
            **ramp(draw, frame, "from_per_day", "to_per_day")}


def procurement(draw, frame):
    if not frame.suppliers:
        return None
    event = {"date": draw(frame.any_day()), "supplier": draw(st.sampled_from(frame.suppliers)),
             "interceptors": draw(st.dictionaries(st.sampled_from(INTERCEPTORS), st.integers(0, 200), min_size=1)),
             "lead_time_days": draw(st.integers(0, 20)),
             "batteries": draw(st.lists(placements(frame.width, frame.height, frame.doctrines), max_size=2))}
    if draw(st.booleans()):
        event["budget_usd"] = draw(st.floats(0.0, 5e7))
        event["budget_interceptor"] = draw(st.sampled_from(INTERCEPTORS))
    return event


def attacker_rate(draw, frame):
    return {"date": draw(frame.on_day()), "threat": draw(st.sampled_from(KINDS)), "per_day": draw(small_float)}


def attacker_ramp(draw, frame):
    return {"threat": draw(st.sampled_from(KINDS)), **ramp(draw, frame, "from_per_day", "to_per_day")}


def battery(draw, frame):
    return {"date": draw(frame.on_day()), **draw(placements(frame.width, frame.height, frame.doctrines))}


def intel_pause(draw, frame):
    return {**window(draw, frame), "kill_factor": draw(probability), "channel_factor": draw(probability)}


def force(draw, frame):
    factors = draw(st.sampled_from([("capacity_factor",), ("ew_factor",), ("capacity_factor", "ew_factor")]))
    return {"date": draw(frame.any_day()), "type": draw(st.sampled_from(BATTERY_TYPES)),
            **{factor: draw(st.floats(0.0, 3.0)) for factor in factors}}


def force_ramp(draw, frame):
    return {"type": draw(st.sampled_from(BATTERY_TYPES)), "quantity": draw(st.sampled_from(["capacity", "ew"])),
            **ramp(draw, frame, "from_factor", "to_factor")}


def kill_probability(draw, frame):
    return {"date": draw(frame.any_day()), "interceptor": draw(st.sampled_from(INTERCEPTORS)),
            "threat": draw(st.sampled_from(KINDS)), "value": draw(probability)}


def surge(draw, frame):
    move_days = draw(st.integers(0, 4))
    return {"type": draw(st.sampled_from(BATTERY_TYPES)), "site": draw(st.sampled_from(frame.sites)),
            "batteries": draw(st.integers(1, 3)), "move_days": move_days, **window(draw, frame, move_days + 1)}


EVENT_DRAWS = {"pause": pause, "supplier_rate": supplier_rate, "supplier_ramp": supplier_ramp,
               "procurement": procurement, "attacker_rate": attacker_rate, "attacker_ramp": attacker_ramp,
               "battery": battery, "intel_pause": intel_pause, "force": force, "force_ramp": force_ramp,
               "kill_probability": kill_probability, "surge": surge}
"""How each timeline event kind is drawn (None: it cannot be, e.g. a pause without suppliers)."""


@st.composite
def timelines(draw, frame: Frame) -> list[dict]:
    events = []
    kinds = draw(st.permutations(sorted(EVENT_DRAWS)))  # a few different kinds, any of them, then maybe repeats
    kinds = kinds[:draw(st.integers(0, 6))] + draw(st.lists(st.sampled_from(kinds), max_size=2))
    for kind in kinds:
        event = EVENT_DRAWS[kind](draw, frame)
        if event is not None:
            events.append({"event": kind, **event})
    return events


@st.composite
def replays(draw, frame: Frame) -> dict:
    """Replay of the synthetic reports; with `until`, nights after it are drawn."""
    replay = {"file": REPLAY_FILE, "decoy_share": draw(probability), "salvo_above": draw(st.integers(0, 150)),
              "include_regional": draw(st.booleans())}
    if draw(st.booleans()):
        replay["until"] = draw(frame.on_day())
    return replay


@st.composite
def relocations(draw) -> dict:
    return {"types": draw(st.lists(st.sampled_from(BATTERY_TYPES), min_size=1, max_size=3, unique=True)),
            "every_days": draw(st.integers(1, 20)), "window_days": draw(st.integers(1, 20)),
            "move_days": draw(st.integers(0, 5)), "moves": draw(st.integers(1, 3))}


@st.composite
def scenarios(draw) -> dict:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    end = start + timedelta(days=draw(st.integers(5, 60)) - 1)
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
    frame = Frame(start, end, width, height, doctrines, names, [s["name"] for s in sites])
    processes = []
    if names and draw(st.booleans()):
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
            processes.append({"supplier": name, "mean_interval_days": draw(st.floats(0.5, 30.0)),
                              "mean_duration_days": draw(st.floats(1.0, 10.0))})
    attacker = draw(attackers(reach))
    if REPLAYED <= set(reach) and draw(st.integers(0, 2)) == 0:
        attacker.update(mode="replay", replay=draw(replays(frame)))
    raw = {"name": "drawn", "start": start, "end": end, "catalog": catalog, "grid": grid, "sites": sites,
           "batteries": [draw(placements(width, height, doctrines)) for _ in range(draw(st.integers(0, 6)))],
           "attacker": attacker, "suppliers": supplier_list, "timeline": draw(timelines(frame)),
           "pause_processes": processes}
    if draw(st.booleans()):
        raw["relocation"] = draw(relocations())
    return raw


def with_reports(raw: dict, reports) -> dict:
    """`raw` with a replay's file set to the synthetic reports at `reports` (the same dict, changed)."""
    replay = raw["attacker"].get("replay")
    if replay is not None and replay["file"] == REPLAY_FILE:
        replay["file"] = str(reports)
    return raw


# ---------------------------------------------------------------- what the generator reaches
LANGUAGE = ({f"event:{kind}" for kind in EVENTS} | {f"allocation:{rule}" for rule in ALLOCATION_RULES}
            | {f"targeting:{rule}" for rule in TARGETING_RULES} | {f"strategy:{name}" for name in STRATEGIES}
            | {"conserve", "conserve_sites", "adaptation", "battery_strikes", "relocation", "replay", "replay_until",
               "pause_processes", "procured_batteries", "budget"})
"""Every part of the scenario language the generator must reach: registries by name, options by key."""


def features(raw: dict) -> set[str]:
    """The parts of `LANGUAGE` a drawn scenario uses."""
    attacker = raw["attacker"]
    found = {f"event:{event['event']}" for event in raw["timeline"]}
    found |= {f"allocation:{supplier['allocation']}" for supplier in raw["suppliers"]}
    found |= {f"targeting:{attacker['targeting']}", f"strategy:{attacker['strategy']}"}
    found |= {key for key in ("adaptation", "battery_strikes") if key in attacker}
    found |= {"relocation"} if "relocation" in raw else set()
    found |= {"pause_processes"} if raw["pause_processes"] else set()
    doctrines = raw["catalog"]["doctrines"].values()
    found |= {"conserve"} if any("conserve_below" in d for d in doctrines) else set()
    found |= {"conserve_sites"} if any(d.get("conserve_sites") for d in doctrines) else set()
    if attacker.get("mode") == "replay":
        found |= {"replay"} | ({"replay_until"} if "until" in attacker["replay"] else set())
    procured = [event for event in raw["timeline"] if event["event"] == "procurement"]
    found |= {"procured_batteries"} if any(event["batteries"] for event in procured) else set()
    found |= {"budget"} if any("budget_usd" in event for event in procured) else set()
    return found
