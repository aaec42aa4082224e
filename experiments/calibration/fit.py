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
- **Validation** (`validate`): the model's monthly errors beside naive guesses
  scored on the same months (the constant pooled share of a reference period,
  last month's share, and the binomial floor a perfect model would still
  miss), months weighted by their days in the period; a 90% band of what would
  be observed given the model (run-to-run spread plus binomial noise); the
  drone share by night size; and ballistic kills by month with their
  correlation. Every replication runs once and all of it comes from those runs.
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

from experiments.sweep.design import path_tokens, replication_seed, with_values
from experiments.sweep.ensemble import scenario_ensemble
from experiments.sweep.executors import process_context
from experiments.sweep.spec import Factor, SpecError
from model import AirCampaign, build_scenario, scenario_data
from model.errors import InputError
from model.families import members as family_members
from model.files import find_data_file
from model.loading import validation_problems
from model.observed import ObservedAttacks, load_observed

FITTED = ("drone", "cruise", "ballistic")
"""Observed classes whose monthly shares are fitted (`other` is not simulated)."""
SPECS = resources.files("experiments") / "calibration"


class Optimiser(BaseModel):
    """Settings of `scipy.optimize.differential_evolution`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    maxiter: int = Field(25, ge=1)
    popsize: int = Field(6, ge=2)
    tol: float = Field(0.01, gt=0)


class AbcSettings(BaseModel):
    """Settings of the ABC-SMC posterior (`experiments/calibration/posterior.py`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    population: int = Field(500, ge=10, description="particles kept per generation: the ensemble's size")
    generations: int = Field(6, ge=1, description="generations at most, the prior's included")
    quantile: float = Field(0.5, gt=0, lt=1, description="each tolerance is this quantile of the last distances")
    min_epsilon: float = Field(0.0, ge=0, description="stop once the tolerance is this low")
    max_simulations: int = Field(20_000, ge=1, description="stop after this many simulations in all")
    predictive: int = Field(100, ge=0, description="posterior draws the predictive check runs (0: none)")
    kernel: float | None = Field(None, gt=0, description="each particle's perturbation kernel: this multiple of "
                                                         "the population's covariance (None: Silverman's rule)")
    marginalise: list[str] = Field(default_factory=list, description="parameters drawn from their priors in "
                                   "every simulation instead of inferred (integrated out; the ensemble keeps the "
                                   "values each particle ran with)")


class CalibrationSpec(BaseModel):
    """What to fit: the base scenario, the parameters and their ranges, replications and targets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    scenario: str
    replications: int = Field(4, ge=1)
    root_seed: int = Field(2025, ge=0)
    targets: dict[str, float] = Field(default_factory=lambda: {"drone": 0.05, "cruise": 0.05, "ballistic": 0.10})
    optimiser: Optimiser = Optimiser()
    abc: AbcSettings = AbcSettings()
    parameters: list[Factor] = Field(min_length=1)
    base_dir: str = Field("", exclude=True)


def load_calibration_spec(source: str | Path = "defender") -> CalibrationSpec:
    """A calibration file by built-in name (`defender`) or path; every parameter needs a range."""
    path = find_data_file(source, SPECS, "calibration", SpecError)
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
    names = [p.name for p in spec.parameters]
    problems += [("abc.marginalise", name, f"no such parameter; parameters: {', '.join(names)}")
                 for name in spec.abc.marginalise if name not in names]
    if set(names) <= set(spec.abc.marginalise):
        problems.append(("abc.marginalise", spec.abc.marginalise, "leaves no parameter to infer"))
    if problems:
        raise SpecError(str(path), problems)
    return spec


class PeriodError(InputError):
    """A period a scenario cannot serve: it starts before the scenario does."""


def replay_data(raw: dict, data: str | Path, start: date, end: date, mapping: str | None = None) -> dict:
    """Scenario data set to replay `data` up to `end`, from the scenario's own start: the state is carried.

    A period that starts after the scenario's start still runs from the
    scenario's start (stocks, force and pauses carried to the period; only the
    period is scored: see `in_period`). One that ends after the scenario's end
    extends it: nothing more happens on its timeline, so supply rates and the
    force stay as they stood on its last day (`extension_note` says so). One
    that starts before the scenario is refused.
    """
    if start < raw["start"]:
        raise PeriodError(f"--period starts on {start}, before the scenario's start ({raw['start']}): a run "
                          f"carries its state from the scenario's start, so pick a scenario that starts by then")
    replay = {"file": str(Path(data).resolve())}
    if mapping:
        replay["mapping"] = str(Path(mapping).resolve())
    attacker = {**raw["attacker"], "mode": "replay", "replay": {**raw["attacker"].get("replay", {}), **replay}}
    return {**raw, "end": end, "attacker": attacker}


def extension_note(raw: dict, start: date, end: date) -> str | None:
    """How a run is carried to `start`, or extended past the scenario's end to `end`, in one sentence (or None)."""
    notes = []
    if start > raw["start"]:
        notes.append(f"the run starts on the scenario's start, {raw['start']}, and carries its stocks, force and "
                     f"pauses to {start}; only {start} to {end} is scored")
    if end > raw["end"]:
        notes.append(f"the scenario ends on {raw['end']}; the run goes on to {end} with the supply rates, force and "
                     f"kill probabilities of that day (its timeline has nothing later)")
    return "; ".join(notes) or None


