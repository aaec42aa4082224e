"""Forecasts: replay the reports up to an origin, then project forward under drawn attacks at the recent rates.

    from experiments.calibration.forecast import forecast
    result = forecast(DATA, "calibrated-2025", days=90, policies=["experiments/policies/us-pac3-pause-90.toml"])
    result.horizon_table()        # per policy: quantiles at the horizon, and the paired difference
    result.fans()                 # per policy, day and measure: the 5/25/50/75/95% quantiles
    result.figure()               # the fans, policies side by side

The run starts at the scenario's start and replays the observed nights to the
origin (default: the last report), so stocks, force and pauses are carried
there; after it the attacker draws routine nights and salvos at the rates of
the reports in a recent window (`attacker_rates`). Each policy is a TOML
overlay applied on the forecast scenario. Replication r of every policy runs
with the same seed (and, if the scenario names an ensemble, the same
posterior draw): policies are compared on the same nights.
"""

import copy
import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.fit import FITTED, _family_members, extension_note, replay_data
from experiments.sweep.design import Run, replication_seed, run_id, set_path
from experiments.sweep.ensemble import scenario_ensemble
from experiments.sweep.executors import ProcessExecutor, SerialExecutor
from experiments.sweep.worker import Chunk
from model import AirCampaign, build_scenario, scenario_data
from model.errors import InputError
from model.families import members
from model.loading import ScenarioError, merge
from model.observed import ObservedAttacks, decoy_class, load_observed
from model.weapon_mapping import FAMILIES, OTHER

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
WINDOW_DAYS = 90
"""Default window of reports, ending at the origin, that the attacker's rates are fitted on."""
BUFFER_DAYS = 60
"""The forecast attacker's stockpile at the origin: this many days of its fitted launches (it does not run dry)."""
DISPERSION_CAP = 1000.0
"""Routine nights less spread than Poisson get this negative-binomial shape (Poisson, to the eye)."""
NO_BALLISTIC = "nights_without_ballistic_defence"
POLICY_FORBIDS = ("extends", "start", "end")
"""Keys a policy may not set: it changes the forecast's scenario, not its calendar or its parent."""


# ---------------------------------------------------------------------------------------------- attacker rates
def _uniform_range(values: np.ndarray, floor: int) -> list[int]:
    """[low, high] of a uniform integer draw with the values' mean and standard deviation (at least `floor`)."""
    mean = float(values.mean())
    spread = math.sqrt(3.0) * (float(values.std(ddof=1)) if len(values) > 1 else 0.0)
    low = max(floor, int(round(mean - spread)))
    return [low, max(low, int(round(mean + spread)))]


