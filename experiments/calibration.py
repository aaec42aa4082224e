"""Calibration and validation against observed attacks: monthly neutralised shares by class.

    attrition calibrate DATA.csv --period 2025-01-01:2025-06-30 --out calibrated.toml
    attrition validate DATA.csv --scenario calibrated.toml --period 2025-07-01:2025-12-31

Both replay the observed nights (`attacker.mode = "replay"`), so the defence
meets exactly the launches that were reported, and compare the simulated
monthly neutralised share of drones (with decoys), cruise and ballistic
missiles with the observed one.

- **Fit**: `scipy.optimize.differential_evolution` over the parameters of a
  calibration file (`experiments/calibration/defender.toml`: paths and
  ranges, as in sweep specs), minimising the sum over classes of the mean
  absolute error divided by its target. Every evaluation runs the same seeds
  (common random numbers), so the objective is a deterministic function.
- **What the data does not pin down**: each parameter is profiled over its
  range with the others at the fit; one whose loss stays within 10% (and
  0.05) of the best over more than half its range is reported as not pinned
  down by these data.
"""

import copy
import math
import multiprocessing
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tqdm.auto import tqdm

from experiments.design import path_tokens, replication_seed, with_values
from experiments.executors import process_context
from experiments.spec import Factor, SpecError
from model import AirCampaign, build_scenario, scenario_data
from model.loading import validation_problems
from model.observed import load_observed

FITTED = ("drone", "cruise", "ballistic")
"""Observed classes whose monthly shares are fitted (`other` is not simulated)."""
SPECS = resources.files("experiments") / "calibration"


class Optimiser(BaseModel):
    """Settings of `scipy.optimize.differential_evolution`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maxiter: int = Field(25, ge=1)
    popsize: int = Field(6, ge=2)
    tol: float = Field(0.01, gt=0)


class CalibrationSpec(BaseModel):
    """What to fit: the base scenario, the parameters and their ranges, replications and targets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    scenario: str
    replications: int = Field(4, ge=1)
    root_seed: int = Field(2025, ge=0)
    targets: dict[str, float] = Field(default_factory=lambda: {"drone": 0.05, "cruise": 0.05, "ballistic": 0.10})
    optimiser: Optimiser = Optimiser()
    parameters: list[Factor] = Field(min_length=1)
    base_dir: str = Field("", exclude=True)


def load_calibration_spec(source: str | Path = "defender") -> CalibrationSpec:
    """A calibration file by built-in name (`defender`) or path; every parameter needs a range."""
    text = str(source)
    path = Path(text) if text.endswith(".toml") or "/" in text else Path(str(SPECS / f"{text}.toml"))
    if not path.is_file():
        raise SpecError(text, [("file", text, "no such calibration file")])
    try:
        raw = tomllib.loads(path.read_text())
        spec = CalibrationSpec.model_validate({**raw, "base_dir": str(path.parent)})
    except tomllib.TOMLDecodeError as error:
        raise SpecError(str(path), [("file", path.name, f"not valid TOML: {error}")]) from None
    except ValidationError as error:
        raise SpecError(str(path), validation_problems(error)) from None
    problems = [(f"parameters[{k}].range", p.range, "a calibrated parameter needs a range")
                for k, p in enumerate(spec.parameters) if p.range is None]
    problems += [(f"targets.{c}", v, f"unknown class; fitted classes: {', '.join(FITTED)}")
                 for c, v in spec.targets.items() if c not in FITTED]
    if problems:
        raise SpecError(str(path), problems)
    return spec


def replay_data(raw: dict, data: str | Path, start: date, end: date, mapping: str | None = None) -> dict:
    """Scenario data set to replay `data` from `start` to `end` (its timeline must fit in the period)."""
    replay = {"file": str(Path(data).resolve())}
    if mapping:
        replay["mapping"] = str(Path(mapping).resolve())
    attacker = {**raw["attacker"], "mode": "replay", "replay": {**raw["attacker"].get("replay", {}), **replay}}
    return {**raw, "start": start, "end": end, "attacker": attacker}


