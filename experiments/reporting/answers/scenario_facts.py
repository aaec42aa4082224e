"""What the sweep's base scenario and its catalog say: families, doctrines, layers, suppliers and the rounds of each.

Every name an answer writes comes from here, read off the catalog: which
classes do damage and of what family, which are ballistic, which battery
types fire under a doctrine and with which rounds, which layers are cheap.
"""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis import AnalysisError
from experiments.sweep.design import with_values
from experiments.sweep.layout import SweepLayout
from experiments.sweep.paths import path_tokens
from model import ScenarioError, build_scenario, scenario_data
from model.families import family_of


def layout_of(result) -> SweepLayout:
    """The layout of a sweep's runs table, as its manifest states it."""
    return SweepLayout.from_manifest(result.manifest)


def base_scenario(result, spec):
    """The sweep's base scenario: from the file it was read from, or by its name if that file moved.

    A base whose own values do not make a valid scenario (a sweep may move a
    pause into a calendar it does not fit as written) is read with every
    factor at its first value, as the sweep's first design point has them;
    answers read only its catalog, suppliers and timeline's suppliers.
    """
    relative = Path(spec.base_dir) if getattr(spec, "base_dir", None) else None
    problem = None
    for source, where in ((result.manifest.get("scenario_source"), None), (spec.scenario, relative)):
        if not source:
            continue
        try:
            base, path = scenario_data(source, relative_to=where)
            try:
                return build_scenario(base, path)
            except ScenarioError:
                first = {f.name: _as_date(f.values[0] if f.values else f.range[0]) for f in spec.factors}
                return build_scenario(with_values(base, {f.name: f.paths for f in spec.factors}, first), path)
        except (ScenarioError, KeyError) as error:
            problem = error
    raise AnalysisError(f"the sweep's base scenario {spec.scenario} cannot be read: {problem}")


def _as_date(value):
    """An ISO date read back from a results folder's manifest (JSON) as the date it was; anything else as is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return value


def families(scenario) -> dict[str, list[str]]:
    """The catalog's threat classes that do damage, by family, the most damaging family first (decoys left out)."""
    threats = scenario.catalog.threats
    groups: dict[str, list[str]] = {}
    for name, family in family_of(threats).items():
        if threats[name].damage > 0:
            groups.setdefault(family, []).append(name)
    return dict(sorted(groups.items(), key=lambda kv: -max(threats[m].damage for m in kv[1])))


def ballistic_families(scenario) -> list[str]:
    """The families of the classes the catalog marks `ballistic` (the ones reserves are kept for)."""
    ballistic = set(scenario.catalog.ballistic_classes())
    return [f for f, members in families(scenario).items() if ballistic & set(members)]


def family_leakers(runs: pd.DataFrame, scenario) -> dict[str, str]:
    """The leakers column of each damage-doing family (`leaked_<family>`), by family.

    Where the runs have no such column it is added to `runs` (in place) as
    the sum of the family's classes' `leaked_<class>` columns.
    """
    columns = {}
    for family, members in families(scenario).items():
        column = f"leaked_{family}"
        if column not in runs.columns:
            present = [f"leaked_{m}" for m in members if f"leaked_{m}" in runs.columns]
            if not present:
                raise AnalysisError(f"the runs have no leakers of {family} ({column} or those of its classes)")
            runs[column] = runs[present].sum(axis=1)
        columns[family] = column
    return columns


def moved_outcomes(runs: pd.DataFrame, scenario, rounds: list[str],
                   extra: dict[str, str] | None = None) -> dict[str, str]:
    """What a policy moves, column -> words: every family's leakers, `extra`, damage, and `rounds` fired."""
    outcomes = {column: f"{family} leakers" for family, column in family_leakers(runs, scenario).items()}
    outcomes |= {c: t for c, t in (extra or {}).items() if c in runs.columns}
    outcomes |= {"value_weighted_damage": "value-weighted damage", "damage": "damage"}
    outcomes |= {f"fired_{r}": f"{r} rounds fired" for r in dict.fromkeys(rounds) if f"fired_{r}" in runs.columns}
    return outcomes


def doctrine_of(factor) -> str | None:
    """The doctrine a factor's first path sets something of (`catalog.doctrines.<name>...`), if any."""
    tokens = path_tokens(factor.paths[0])
    return tokens[2] if tokens[:2] == ["catalog", "doctrines"] and len(tokens) > 2 else None


def doctrine_batteries(scenario, doctrine: str | None) -> list[str]:
    """The battery types that fire under `doctrine`: by their type, or placed with it."""
    types = scenario.catalog.battery_types
    names = [n for n, t in types.items() if t.doctrine == doctrine]
    names += [b.type for b in scenario.batteries if b.doctrine == doctrine and b.type not in names]
    return names


def doctrine_rounds(scenario, doctrine: str | None) -> list[str]:
    """The interceptor types of the batteries that fire under `doctrine`."""
    types = scenario.catalog.battery_types
    return list(dict.fromkeys(r for b in doctrine_batteries(scenario, doctrine) for r in types[b].interceptors))


def layer_of(scenario, factor) -> str | None:
    """The battery type a layer factor switches, read off its catalog path (None: it switches none)."""
    tokens = path_tokens(factor.paths[0])
    if tokens[:2] != ["catalog", "battery_types"] or len(tokens) < 3:
        return None
    return tokens[2] if tokens[2] in scenario.catalog.battery_types else None


def layer_rounds(scenario, factor) -> list[str]:
    """The interceptor types of the battery type a layer factor switches."""
    layer = layer_of(scenario, factor)
    return list(scenario.catalog.battery_types[layer].interceptors) if layer else []


def expensive(scenario) -> list[str]:
    """Interceptor types whose round costs more than the median round cost of the catalog."""
    interceptors = scenario.catalog.interceptors
    median = float(np.median([kind.cost_usd for kind in interceptors.values()]))
    return [name for name, kind in interceptors.items() if kind.cost_usd > median]


def ran_out(runs: pd.DataFrame, kind: str) -> pd.Series | None:
    """Per run: whether the theatre's stock of `kind` ran out (`days_to_empty_` set, or `min_stock_` at 0)."""
    found = None
    if f"days_to_empty_{kind}" in runs.columns:
        found = runs[f"days_to_empty_{kind}"].notna()
    if f"min_stock_{kind}" in runs.columns:
        zero = runs[f"min_stock_{kind}"] == 0
        found = zero if found is None else found | zero
    return found


def paused_suppliers(scenario, spec, names: list[str]) -> list[str]:
    """The suppliers the pause factors act on: the pause events their paths set, else every pause in the timeline."""
    found = []
    for factor in spec.factors:
        if factor.name not in names:
            continue
        for path in factor.paths:
            tokens = path_tokens(path)
            if tokens[0] == "timeline" and len(tokens) > 1 and isinstance(tokens[1], int) \
                    and tokens[1] < len(scenario.timeline):
                event = scenario.timeline[tokens[1]]
                if getattr(event, "event", None) == "pause":
                    found.append(event.supplier)
    found = found or [e.supplier for e in scenario.timeline if getattr(e, "event", None) == "pause"]
    return list(dict.fromkeys(found))
