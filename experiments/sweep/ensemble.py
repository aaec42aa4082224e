"""A posterior ensemble: parameter sets with weights, drawn in a fixed order so replication r runs draw r.

An ensemble is a Parquet table written by `attrition calibrate` (ABC-SMC): one
column per scenario path (`catalog.interceptors.gem_t.kill_probability.cruise`),
a `weight` column, one row per particle. A scenario names it with a top-level
`ensemble = "posterior.parquet"` (relative to the scenario file); sweeps,
validation and forecasts of that scenario then run replication r with draw r's
values set at their paths, so policies compared at the same replication meet
the same nights (common random numbers) and the same parameter set.

Draw order: the particles are resampled to `len(ensemble)` equally weighted
draws by systematic resampling (deterministic: each particle appears
floor or ceil of N x weight times), then shuffled by a generator seeded with
`DRAW_ORDER_SEED`. Any prefix of the draws is thus a fair sample of the
posterior, and the order is a property of the file alone. Draw r of an
ensemble of N is draw r mod N.
"""

import copy
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sweep.paths import set_path
from model.errors import DataFileError

WEIGHT = "weight"
DRAW_ORDER_SEED = 20250709
"""Seeds the shuffle of the resampled draws: fixed, so a file always gives the same draws."""


class EnsembleError(DataFileError):
    """An ensemble file that cannot be used: missing, unreadable, or at odds with the scenario."""


def systematic_resample(weights: np.ndarray, size: int) -> np.ndarray:
    """Particle indices, `size` of them, each particle as often as floor or ceil of size x its weight."""
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, (np.arange(size) + 0.5) / size)


@dataclass(frozen=True)
class Ensemble:
    """Weighted parameter sets at scenario paths; `draw(r)` gives replication r's values."""

    table: pd.DataFrame
    source: str = "<ensemble>"
    order: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weights = self.table[WEIGHT].to_numpy(float)
        draws = systematic_resample(weights, len(weights))
        object.__setattr__(self, "order", np.random.default_rng(DRAW_ORDER_SEED).permutation(draws))

    @property
    def paths(self) -> list[str]:
        """The scenario paths the ensemble sets, in column order."""
        return [c for c in self.table.columns if c != WEIGHT]

    def __len__(self) -> int:
        return len(self.table)

    def particle(self, r: int) -> int:
        """The row (particle) that replication r draws."""
        return int(self.order[r % len(self.order)])

    def draw(self, r: int) -> dict:
        """Replication r's values by path, as plain Python numbers."""
        k = self.particle(r)
        values = {path: self.table[path].iat[k] for path in self.paths}  # by column: integers stay integers
        return {path: v.item() if hasattr(v, "item") else v for path, v in values.items()}

    def apply(self, raw: dict, r: int) -> dict:
        """A copy of scenario data with draw r's values set at their paths."""
        out = copy.deepcopy(raw)
        for path, value in self.draw(r).items():
            set_path(out, path, value)
        return out

    def check(self, raw: dict, source: str) -> None:
        """Every column is a path of the scenario `raw`; else one error naming the file and the columns."""
        wrong = []
        for path in self.paths:
            try:
                set_path(copy.deepcopy(raw), path, 0)
            except KeyError as error:
                wrong.append((path, str(error.args[0])))
        if wrong:
            hint = ("; a scenario that replaces a list the ensemble's paths run through can set "
                    "ensemble = \"none\" to run its own values")
            raise EnsembleError(self.source, [(f"column {path}", path, f"no such path in {source}: {why}{hint}")
                                              for path, why in wrong])

    @property
    def digest(self) -> str:
        """A hash of the values and weights: what a sweep's identity depends on."""
        return hashlib.sha256(pd.util.hash_pandas_object(self.table, index=False).to_numpy().tobytes()
                              + ",".join(self.table.columns).encode()).hexdigest()[:16]


def weighted_quantile(values, weights, q) -> np.ndarray:
    """Quantiles `q` of `values` under `weights` (midpoint rule on the weighted empirical distribution)."""
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(values)
    cumulative = (np.cumsum(weights[order]) - 0.5 * weights[order]) / weights.sum()
    return np.interp(q, cumulative, values[order])


def read_ensemble(path: str | Path) -> Ensemble:
    """An ensemble file, checked: Parquet, a positive `weight` column, numeric parameter columns."""
    return _read(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _read(path: str) -> Ensemble:
    if Path(path).is_dir():
        raise EnsembleError(path, [("file", path, "is a folder; an ensemble is a Parquet file")])
    if not Path(path).is_file():
        raise EnsembleError(path, [("file", path, "no such ensemble file")])
    try:
        table = pd.read_parquet(path)
    except Exception as error:  # noqa: BLE001 - pyarrow raises many kinds for a file that is not Parquet
        raise EnsembleError(path, [("file", Path(path).name, f"not a Parquet table: {error}")]) from None
    problems = []
    if WEIGHT not in table.columns:
        problems.append(("columns", ", ".join(map(str, table.columns)), f"no `{WEIGHT}` column"))
    elif len(table) == 0:
        problems.append(("rows", 0, "the ensemble is empty"))
    else:
        weights = table[WEIGHT].to_numpy(float)
        if not np.all(np.isfinite(weights)) or (weights < 0).any() or weights.sum() <= 0:
            problems.append((WEIGHT, "...", "weights must be finite, non-negative and not all zero"))
    for column in table.columns:
        if column != WEIGHT and not pd.api.types.is_numeric_dtype(table[column]):
            problems.append((f"column {column}", str(table[column].dtype), "parameter values must be numbers"))
        elif column != WEIGHT and not np.all(np.isfinite(table[column].to_numpy(float))):
            problems.append((f"column {column}", "...", "parameter values must be finite"))
    if not [c for c in table.columns if c != WEIGHT]:
        problems.append(("columns", ", ".join(map(str, table.columns)), "no parameter columns"))
    if problems:
        raise EnsembleError(path, problems)
    return Ensemble(table.reset_index(drop=True), path)


def scenario_ensemble(raw: dict, source: str, override: str | Path | None = None) -> Ensemble | None:
    """The ensemble a scenario names (its `ensemble` key, or `override`), checked against it; None if none.

    `override = "none"` runs the scenario's own (point) values.
    """
    named = override if override is not None else raw.get("ensemble")
    if named is None or str(named) == "none":
        return None
    ensemble = read_ensemble(named)
    ensemble.check(raw, source)
    return ensemble


def write_ensemble(table: pd.DataFrame, path: str | Path) -> Path:
    """Write an ensemble table (parameter columns by path, and `weight`) as Parquet."""
    path = Path(path)
    table.to_parquet(path, index=False)
    _read.cache_clear()
    return path