def attacker_rates(observed: ObservedAttacks, start: date, end: date, *, salvo_above: int = 250,
                   decoy_share: float = 0.38, decoy: tuple[str, str] | None = None,
                   buffer_days: float = BUFFER_DAYS) -> dict:
    """Scenario overrides (path -> value) for drawn nights at the rates of the reports from `start` to `end`.

    A night of more Shahed-type launches than `salvo_above` is a salvo, as replay counts it. Routine
    nights: the mean per class (observed subtypes) over the other nights, and a negative-binomial shape
    fitted to their Shahed-type totals by moments. Salvos: the interval between salvo nights and the swarm
    size as uniform ranges with the observed mean and spread, each class's missiles the mean over salvo
    nights. `decoy = (decoy class, the class it mimics)` splits that class's counts at `decoy_share`, as
    replay does. Production is the window's mean launches a day; the stockpile `buffer_days` of it, so the
    projection follows the recent rates rather than the attacker's unknown stocks. Fewer than two salvo
    nights: one salvo per window (none: one per two windows).
    """
    table = observed.period(start, end)
    nights = len(table)
    subtypes = [s for s in observed.subtypes if s != OTHER]
    counts = pd.DataFrame({s: table[f"launched_{s}"].to_numpy(float) for s in subtypes})
    if decoy is not None:  # as replay: the decoy and the class it passes for make the swarm
        name, mimics = decoy
        counts[name] = counts[mimics] * decoy_share
        counts[mimics] = counts[mimics] * (1.0 - decoy_share)
        swarm = [mimics, name]
    else:
        swarm = [s for s in subtypes if observed.family_of.get(s) == FAMILIES[0]]
    swarm_total = counts[swarm].sum(axis=1).to_numpy()
    salvo = swarm_total > salvo_above
    routine = counts[~salvo]
    routine_total = swarm_total[~salvo]
    mean, variance = float(routine_total.mean()) if len(routine_total) else 0.0, 0.0
    if len(routine_total) > 1:
        variance = float(routine_total.var(ddof=1))
    dispersion = mean ** 2 / (variance - mean) if variance > mean > 0 else DISPERSION_CAP
    days = np.flatnonzero(salvo)
    if len(days) >= 2:
        interval = _uniform_range(np.diff(days).astype(float), 1)
    else:
        interval = [nights * (2 if len(days) == 0 else 1)] * 2
    salvos = counts[salvo]
    sizes = swarm_total[salvo]
    size = _uniform_range(sizes, salvo_above + 1) if len(sizes) else [salvo_above + 1] * 2
    mix = salvos[swarm].sum() if len(salvos) else counts[swarm].sum()
    mix = mix / mix.sum() if mix.sum() > 0 else pd.Series(1.0 / len(swarm), index=swarm)
    others = [c for c in counts.columns if c not in swarm]
    production = counts.sum() / nights
    return {
        "attacker.routine.mean": {c: round(float(routine[c].mean()) if len(routine) else 0.0, 4)
                                  for c in counts.columns},
        "attacker.routine.dispersion": round(min(dispersion, DISPERSION_CAP), 3),
        "attacker.salvo.interval_days": interval,
        "attacker.salvo.swarm_size": size,
        "attacker.salvo.swarm_mix": {c: float(mix[c]) for c in swarm},
        "attacker.salvo.missiles": {c: round(float(salvos[c].mean()) if len(salvos) else 0.0, 4) for c in others},
        "attacker.production_per_day": {c: round(float(production[c]), 4) for c in counts.columns},
        "attacker.initial_stockpile": {c: int(math.ceil(buffer_days * production[c])) for c in counts.columns},
    }


# ---------------------------------------------------------------------------------------------- scenarios
def read_policy(path: str | Path) -> dict:
    """A policy file's data: a TOML overlay on the forecast scenario (tables merge, `[[add.<list>]]` appends)."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), [("file", str(path), "no such policy file")])
    try:
        raw = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [("file", path.name, f"not valid TOML: {error}")]) from None
    wrong = [key for key in POLICY_FORBIDS if key in raw]
    if wrong:
        raise ScenarioError(str(path), [(wrong[0], raw[wrong[0]], "a policy is applied on the forecast's scenario "
                                         f"and cannot set {', '.join(POLICY_FORBIDS)}")])
    return raw


def apply_policy(base: dict, overlay: dict, source: str) -> dict:
    """Scenario data with a policy merged in, by the rules of `extends` (lists replaced, `add` appended)."""
    added = overlay.get("add", {})
    merged = merge(base, {k: v for k, v in overlay.items() if k != "add"})
    for key, entries in added.items() if isinstance(added, dict) else ():
        if not isinstance(entries, list) or not isinstance(merged.get(key, []), list):
            raise ScenarioError(source, [(f"add.{key}", "...", "only lists can be added to ([[add.timeline]], ...)")])
        merged[key] = [*merged.get(key, []), *copy.deepcopy(entries)]
    return merged


def _one_line(error: ScenarioError, source: str) -> ScenarioError:
    """A policy's problems as one line naming its file (the first problem, and how many more)."""
    key, value, why = error.problems[0]
    more = len(error.problems) - 1
    if more:
        why += f" (and {more} more: {', '.join(p[0] for p in error.problems[1:])})"
    return ScenarioError(source, [(key, value if not isinstance(value, dict | list) else "...",
                                   f"not a valid policy: {why}")])


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


