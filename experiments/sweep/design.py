"""From a spec to runs: the design table, parameter paths, seeds and run ids.

- Design points come from the spec's sampler (`experiments/sweep/sampling.py`,
  one class per design kind), seeded from the spec's root seed; sampled unit
  values are mapped onto each factor's range (rounded for whole numbers and
  dates) or its list of values.
- A factor's `path` reaches any scenario parameter: `attacker.salvo.swarm_size[1]`,
  `timeline[0].days`, `catalog.interceptors.pac3_mse.kill_probability.ballistic`.
- Common random numbers: replication r of every design point runs with the same
  seed, `SeedSequence(root_seed, spawn_key=(r,))` (`agents/seeds.py`), so policies meet the same nights.
- Run ids are fixed by design point and replication, so a rerun finds what is done.
"""

import copy
import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from agents.seeds import replication_seed
from experiments.sweep.ensemble import scenario_ensemble
from experiments.sweep.paths import path_tokens, set_path
from experiments.sweep.sampling import unit_sample
from experiments.sweep.spec import SpecError, SweepSpec
from model import AirCampaign, ScenarioError, build_scenario, scenario_data
from model.errors import DataFileError
from model.limits import check_days

__all__ = ["Run", "SweepPlan", "path_tokens", "replication_seed", "set_path", "unit_sample", "with_values"]

def with_values(base: dict, paths: dict[str, list[str]], values: dict) -> dict:
    """A copy of scenario data with each factor's value set at every one of its paths."""
    raw = copy.deepcopy(base)
    for name, factor_paths in paths.items():
        for path in factor_paths:
            set_path(raw, path, copy.deepcopy(values[name]))
    return raw


def design_table(spec: SweepSpec) -> pd.DataFrame:
    """One row per design point: `point` and one column per factor."""
    table = spec.design.sampler.table(spec)
    table.insert(0, "point", np.arange(len(table)))
    return table


def run_id(point: int, replication: int) -> str:
    """A run's id: its design point and replication."""
    return f"p{point:06d}-r{replication:05d}"


@dataclass(frozen=True)
class Run:
    """One run to make: where it sits in the design, its seed, and its factor values."""

    run_id: str
    point: int
    replication: int
    seed: int
    values: dict
    draw: int | None = None
    """The ensemble particle this replication runs (None: the scenario's own values)."""


class SweepPlan:
    """Everything a sweep needs to run: the spec, the base scenario data, the design and the runs."""

    def __init__(self, spec: SweepSpec, source: str = "<spec>") -> None:
        """Resolve the base scenario, build the design, and check every point's scenario."""
        self.spec, self.source = spec, source
        try:
            self.base, self.scenario_source = scenario_data(
                spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
        except ScenarioError as error:
            raise SpecError(source, [("scenario", spec.scenario, str(error))]) from None
        self.ensemble = self._ensemble()
        self.design = design_table(spec)
        self.points = self.design.drop(columns="point").to_dict("records")
        self._check_points()

    def _ensemble(self):
        """The posterior ensemble the replications draw from: the spec's, else the scenario's (or None)."""
        override = self.spec.ensemble
        if override is not None and override != "none" and not Path(override).is_absolute():
            override = str(Path(self.spec.base_dir or ".") / override)
        try:
            return scenario_ensemble(self.base, self.scenario_source, override)
        except DataFileError as error:
            raise SpecError(self.source, [("ensemble", override or self.base.get("ensemble"), str(error))]) from None

    def _check_points(self) -> None:
        """Every factor's path exists, and every design point makes a valid scenario."""
        for k, factor in enumerate(self.spec.factors):
            for path in factor.paths:
                try:
                    set_path(copy.deepcopy(self.base), path, self.points[0][factor.name])
                except KeyError as error:
                    raise SpecError(self.source, [(f"factors[{k}].path", path,
                                                   f"unknown parameter path: {error.args[0]}")]) from None
        for point, values in enumerate(self.points):
            try:
                scenario = build_scenario(self.scenario_data(values), self.scenario_source)
                check_days(scenario, self.scenario_source, allow_large=self.spec.allow_large)
            except ScenarioError as error:
                raise SpecError(self.source, [(f"design point {point}", values, str(error))]) from None
        self._check_daily_columns(scenario)

    def _check_daily_columns(self, scenario) -> None:
        """The daily columns the spec keeps exist in a run's daily table."""
        wanted = self.spec.outputs.daily
        if not wanted or wanted == "all":
            return
        known = set(AirCampaign(scenario, rng=0, days=0).daily().columns)
        for k, column in enumerate(wanted):
            if column not in known:
                raise SpecError(self.source, [(f"outputs.daily[{k}]", column,
                                               "no such daily column; see the README's daily table")])

    @property
    def paths(self) -> dict[str, list[str]]:
        """Each factor's name and the paths its value is set at."""
        return {f.name: f.paths for f in self.spec.factors}

    def scenario_data(self, values: dict) -> dict:
        """The base scenario's data with a design point's values set at their paths."""
        return with_values(self.base, self.paths, values)

    def runs(self) -> list[Run]:
        """Every run of the sweep, point by point, replication by replication."""
        seeds = [replication_seed(self.spec.root_seed, r) for r in range(self.spec.replications)]
        draws = [self.ensemble.particle(r) if self.ensemble is not None else None
                 for r in range(self.spec.replications)]
        return [Run(run_id(p, r), p, r, seeds[r], values, draws[r])
                for p, values in enumerate(self.points) for r in range(self.spec.replications)]

    @property
    def identity(self) -> str:
        """A hash of what determines the results: spec, base scenario data, design, package version."""
        payload = {"spec": self.spec.model_dump(mode="json"), "scenario": self.base,
                   "design": self.design.to_dict("list"), "attrition": version("attrition")}
        if self.ensemble is not None:
            payload["ensemble"] = self.ensemble.digest
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
