"""Forecasts: replay the reports up to an origin, then project forward under drawn attacks at the recent rates.

    from experiments.calibration.forecast import forecast
    result = forecast(DATA, "calibrated-2025", days=90, policies=["experiments/policies/us-pac3-pause-90.toml"])
    result.horizon_table()        # per policy: quantiles at the horizon, and the paired difference
    result.fans()                 # per policy, day and measure: the 5/25/50/75/95% quantiles
    result.figure()               # the fans, policies side by side

The run starts at the scenario's start and replays the observed nights to the
origin (default: the last report), so stocks, force and pauses are carried
there; after it the attacker draws routine nights and salvos at the rates of
the reports in a recent window (`attacker_rates.py`). Each policy is a TOML
overlay applied on the forecast scenario (`policy_overlays.py`). Replication r
of every policy runs with the same seed (and, if the scenario names an
ensemble, the same posterior draw): policies are compared on the same nights.
The result, its fans, horizon table and figure: `forecast_result.py`.
"""

import copy
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.attacker_rates import BUFFER_DAYS, attacker_rates
from experiments.calibration.forecast_result import Forecast
from experiments.calibration.policy_overlays import apply_policy, checked_policy, read_policy
from experiments.calibration.replay import extension_note, replay_data
from experiments.calibration.shares import fitted_families
from experiments.calibration.spec import FITTED
from experiments.sweep.design import Run, replication_seed, run_id, set_path
from experiments.sweep.ensemble import scenario_ensemble
from experiments.sweep.executors import ProcessExecutor, SerialExecutor
from experiments.sweep.worker import Chunk
from model import AirCampaign, build_scenario, scenario_data
from model.errors import InputError
from model.families import members
from model.limits import MAX_DAYS
from model.observed import ObservedAttacks, decoy_class, load_observed

WINDOW_DAYS = 90
"""Default window of reports, ending at the origin, that the attacker's rates are fitted on."""
NO_BALLISTIC = "nights_without_ballistic_defence"


def forecast_scenario(raw: dict, data: str | Path, origin: date, days: int, observed: ObservedAttacks,
                      window_days: int = WINDOW_DAYS, mapping: str | None = None,
                      source: str = "<scenario>") -> tuple[dict, dict, tuple[date, date]]:
    """Scenario data replaying `data` to `origin`, then drawing `days` nights at the window's rates.

    Returns the data, the fitted rates (path -> value) and the window they came from.
    """
    base = replay_data(raw, data, raw["start"], origin + timedelta(days=days), mapping)
    base["attacker"]["replay"]["until"] = origin
    built = build_scenario(base, source)
    threats = built.catalog.threats
    decoy = decoy_class(threats)
    replay = built.attacker.replay
    window = (max(origin - timedelta(days=window_days - 1), raw["start"]), origin)
    rates = attacker_rates(observed, *window, salvo_above=replay.salvo_above, decoy_share=replay.decoy_share,
                           decoy=(decoy, threats[decoy].mimics) if decoy else None)
    for path, value in rates.items():
        set_path(base, path, copy.deepcopy(value))
    return base, rates, window


def _measures(daily: pd.DataFrame, origin: date, families: dict[str, list[str]]) -> pd.DataFrame:
    """One run's projection: stocks, and cumulative leakers by family, damage and nights without defence."""
    daily = daily[pd.to_datetime(daily["date"]) >= pd.Timestamp(origin)].reset_index(drop=True)
    after = (np.arange(len(daily)) > 0).astype(float)  # the origin's own night is history
    out = pd.DataFrame({"day": np.arange(len(daily)), "date": pd.to_datetime(daily["date"]).to_numpy()})
    for column in [c for c in daily.columns if c.startswith("stock_")]:
        out[column] = daily[column].to_numpy()
    for family, classes in families.items():
        out[f"leaked_{family}"] = np.cumsum(daily[[f"leaked_{c}" for c in classes]].sum(axis=1).to_numpy() * after)
    out["damage"] = np.cumsum(daily["damage"].to_numpy() * after)
    out[NO_BALLISTIC] = np.cumsum((daily["ballistic_capable_left"].to_numpy() == 0) * after)
    return out