def in_period(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The rows of a daily table from `start` to `end` (both included): what is scored."""
    dates = pd.to_datetime(daily["date"])
    return daily[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]


def _family_members(campaign: AirCampaign) -> dict[str, list[str]]:
    """The catalog classes counted in each fitted family, in catalog order.

    A family counts the class named like it, the classes whose `family` it is (subtypes such as Kh-101 in
    `cruise`, where the catalog has them), and, for `drone`, every class that mimics a drone (decoys).
    """
    threats = campaign.config.catalog.threats
    groups = family_members(threats)
    decoys = [n for n, t in threats.items() if t.mimics == "drone"]
    return {cls: [*groups.get(cls, []), *(decoys if cls == "drone" else [])] for cls in FITTED}


def _daily_counts(daily: pd.DataFrame, members: list[str]) -> tuple[pd.Series, pd.Series]:
    """Launched and neutralised per day, summed over a family's catalog classes."""
    return (daily[[f"launched_{m}" for m in members]].sum(axis=1),
            daily[[f"neutralised_{m}" for m in members]].sum(axis=1))


def _monthly_from_daily(daily: pd.DataFrame, families: dict[str, list[str]]) -> pd.DataFrame:
    month = daily["date"].dt.to_period("M").astype(str)
    rows = []
    for cls, classes in families.items():
        launched, neutralised = _daily_counts(daily, classes)
        table = pd.DataFrame({"month": month, "launched": launched, "neutralised": neutralised})
        rows.append(table.groupby("month", sort=True).sum().reset_index().assign(**{"class": cls}))
    return pd.concat(rows, ignore_index=True)[["month", "class", "launched", "neutralised"]]


def monthly_counts(campaign: AirCampaign, period: tuple[date, date] | None = None) -> pd.DataFrame:
    """A finished run's launched and neutralised counts per month and fitted class (drones with decoys).

    With `period`, only its days count (a run carried from an earlier start).
    """
    daily = campaign.daily()
    if period is not None:
        daily = in_period(daily, *period)
    return _monthly_from_daily(daily, _family_members(campaign))


def pooled_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Per (month, class): launched and neutralised summed over runs, and their share (NaN if none launched)."""
    pooled = counts.groupby(["month", "class"], sort=True)[["launched", "neutralised"]].sum()
    pooled["share"] = pooled["neutralised"] / pooled["launched"].where(pooled["launched"] > 0)
    return pooled


def month_days(start: date, end: date) -> pd.DataFrame:
    """Each month touching `start`..`end` (both included) and how many of its days are inside."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    counts = pd.Series(1, index=days).groupby(days.to_period("M")).sum()
    return pd.DataFrame({"month": counts.index.astype(str), "days": counts.to_numpy().astype(int)})


def observed_shares(data: str | Path, start: date, end: date, mapping: str | None = None) -> pd.DataFrame:
    """Observed monthly shares of the fitted classes, months without a known outcome left out.

    `days` is each month's number of days inside the period (the loader's, or counted here).
    """
    table = load_observed(data, mapping).monthly_shares(start, end)
    if "days" not in table.columns:
        table = table.merge(month_days(start, end), on="month", how="left")
    table = table[table["class"].isin(FITTED) & (table["with_outcome"] > 0)]
    return table.reset_index(drop=True)


def _weighted_mean(values, weights) -> float:
    """sum(w * v) / sum(w) over the entries whose value is known; NaN if none is."""
    values = np.asarray(values, dtype=float)
    weights = np.broadcast_to(np.asarray(weights, dtype=float), values.shape)
    known = ~np.isnan(values)
    if not known.any() or weights[known].sum() <= 0:
        return math.nan
    return float((weights[known] * values[known]).sum() / weights[known].sum())


def mean_absolute_errors(simulated: pd.DataFrame, observed: pd.DataFrame) -> dict[str, float]:
    """Per class: mean over months of |simulated share - observed share| (months both have).

    Months are weighted by their days in the period when `observed` has a `days` column.
    """
    merged = observed.merge(simulated, on=["month", "class"], suffixes=("", "_sim"))
    out = {}
    for c in FITTED:
        rows = merged[merged["class"] == c]
        if len(rows):
            weights = rows["days"] if "days" in rows.columns else 1.0
            out[c] = _weighted_mean((rows["share_sim"] - rows["share"]).abs(), weights)
    return out


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
    return ProcessPoolExecutor(workers, mp_context=process_context("experiments.calibration.fit"))


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


def scenario_text(spec: CalibrationSpec, values: dict, header: list[str], data: str, period,
                  ensemble: str | None = None) -> str:
    """A fitted scenario as TOML: the spec's base scenario, extended with `values` (and naming `ensemble`)."""
    import tomli_w

    base = spec.scenario
    if base.endswith(".toml") or "/" in base:
        base = str((Path(spec.base_dir) / base).resolve())
    body = {"extends": base, "name": f"{Path(spec.scenario).stem}-calibrated",
            "description": (f"{spec.scenario} with the defender's {', '.join(values)} fitted to "
                            f"{Path(data).name}, {period[0]} to {period[1]}")}
    if ensemble is not None:
        body["ensemble"] = ensemble
    base_data, _ = scenario_data(spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()}  # fit noise > 1e-3
    body.update(overrides(base_data, {p.name: p.paths for p in spec.parameters}, rounded))
    lines = [f"# {line}" for line in header] + [""]
    return "\n".join(lines) + tomli_w.dumps(body)


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


NIGHT_BINS = (0, 100, 200, 400, 600, math.inf)
"""Edges of the night sizes (observed Shahed-type launches a night): up to 100, 100-200, ..., over 600."""
NIGHT_LABELS = ("up to 100", "100-200", "200-400", "400-600", "over 600")
OBSERVATION_DRAWS = 200
"""Binomial draws per replication and month for the observation band (a mixture over the runs)."""
FLOOR = math.sqrt(2 / math.pi)
"""E|X/n - p| ~ sqrt(2/pi) sqrt(p(1-p)/n): what a model knowing each month's p exactly still misses."""


@dataclass
class Validation:
    """Observed against simulated monthly shares, the model's skill against naive guesses, and two patterns.

    - `table`: per month and class, the days in the period, the observed counts and share, the pooled
      simulated share, its 90% band over replications (`sim_q05`, `sim_q95`) and the 90% band of what
      would be observed given the model (`obs_q05`, `obs_q95`: binomial noise of the month's count).
    - `skill`: per class, day-weighted monthly MAE of the model, of the constant share (pooled share of
      `reference`) and of last month's share, the binomial floor, and the months scored.
    - `night_bins`: drone share by night size; `ballistic_kills` and `ballistic_correlation`: neutralised
      ballistic missiles per month, observed against simulated.
    """

    table: pd.DataFrame
    errors: dict[str, float]
    replications: int
    skill: pd.DataFrame | None = field(default=None, repr=False)
    night_bins: pd.DataFrame | None = field(default=None, repr=False)
    ballistic_kills: pd.DataFrame | None = field(default=None, repr=False)
    ballistic_correlation: float = math.nan
    period: tuple[date, date] | None = None
    reference: tuple[date, date] | None = None
    notes: list[str] = field(default_factory=list)
    """What the last-month guess did with each class's first scored month."""
    caveats: list[str] = field(default_factory=list)
    """How the run was carried to the period or past the scenario's end, and models the mapping did not know."""
    ensemble: int | None = None
    """Particles in the posterior ensemble the replications drew from (None: the scenario's own values)."""

    def coverage(self) -> dict[str, float]:
        """Per class: the day-weighted share of months whose observed share lies in the outer 90% band."""
        out = {}
        for cls in FITTED:
            rows = self.table[self.table["class"] == cls]
            if len(rows):
                out[cls] = _weighted_mean(rows["covered"].astype(float), rows["days"])
        return out


def _previous_month(month: str) -> str:
    return str(pd.Period(month, freq="M") - 1)


def _previous_shares(observed: ObservedAttacks, months: list[str]) -> dict[tuple[str, str], float]:
    """(month, class) -> the observed share of the whole calendar month before it, where the data has one."""
    first, last = (pd.Period(m, freq="M") - 1 for m in (min(months), max(months)))
    table = observed.monthly_shares(first.start_time.date(), last.end_time.date())
    table = table[table["class"].isin(FITTED) & (table["with_outcome"] > 0)]
    return {(str(pd.Period(m, freq="M") + 1), c): float(v)
            for m, c, v in zip(table["month"], table["class"], table["share"], strict=True)}


def _skill(table: pd.DataFrame, reference: pd.DataFrame, previous: dict[tuple[str, str], float]
           ) -> tuple[pd.DataFrame, list[str]]:
    """Per class, over the months the model is scored on, days-weighted: the model's MAE and the guesses'."""
    rows, notes = [], {}
    for cls in FITTED:
        scored = table[(table["class"] == cls) & table["simulated"].notna()]
        if scored.empty:
            continue
        known = reference[reference["class"] == cls]
        constant = (float(known["neutralised"].sum() / known["with_outcome"].sum())
                    if known["with_outcome"].sum() > 0 else math.nan)
        share, weights = scored["observed"].to_numpy(float), scored["days"].to_numpy(float)
        last = np.array([previous.get((m, cls), math.nan) for m in scored["month"]])
        floor = FLOOR * np.sqrt(share * (1 - share) / scored["with_outcome"].to_numpy(float))
        first, before = scored["month"].iloc[0], _previous_month(scored["month"].iloc[0])
        guessed = not math.isnan(last[0])
        notes.setdefault(f"first scored month {first} guessed from {before}'s share" if guessed else
                         f"first scored month {first} left out (no {before} outcomes in the data)", []).append(cls)
        rows.append({"class": cls, "model_mae": _weighted_mean(np.abs(scored["error"].to_numpy(float)), weights),
                     "constant_mae": _weighted_mean(np.abs(share - constant), weights),
                     "last_month_mae": _weighted_mean(np.abs(share - last), weights),
                     "floor": _weighted_mean(floor, weights), "months": len(scored), "days": int(weights.sum()),
                     "constant_share": constant, "last_month_months": int((~np.isnan(last)).sum()),
                     "first_month_guess": before if guessed else "left out"})
    return pd.DataFrame(rows), [f"{text} ({', '.join(classes)})" for text, classes in notes.items()]


def _observation_band(table: pd.DataFrame, runs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """5-95% of binomial(n_obs, share of replication r) / n_obs, `OBSERVATION_DRAWS` draws per replication."""
    shares = {key: group.sort_values("replication")["share"].to_numpy(float)
              for key, group in runs.groupby(["month", "class"])}
    low, high = [], []
    for month, cls, known in zip(table["month"], table["class"], table["with_outcome"], strict=True):
        simulated = shares.get((month, cls), np.array([]))
        simulated = simulated[~np.isnan(simulated)]
        n = max(int(round(known)), 1)
        if simulated.size == 0:
            low.append(math.nan)
            high.append(math.nan)
            continue
        draws = rng.binomial(n, np.clip(simulated, 0, 1)[:, None], size=(simulated.size, OBSERVATION_DRAWS)) / n
        q05, q95 = np.quantile(draws, [0.05, 0.95])
        low.append(float(q05))
        high.append(float(q95))
    return table.assign(obs_q05=low, obs_q95=high)


def _drone_nights(daily: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """A run's drones and decoys launched and neutralised per day."""
    launched, neutralised = _daily_counts(daily, members)
    return pd.DataFrame({"date": pd.to_datetime(daily["date"]).astype("datetime64[ns]"),
                         "launched": launched, "neutralised": neutralised})


def night_size_bins(observed: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """Drone neutralised share by night size, observed and simulated, both pooled over the nights of a bin.

    `observed`: a daily table indexed by date (`ObservedAttacks.period`); `simulated`: per replication and
    date, drones with decoys `launched` and `neutralised`. Nights are binned by their observed drone launches
    (replay flies those); only nights with a known drone outcome count, on both sides.
    """
    nights = observed[(observed["launched_drone"] > 0) & (observed["with_outcome_drone"] > 0)]
    nights = nights[["launched_drone", "neutralised_drone", "with_outcome_drone"]].copy()
    nights.index = pd.DatetimeIndex(nights.index).astype("datetime64[ns]")
    pooled = simulated.groupby("date")[["launched", "neutralised"]].sum()
    pooled.index = pd.DatetimeIndex(pooled.index).astype("datetime64[ns]")
    nights = nights.join(pooled, how="left")
    nights["bin"] = pd.cut(nights["launched_drone"], list(NIGHT_BINS), labels=list(NIGHT_LABELS))
    grouped = nights.groupby("bin", observed=False)
    sums = grouped[["launched_drone", "neutralised_drone", "with_outcome_drone", "launched", "neutralised"]].sum()
    out = pd.DataFrame({"bin": list(NIGHT_LABELS), "nights": grouped.size().reindex(NIGHT_LABELS).to_numpy(),
                        "observed_launched": sums["launched_drone"].to_numpy()})
    known = sums["with_outcome_drone"].to_numpy(float)
    launched = sums["launched"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["observed_share"] = np.where(known > 0, sums["neutralised_drone"].to_numpy(float) / known, np.nan)
        out["simulated_share"] = np.where(launched > 0, sums["neutralised"].to_numpy(float) / launched, np.nan)
    out["difference"] = out["simulated_share"] - out["observed_share"]
    return out


def _correlation(x, y) -> float:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def _replication_runs(raws, source: str, period, replications: int, root_seed: int, desc: str,
                      progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly counts and drone nights of each replication r: scenario `raws(r)`, seed r, scored over `period`."""
    runs, nights = [], []
    for r in tqdm(range(replications), desc=desc, unit="run", disable=not progress):
        campaign = AirCampaign(build_scenario(raws(r), source), rng=replication_seed(root_seed, r)).run()
        daily, families = in_period(campaign.daily(), *period), _family_members(campaign)
        runs.append(_monthly_from_daily(daily, families).assign(replication=r))
        nights.append(_drone_nights(daily, families["drone"]).assign(replication=r))
    runs = pd.concat(runs, ignore_index=True)
    runs["share"] = runs["neutralised"] / runs["launched"].where(runs["launched"] > 0)
    return runs, pd.concat(nights, ignore_index=True)


class _Same:
    """The same scenario data for every replication (a picklable `raws`)."""

    def __init__(self, raw: dict) -> None:
        self.raw = raw

    def __call__(self, r: int) -> dict:
        return self.raw


class _Drawn:
    """Replication r's scenario data: draw r of the ensemble set in it."""

    def __init__(self, raw: dict, ensemble) -> None:
        self.raw, self.ensemble = raw, ensemble

    def __call__(self, r: int) -> dict:
        return self.ensemble.apply(self.raw, r)


def _band(runs: pd.DataFrame, names: tuple[str, ...], q=(0.05, 0.95)) -> pd.DataFrame:
    bands = runs.groupby(["month", "class"])["share"].quantile(list(q)).unstack()
    bands.columns = list(names)
    return bands.reset_index()


def validate(data: str | Path, scenario: str | Path, period: tuple[date, date], *, replications: int = 20,
             root_seed: int = 7, mapping: str | None = None, progress: bool = True,
             reference: tuple[date, date] | None = None, ensemble: str | Path | None = None) -> Validation:
    """Replay `period` with `scenario` and compare monthly neutralised shares with the observed ones.

    Each replication runs once; everything is computed from those runs. Each replication's monthly share
    is kept, for the 90% band; the error is that of the replications' pooled share, as in the fit. Errors
    are averaged over months weighted by their days in the period. The naive guesses, scored on the same
    months: the constant pooled share of `reference` (default: `period`), last month's share (the whole
    previous calendar month's observed share; the first month's comes from before the period if the data
    has it, else it is left out of that guess only), and the binomial floor.
    """
    if replications < 1:
        raise InputError(f"replications {replications}: validation needs at least 1 run")
    reference = tuple(reference) if reference is not None else tuple(period)
    base, source = scenario_data(scenario)
    draws = scenario_ensemble(base, source, ensemble)
    replayed = replay_data(base, data, *period, mapping)
    build_scenario(replayed, source)
    carried = extension_note(base, *period)
    observed = observed_shares(data, *period, mapping)
    if observed.empty:
        raise InputError(f"{data} has no reports with known outcomes between {period[0]} and {period[1]}")
    reference_shares = observed_shares(data, *reference, mapping)
    if reference_shares.empty:
        raise InputError(f"{data} has no reports with known outcomes in the reference period {reference[0]} to "
                         f"{reference[1]}")
    attacks = load_observed(data, mapping)
    point_runs, nights = _replication_runs(_Same(replayed), source, period, replications, root_seed,
                                           "validating (scenario values)", progress)
    runs = point_runs
    if draws is not None:
        runs, nights = _replication_runs(_Drawn(replayed, draws), source, period, replications, root_seed,
                                         "validating (posterior draws)", progress)
    pooled = pooled_shares(runs)
    merged = observed.rename(columns={"share": "observed", "launched": "observed_launched",
                                      "neutralised": "observed_neutralised"}).merge(
        pooled["share"].rename("simulated").reset_index(), on=["month", "class"]).merge(
        _band(point_runs, ("sim_q05", "sim_q50", "sim_q95"), (0.05, 0.5, 0.95)), on=["month", "class"])
    if draws is not None:
        merged = merged.merge(_band(runs, ("par_q05", "par_q95")), on=["month", "class"])
    else:
        merged = merged.assign(par_q05=math.nan, par_q95=math.nan)
    merged["error"] = merged["simulated"] - merged["observed"]
    merged = _observation_band(merged, runs, np.random.default_rng(root_seed))
    merged["covered"] = (merged["observed"] >= merged["obs_q05"]) & (merged["observed"] <= merged["obs_q95"])
    columns = ["month", "class", "days", "observed_launched", "with_outcome", "observed_neutralised", "observed",
               "simulated", "sim_q05", "sim_q50", "sim_q95", "par_q05", "par_q95", "obs_q05", "obs_q95", "covered",
               "error"]
    table = merged[columns]
    skill, notes = _skill(table, reference_shares, _previous_shares(attacks, table["month"].tolist()))
    errors = dict(zip(skill["class"], skill["model_mae"].astype(float), strict=True))
    covered = table[table["simulated"].notna()].groupby("class")
    skill["coverage"] = [_weighted_mean(covered.get_group(c)["covered"].astype(float), covered.get_group(c)["days"])
                         for c in skill["class"]]
    bins = night_size_bins(attacks.period(*period), nights)
    ballistic = table[table["class"] == "ballistic"][["month", "observed_neutralised"]]
    simulated_kills = runs[runs["class"] == "ballistic"].groupby("month")["neutralised"].mean()
    kills = pd.DataFrame({"month": ballistic["month"].to_numpy(),
                          "observed": ballistic["observed_neutralised"].to_numpy(float),
                          "simulated": simulated_kills.reindex(ballistic["month"]).to_numpy(float)})
    caveats = [carried] if carried else []
    if attacks.unknown_models:
        caveats.append("weapon models the mapping does not know, counted as other and not flown: "
                       + ", ".join(f"{name} ({count:g})" for name, count in attacks.unknown_models.items()))
    if draws is not None:
        caveats.append(f"replication r runs draw r of the posterior ensemble {Path(draws.source).name} "
                       f"({min(replications, len(draws))} distinct of {len(draws)} particles' draws); the "
                       f"narrowest band holds the scenario's own values, run to run")
    return Validation(table, errors, replications, skill, bins, kills,
                      _correlation(kills["observed"], kills["simulated"]), tuple(period), reference, notes, caveats,
                      ensemble=len(draws) if draws is not None else None)


def skill_table(skill: pd.DataFrame) -> pd.DataFrame:
    """`Validation.skill` for reading: errors in percentage points (1 decimal), what each guess scored on."""
    return pd.DataFrame({
        "class": skill["class"], "model": (100 * skill["model_mae"]).round(1),
        "constant share": (100 * skill["constant_mae"]).round(1),
        "last month's share": (100 * skill["last_month_mae"]).round(1),
        "binomial floor": (100 * skill["floor"]).round(1),
        "in 90% band": (100 * skill["coverage"]).round(0) if "coverage" in skill else math.nan,
        "months": skill["months"], "days": skill["days"],
        "last-month months": skill["last_month_months"], "first month from": skill["first_month_guess"]})


def validation_figure(result: Validation, title: str = ""):
    """Observed against simulated monthly neutralised share, one panel per class, nested 90% bands.

    Darkest: run to run with the scenario's own values (the nights); green, with a posterior ensemble:
    parameter draws as well; lightest: the observation's binomial noise added, where the observed share
    should fall if the model were right.
    """
    from experiments.reporting.document import new_figure

    table = result.table
    skill = result.skill.set_index("class") if result.skill is not None else pd.DataFrame()
    fig, axes = new_figure(1, len(FITTED), figsize=(14, 5), sharey=True, layout="constrained")
    for ax, cls in zip(axes, FITTED, strict=True):
        rows = table[table["class"] == cls]
        x = pd.PeriodIndex(rows["month"], freq="M").to_timestamp()
        if {"obs_q05", "obs_q95"} <= set(rows.columns):
            ax.fill_between(x, rows["obs_q05"], rows["obs_q95"], color="C1", alpha=0.18, linewidth=0,
                            label="+ binomial noise of the count: where the observed share should fall, 90%")
        if "par_q05" in rows.columns and rows["par_q05"].notna().any():
            ax.fill_between(x, rows["par_q05"], rows["par_q95"], color="C2", alpha=0.25, linewidth=0,
                            label=f"+ parameters: 90% of {result.replications} posterior draws")
        ax.fill_between(x, rows["sim_q05"], rows["sim_q95"], color="C0", alpha=0.35, linewidth=0,
                        label=f"run to run (nights): 90% of {result.replications} runs, scenario values")
        ax.plot(x, rows["simulated"], color="C0", marker="o", label="simulated (pooled)")
        ax.plot(x, rows["observed"], color="black", marker="s", linestyle="--", label="observed")
        error = result.errors.get(cls, math.nan)
        heading = f"{cls}: mean absolute error {100 * error:.1f} pp"
        if cls in skill.index:
            heading += (f"\nconstant share {100 * skill.loc[cls, 'constant_mae']:.1f} pp, "
                        f"last month's {100 * skill.loc[cls, 'last_month_mae']:.1f} pp")
        ax.set_title(heading, fontsize="medium")
        ax.set_xlabel("month")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel("neutralised share (shot down or lost, of launched)")
    axes[0].set_ylim(0, 1.02)
    axes[0].legend(loc="lower left", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig
