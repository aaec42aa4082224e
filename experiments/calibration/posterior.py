"""A posterior over the defender's uncertain parameters, by ABC-SMC (pyabc), resumable and seeded.

    attrition calibrate DATA.csv --period 2025-01-01:2025-12-31 --out fits/2025

Approximate Bayesian computation with sequential Monte Carlo (`pyabc.ABCSMC`):
parameters are drawn from uniform priors over the ranges of a calibration file
(`experiments/calibration/defender.toml`; the fit moves them on the real line,
see `from_unbounded`), each draw replays the observed nights
once, and it is kept when its distance to the observed monthly shares, the sum
over classes of the day-weighted monthly MAE over its target (the point fit's
loss), is under the generation's tolerance (the median of the last one). The
kept particles and their weights are the posterior. Generation 0 keeps every
draw from the prior (tolerance infinite); its median distance is the first tolerance.

Why pyabc: it is maintained, takes any simulator as a plain function, stores
every generation in SQLite (so a fit that stops resumes from its last finished
generation), and accepts a custom sampler. The sampler here (`SeededSampler`)
makes the fit reproducible on any executor: candidate i of generation t is
proposed and simulated under numpy's global seed from
`SeedSequence(root_seed, spawn_key=(t + 1, i))`;
candidates go out in batches,
and are accepted in index order, whatever finished first. Local processes and
a Dask cluster thus give the same posterior, and so does a resumed fit.

`DIR` then holds `abc.db` (pyabc's history), `posterior.parquet` (the
ensemble: parameter values by scenario path, and weights), `scenario.toml`
(the base scenario at the posterior medians, naming the ensemble),
`posterior.csv`, `pairs.csv`, and the figures `marginals.png`, `pairs.png` and
`predictive.png`.
"""

import hashlib
import json
import logging
import math
import os
import random
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.fit import (
    FITTED,
    CalibrationSpec,
    load_calibration_spec,
    monthly_counts,
    objective_for,
    scenario_text,
)
from experiments.sweep.design import with_values
from experiments.sweep.ensemble import WEIGHT, read_ensemble, weighted_quantile, write_ensemble
from experiments.sweep.executors import process_context
from model import AirCampaign, build_scenario
from model.errors import DataFileError

ENSEMBLE_FILE = "posterior.parquet"
SCENARIO_FILE = "scenario.toml"
MANIFEST_FILE = "fit.json"
DATABASE_FILE = "abc.db"
PINNED_BELOW = 0.5
"""A parameter whose posterior 90% interval is under half its prior's is pinned down by the data."""
LEFT_ABOVE = 0.8
"""One whose interval is over 80% of the prior's is left to the prior."""
EDGE = 0.05
"""A posterior median within 5% of its range's end sits at an edge: structure the model may lack."""
DEGENERATE_BELOW = 0.1
"""Weights worth under a tenth of the particles are degenerate: the fit says so wherever it reports."""


class FitError(DataFileError):
    """A fit that cannot start or continue: a folder of another fit, settings that cannot run."""


# ---------------------------------------------------------------- the simulator and the distance


def from_unbounded(parameter, z):
    """A parameter's value from its coordinate on the real line: low + (high - low) / (1 + exp(-z)).

    The fit moves each parameter on the real line with a standard logistic prior, which is exactly the
    uniform prior over its range: proposals never leave the range, so no weight is inflated by the
    part of a kernel that falls outside it (which, compounded over 16 bounded dimensions, left a handful
    of particles carrying the whole posterior).
    """
    low, high = (float(v) for v in parameter.range)
    return low + (high - low) / (1 + np.exp(-np.asarray(z, dtype=float)))


def to_unbounded(parameter, value):
    """The inverse of `from_unbounded` (an end of the range maps to minus or plus infinity)."""
    low, high = (float(v) for v in parameter.range)
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(value, dtype=float) - low) - np.log(high - np.asarray(value, dtype=float))