def _flows(daily: pd.DataFrame, origin: date, groups: dict[str, list[str]]) -> pd.DataFrame:
    """One run's nightly launched and neutralised counts after the origin, by reported family."""
    daily = daily[pd.to_datetime(daily["date"]) > pd.Timestamp(origin)]
    out = pd.DataFrame({"date": pd.to_datetime(daily["date"]).to_numpy()})
    for family, classes in groups.items():
        for kind in ("launched", "neutralised"):
            out[f"{kind}_{family}"] = daily[[f"{kind}_{c}" for c in classes]].sum(axis=1).to_numpy()
    return out


def _identity(raw: dict) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _labels(scenario_name: str, policies: list[Path]) -> list[str]:
    labels = [scenario_name]
    for path in policies:
        label, k = path.stem, 2
        while label in labels:
            label, k = f"{path.stem}-{k}", k + 1
        labels.append(label)
    return labels


def _origin(observed: ObservedAttacks, origin: date | None, data) -> date:
    """The forecast's origin: the last report by default, and inside the data in any case."""
    first, last = (d.date() for d in (observed.daily.index.min(), observed.daily.index.max()))
    origin = last if origin is None else origin
    if not first <= origin <= last:
        raise InputError(f"origin {origin} is outside the data: {Path(data).name} reports {first} to {last}")
    return origin


def _daily_columns(built) -> list[str]:
    """The daily columns a forecast run keeps: stocks, leakers, launched and neutralised, damage, defence left."""
    return [*(f"stock_{n}" for n in built.catalog.interceptors), *(f"leaked_{c}" for c in built.catalog.threats),
            *(f"{kind}_{c}" for kind in ("launched", "neutralised") for c in built.catalog.threats),
            "damage", "ballistic_capable_left"]


def _chunks(base: dict, variants: list[tuple[dict, str]], overlays: list[dict], ensemble, labels: list[str],
            replications: int, root_seed: int, columns: list[str]) -> tuple[list[Chunk], dict]:
    """One single-run chunk per replication and policy, paired by seed (and posterior draw); run id -> owner."""
    chunks, owner = [], {}
    for r in range(replications):
        seed = replication_seed(root_seed, r)
        drawn = ensemble.apply(base, r) if ensemble is not None else base
        for k, ((variant, where), overlay) in enumerate(zip(variants, [{}, *overlays], strict=True)):
            run_raw = apply_policy(drawn, overlay, where) if ensemble is not None else variant
            identity = _identity(run_raw)
            run = Run(run_id(k, r), k, r, seed, {})
            owner[run.run_id] = (labels[k], r)
            chunks.append(Chunk(identity, run_raw, where, {}, [run], columns))
    return chunks, owner


def _run_chunks(chunks: list[Chunk], owner: dict, origin: date, families: dict, reported: dict,
                workers: int | None, progress: bool) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Every run's projection and flows, by its (policy, replication); the first failure stops the forecast."""
    tables, flows = [], []
    bar = tqdm(total=len(chunks), desc="forecasting", unit="run", disable=not progress)

    def collect(result) -> None:
        if len(result.failures):
            failure = result.failures.iloc[0]
            raise RuntimeError(f"forecast run {failure['run_id']} failed: {failure['error']}")
        for run_key, daily in result.daily.groupby("run_id", sort=False):
            policy, r = owner[run_key]
            tables.append(_measures(daily, origin, families).assign(policy=policy, replication=r))
            flows.append(_flows(daily, origin, reported).assign(policy=policy, replication=r))
        bar.update(result.count)

    executor = SerialExecutor() if workers == 1 else ProcessExecutor(workers)
    try:
        executor.run(chunks, collect)
    finally:
        bar.close()
    return tables, flows