# ---------------------------------------------------------------------------------------------- results
@dataclass
class Forecast:
    """A finished forecast: every run's projected measures, and their fans, table and figure.

    `runs`: one row per policy, replication and day from the origin (day 0) to the horizon. Measures:
    `stock_<interceptor>` (end of day), and from the origin on, cumulative: `leaked_<family>` (drone,
    cruise, ballistic), `damage` and `nights_without_ballistic_defence` (nights that ended with no
    ballistic-capable round in the theatre).
    """

    origin: date
    days: int
    policies: list[str]
    runs: pd.DataFrame = field(repr=False)
    measures: list[str]
    rates: dict = field(repr=False)
    window: tuple[date, date]
    replications: int
    ballistic_capable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flows: pd.DataFrame | None = field(default=None, repr=False)
    """Per policy, replication and projected day: `launched_<family>` and `neutralised_<family>` that night,
    families as the reports count them (drones with decoys), for scoring against what was reported."""

    def fans(self) -> pd.DataFrame:
        """Per policy, day and measure: the 5, 25, 50, 75 and 95% quantiles over replications."""
        grouped = self.runs.groupby(["policy", "day", "date"], sort=False)[self.measures]
        table = grouped.quantile(list(QUANTILES)).rename_axis(["policy", "day", "date", "q"])
        table = table.stack().rename("value").reset_index().rename(columns={"level_4": "measure"})
        wide = table.pivot_table(index=["policy", "day", "date", "measure"], columns="q", values="value",
                                 sort=False).reset_index()
        wide.columns = [c if isinstance(c, str) else f"q{round(100 * c):02d}" for c in wide.columns]
        return wide

    def horizon_table(self) -> pd.DataFrame:
        """At the horizon, per policy and measure: median and 90% band, and the paired difference from the first."""
        last = self.runs[self.runs["day"] == self.days].set_index(["policy", "replication"])[self.measures]
        first = last.loc[self.policies[0]]
        rows = []
        for policy in self.policies:
            own = last.loc[policy]
            for measure in self.measures:
                values = own[measure].to_numpy(float)
                diff = (own[measure] - first[measure]).to_numpy(float)
                q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
                d05, d50, d95 = np.quantile(diff, [0.05, 0.5, 0.95])
                rows.append({"policy": policy, "measure": measure, "median": q50, "q05": q05, "q95": q95,
                             "mean": values.mean(), "diff_median": d50, "diff_q05": d05, "diff_q95": d95})
        return pd.DataFrame(rows)

    def figure(self, measures: list[str] | None = None, title: str = ""):
        """The fans (median, 50% and 90% bands) of `measures`, one row each, policies side by side.

        Default measures: the ballistic-capable stocks, leakers by family, damage and nights without
        ballistic defence.
        """
        from experiments.reporting.document import new_figure

        measures = measures or [m for m in self.measures if not m.startswith("stock_")
                                or m.removeprefix("stock_") in self.ballistic_capable]
        fans = self.fans()
        fig, axes = new_figure(len(measures), len(self.policies), figsize=(4.2 * len(self.policies),
                                                                              2.1 * len(measures) + 0.6),
                               squeeze=False, sharex=True, sharey="row")
        for j, policy in enumerate(self.policies):
            axes[0, j].set_title(policy)
            for i, measure in enumerate(measures):
                ax = axes[i, j]
                rows = fans[(fans["policy"] == policy) & (fans["measure"] == measure)]
                x = pd.to_datetime(rows["date"])
                ax.fill_between(x, rows["q05"], rows["q95"], color=f"C{j}", alpha=0.18, linewidth=0, label="90%")
                ax.fill_between(x, rows["q25"], rows["q75"], color=f"C{j}", alpha=0.35, linewidth=0, label="50%")
                ax.plot(x, rows["q50"], color=f"C{j}", label="median")
                if j == 0:
                    ax.set_ylabel(measure.replace("_", " "), fontsize="small")
                ax.tick_params(axis="x", rotation=30, labelsize="small")
        axes[0, 0].legend(loc="best", fontsize="x-small")
        fig.suptitle(title or f"forecast from {self.origin}, {self.days} days, {self.replications} replications "
                              f"(stocks end of day; the rest cumulative from the origin)", fontsize="medium")
        return fig


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