@dataclass
class ShareSimulator:
    """pyabc's model: parameter values in, one replay's monthly shares (aligned to the observed rows) out.

    A parameter the proposal does not carry (one the spec's `[abc] marginalise` names) is drawn from its
    uniform prior in every simulation: the fit then targets the posterior of the others with it integrated
    out, and the values every kept particle ran with are returned beside the shares, so the ensemble holds
    them too. The run's seed and those draws come from numpy's global generator, which the sampler seeds
    per candidate.
    """

    base: dict
    source: str
    parameters: list
    period: tuple[date, date]
    keys: list[tuple[str, str]]

    def counts(self, campaign) -> tuple[np.ndarray, np.ndarray]:
        """Launched and neutralised per observed (month, class) row of the period: `monthly_counts`, aligned."""
        table = monthly_counts(campaign, self.period).set_index(["month", "class"]).reindex(self.keys, fill_value=0)
        return table["launched"].to_numpy(float), table["neutralised"].to_numpy(float)

    def values(self, pars) -> dict:
        """Parameter values by name: from the fit's real-line coordinates, or drawn from the prior if absent.

        Integer parameters are rounded.
        """
        out = {}
        for p in self.parameters:
            if p.name in pars:
                value = float(from_unbounded(p, pars[p.name]))
            else:
                value = float(np.random.uniform(*(float(v) for v in p.range)))  # noqa: NPY002 - seeded per candidate
            out[p.name] = int(round(value)) if p.is_integer else value
        return out

    def __call__(self, pars) -> dict:
        """Replay once: `{"share": monthly shares in the observed rows' order, "values": the values run}`."""
        values = self.values(pars)
        raw = with_values(self.base, {p.name: p.paths for p in self.parameters}, values)
        seed = int(np.random.randint(0, 2**62))  # noqa: NPY002 - pyabc proposes from numpy's global state
        campaign = AirCampaign(build_scenario(raw, self.source), rng=seed).run()
        launched, neutralised = self.counts(campaign)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(launched > 0, neutralised / launched, np.nan)
        return {"share": share, "values": np.array([values[p.name] for p in self.parameters], dtype=float)}


@dataclass
class ShareDistance:
    """Sum over classes of the day-weighted mean |simulated - observed| share, over the class's target."""

    classes: np.ndarray
    days: np.ndarray
    targets: dict[str, float]

    def __call__(self, x: dict, x_0: dict, *_) -> float:
        """The distance of simulated statistics `x` from the observed `x_0`."""
        error = np.abs(np.asarray(x["share"], float) - np.asarray(x_0["share"], float))
        error = np.where(np.isnan(error), 1.0, error)  # a month the run never met counts as wholly wrong
        total = 0.0
        for cls, target in self.targets.items():
            rows = self.classes == cls
            if rows.any():
                total += float((self.days[rows] * error[rows]).sum() / self.days[rows].sum()) / target
        return total


# ---------------------------------------------------------------- a reproducible sampler


def _seed(root_seed: int, t: int, index: int) -> int:
    return int(np.random.SeedSequence(root_seed, spawn_key=(t + 1, index)).generate_state(1)[0])


def simulate_candidates(blob: bytes, seeds: list[int]) -> list:
    """Propose and simulate one candidate per seed (in a worker): pyabc's `simulate_one` under that seed."""
    simulate_one = cloudpickle.loads(blob)
    out = []
    for seed in seeds:
        np.random.seed(seed)  # noqa: NPY002 - pyabc's proposals draw from numpy's global state
        random.seed(seed)
        out.append(simulate_one())
    return out


class OrderedMap:
    """`map(fn, items)` in order, here, on local processes (kept across generations), or on Dask."""

    def __init__(self, workers: int | None = None, scheduler=None) -> None:
        """One process per core by default; `scheduler` (address or Client) sends the work to Dask instead."""
        self.pool = self.client = None
        self._own_client = False
        if scheduler is not None:
            from distributed import Client

            self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
            self._own_client = not isinstance(scheduler, Client)
            self.workers = max(1, sum(self.client.nthreads().values()))
        else:
            self.workers = workers or os.cpu_count() or 1
            if self.workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                context = process_context("experiments.calibration.posterior")
                self.pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def __call__(self, blob: bytes, batches: list[list[int]]):
        """Each batch of seeds simulated, yielded in batch order as they come; closing it cancels the rest."""
        if self.client is None and self.pool is None:
            for batch in batches:
                yield simulate_candidates(blob, batch)
            return
        if self.client is not None:
            shared = self.client.scatter(blob, broadcast=True, hash=False)  # unique key: never shared
            futures = self.client.map(simulate_candidates, [shared] * len(batches), batches, pure=False)
        else:
            futures = [self.pool.submit(simulate_candidates, blob, batch) for batch in batches]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the processes, or the Dask client this map opened."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self._own_client:
            self.client.close()


