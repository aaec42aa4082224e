"""A posterior over the defender's uncertain parameters, by ABC-SMC (pyabc), resumable and seeded.

    attrition calibrate DATA.csv --period 2025-01-01:2025-12-31 --out fits/2025

Approximate Bayesian computation with sequential Monte Carlo (`pyabc.ABCSMC`):
parameters are drawn from uniform priors over the ranges of a calibration file
(`experiments/calibration/defender.toml`; the fit moves them on the real line,
see `abc_model.from_unbounded`), each draw replays the observed nights once,
and it is kept when its distance to the observed monthly shares, the sum over
classes of the day-weighted monthly MAE over its target (the point fit's loss),
is under the generation's tolerance (the median of the last one). The kept
particles and their weights are the posterior (`particles.Posterior`).
Generation 0 keeps every draw from the prior (tolerance infinite); its median
distance is the first tolerance.

Why pyabc: it is maintained, takes any simulator as a plain function, stores
every generation in SQLite (so a fit that stops resumes from its last finished
generation), and accepts a custom sampler. The sampler here (`sampler.py`)
makes the fit reproducible on any executor: candidate i of generation t is
proposed and simulated under numpy's global seed from
`SeedSequence(root_seed, spawn_key=(t + 1, i))`; candidates go out in batches,
and are accepted in index order, whatever finished first. Local processes and
a Dask cluster thus give the same posterior, and so does a resumed fit.

`DIR` then holds `abc.db` (pyabc's history), `fit.json` (what fixes the fit),
and what `posterior_outputs.py` writes: `posterior.parquet` (the ensemble:
parameter values by scenario path, and weights), `scenario.toml` (the base
scenario at the posterior medians, naming the ensemble), `posterior.csv`,
`pairs.csv`, and the figures `marginals.png`, `pairs.png` and `predictive.png`.
"""

import hashlib
import json
import logging
import math
import shutil
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from experiments.calibration.abc_model import ShareDistance, ShareSimulator
from experiments.calibration.loss import objective_for
from experiments.calibration.particles import DATABASE_FILE, Posterior, read_posterior
from experiments.calibration.posterior_outputs import write_outputs
from experiments.calibration.sampler import OrderedMap, seeded_sampler
from experiments.calibration.spec import CalibrationSpec, load_calibration_spec
from experiments.outputs import check_output
from model.errors import DataFileError

MANIFEST_FILE = "fit.json"


class FitError(DataFileError):
    """A fit that cannot start or continue: a folder of another fit, settings that cannot run."""


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
    check_output(out)  # writable, names the file system takes; nothing made
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


def _run_smc(simulator: ShareSimulator, distance: ShareDistance, spec: CalibrationSpec, settings,
             observed: pd.DataFrame, database: Path, resume: bool, mapper: OrderedMap, progress: bool) -> None:
    """Run pyabc's ABC-SMC into `database`, or continue it there, until the generations or simulations run out."""
    import pyabc

    prior = pyabc.Distribution(**{p.name: pyabc.RV("logistic", 0, 1) for p in spec.parameters
                                  if p.name not in settings.marginalise})
    # a new fit keeps all of generation 0; a resumed one takes its first tolerance from the last stored
    # generation's distances, as an uninterrupted fit would
    first = "from_sample" if resume else math.inf
    kernel = (pyabc.MultivariateNormalTransition() if settings.kernel is None else
              pyabc.MultivariateNormalTransition(scaling=settings.kernel, bandwidth_selector=_whole_population))
    abc = pyabc.ABCSMC(simulator, prior, distance, population_size=settings.population,
                       sampler=seeded_sampler(mapper, spec.root_seed, progress),
                       eps=pyabc.QuantileEpsilon(initial_epsilon=first, alpha=settings.quantile), transitions=kernel)
    url = f"sqlite:///{database.resolve()}"
    history = abc.load(url, 1) if resume else abc.new(url, {"share": observed["share"].to_numpy(float)})
    remaining = settings.generations - history.n_populations
    if remaining > 0 and history.total_nr_simulations < settings.max_simulations:
        abc.run(max_nr_populations=remaining, max_total_nr_simulations=settings.max_simulations,
                minimum_epsilon=settings.min_epsilon)


def fit_posterior(data: str | Path, period: tuple[date, date], spec: CalibrationSpec | str | Path = "defender", *,
                  out: str | Path, workers: int | None = None, scheduler=None, progress: bool = True,
                  population: int | None = None, generations: int | None = None, force: bool = False,
                  predictive: int | None = None, mapping: str | None = None,
                  observed: pd.DataFrame | None = None) -> Posterior:
    """Fit the posterior into the folder `out`, continuing a fit stopped there; see the module docstring.

    `population` and `generations` override the spec's `[abc]` settings; `predictive` is how many posterior
    draws the posterior predictive check runs (0: none). `observed` replaces the data's monthly shares (rows
    month, class, share, days: synthetic data for a recovery check); the data file still gives the nights.
    """
    logging.getLogger("ABC").setLevel(logging.WARNING)
    spec = spec if isinstance(spec, CalibrationSpec) else load_calibration_spec(spec)
    settings = spec.abc.model_copy(update={k: v for k, v in {"population": population,
                                                                "generations": generations}.items() if v})
    objective = objective_for(spec, data, period, mapping)
    observed = objective.observed if observed is None else observed.reset_index(drop=True)
    keys = list(zip(observed["month"], observed["class"], strict=True))
    simulator = ShareSimulator(objective.base, objective.source, list(spec.parameters), tuple(period), keys)
    distance = ShareDistance(observed["class"].to_numpy(), observed["days"].to_numpy(float), dict(spec.targets))
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
        _run_smc(simulator, distance, spec, settings, observed, out / DATABASE_FILE, resume, mapper, progress)
    finally:
        mapper.close()
    result = read_posterior(out, spec, data, period)
    result.seconds = time.perf_counter() - started
    write_outputs(result, mapping=mapping, predictive=settings.predictive if predictive is None else predictive,
                  progress=progress, workers=workers)
    return result
