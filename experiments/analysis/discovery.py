"""Scenario discovery: the factor ranges where bad runs concentrate (PRIM, from EMA Workbench)."""

import json
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.analysis.statistics import AnalysisError, _require


@dataclass
class Discovery:
    """A PRIM box: the factor ranges where the cases of interest concentrate."""

    limits: pd.DataFrame
    """One row per factor: `low`, `high` (or `levels`) of the box, the full range, and `restricted`."""
    coverage: float
    """Share of all cases of interest that fall inside the box."""
    density: float
    """Share of the runs inside the box that are cases of interest."""
    mass: float
    """Share of all runs inside the box."""
    cases: int
    """Cases of interest among all runs."""
    runs: int

    def describe(self) -> str:
        """The box in words, with its coverage and density."""
        parts = []
        for row in self.limits[self.limits["restricted"]].itertuples():
            if isinstance(row.low, float) and not np.isnan(row.low):
                parts.append(f"{row.factor} in [{row.low:.3g}, {row.high:.3g}]")
            else:
                parts.append(f"{row.factor} in {{{row.levels}}}")
        where = " and ".join(parts) if parts else "no restriction found"
        return (f"{where}: coverage {self.coverage:.0%} (of {self.cases} bad runs), density {self.density:.0%} "
                f"(of {round(self.mass * self.runs)} runs in the box), mass {self.mass:.0%}")


def _prim_inputs(runs: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    x = pd.DataFrame(index=range(len(runs)))
    for name in factors:
        column = runs[name].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            x[name] = column.astype(float)
        else:
            x[name] = pd.Categorical(column.map(lambda v: v if isinstance(v, str) else json.dumps(v, default=str)))
    return x


def discover(runs: pd.DataFrame, factors: list[str], interesting: np.ndarray, min_density: float = 0.8,
             mass_min: float = 0.05) -> Discovery:
    """Scenario discovery: PRIM (EMA Workbench) on the runs flagged `interesting`.

    Of the boxes on PRIM's peeling trajectory, the one with the highest
    coverage among those with density at least `min_density` is chosen (the
    densest one if none reaches it).
    """
    _require(runs, factors)
    y = np.asarray(interesting, dtype=bool)
    if y.sum() == 0 or y.all():
        raise AnalysisError(f"PRIM needs both kinds of runs: {int(y.sum())} of {len(y)} are of interest")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional parallel back-ends on import
        from ema_workbench.analysis import prim
        from ema_workbench.util import ema_logging

        ema_logging.get_rootlogger().setLevel("WARNING")
        x = _prim_inputs(runs, factors)
        algorithm = prim.Prim(x, y, mass_min=mass_min)
        box = algorithm.find_box()
        trajectory = box.peeling_trajectory
        dense = trajectory[trajectory["density"] >= min_density]
        chosen = int(dense["coverage"].idxmax() if len(dense) else trajectory["density"].idxmax())
        box.select(chosen)
    limits, initial = box.box_lim, algorithm.box_init
    rows = []
    for name in factors:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        if isinstance(low, set):
            rows.append({"factor": name, "low": np.nan, "high": np.nan, "levels": ", ".join(sorted(low)),
                         "full": ", ".join(sorted(initial[name].iloc[0])),
                         "restricted": low != initial[name].iloc[0]})
        else:
            full_low, full_high = initial[name].iloc[0], initial[name].iloc[1]
            rows.append({"factor": name, "low": float(low), "high": float(high), "levels": "",
                         "full": f"[{full_low:.6g}, {full_high:.6g}]",
                         "restricted": bool(low > full_low or high < full_high)})
    return Discovery(pd.DataFrame(rows), float(box.coverage), float(box.density), float(box.mass),
                     int(y.sum()), len(y))
