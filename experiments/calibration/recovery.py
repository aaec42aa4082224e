"""Simulation-based calibration: does the posterior's 90% interval hold the truth 90% of the time?

    attrition recovery DATA.csv --period 2025-01-01:2025-03-31 --datasets 20 --out runs/recovery

For each synthetic data set k: true parameters are drawn from the prior (uniform over the calibration
file's ranges, seeded by `SeedSequence(root_seed, spawn_key=(k,))`), one replay of the observed nights
with them makes the monthly shares a report would have shown, and the posterior is fitted to those shares
exactly as to real data. A parameter is identifiable here when its posterior 90% interval is, on average,
under `LEFT_ABOVE` of its prior's; its coverage is the share of data sets whose truth lies inside the
interval. An honest posterior covers about 90%; ABC's tolerance makes it wider, so more is expected.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.abc_model import ShareSimulator, to_unbounded
from experiments.calibration.loss import objective_for
from experiments.calibration.particles import LEFT_ABOVE
from experiments.calibration.posterior import fit_posterior
from experiments.calibration.spec import CalibrationSpec, load_calibration_spec
from model.errors import InputError


@dataclass
class Recovery:
    """Per data set and parameter: the truth, the posterior interval, and whether it held the truth."""

    table: pd.DataFrame
    spec: CalibrationSpec

    def summary(self) -> pd.DataFrame:
        """Per parameter: coverage of the 90% interval, mean interval over the prior's, identifiable or not."""
        grouped = self.table.groupby("parameter", sort=False)
        out = pd.DataFrame({"coverage": grouped["covered"].mean(), "interval_vs_prior": grouped["ratio"].mean(),
                            "datasets": grouped.size(),
                            "effective_size": grouped["effective_size"].median()}).reset_index()
        out["identifiable"] = out["interval_vs_prior"] <= LEFT_ABOVE
        return out


def synthetic_truths(spec: CalibrationSpec, datasets: int) -> list[dict]:
    """True parameter values per data set, drawn uniformly over each range from the spec's root seed."""
    truths = []
    for k in range(datasets):
        rng = np.random.default_rng(np.random.SeedSequence(spec.root_seed, spawn_key=(k,)))
        values = {p.name: float(rng.uniform(p.range[0], p.range[1])) for p in spec.parameters}
        truths.append({p.name: int(round(values[p.name])) if p.is_integer else values[p.name]
                       for p in spec.parameters})
    return truths


def synthetic_shares(spec: CalibrationSpec, data, period, truth: dict, seed: int, mapping=None) -> pd.DataFrame:
    """The monthly shares one replay with `truth` gives, in the observed table's rows (month, class, days)."""
    objective = objective_for(spec, data, period, mapping)
    observed = objective.observed
    keys = list(zip(observed["month"], observed["class"], strict=True))
    simulator = ShareSimulator(objective.base, objective.source, list(spec.parameters), tuple(period), keys)
    np.random.seed(seed)  # noqa: NPY002 - the simulator draws its run seed from numpy's global state
    coordinates = {p.name: float(to_unbounded(p, truth[p.name])) for p in spec.parameters}
    return observed.assign(share=simulator(coordinates)["share"])


def recover(data: str | Path, period: tuple[date, date], spec: CalibrationSpec | str | Path = "recovery", *,
            datasets: int = 20, out: str | Path, workers: int | None = None, progress: bool = True,
            mapping: str | None = None) -> Recovery:
    """Fit `datasets` synthetic data sets made from known parameters; see the module docstring.

    Each fit lives in `out/dataset-k` and resumes like any fit, so a stopped check goes on where it was.
    """
    spec = spec if isinstance(spec, CalibrationSpec) else load_calibration_spec(spec)
    if datasets < 1:
        raise InputError(f"--datasets {datasets}: give at least 1")
    rows = []
    for k, truth in enumerate(tqdm(synthetic_truths(spec, datasets), desc="recovery", unit="data set",
                                   disable=not progress)):
        shares = synthetic_shares(spec, data, period, truth, seed=spec.root_seed + k, mapping=mapping)
        fitted = fit_posterior(data, period, spec, out=Path(out) / f"dataset-{k:03d}", workers=workers,
                               progress=False, predictive=0, mapping=mapping, observed=shares)
        table = fitted.table().set_index("parameter")
        for p in spec.parameters:
            low, high = table.loc[p.name, "q05"], table.loc[p.name, "q95"]
            rows.append({"dataset": k, "parameter": p.name, "truth": truth[p.name], "q05": low, "q95": high,
                         "median": table.loc[p.name, "median"], "ratio": table.loc[p.name, "interval_vs_prior"],
                         "covered": bool(low <= truth[p.name] <= high), "effective_size": fitted.effective_size})
    result = Recovery(pd.DataFrame(rows), spec)
    result.table.to_csv(Path(out) / "recovery.csv", index=False)
    result.summary().to_csv(Path(out) / "coverage.csv", index=False)
    return result