def _sampler_class():
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):
        """pyabc sampler: candidates seeded by (root seed, generation, index), accepted in index order."""

        def __init__(self, mapper: OrderedMap, root_seed: int, progress: bool = True) -> None:
            super().__init__()
            self.mapper, self.root_seed, self.progress = mapper, root_seed, progress

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            blob = cloudpickle.dumps(simulate_one)
            sample = self._create_empty_sample()
            evaluated, rate = 0, 1.0
            bar = tqdm(total=n, desc=f"generation {t}", unit="kept", disable=not self.progress, leave=False)
            try:
                while sample.n_accepted < n and evaluated < max_eval:
                    wanted = math.ceil((n - sample.n_accepted) / max(rate, 0.02) * 1.1)
                    size = int(min(max(wanted, 2 * self.mapper.workers), 5 * n))
                    per = max(1, min(25, math.ceil(size / (4 * self.mapper.workers))))
                    seeds = [_seed(self.root_seed, t, evaluated + k) for k in range(size)]
                    tried = kept = 0
                    results = self.mapper(blob, [seeds[k:k + per] for k in range(0, size, per)])
                    try:
                        for batch in results:
                            for particle in batch:
                                if sample.n_accepted >= n:
                                    break
                                sample.append(particle)
                                tried += 1
                                kept += bool(particle.accepted)
                                bar.update(bool(particle.accepted))
                            if sample.n_accepted >= n:
                                break
                    finally:
                        results.close()
                    evaluated += tried
                    rate = max(kept / max(tried, 1), 1 / (tried + 1))
            finally:
                bar.close()
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return SeededSampler


