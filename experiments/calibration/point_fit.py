"""The point fit: one best parameter set by differential evolution, and what the data does not pin down.

    attrition calibrate DATA.csv --period 2025-01-01:2025-06-30 --method point --out calibrated.toml

It replays the observed nights (`attacker.mode = "replay"`), so the defence
meets exactly the launches that were reported, and compares the simulated
monthly neutralised share of drones (with decoys), cruise and ballistic
missiles with the observed one.

- **Fit**: `scipy.optimize.differential_evolution` over the parameters of a
  calibration file (`experiments/calibration/defender.toml`: paths and
  ranges, as in sweep specs), minimising the sum over classes of the mean
  absolute error divided by its target (`experiments.calibration.loss`).
- **What the data does not pin down**: each parameter is profiled over its
  range with the others at the fit; one whose loss stays within 10% (and
  0.05) of the best over more than half its range is reported as not pinned
  down by these data.
"""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.loss import objective_for
from experiments.calibration.scenario_file import scenario_text
from experiments.calibration.shares import mean_absolute_errors
from experiments.calibration.spec import CalibrationSpec, load_calibration_spec
from experiments.sweep.executors import process_context


@dataclass
class Calibration:
    """A finished fit: values, errors, the profile of each parameter and what it pins down."""

    spec: CalibrationSpec
    data: str
    period: tuple[date, date]
    values: dict
    errors: dict[str, float]
    loss: float
    profile: pd.DataFrame
    pinned: dict[str, bool]
    evaluations: int
    seconds: float
    simulated: pd.DataFrame = field(repr=False, default=None)
    observed: pd.DataFrame = field(repr=False, default=None)

    def table(self) -> pd.DataFrame:
        """One row per parameter: fitted value, range, and whether the data pins it down."""
        rows = []
        for p in self.spec.parameters:
            within = self.profile[(self.profile["parameter"] == p.name) & self.profile["near_best"]]["value"]
            rows.append({"parameter": p.name, "value": self.values[p.name], "range": f"{p.range[0]} to {p.range[1]}",
                         "near-best values": f"{within.min():.3g} to {within.max():.3g}" if len(within) else "-",
                         "pinned down": "yes" if self.pinned[p.name] else "no"})
        return pd.DataFrame(rows)


class _Ticker:
    """differential_evolution's per-generation callback: advance the progress bar, never stop the fit."""

    def __init__(self, bar) -> None:
        self.bar = bar

    def __call__(self, *_) -> bool:
        self.bar.update(1)
        return False


def _pool(workers: int | None):
    workers = workers or multiprocessing.cpu_count()
    if workers == 1:
        return None
    return ProcessPoolExecutor(workers, mp_context=process_context("experiments.calibration.point_fit"))


def calibrate(data: str | Path, period: tuple[date, date], spec: CalibrationSpec | str | Path = "defender", *,
              mapping: str | None = None, workers: int | None = None, progress: bool = True,
              profile_points: int = 7) -> Calibration:
    """Fit the spec's parameters to the observed monthly shares of `period`; see the module docstring."""
    from scipy.optimize import differential_evolution

    spec = spec if isinstance(spec, CalibrationSpec) else load_calibration_spec(spec)
    objective = objective_for(spec, data, period, mapping)
    bounds = [tuple(float(v) for v in p.range) for p in spec.parameters]
    integrality = [p.is_integer for p in spec.parameters]
    started = time.perf_counter()
    pool = _pool(workers)
    mapper = pool.map if pool is not None else map
    settings = spec.optimiser
    bar = tqdm(total=settings.maxiter, unit="generation", desc="calibrating", disable=not progress)
    try:
        found = differential_evolution(
            objective, bounds, integrality=integrality, maxiter=settings.maxiter, popsize=settings.popsize,
            tol=settings.tol, seed=spec.root_seed, polish=False, updating="deferred", workers=mapper,
            callback=_Ticker(bar))
        bar.close()
        best = found.x
        grid = [(p, float(v)) for p in spec.parameters
                for v in np.linspace(p.range[0], p.range[1], profile_points)]
        points = []
        for p, v in grid:
            x = best.copy()
            x[spec.parameters.index(p)] = v
            points.append(x)
        losses = list(tqdm(mapper(objective, points), total=len(points), desc="profiling", unit="point",
                           disable=not progress))
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    values = objective.values(best)
    loss = float(found.fun)
    slack = max(0.1 * loss, 0.05)
    profile = pd.DataFrame({"parameter": [p.name for p, _ in grid], "value": [v for _, v in grid],
                            "loss": losses})
    profile["near_best"] = profile["loss"] <= loss + slack
    pinned = {p.name: bool(profile[profile["parameter"] == p.name]["near_best"].mean() <= 0.5)
              for p in spec.parameters}
    simulated = objective.simulate(best)
    return Calibration(spec, str(data), period, values, mean_absolute_errors(simulated, objective.observed), loss,
                       profile, pinned, int(found.nfev) + len(points), time.perf_counter() - started, simulated,
                       objective.observed)


def calibrated_scenario_text(result: Calibration) -> str:
    """The point-fitted scenario as TOML: the base scenario, extended with the fitted values."""
    header = [f"Calibrated by `attrition calibrate` (point fit, `--method point`) on {date.today()}: "
              f"{Path(result.data).name}, {result.period[0]} to {result.period[1]}, "
              f"{result.spec.replications} replications per evaluation.",
              "Mean absolute error of the monthly neutralised share: "
              + ", ".join(f"{c} {100 * e:.1f} pp" for c, e in result.errors.items()) + ".",
              "Not pinned down by these data: " + (", ".join(n for n, ok in result.pinned.items() if not ok)
                                                   or "none") + "."]
    return scenario_text(result.spec, result.values, header, result.data, result.period)