def monthly_counts(campaign: AirCampaign) -> pd.DataFrame:
    """A finished run's launched and neutralised counts per month and fitted class (drones with decoys)."""
    daily = campaign.daily()
    names = list(campaign.config.catalog.threats)
    decoys = [n for n, t in campaign.config.catalog.threats.items() if t.mimics == "drone"]
    month = daily["date"].dt.to_period("M").astype(str)
    rows = []
    for cls in FITTED:
        members = [cls, *decoys] if cls == "drone" else [cls]
        members = [m for m in members if m in names]
        launched = daily[[f"launched_{m}" for m in members]].sum(axis=1)
        neutralised = daily[[f"neutralised_{m}" for m in members]].sum(axis=1)
        table = pd.DataFrame({"month": month, "launched": launched, "neutralised": neutralised})
        rows.append(table.groupby("month", sort=True).sum().reset_index().assign(**{"class": cls}))
    return pd.concat(rows, ignore_index=True)[["month", "class", "launched", "neutralised"]]


def observed_shares(data: str | Path, start: date, end: date, mapping: str | None = None) -> pd.DataFrame:
    """Observed monthly shares of the fitted classes, months without a known outcome left out."""
    table = load_observed(data, mapping).monthly_shares(start, end)
    table = table[table["class"].isin(FITTED) & (table["with_outcome"] > 0)]
    return table.reset_index(drop=True)


def mean_absolute_errors(simulated: pd.DataFrame, observed: pd.DataFrame) -> dict[str, float]:
    """Per class: mean over months of |simulated share - observed share| (months both have)."""
    merged = observed.merge(simulated, on=["month", "class"], suffixes=("", "_sim"))
    return {c: float((merged.loc[merged["class"] == c, "share_sim"] - merged.loc[merged["class"] == c, "share"])
                     .abs().mean()) for c in FITTED if (merged["class"] == c).any()}


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
        tables = [monthly_counts(AirCampaign(scenario, rng=seed).run()) for seed in self.seeds]
        pooled = pd.concat(tables).groupby(["month", "class"], sort=True)[["launched", "neutralised"]].sum()
        pooled["share"] = pooled["neutralised"] / pooled["launched"].where(pooled["launched"] > 0)
        return pooled.reset_index()

    def errors(self, x) -> dict[str, float]:
        """Mean absolute error of the monthly share, by class."""
        return mean_absolute_errors(self.simulate(x), self.observed)

    def __call__(self, x) -> float:
        """Sum over classes of MAE / target."""
        errors = self.errors(x)
        return float(sum(errors.get(c, 0.0) / t for c, t in self.targets.items()))


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
    return ProcessPoolExecutor(workers, mp_context=process_context("experiments.calibration"))


