"""The posterior as particles: read back from pyabc's history, and what the data pins down.

`Posterior` holds the last generation's particles and weights and every
generation's record; its tables say, per parameter, how much the data narrowed
the prior (`PINNED_BELOW`, `LEFT_ABOVE`), whether the median sits at an edge of
its range (`EDGE`), and whether the weights are degenerate (`DEGENERATE_BELOW`).
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.spec import CalibrationSpec
from experiments.sweep.ensemble import WEIGHT, weighted_quantile

ENSEMBLE_FILE = "posterior.parquet"
SCENARIO_FILE = "scenario.toml"
DATABASE_FILE = "abc.db"
PINNED_BELOW = 0.5
"""A parameter whose posterior 90% interval is under half its prior's is pinned down by the data."""
LEFT_ABOVE = 0.8
"""One whose interval is over 80% of the prior's is left to the prior."""
EDGE = 0.05
"""A posterior median within 5% of its range's end sits at an edge: structure the model may lack."""
DEGENERATE_BELOW = 0.1
"""Weights worth under a tenth of the particles are degenerate: the fit says so wherever it reports."""


@dataclass
class Posterior:
    """A finished (or stopped) ABC-SMC fit: its folder, the ensemble, and what the data pins down."""

    path: Path
    spec: CalibrationSpec
    data: str
    period: tuple[date, date]
    particles: pd.DataFrame
    """One row per particle: parameter values by name, and `weight`."""
    generations: pd.DataFrame
    """One row per generation: tolerance, particles, simulations, acceptance rate."""
    seconds: float = 0.0
    predictive: object = field(default=None, repr=False)

    @property
    def scenario_path(self) -> Path:
        """The scenario at the posterior medians that names the ensemble."""
        return self.path / SCENARIO_FILE

    @property
    def ensemble_path(self) -> Path:
        """The ensemble file: parameter values by scenario path, and weights."""
        return self.path / ENSEMBLE_FILE

    def weights(self) -> np.ndarray:
        """The particles' weights, summing to 1."""
        return self.particles[WEIGHT].to_numpy(float)

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights: how many equally weighted particles they are worth."""
        return _kish(self.weights())

    @property
    def degenerate(self) -> bool:
        """True when the weights are worth under `DEGENERATE_BELOW` of the particles: answers rest on few sets."""
        return self.effective_size < DEGENERATE_BELOW * len(self.particles)

    def weights_warning(self) -> str | None:
        """The warning every report of a degenerate fit carries (the screen and the scenario file), or None."""
        if not self.degenerate:
            return None
        return (f"WARNING: the weights are degenerate (effective size {self.effective_size:.0f} of "
                f"{len(self.particles)}): answers over this ensemble rest on few parameter sets. Marginalise the "
                "parameters the data leave to the prior ([abc] marginalise), or grow the population.")

    def quantiles(self, q) -> dict[str, np.ndarray]:
        """Weighted quantiles of each parameter."""
        weights = self.weights()
        return {p.name: weighted_quantile(self.particles[p.name], weights, q) for p in self.spec.parameters}

    def medians(self) -> dict:
        """Each parameter's weighted median (integer parameters rounded)."""
        q = self.quantiles([0.5])
        return {p.name: int(round(q[p.name][0])) if p.is_integer else float(q[p.name][0])
                for p in self.spec.parameters}

    def table(self) -> pd.DataFrame:
        """Per parameter: prior range, posterior median and 90% interval, how much the data narrowed it."""
        q = self.quantiles([0.05, 0.5, 0.95])
        rows = []
        for p in self.spec.parameters:
            low, high = (float(v) for v in p.range)
            q05, q50, q95 = q[p.name]
            ratio = (q95 - q05) / (0.9 * (high - low))
            verdict = ("pinned down" if ratio < PINNED_BELOW else "left to the prior" if ratio > LEFT_ABOVE
                       else "narrowed")
            edge = min(q50 - low, high - q50) < EDGE * (high - low)
            rows.append({"parameter": p.name, "prior": f"{p.range[0]} to {p.range[1]}", "median": q50,
                         "q05": q05, "q95": q95, "interval_vs_prior": ratio, "verdict": verdict,
                         "at_edge": edge, "marginalised": p.name in self.spec.abc.marginalise})
        return pd.DataFrame(rows)

    def correlations(self) -> pd.DataFrame:
        """Weighted correlation of every pair of parameters, strongest first (the trade-offs)."""
        names = [p.name for p in self.spec.parameters]
        matrix = np.cov(self.particles[names].to_numpy(float).T, aweights=self.weights())
        sd = np.sqrt(np.diag(matrix))
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = matrix / np.outer(sd, sd)
        rows = [{"first": names[i], "second": names[j], "correlation": float(corr[i, j])}
                for i in range(len(names)) for j in range(i + 1, len(names))]
        table = pd.DataFrame(rows)
        return table.reindex(table["correlation"].abs().sort_values(ascending=False).index).reset_index(drop=True)

    def ensemble_table(self) -> pd.DataFrame:
        """The ensemble as written: one column per scenario path (a parameter's value at each of its paths)."""
        columns = {}
        for p in self.spec.parameters:
            values = self.particles[p.name].to_numpy(float)
            values = np.round(values).astype(np.int64) if p.is_integer else values
            for path in p.paths:
                columns[path] = values
        return pd.DataFrame({**columns, WEIGHT: self.weights()})


def _kish(weights) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum())


def read_posterior(out: str | Path, spec: CalibrationSpec, data, period) -> Posterior:
    """A fit's folder read back: the last generation's particles and every generation's record."""
    from pyabc import History

    history = History(f"sqlite:///{(Path(out) / DATABASE_FILE).resolve()}", _id=1)
    weights, statistics = history.get_weighted_sum_stats()
    # every particle's statistics hold the values it ran with, the marginalised parameters' draws included
    values = np.array([s["values"] for s in statistics], dtype=float).reshape(len(statistics), -1)
    weights = np.asarray(weights, dtype=float)
    particles = pd.DataFrame(values, columns=[p.name for p in spec.parameters]).assign(
        **{WEIGHT: weights / weights.sum()})
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    generations = pd.DataFrame({"generation": populations["t"].to_numpy(), "tolerance": populations["epsilon"],
                                "simulations": populations["samples"].to_numpy()}).reset_index(drop=True)
    generations["kept"] = len(particles)
    generations["acceptance"] = generations["kept"] / generations["simulations"]
    generations["effective"] = [_kish(history.get_distribution(m=0, t=int(t))[1]) for t in generations["generation"]]
    return Posterior(Path(out), spec, str(data), tuple(period), particles, generations)