def forecast(data: str | Path, scenario: str | Path, days: int, policies=(), *, replications: int = 20,
             root_seed: int = 20251231, origin: date | None = None, workers: int | None = None,
             window_days: int = WINDOW_DAYS, mapping: str | None = None, progress: bool = True) -> Forecast:
    """Replay `data` to `origin` (default: its last report), then project `days` under each policy.

    Every input is checked before any run: `days` at least 1, the origin inside the data and not before
    the scenario's start, every policy a valid overlay (ScenarioError naming its file). `workers` 1 runs
    here; None uses every core (`experiments.sweep.executors`).
    """
    if days < 1:
        raise InputError(f"days = {days}: a forecast projects at least one day")
    if replications < 1:
        raise InputError(f"replications = {replications}: a forecast needs at least one run")
    observed = load_observed(data, mapping)
    first, last = (d.date() for d in (observed.daily.index.min(), observed.daily.index.max()))
    origin = last if origin is None else origin
    if not first <= origin <= last:
        raise InputError(f"origin {origin} is outside the data: {Path(data).name} reports {first} to {last}")
    raw, source = scenario_data(scenario)
    if origin < raw["start"]:
        raise InputError(f"origin {origin} is before the scenario's start ({raw['start']}): the forecast replays "
                         f"the reports from the scenario's start, so pick a scenario that starts by then")
    base, rates, window = forecast_scenario(raw, data, origin, days, observed, window_days, mapping, source)
    paths = [Path(p) for p in policies]
    overlays = [read_policy(p) for p in paths]
    variants = [(base, source)]
    for path, overlay in zip(paths, overlays, strict=True):
        merged = apply_policy(base, overlay, str(path))
        try:
            build_scenario(merged, str(path))
        except ScenarioError as error:
            raise _one_line(error, str(path)) from None
        variants.append((merged, str(path)))
    ensemble = scenario_ensemble(raw, source)
    labels = _labels(raw.get("name", Path(source).stem), paths)
    built = build_scenario(base, source)
    reported = _family_members(AirCampaign(built, rng=0))  # a campaign checks what a scenario cannot (ranges)
    families = {f: g for f, g in members(built.catalog.threats).items() if f in FITTED}
    capable = [n for n, i in built.catalog.interceptors.items() if i.ballistic_capable]
    columns = [*(f"stock_{n}" for n in built.catalog.interceptors), *(f"leaked_{c}" for c in built.catalog.threats),
               *(f"{kind}_{c}" for kind in ("launched", "neutralised") for c in built.catalog.threats),
               "damage", "ballistic_capable_left"]
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
    runs = pd.concat(tables, ignore_index=True)
    runs["policy"] = pd.Categorical(runs["policy"], categories=labels)
    runs = runs.sort_values(["policy", "replication", "day"]).reset_index(drop=True)
    runs["policy"] = runs["policy"].astype(str)
    measures = [c for c in runs.columns if c not in ("day", "date", "policy", "replication")]
    runs = runs[["policy", "replication", "day", "date", *measures]]
    notes = [f"attacker rates fitted on the reports of {window[0]} to {window[1]}; from {origin + timedelta(1)} "
             f"the attacker holds {BUFFER_DAYS} days of those launches and produces them daily"]
    extended = extension_note(raw, raw["start"], origin + timedelta(days=days))
    if extended:
        notes.append(extended)
    if ensemble is not None:
        notes.append(f"replication r runs posterior draw r of {ensemble.source} ({len(ensemble)} particles)")
    flows = pd.concat(flows, ignore_index=True).sort_values(["policy", "replication", "date"], kind="stable")
    return Forecast(origin, days, labels, runs, measures, rates, window, replications, capable, notes,
                    flows.reset_index(drop=True))


def horizon_text(result: Forecast) -> str:
    """The horizon table for reading: per measure, each policy's median and 90% band, and the paired change."""
    table = result.horizon_table()
    lines = [f"at the horizon, {result.origin + timedelta(days=result.days)} ({result.days} days after "
             f"{result.origin}; {result.replications} replications per policy, paired by seed): median [5%, 95%]"
             + (f"; change from {result.policies[0]}, paired run by run" if len(result.policies) > 1 else "")]
    rows = {}
    for row in table.itertuples(index=False):
        cell = f"{row.median:,.0f} [{row.q05:,.0f}, {row.q95:,.0f}]"
        if row.policy != result.policies[0]:
            cell += f" ({row.diff_median:+,.0f} [{row.diff_q05:+,.0f}, {row.diff_q95:+,.0f}])"
        rows.setdefault(row.measure, {})[row.policy] = cell
    frame = pd.DataFrame.from_dict(rows, orient="index")[result.policies]
    frame.index.name = "measure"
    lines.append(frame.to_string())
    return "\n".join(lines)
