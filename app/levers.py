"""The view's levers: what each means for a scenario, with choices and defaults read from that scenario.

No supplier, battery type or doctrine is named here: the pause lever offers
the scenario's suppliers, the count lever its fielded battery types, and "also
fires at" the threat classes the chosen type's doctrine leaves alone. The
levers are a plain dict (the keyword arguments `ViewedCampaign` is built
from); `lever_defaults` gives a scenario's, which leave it as it is.
"""

from datetime import timedelta

from model import build_scenario, builtin_scenarios, load_scenario, scenario_data
from model.families import headings, members

BASE = "baseline-2025"
NOTHING_MORE = ""
"""`extra_target` when the chosen battery type fires at nothing beyond its doctrine."""
MAX_PAUSE_DAYS = 180


def scenario_names() -> list[str]:
    """The built-in scenarios the picker offers."""
    return builtin_scenarios()


def battery_types(scenario) -> list[str]:
    """Battery types fielded at the start that fire interceptors, in the order the file first places them."""
    catalog = scenario.catalog
    return list(dict.fromkeys(b.type for b in scenario.batteries if catalog.battery_types[b.type].interceptors))


def extra_targets(scenario, battery_type: str) -> list[str]:
    """Threat classes or families the type's doctrine does not engage, that it could be told to ("" first)."""
    catalog = scenario.catalog
    doctrine = catalog.doctrines[catalog.battery_types[battery_type].doctrine]
    engaged = set(doctrine.engage)
    groups = members(catalog.threats)
    decoys = {name for name, threat in catalog.threats.items() if threat.mimics}  # engaged with what they mimic
    return [NOTHING_MORE] + [h for h in headings(catalog.threats)
                             if h not in engaged and not set(groups[h]) <= engaged and h not in decoys]


def lever_defaults(scenario_name: str = BASE, rng: int = 42) -> dict:
    """The levers that leave a scenario as it is: no pause, every battery, its own salvo size."""
    scenario = load_scenario(scenario_name)
    types = battery_types(scenario)
    kind = types[0] if types else ""
    return {"scenario_name": scenario_name, "rng": rng,
            "pause_supplier": scenario.suppliers[0].name if scenario.suppliers else "",
            "pause_start": min(151, scenario.horizon - 1), "pause_days": 0,
            "battery_type": kind, "batteries_kept": count_of(scenario, kind), "extra_target": NOTHING_MORE,
            "salvo_size": scenario.attacker.salvo.swarm_size[1]}


def count_of(scenario, battery_type: str) -> int:
    """Batteries of a type the scenario fields at the start."""
    return sum(b.type == battery_type for b in scenario.batteries)


def view_scenario(scenario_name: str = BASE, pause_supplier: str = "", pause_start: int = 0, pause_days: int = 0,
                  battery_type: str = "", batteries_kept: int | None = None, extra_target: str = NOTHING_MORE,
                  salvo_size: int | None = None, rng: int = 42):
    """The chosen scenario with the levers set (`rng` is the seed; it does not change the scenario).

    A pause of `pause_days` from day `pause_start` (0: the start date) of `pause_supplier`; only the first
    `batteries_kept` batteries of `battery_type` (in file order); that type's doctrine also engaging
    `extra_target`; the largest salvo `salvo_size` (the smallest never above it).
    """
    raw, source = scenario_data(scenario_name)
    if pause_days > 0 and pause_supplier:
        raw["timeline"] = [*raw.get("timeline", []), {
            "event": "pause", "supplier": pause_supplier,
            "start": raw["start"] + timedelta(days=int(pause_start)), "days": int(pause_days)}]
    if battery_type and extra_target:
        doctrine = raw["catalog"]["battery_types"][battery_type]["doctrine"]
        engage = raw["catalog"]["doctrines"][doctrine]["engage"]
        raw["catalog"]["doctrines"][doctrine]["engage"] = [*engage, extra_target]
    if battery_type and batteries_kept is not None:
        of_type = [k for k, b in enumerate(raw["batteries"]) if b["type"] == battery_type]
        dropped = set(of_type[int(batteries_kept):])
        raw["batteries"] = [b for k, b in enumerate(raw["batteries"]) if k not in dropped]
    if salvo_size is not None:
        swarm = raw["attacker"]["salvo"]["swarm_size"]
        raw["attacker"]["salvo"]["swarm_size"] = [min(swarm[0], int(salvo_size)), int(salvo_size)]
    return build_scenario(raw, source)


def changed(levers: dict, applied: dict) -> list[str]:
    """The levers whose value differs from those the running model was built with."""
    return [key for key in levers if levers[key] != applied.get(key)]