def _runs_table(tables: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """The runs in policy, replication and day order, whatever order they finished in."""
    runs = pd.concat(tables, ignore_index=True)
    runs["policy"] = pd.Categorical(runs["policy"], categories=labels)
    runs = runs.sort_values(["policy", "replication", "day"]).reset_index(drop=True)
    runs["policy"] = runs["policy"].astype(str)
    measures = [c for c in runs.columns if c not in ("day", "date", "policy", "replication")]
    return runs[["policy", "replication", "day", "date", *measures]]


def _notes(raw: dict, origin: date, days: int, window: tuple[date, date], ensemble) -> list[str]:
    """Where the attacker's rates came from, how the run was extended, and what the ensemble ran."""
    notes = [f"attacker rates fitted on the reports of {window[0]} to {window[1]}; from {origin + timedelta(1)} "
             f"the attacker holds {BUFFER_DAYS} days of those launches and produces them daily"]
    extended = extension_note(raw, raw["start"], origin + timedelta(days=days))
    if extended:
        notes.append(extended)
    if ensemble is not None:
        notes.append(f"replication r runs posterior draw r of {ensemble.source} ({len(ensemble)} particles)")
    return notes


def forecast(data: str | Path, scenario: str | Path, days: int, policies=(), *, replications: int = 20,
             root_seed: int = 20251231, origin: date | None = None, workers: int | None = None,
             window_days: int = WINDOW_DAYS, mapping: str | None = None, progress: bool = True) -> Forecast:
    """Replay `data` to `origin` (default: its last report), then project `days` under each policy.

    Every input is checked before any run: `days` from 1 to `MAX_DAYS`, the origin inside the data and not before
    the scenario's start, every policy a valid overlay (ScenarioError naming its file). `workers` 1 runs
    here; None uses every core (`experiments.sweep.executors`).
    """
    if days < 1:
        raise InputError(f"days = {days}: a forecast projects at least one day")
    if days > MAX_DAYS:  # before a date is reckoned from it (past the year 9999 it cannot be)
        raise InputError(f"days = {days}: above the limit of {MAX_DAYS:,} days (100 years) a forecast may project")
    if replications < 1:
        raise InputError(f"replications = {replications}: a forecast needs at least one run")
    observed = load_observed(data, mapping)
    origin = _origin(observed, origin, data)
    raw, source = scenario_data(scenario)
    if origin < raw["start"]:
        raise InputError(f"origin {origin} is before the scenario's start ({raw['start']}): the forecast replays "
                         f"the reports from the scenario's start, so pick a scenario that starts by then")
    base, rates, window = forecast_scenario(raw, data, origin, days, observed, window_days, mapping, source)
    paths = [Path(p) for p in policies]
    overlays = [read_policy(p) for p in paths]
    variants = [(base, source), *((checked_policy(base, overlay, str(path)), str(path))
                                  for path, overlay in zip(paths, overlays, strict=True))]
    ensemble = scenario_ensemble(raw, source)
    labels = _labels(raw.get("name", Path(source).stem), paths)
    built = build_scenario(base, source)
    reported = fitted_families(AirCampaign(built, rng=0))  # a campaign checks what a scenario cannot (ranges)
    families = {f: g for f, g in members(built.catalog.threats).items() if f in FITTED}
    capable = [n for n, i in built.catalog.interceptors.items() if i.ballistic_capable]
    chunks, owner = _chunks(base, variants, overlays, ensemble, labels, replications, root_seed,
                            _daily_columns(built))
    tables, flows = _run_chunks(chunks, owner, origin, families, reported, workers, progress)
    runs = _runs_table(tables, labels)
    measures = [c for c in runs.columns if c not in ("day", "date", "policy", "replication")]
    flows = pd.concat(flows, ignore_index=True).sort_values(["policy", "replication", "date"], kind="stable")
    return Forecast(origin, days, labels, runs, measures, rates, window, replications, capable,
                    _notes(raw, origin, days, window, ensemble), flows.reset_index(drop=True))