# ---------------------------------------------------------------- the fit


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

    def _weights(self) -> np.ndarray:
        return self.particles[WEIGHT].to_numpy(float)

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size of the weights: how many equally weighted particles they are worth."""
        return _kish(self._weights())

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
        weights = self._weights()
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
        matrix = np.cov(self.particles[names].to_numpy(float).T, aweights=self._weights())
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
        return pd.DataFrame({**columns, WEIGHT: self._weights()})


def _kish(weights) -> float:
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum())


def _whole_population(n: int, d: int) -> float:
    """A bandwidth factor of 1: the kernel's covariance is `[abc] kernel` times the population's."""
    return 1.0


def _identity(spec: CalibrationSpec, data: str | Path, period, settings: dict) -> str:
    """What fixes a fit's particles: the spec (less when to stop), the data's bytes, period, population."""
    digest = hashlib.sha256(Path(data).read_bytes()).hexdigest()[:16]
    payload = {"spec": spec.model_dump(mode="json", exclude={"abc"}), "data": digest,
               "period": [str(d) for d in period], "settings": settings, "attrition": version("attrition")}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _open_folder(out: Path, identity: str, force: bool) -> bool:
    """Make or reuse the fit's folder; True if it holds this fit's history to continue."""
    manifest = out / MANIFEST_FILE
    if out.exists() and not out.is_dir():
        raise FitError(str(out), [("--out", str(out), "is a file; the posterior goes into a folder")])
    if manifest.exists():
        found = json.loads(manifest.read_text()).get("identity")
        if found == identity:
            return (out / DATABASE_FILE).exists()
        if not force:
            raise FitError(str(out), [("--out", str(out), f"holds another fit (identity {found}, this one "
                                                           f"{identity}); use --force to replace it")])
        shutil.rmtree(out)
    elif out.exists() and any(out.iterdir()) and not force:
        raise FitError(str(out), [("--out", str(out), "is a folder that is not a fit's and not empty; "
                                                       "name a new folder or use --force")])
    out.mkdir(parents=True, exist_ok=True)
    return False


def fit_posterior(data: str | Path, period: tuple[date, date], spec: CalibrationSpec | str | Path = "defender", *,
                  out: str | Path, workers: int | None = None, scheduler=None, progress: bool = True,
                  population: int | None = None, generations: int | None = None, force: bool = False,
                  predictive: int | None = None, mapping: str | None = None,
                  observed: pd.DataFrame | None = None) -> "Posterior":
    """Fit the posterior into the folder `out`, continuing a fit stopped there; see the module docstring.

    `population` and `generations` override the spec's `[abc]` settings; `predictive` is how many posterior
    draws the posterior predictive check runs (0: none). `observed` replaces the data's monthly shares (rows
    month, class, share, days: synthetic data for a recovery check); the data file still gives the nights.
    """
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    spec = spec if isinstance(spec, CalibrationSpec) else load_calibration_spec(spec)
    settings = spec.abc.model_copy(update={k: v for k, v in {"population": population,
                                                                "generations": generations}.items() if v})
    objective = objective_for(spec, data, period, mapping)
    observed = objective.observed if observed is None else observed.reset_index(drop=True)
    keys = list(zip(observed["month"], observed["class"], strict=True))
    simulator = ShareSimulator(objective.base, objective.source, list(spec.parameters), tuple(period), keys)
    distance = ShareDistance(observed["class"].to_numpy(), observed["days"].to_numpy(float), dict(spec.targets))
    prior = pyabc.Distribution(**{p.name: pyabc.RV("logistic", 0, 1) for p in spec.parameters
                                  if p.name not in settings.marginalise})
    out = Path(out)
    identity = _identity(spec, data, period, {"population": settings.population, "quantile": settings.quantile,
                                              "kernel": settings.kernel, "marginalise": list(settings.marginalise),
                                              "observed": observed[["month", "class", "share"]].to_json()})
    resume = _open_folder(out, identity, force)
    (out / MANIFEST_FILE).write_text(json.dumps({"identity": identity, "data": str(Path(data).resolve()),
                                                 "period": [str(d) for d in period], "spec": spec.name,
                                                 "population": settings.population}, indent=2))
    mapper = OrderedMap(workers, scheduler)
    started = time.perf_counter()
    try:
        sampler = _sampler_class()(mapper, spec.root_seed, progress)
        # a new fit keeps all of generation 0; a resumed one takes its first tolerance from the last stored
        # generation's distances, as an uninterrupted fit would
        first = "from_sample" if resume else math.inf
        kernel = (pyabc.MultivariateNormalTransition() if settings.kernel is None else
                  pyabc.MultivariateNormalTransition(scaling=settings.kernel, bandwidth_selector=_whole_population))
        abc = pyabc.ABCSMC(simulator, prior, distance, population_size=settings.population, sampler=sampler,
                           eps=pyabc.QuantileEpsilon(initial_epsilon=first, alpha=settings.quantile),
                           transitions=kernel)
        database = f"sqlite:///{(out / DATABASE_FILE).resolve()}"
        if resume:
            history = abc.load(database, 1)
        else:
            history = abc.new(database, {"share": observed["share"].to_numpy(float)})
        remaining = settings.generations - history.n_populations
        if remaining > 0 and history.total_nr_simulations < settings.max_simulations:
            abc.run(max_nr_populations=remaining, max_total_nr_simulations=settings.max_simulations,
                    minimum_epsilon=settings.min_epsilon)
    finally:
        mapper.close()
    result = read_posterior(out, spec, data, period)
    result.seconds = time.perf_counter() - started
    write_outputs(result, mapping=mapping, predictive=settings.predictive if predictive is None else predictive,
                  progress=progress, workers=workers)
    return result


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


def write_outputs(result: Posterior, *, mapping=None, predictive: int = 0, progress: bool = True,
                  workers: int | None = None) -> None:
    """The ensemble, the scenario naming it, the tables, the figures and (optionally) the predictive check."""
    from experiments.calibration.fit import validate, validation_figure

    out = result.path
    write_ensemble(result.ensemble_table(), out / ENSEMBLE_FILE)
    spec = result.spec
    table = result.table()
    header = [f"Posterior by `attrition calibrate` (ABC-SMC, pyabc): {Path(result.data).name}, {result.period[0]} "
              f"to {result.period[1]}; {len(result.particles)} particles (effective {result.effective_size:.0f}), "
              f"{int(result.generations['simulations'].sum())} simulations.",
              "Values here are the posterior medians; sweeps, validation and forecasts run the ensemble "
              "(replication r on draw r).",
              "Pinned down by these data: " + (", ".join(table.loc[table["verdict"] == "pinned down", "parameter"])
                                               or "none") + ".",
              "Left to the prior: " + (", ".join(table.loc[table["verdict"] == "left to the prior", "parameter"])
                                       or "none") + "."]
    if spec.abc.marginalise:
        header.append("Drawn from the prior in every simulation (marginalised, not inferred): "
                      + ", ".join(spec.abc.marginalise) + ".")
    if result.degenerate:
        header.append(result.weights_warning())
    (out / SCENARIO_FILE).write_text(scenario_text(spec, result.medians(), header, result.data, result.period,
                                                   ensemble=ENSEMBLE_FILE))
    read_ensemble(out / ENSEMBLE_FILE)  # what was written reads back
    table.to_csv(out / "posterior.csv", index=False)
    result.correlations().to_csv(out / "pairs.csv", index=False)
    result.generations.to_csv(out / "generations.csv", index=False)
    figure = marginals_figure(result)
    figure.savefig(out / "marginals.png", dpi=110)
    figure = pairs_figure(result)
    figure.savefig(out / "pairs.png", dpi=110)
    if predictive:
        check = validate(result.data, out / SCENARIO_FILE, result.period, replications=predictive,
                         mapping=mapping, progress=progress)
        result.predictive = check
        check.table.to_csv(out / "predictive.csv", index=False)
        validation_figure(check, f"posterior predictive check, {result.period[0]} to {result.period[1]}").savefig(
            out / "predictive.png", dpi=110)


def marginals_figure(result: Posterior):
    """Each parameter's posterior (weighted histogram) over its prior range, the 90% interval marked."""
    from experiments.reporting.document import new_figure

    params = result.spec.parameters
    cols = 4
    rows = math.ceil(len(params) / cols)
    fig, axes = new_figure(rows, cols, figsize=(4 * cols, 2.6 * rows), layout="constrained", squeeze=False)
    table = result.table().set_index("parameter")
    weights = result._weights()
    for ax, p in zip(axes.flat, params, strict=False):
        low, high = (float(v) for v in p.range)
        ax.hist(result.particles[p.name], bins=20, range=(low, high), weights=weights, color="C0", alpha=0.7)
        ax.axhline(1 / 20, color="grey", linestyle=":", label="prior")
        row = table.loc[p.name]
        ax.axvspan(row["q05"], row["q95"], color="C1", alpha=0.15, label="90% interval")
        ax.axvline(row["median"], color="C1")
        ax.set_title(f"{p.name}{' (marginalised)' if row['marginalised'] else ''}\n{row['verdict']}"
                     + (" · at an edge" if row["at_edge"] else ""), fontsize="small")
        ax.set_xlim(low, high)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(params):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize="x-small")
    fig.suptitle(f"posterior marginals ({len(result.particles)} particles; dotted: the uniform prior)")
    return fig


def pairs_figure(result: Posterior, pairs: int = 6):
    """The strongest trade-offs: scatter of the most correlated parameter pairs, point size by weight."""
    from experiments.reporting.document import new_figure

    table = result.correlations().head(pairs)
    cols = 3
    rows = max(1, math.ceil(len(table) / cols))
    fig, axes = new_figure(rows, cols, figsize=(4.5 * cols, 3.6 * rows), layout="constrained", squeeze=False)
    sizes = 4 + 60 * result._weights() / result._weights().max()
    for ax, row in zip(axes.flat, table.itertuples(), strict=False):
        ax.scatter(result.particles[row.first], result.particles[row.second], s=sizes, alpha=0.4, linewidth=0)
        ax.set_xlabel(row.first)
        ax.set_ylabel(row.second)
        ax.set_title(f"correlation {row.correlation:+.2f}", fontsize="small")
    for ax in list(axes.flat)[len(table):]:
        ax.set_visible(False)
    fig.suptitle("parameters that trade off against each other (strongest weighted correlations)")
    return fig


__all__ = ["FITTED", "FitError", "Posterior", "ShareDistance", "ShareSimulator", "fit_posterior", "read_posterior"]
