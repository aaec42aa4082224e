"""The loss of a parameter vector: the replay run with those values on fixed seeds, scored against the reports.

Every evaluation runs the same seeds (common random numbers), so the loss is a
deterministic function of the values: the point fit minimises it, and the
posterior's simulator and recovery check start from the same replayed scenario.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from experiments.calibration.replay import replay_data
from experiments.calibration.shares import mean_absolute_errors, monthly_counts, observed_shares, pooled_shares
from experiments.calibration.spec import CalibrationSpec
from experiments.sweep.design import replication_seed, with_values
from experiments.sweep.spec import Factor
from model import AirCampaign, build_scenario, scenario_data
from model.errors import InputError


@dataclass
class Objective:
    """The loss of a parameter vector: runs the replay with those values, same seeds every time.

    A plain object of data, so worker processes can unpickle it.
    """

    base: dict
    source: str
    parameters: list[Factor]
    observed: pd.DataFrame
    targets: dict[str, float]
    seeds: list[int]
    period: tuple[date, date] | None = None

    def values(self, x) -> dict:
        """Parameter values (integer parameters rounded) from a vector in their own units."""
        out = {}
        for p, v in zip(self.parameters, x, strict=True):
            out[p.name] = int(round(v)) if p.is_integer else float(v)
        return out

    def simulate(self, x) -> pd.DataFrame:
        """Monthly shares pooled over the replications: neutralised / launched, both summed over runs."""
        raw = with_values(self.base, {p.name: p.paths for p in self.parameters}, self.values(x))
        scenario = build_scenario(raw, self.source)
        tables = [monthly_counts(AirCampaign(scenario, rng=seed).run(), self.period) for seed in self.seeds]
        return pooled_shares(pd.concat(tables)).reset_index()

    def errors(self, x) -> dict[str, float]:
        """Mean absolute error of the monthly share, by class."""
        return mean_absolute_errors(self.simulate(x), self.observed)

    def __call__(self, x) -> float:
        """Sum over classes of MAE / target."""
        errors = self.errors(x)
        return float(sum(errors.get(c, 0.0) / t for c, t in self.targets.items()))


def objective_for(spec: CalibrationSpec, data: str | Path, period: tuple[date, date],
                  mapping: str | None = None) -> Objective:
    """The loss function of a calibration: base scenario set to replay `data` over `period`."""
    base, source = scenario_data(spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
    raw = replay_data(base, data, *period, mapping)
    build_scenario(raw, source)  # a clear error now rather than in every evaluation
    observed = observed_shares(data, *period, mapping)
    if observed.empty:
        raise InputError(f"{data} has no reports with known outcomes between {period[0]} and {period[1]}")
    seeds = [replication_seed(spec.root_seed, r) for r in range(spec.replications)]
    return Objective(raw, source, list(spec.parameters), observed, dict(spec.targets), seeds, tuple(period))