def objective_for(spec: CalibrationSpec, data: str | Path, period: tuple[date, date],
                  mapping: str | None = None) -> Objective:
    """The loss function of a calibration: base scenario set to replay `data` over `period`."""
    base, source = scenario_data(spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
    raw = replay_data(base, data, *period, mapping)
    build_scenario(raw, source)  # a clear error now rather than in every evaluation
    observed = observed_shares(data, *period, mapping)
    if observed.empty:
        raise ValueError(f"{data} has no reports with known outcomes between {period[0]} and {period[1]}")
    seeds = [replication_seed(spec.root_seed, r) for r in range(spec.replications)]
    return Objective(raw, source, list(spec.parameters), observed, dict(spec.targets), seeds)


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


def overrides(base: dict, paths: dict[str, list[str]], values: dict) -> dict:
    """The smallest scenario table that, merged over `base`, sets each value at its paths.

    Tables are merged key by key when a scenario extends another, but lists are
    replaced whole, so a path through a list (`suppliers[0].theatre_share`)
    carries the whole list, copied from `base`, with the value set in it.
    """
    out: dict = {}
    for name, keys in paths.items():
        for path in keys:
            tokens = path_tokens(path)
            node, source = out, base
            for depth, token in enumerate(tokens[:-1]):
                source = source[token]
                if isinstance(source, list) and not isinstance(tokens[depth + 1], str) and token not in node:
                    node[token] = copy.deepcopy(source)
                node = node.setdefault(token, {}) if isinstance(node, dict) else node[token]
            node[tokens[-1]] = values[name]
    return out


def calibrated_scenario_text(result: Calibration) -> str:
    """The calibrated scenario as TOML: the base scenario, extended with the fitted values."""
    import tomli_w

    spec = result.spec
    base = spec.scenario
    if base.endswith(".toml") or "/" in base:
        base = str((Path(spec.base_dir) / base).resolve())
    body = {"extends": base, "name": f"{Path(spec.scenario).stem}-calibrated",
            "description": (f"{spec.scenario} with the defender's {', '.join(result.values)} fitted to "
                            f"{Path(result.data).name}, {result.period[0]} to {result.period[1]}")}
    base_data, _ = scenario_data(spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in result.values.items()}  # fit noise > 1e-3
    body.update(overrides(base_data, {p.name: p.paths for p in spec.parameters}, rounded))
    lines = [f"# Calibrated by `attrition calibrate` on {date.today()}: {Path(result.data).name}, "
             f"{result.period[0]} to {result.period[1]}, {spec.replications} replications per evaluation.",
             "# Mean absolute error of the monthly neutralised share: "
             + ", ".join(f"{c} {100 * e:.1f} pp" for c, e in result.errors.items()) + ".",
             "# Not pinned down by these data: "
             + (", ".join(n for n, ok in result.pinned.items() if not ok) or "none") + ".", ""]
    return "\n".join(lines) + tomli_w.dumps(body)


@dataclass
class Validation:
    """Observed against simulated monthly shares, with 90% bands over replications, and the errors."""

    table: pd.DataFrame
    errors: dict[str, float]
    replications: int


def validate(data: str | Path, scenario: str | Path, period: tuple[date, date], *, replications: int = 20,
             root_seed: int = 7, mapping: str | None = None, progress: bool = True) -> Validation:
    """Replay `period` with `scenario` and compare monthly neutralised shares with the observed ones.

    Each replication's monthly share is kept, for the 90% band; the error is
    that of the replications' pooled share, as in the fit.
    """
    base, source = scenario_data(scenario)
    built = build_scenario(replay_data(base, data, *period, mapping), source)
    observed = observed_shares(data, *period, mapping)
    if observed.empty:
        raise ValueError(f"{data} has no reports with known outcomes between {period[0]} and {period[1]}")
    runs = []
    for r in tqdm(range(replications), desc="validating", unit="run", disable=not progress):
        table = monthly_counts(AirCampaign(built, rng=replication_seed(root_seed, r)).run())
        runs.append(table.assign(replication=r))
    runs = pd.concat(runs, ignore_index=True)
    runs["share"] = runs["neutralised"] / runs["launched"].where(runs["launched"] > 0)
    bands = runs.groupby(["month", "class"])["share"].quantile([0.05, 0.5, 0.95]).unstack()
    bands.columns = ["sim_q05", "sim_q50", "sim_q95"]
    pooled = runs.groupby(["month", "class"])[["launched", "neutralised"]].sum()
    pooled["share"] = pooled["neutralised"] / pooled["launched"].where(pooled["launched"] > 0)
    merged = observed.rename(columns={"share": "observed", "launched": "observed_launched"}).merge(
        pooled["share"].rename("simulated").reset_index(), on=["month", "class"]).merge(
        bands.reset_index(), on=["month", "class"])
    merged["error"] = merged["simulated"] - merged["observed"]
    errors = {c: float(merged.loc[merged["class"] == c, "error"].abs().mean())
              for c in FITTED if (merged["class"] == c).any()}
    columns = ["month", "class", "observed_launched", "observed", "simulated", "sim_q05", "sim_q50", "sim_q95",
               "error"]
    return Validation(merged[columns], errors, replications)


def validation_figure(result: Validation, title: str = ""):
    """Observed against simulated monthly neutralised share, one panel per class, 90% band shaded."""
    from experiments.document import new_figure

    table = result.table
    fig, axes = new_figure(1, len(FITTED), figsize=(14, 4.5), sharey=True, layout="constrained")
    for ax, cls in zip(axes, FITTED, strict=True):
        rows = table[table["class"] == cls]
        x = pd.PeriodIndex(rows["month"], freq="M").to_timestamp()
        ax.fill_between(x, rows["sim_q05"], rows["sim_q95"], color="C0", alpha=0.2, linewidth=0,
                        label=f"simulated, 90% of {result.replications} runs")
        ax.plot(x, rows["simulated"], color="C0", marker="o", label="simulated (pooled)")
        ax.plot(x, rows["observed"], color="black", marker="s", linestyle="--", label="observed")
        error = result.errors.get(cls, math.nan)
        ax.set_title(f"{cls}: mean absolute error {100 * error:.1f} pp")
        ax.set_xlabel("month")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel("neutralised share (shot down or lost, of launched)")
    axes[0].set_ylim(0, 1.02)
    axes[0].legend(loc="lower left", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig
