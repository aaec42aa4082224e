"""The headline questions, each answered in plain words with numbers and intervals.

An answer is a function `(result, spec, **options) -> Section`, named in a
sweep spec's `[report] answers = [...]`; `options` come from
`[report.options]` (which factor holds what). Every number it states comes
from `experiments.analysis`: means with 95% intervals over replications, and
paired differences under common random numbers for policy comparisons.

Every policy comparison reports all it moves, not only the outcome it was
asked about: the leakers of every threat family that does damage (read off
the sweep's base scenario's catalog, decoys left out), damage and
value-weighted damage, and the rounds fired of every interceptor type the
policy touches. Names of classes and interceptor types come from the
catalog, never from this file.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.reporting import plots
from experiments.reporting.document import Plot, Section, Table, Text, estimate, number
from experiments.sweep.paths import path_tokens
from experiments.sweep.spec import SpecError

ANSWERS: dict[str, Callable] = {}


def answer(function: Callable) -> Callable:
    """Register an answer under its function name."""
    ANSWERS[function.__name__] = function
    return function


def check_answers(spec) -> None:
    """Refuse a spec whose `[report] answers` names an answer that does not exist, before anything runs.

    The sweep engine treats `[report]` as data it does not read; the commands that run a sweep with a
    report ahead (`attrition sweep`, `attrition headline`) and the report itself check it here.
    """
    problems = [(f"report.answers[{k}]", name, f"no such answer; known: {', '.join(ANSWERS)}")
                for k, name in enumerate(spec.report.answers) if name not in ANSWERS]
    if problems:
        raise SpecError(spec.source, problems)


def _label(value) -> str:
    if isinstance(value, str) and value[:1] in "[{":
        parsed = json.loads(value)
        if isinstance(parsed, list):
            return "+".join(str(v) for v in parsed)
        return ", ".join(f"{k} {v}" for k, v in parsed.items())
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _join(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _estimates(table: pd.DataFrame, keys: list[str], outcomes: dict[str, str]) -> pd.DataFrame:
    """One column per outcome, `mean (95% CI ...)`, beside the key columns."""
    out = table[keys].copy() if keys else pd.DataFrame(index=table.index)
    for column, title in outcomes.items():
        out[title] = [row_estimate(row, column) for _, row in table.iterrows()]
    for key in keys:
        out[key] = out[key].map(_label)
    return out


def wide_table(runs: pd.DataFrame, keys: list[str], outcomes: list[str]) -> pd.DataFrame:
    """`outcome_table` of several outcomes side by side: columns `<outcome>_<statistic>`."""
    merged = None
    for outcome in outcomes:
        table = analysis.outcome_table(runs, outcome, keys)
        table = table.rename(columns={c: f"{outcome}_{c}" for c in table.columns if c not in keys})
        merged = table if merged is None else merged.merge(table, on=keys) if keys else pd.concat(
            [merged, table], axis=1)
    return merged


def row_estimate(row: pd.Series, prefix: str) -> str:
    """`estimate` of the `<prefix>_mean`, `_ci_low`... columns of a wide table's row."""
    return estimate({k: row[f"{prefix}_{k}"] for k in ("n", "mean", "ci_low", "ci_high")})


# ---------------------------------------------------------------- what the catalog says


def _base_scenario(result, spec):
    """The sweep's base scenario: from the file it was read from, or by its name if that file moved.

    A base whose own values do not make a valid scenario (a sweep may move a
    pause into a calendar it does not fit as written) is read with every
    factor at its first value, as the sweep's first design point has them;
    answers read only its catalog, suppliers and timeline's suppliers.
    """
    from pathlib import Path

    from experiments.sweep.design import with_values
    from model import ScenarioError, build_scenario, scenario_data

    relative = Path(spec.base_dir) if getattr(spec, "base_dir", None) else None
    problem = None
    for source, where in ((result.manifest.get("scenario_source"), None), (spec.scenario, relative)):
        if not source:
            continue
        try:
            base, path = scenario_data(source, relative_to=where)
            try:
                return build_scenario(base, path)
            except ScenarioError:
                first = {f.name: _as_date(f.values[0] if f.values else f.range[0]) for f in spec.factors}
                return build_scenario(with_values(base, {f.name: f.paths for f in spec.factors}, first), path)
        except (ScenarioError, KeyError) as error:
            problem = error
    raise AnalysisError(f"the sweep's base scenario {spec.scenario} cannot be read: {problem}")


def _as_date(value):
    """An ISO date read back from a results folder's manifest (JSON) as the date it was; anything else as is."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return value


def _family(name: str, threat) -> str:
    """A threat class's family: its `family` where the catalog gives one, else its own name."""
    return getattr(threat, "family", None) or name


def _families(scenario) -> dict[str, list[str]]:
    """The catalog's threat classes that do damage, by family, the most damaging family first (decoys left out)."""
    threats = scenario.catalog.threats
    groups: dict[str, list[str]] = {}
    for name, threat in threats.items():
        if threat.damage > 0:
            groups.setdefault(_family(name, threat), []).append(name)
    return dict(sorted(groups.items(), key=lambda kv: -max(threats[m].damage for m in kv[1])))


def _ballistic_families(scenario) -> list[str]:
    """The families of the classes the catalog marks `ballistic` (the ones reserves are kept for)."""
    threats = scenario.catalog.threats
    return [f for f, members in _families(scenario).items() if any(threats[m].ballistic for m in members)]


def _family_leakers(runs: pd.DataFrame, scenario) -> dict[str, str]:
    """The leakers column of each damage-doing family (`leaked_<family>`), by family.

    Where the runs have no such column it is added to `runs` (in place) as
    the sum of the family's classes' `leaked_<class>` columns.
    """
    columns = {}
    for family, members in _families(scenario).items():
        column = f"leaked_{family}"
        if column not in runs.columns:
            present = [f"leaked_{m}" for m in members if f"leaked_{m}" in runs.columns]
            if not present:
                raise AnalysisError(f"the runs have no leakers of {family} ({column} or those of its classes)")
            runs[column] = runs[present].sum(axis=1)
        columns[family] = column
    return columns


def _moved_outcomes(runs: pd.DataFrame, scenario, rounds: list[str],
                    extra: dict[str, str] | None = None) -> dict[str, str]:
    """What a policy moves, column -> words: every family's leakers, `extra`, damage, and `rounds` fired."""
    outcomes = {column: f"{family} leakers" for family, column in _family_leakers(runs, scenario).items()}
    outcomes |= {c: t for c, t in (extra or {}).items() if c in runs.columns}
    outcomes |= {"value_weighted_damage": "value-weighted damage", "damage": "damage"}
    outcomes |= {f"fired_{r}": f"{r} rounds fired" for r in dict.fromkeys(rounds) if f"fired_{r}" in runs.columns}
    return outcomes


def _doctrine_of(factor) -> str | None:
    """The doctrine a factor's first path sets something of (`catalog.doctrines.<name>...`), if any."""
    tokens = path_tokens(factor.paths[0])
    return tokens[2] if tokens[:2] == ["catalog", "doctrines"] and len(tokens) > 2 else None


def _doctrine_batteries(scenario, doctrine: str | None) -> list[str]:
    """The battery types that fire under `doctrine`: by their type, or placed with it."""
    types = scenario.catalog.battery_types
    names = [n for n, t in types.items() if t.doctrine == doctrine]
    names += [b.type for b in scenario.batteries if b.doctrine == doctrine and b.type not in names]
    return names


def _doctrine_rounds(scenario, doctrine: str | None) -> list[str]:
    """The interceptor types of the batteries that fire under `doctrine`."""
    types = scenario.catalog.battery_types
    return list(dict.fromkeys(r for b in _doctrine_batteries(scenario, doctrine) for r in types[b].interceptors))


def _layer_rounds(scenario, factor) -> list[str]:
    """The interceptor types of the battery type a layer factor switches, read off its catalog path."""
    path = factor.paths[0]
    if not path.startswith("catalog.battery_types."):
        return []
    btype = scenario.catalog.battery_types.get(path.split(".")[2])
    return list(btype.interceptors) if btype else []


def _expensive(scenario) -> list[str]:
    """Interceptor types whose round costs more than the median round cost of the catalog."""
    interceptors = scenario.catalog.interceptors
    median = float(np.median([kind.cost_usd for kind in interceptors.values()]))
    return [name for name, kind in interceptors.items() if kind.cost_usd > median]


def _engaged(level, scenario) -> set[str] | None:
    """The catalog's classes an `engage` list fires at (its classes and families, and decoys that mimic them)."""
    try:
        value = json.loads(level) if isinstance(level, str) else level
    except ValueError:
        return None
    if not isinstance(value, list):
        return None
    threats = scenario.catalog.threats
    names = {n for n, t in threats.items() if n in value or _family(n, t) in value}
    return names | {n for n, t in threats.items() if t.mimics in names}


def _engage_baseline(runs: pd.DataFrame, factor, scenario):
    """The level of an `engage` factor that fires at the fewest of the catalog's classes, with every level's set.

    That is the level whose list lacks a class (or family) the others add,
    e.g. drones; levels that are not lists of classes leave the spec's first
    value as the baseline.
    """
    levels = pd.unique(runs[factor.name]).tolist()
    engaged = {level: _engaged(level, scenario) for level in levels}
    if any(v is None for v in engaged.values()):
        return analysis.level_of(runs, factor.name, factor.values[0]) if factor.values else levels[0], engaged
    fewest = min(levels, key=lambda level: len(engaged[level]))
    return fewest, engaged


def _class_words(names: set[str], scenario) -> str:
    """Classes by their families, those that do damage only when any do."""
    threats = scenario.catalog.threats
    doing = [n for n in threats if n in names and threats[n].damage > 0] or [n for n in threats if n in names]
    return _join(list(dict.fromkeys(_family(n, threats[n]) for n in doing))) if doing else "nothing more"


def _ran_out(runs: pd.DataFrame, kind: str) -> pd.Series | None:
    """Per run: whether the theatre's stock of `kind` ran out (`days_to_empty_` set, or `min_stock_` at 0)."""
    found = None
    if f"days_to_empty_{kind}" in runs.columns:
        found = runs[f"days_to_empty_{kind}"].notna()
    if f"min_stock_{kind}" in runs.columns:
        zero = runs[f"min_stock_{kind}"] == 0
        found = zero if found is None else found | zero
    return found


# ---------------------------------------------------------------- paired comparisons


@dataclass
class Comparison:
    """One level of a factor against its baseline, paired run by run, for every outcome."""

    factor: str
    level: object
    baseline: object
    subject: str
    """The change in words, to begin a sentence: "Firing 2 rounds per ballistic target instead of 1"."""
    diffs: dict[str, pd.Series]
    """Outcome column -> `describe` of the paired differences."""

    @property
    def change(self) -> str:
        """The change as a table row names it: `factor: level instead of baseline`."""
        return f"{self.factor}: {_label(self.level)} instead of {_label(self.baseline)}"


def _compare(runs: pd.DataFrame, factor: str, baseline, outcomes: dict[str, str], factors,
             subject: Callable | None = None, levels: list | None = None) -> list[Comparison]:
    """Every level of `factor` (or those in `levels`) against `baseline`, for every outcome."""
    tables = {name: analysis.paired_differences(runs, name, factor, baseline, factors) for name in outcomes}
    first = next(iter(tables.values()))
    found = []
    for level in first["level"]:
        if levels is not None and level not in levels:
            continue
        words = subject(level) if subject else f"Setting {factor} to {_label(level)} instead of {_label(baseline)}"
        found.append(Comparison(factor, level, baseline, words,
                                {name: table[table["level"] == level].iloc[0] for name, table in tables.items()}))
    return found


def _comparison_table(comparisons: list[Comparison], outcomes: dict[str, str]) -> pd.DataFrame:
    """One row per comparison and outcome: the mean paired difference with its 95% CI, and the pairs."""
    return pd.DataFrame([{"change": c.change, "outcome": outcomes[name], "paired difference": estimate(row),
                          "pairs": int(row["n"])} for c in comparisons for name, row in c.diffs.items()])


def _negated(row) -> dict:
    return {"n": row["n"], "mean": -row["mean"], "ci_low": -row["ci_high"], "ci_high": -row["ci_low"]}


def moves(subject: str, diffs: dict[str, pd.Series], outcomes: dict[str, str]) -> str:
    """A sentence naming what a change raises, what it lowers (95% CIs clear of zero) and what it leaves unclear."""
    up, down, unclear = [], [], []
    for name, row in diffs.items():
        title = outcomes[name]
        if row["ci_low"] > 0:
            up.append(f"{title} by {estimate(row)}")
        elif row["ci_high"] < 0:
            down.append(f"{title} by {estimate(_negated(row))}")
        else:
            unclear.append(f"{title} ({estimate(row)})")
    parts = ([f"raises {_join(up)}"] if up else []) + ([f"lowers {_join(down)}"] if down else [])
    if unclear:
        parts.append(f"{'and ' if parts else ''}shows no clear change in {_join(unclear)}")
    return f"{subject} {'; '.join(parts)}."


# ---------------------------------------------------------------- the answers


def _days_until_empty(daily: pd.DataFrame, runs: pd.DataFrame, start: str, column: str) -> pd.Series:
    """Per run: days from its pause start to the first day ending with `column` at zero (NaN: never)."""
    starts = pd.to_datetime(runs.set_index("run_id")[start])
    frame = daily[["run_id", "date", column]].assign(start=lambda d: d["run_id"].map(starts))
    empty = frame[(frame["date"] >= frame["start"]) & (frame[column] == 0)]
    first = empty.groupby("run_id")["date"].min()
    return ((first - starts.loc[first.index]).dt.days).reindex(runs["run_id"]).set_axis(runs.index)


def _daily_columns(result) -> list[str]:
    """The daily columns the sweep kept."""
    kept = result.manifest["spec"]["outputs"]["daily"]
    if kept == "all":
        return [c for c in result.daily().columns if c not in ("run_id", "day", "date")]
    return kept


def _paused_suppliers(scenario, spec, names: list[str]) -> list[str]:
    """The suppliers the pause factors act on: the pause events their paths set, else every pause in the timeline."""
    found = []
    for factor in spec.factors:
        if factor.name not in names:
            continue
        for path in factor.paths:
            tokens = path_tokens(path)
            if tokens[0] == "timeline" and len(tokens) > 1 and isinstance(tokens[1], int) \
                    and tokens[1] < len(scenario.timeline):
                event = scenario.timeline[tokens[1]]
                if getattr(event, "event", None) == "pause":
                    found.append(event.supplier)
    found = found or [e.supplier for e in scenario.timeline if getattr(e, "event", None) == "pause"]
    return list(dict.fromkeys(found))


@answer
def pause_cost(result, spec, pause_days: str = "pause_days", pause_start: str = "pause_start",
               stock: str = "ballistic_capable_left") -> Section:
    """How long ballistic-capable stock lasts under a pause, and what each extra week of pause costs.

    The rounds counted and plotted are those the paused supplier ships (its
    `products` in the sweep's base scenario); the pause is found from the
    timeline event the `pause_days` factor sets.
    """
    runs = result.runs.copy()
    scenario = _base_scenario(result, spec)
    suppliers = _paused_suppliers(scenario, spec, [pause_days, pause_start])
    shipped = list(dict.fromkeys(r for s in scenario.suppliers if s.name in suppliers for r in s.products))
    section = Section("Aid pause: how long the stock lasts, and what each extra week costs")
    kept = _daily_columns(result)
    daily = result.daily(["date", *[c for c in kept if c == stock or c.startswith(("stock_", "flowing_", "leaked_"))]])
    if stock not in daily.columns:
        raise AnalysisError(f"the pause answer needs the daily column {stock}: keep it in [outputs] daily")
    runs["days_until_empty"] = _days_until_empty(daily, runs, pause_start, stock)
    runs["ran_out"] = runs["days_until_empty"].notna().astype(float)
    keys = [pause_start, pause_days]
    last = analysis.outcome_table(runs, "days_until_empty", keys)
    out_share = analysis.outcome_table(runs, "ran_out", keys)
    lasting = last[keys].copy()
    lasting["runs where it ran out"] = [f"{s:.0%}" for s in out_share["mean"]]
    lasting["days until empty: median"] = [number(v) for v in last["q50"]]
    lasting["90% of runs between"] = [f"{number(a)} and {number(b)}" for a, b in zip(last["q05"], last["q95"],
                                                                                   strict=True)]
    lasting[pause_start] = lasting[pause_start].map(_label)
    section.add(Text(f"Each row is {spec.replications} runs. 'Days until empty' counts from the pause's start "
                     f"date to the first day that ended with no ballistic-capable round ({stock}) left in the "
                     "theatre, among the runs where that happened before the year ended; a pause of 0 days is "
                     "the same measure without any pause."),
                Table(lasting, "How long ballistic-capable stock lasts after the pause starts"))
    outcomes = _moved_outcomes(runs, scenario, shipped,
                               {"days_without_ballistic_defence": "nights with no ballistic-capable round"})
    table = wide_table(runs, keys, list(outcomes))
    section.add(Table(_estimates(table, keys, outcomes), "Year totals by pause start and length: mean (95% CI)"))
    shortest = min(runs[pause_days])
    comparisons = _compare(runs, pause_days, shortest, outcomes, keys,
                           lambda days: f"A pause of {days} days instead of {shortest}")
    section.add(Table(_comparison_table(comparisons, outcomes),
                      f"Each pause length against {shortest} days, paired run by run within the same start date "
                      "and replication (common random numbers), over the start dates: mean (95% CI)"))
    weekly = {name: analysis.effect_per_unit(runs, name, pause_days, per=7, factors=keys) for name in outcomes}
    rows = []
    for name, title in outcomes.items():
        for _, row in weekly[name].iterrows():
            rows.append({"outcome": title, "pause starting": row["group"].removeprefix(f"{pause_start}="),
                         "change per extra week of pause": estimate(row)})
    section.add(Table(pd.DataFrame(rows), "Each extra week of pause: least-squares slope within each "
                                          "replication (common random numbers), times 7, mean (95% CI)"))
    overall = {name: weekly[name].iloc[0] for name in outcomes}
    longest = runs[pause_days].max()
    long_rows = last[last[pause_days] == longest]
    paused = f" of {', '.join(suppliers)}" if suppliers else ""
    section.add(Text(
        "**Answer.** " + moves(f"Over the year, each extra week of pause{paused}", overall, outcomes)
        + " (Slopes averaged over the pause start dates; the rounds counted are those "
        + (f"{', '.join(suppliers)} ships: {', '.join(shipped)}" if shipped else "of no paused supplier")
        + ".) " + moves(comparisons[-1].subject, comparisons[-1].diffs, outcomes)
        + f" Under the longest pause ({longest} days), the median time from the pause's start to the first "
        "night with no ballistic-capable round was " + "; ".join(
            f"{number(r.q50)} days from {_label(getattr(r, pause_start))}" for r in long_rows.itertuples())
        + ". Where the stock runs dry within days even without a pause, deliveries are being fired as they "
          "arrive: a pause then shifts when missiles get through more than how many, unless the held rounds "
          "arrive too late to be used before the year ends."))
    levels = sorted(runs[pause_start].unique())
    middle = levels[len(levels) // 2]
    plotted = [c for c in (f"stock_{r}" for r in shipped) if c in daily.columns]
    what = f"{', '.join(shipped)} (what {', '.join(suppliers)} ships)" if plotted else "every type kept"
    for days in (shortest, longest):
        ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == days)]["run_id"]
        chosen = daily[daily["run_id"].isin(ids)]
        if len(chosen):
            section.add(Plot(f"pause-stock-{days}d", plots.stock_fan(
                chosen, plotted or None,
                title=f"Stock of {what}, pause of {days} days from {_label(middle)} ({len(ids)} runs)"),
                f"Theatre stock of {what} across runs: median, 50% and 90% bands; shaded: paused in at "
                f"least half the runs. Pause of {days} days from {_label(middle)}."))
    ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == longest)]["run_id"]
    leaked = [c for c in daily.columns if c.startswith("leaked_")]
    if leaked and len(ids):
        section.add(Plot("pause-leakers", plots.leakers_over_time(
            daily[daily["run_id"].isin(ids)], leaked,
            title=f"Leakers by class, pause of {longest} days from {_label(middle)} ({len(ids)} runs)"),
            "Leakers per night by class (7-day mean per run): median, 50% and 90% bands across runs."))
    mapped = next(iter(_ballistic_families(scenario)), None)
    column, title = (f"leaked_{mapped}", f"{mapped} leakers") if mapped else ("value_weighted_damage",
                                                                              "value-weighted damage")
    section.add(Plot("pause-heatmap", plots.heatmap(analysis.outcome_table(runs, column, keys), pause_days,
                                                    pause_start, outcome=title,
                                                    units="missiles per year" if mapped else "per year"),
                     f"{title.capitalize()} over the year by pause length and start: mean [95% CI]."))
    return section


def _shots_arithmetic(runs: pd.DataFrame, scenario, shots: str, target: str, rounds: list[str]) -> str:
    """Why fewer rounds per target leave fewer leakers when rounds are scarce, and whether they were here."""
    low, high = min(runs[shots]), max(runs[shots])
    kinds = scenario.catalog.interceptors
    threats = scenario.catalog.threats
    targets = [n for n, t in threats.items() if n == target or _family(n, t) == target]
    able = [r for r in rounds if any(kinds[r].kill_probability.get(c, 0) > 0 for c in targets)]
    examples = []
    for r in able:
        chances = sorted({kinds[r].kill_probability.get(c, 0) for c in targets} - {0}, reverse=True)
        cases = []
        for p in chances:
            concentrated, spread_out = 1 - (1 - p) ** high, high / low * (1 - (1 - p) ** low)
            cases.append(f"p = {p:g}: {concentrated:.3g} against {spread_out:.3g}")
        examples.append(f"{r} ({'; '.join(cases)})")
    spread = f"{high}p" if low == 1 else f"{high / low:g}(1-(1-p)^{low})"
    text = (f"**The arithmetic beside the shots result.** With kill probability p, {high} rounds at one {target} "
            f"target kill it with probability 1-(1-p)^{high}, while the same {high} rounds fired {low} per target "
            f"kill {spread} targets on average" + (f"; for {', '.join(examples)}" if examples else "") + ". So when "
            "rounds, not targets, are scarce, fewer rounds per target always leaves fewer leakers: that follows "
            "from the arithmetic and is not a finding about doctrine. Only when rounds are left over does the "
            "extra round buy something: it kills some of what the first missed.")
    flags = {r: _ran_out(runs, r) for r in able}
    flags = {r: f for r, f in flags.items() if f is not None}
    if not flags:
        return text + " These runs do not record when stocks ran out, so whether rounds were scarce is unknown."
    scarce = pd.concat(flags.values(), axis=1).any(axis=1)
    levels = sorted(runs[shots].unique())
    kinds_named = list(flags)
    if not scarce.any():
        return text + (f" Rounds were not scarce in these runs: in none of the {len(runs)} runs did the theatre's "
                       f"stock of {' or '.join(kinds_named)} reach zero, so the arithmetic does not explain the "
                       "difference.")
    parts = []
    for k, (r, f) in enumerate(flags.items()):
        by_level = [f"{f[runs[shots] == level].mean():.0%}" for level in levels]
        if k == 0:
            parts.append(f"{r} ran out in {f.mean():.0%} of the runs (" + ", ".join(
                f"{share} of those firing {level} per target" for share, level in zip(by_level, levels, strict=True))
                + ")")
        else:
            parts.append(f"{r} in {f.mean():.0%} ({', '.join(by_level)})")
    detail = _join(parts)
    if scarce.all():
        return text + (f" Rounds were scarce in every one of the {len(runs)} runs: the theatre's stock of "
                       f"{' or '.join(kinds_named)} reached zero at least once in each; {detail}. The shots "
                       "result is this arithmetic at work, and says nothing about a second round where rounds "
                       "are plentiful.")
    return text + (f" Rounds were scarce in {scarce.mean():.0%} of the {len(runs)} runs, those in which the "
                   f"theatre's stock of {' or '.join(kinds_named)} reached zero at least once: {detail}. In the "
                   "rest rounds were left over.")


@answer
def doctrine_cost(result, spec, engage: str = "patriot_engages", shots: str = "shots_per_ballistic",
                  reserve: str = "ballistic_reserve") -> Section:
    """What Patriot shots at drones cost, and what two shots per ballistic missile buy: in all they move.

    Each choice is paired run by run against its baseline and reported for
    every damage-doing threat family's leakers, damage, value-weighted damage
    and the rounds fired of the interceptor types of the batteries under the
    doctrine the factor sets. The baseline of `engage` is the level whose list
    fires at the fewest of the catalog's classes (the one without the class the
    other level adds, e.g. drones); those of `shots` and `reserve` are their
    lowest levels. The shots result is shown beside the arithmetic that makes
    it follow whenever rounds are scarce, and the share of runs in which they
    were.
    """
    runs = result.runs.copy()
    factors = result.factors
    scenario = _base_scenario(result, spec)
    by_name = {f.name: f for f in spec.factors}
    missing = [f for f in (engage, shots) if f not in by_name]
    if missing:
        raise AnalysisError(f"the doctrine answer needs the factors {', '.join(missing)}; this sweep has "
                            f"{', '.join(by_name)}")
    chosen = [by_name[f] for f in (engage, shots, reserve) if f in by_name]
    doctrines = list(dict.fromkeys(_doctrine_of(f) for f in chosen))
    rounds = list(dict.fromkeys(r for d in doctrines for r in _doctrine_rounds(scenario, d)))
    shooters = _join(list(dict.fromkeys(b for d in doctrines for b in _doctrine_batteries(scenario, d)))
                     or ["its"])
    outcomes = _moved_outcomes(runs, scenario, rounds)
    ballistic = _ballistic_families(scenario)
    section = Section("Doctrine: Patriot at drones, and shots per ballistic missile")

    without, engaged = _engage_baseline(runs, by_name[engage], scenario)

    def engage_words(level):
        added = (engaged[level] or set()) - (engaged[without] or set()) if engaged[level] is not None else None
        what = _class_words(added, scenario) if added else _label(level)
        return (f"Adding {what} to the threats the {shooters} batteries fire at ({engage}: {_label(level)} "
                f"instead of {_label(without)})")

    tokens = path_tokens(by_name[shots].paths[0])
    target = str(tokens[-1]) if "shots_per_target" in tokens else (ballistic[0] if ballistic else "each")
    low = min(runs[shots])
    comparisons = _compare(runs, engage, without, outcomes, factors, engage_words)
    shot_comparisons = _compare(runs, shots, low, outcomes, factors,
                                lambda level: f"Firing {level} rounds per {target} target instead of {low}")
    comparisons += shot_comparisons
    if reserve in runs and reserve in by_name:
        kept_for = _join(ballistic) if ballistic else "ballistic"
        least = min(runs[reserve])
        comparisons += _compare(runs, reserve, least, outcomes, factors,
                                lambda level: f"Keeping {level} rounds per battery back for {kept_for} threats "
                                              f"instead of {least}")
    section.add(Text(f"Every difference is taken run by run between design points that share the replication "
                     f"(the same nights) and every other factor, then averaged over {spec.replications} "
                     "replications and the other factors' levels. Each choice is reported for the leakers of every "
                     "threat family that does damage, damage, value-weighted damage and the rounds fired of "
                     f"{_join(rounds) if rounds else 'no interceptor type'} ({shooters})."),
                Table(_comparison_table(comparisons, outcomes), "Paired differences over the year: mean (95% CI)"))
    section.add(Text("**Answer.** " + " ".join(moves(c.subject, c.diffs, outcomes) for c in comparisons)
                     + " Positive numbers are more leakers, damage or rounds over the year."),
                Text(_shots_arithmetic(runs, scenario, shots, target, rounds)))
    plotted = f"leaked_{ballistic[0]}" if ballistic else "value_weighted_damage"
    title = outcomes.get(plotted, plotted)
    units = "missiles per year" if plotted.startswith("leaked_") else "per year"
    diffs = pd.concat([analysis.paired_differences(runs, plotted, f, base, factors)
                       for f, base in ((engage, without), (shots, low),
                                       *(((reserve, min(runs[reserve])),) if reserve in runs else ()))])
    diffs["level"] = diffs["level"].map(_label)
    diffs["baseline"] = diffs["baseline"].map(_label)
    section.add(Plot("doctrine-differences", plots.paired_differences_plot(diffs, title, units)))
    if reserve in runs:
        section.add(Plot("doctrine-heatmap", plots.heatmap(
            analysis.outcome_table(runs, plotted, [shots, reserve]), reserve, shots, outcome=title, units=units),
            f"{title.capitalize()} by {shots} and {reserve}, over the other factors."))
    return section


@answer
def layer_value(result, spec, expensive: list[str] | None = None) -> Section:
    """Leakers avoided and expensive interceptors saved, per dollar, for each cheap layer.

    'Expensive' interceptor types, unless the spec names them, are those whose
    round costs more than the median round cost in the catalog. Each layer is
    also reported for all it moves: every damage-doing family's leakers,
    damage, value-weighted damage, and the rounds fired of its own types and
    of each expensive type.
    """
    runs = result.runs.copy()
    factors = result.factors
    scenario = _base_scenario(result, spec)
    interceptors = scenario.catalog.interceptors
    chosen = bool(expensive)
    expensive = list(expensive) if expensive else _expensive(scenario)
    runs["expensive_fired"] = runs[[f"fired_{n}" for n in expensive]].sum(axis=1)
    section = Section("Layered defence: what each cheap layer buys, per dollar")
    rows, plotted, comparisons, outcomes = [], [], [], {}
    for factor in spec.factors:
        if factor.kind != "lever":
            continue
        rounds = _layer_rounds(scenario, factor)
        off = analysis.level_of(runs, factor.name, factor.values[0])
        on = analysis.level_of(runs, factor.name, factor.values[-1])
        runs[f"{factor.name}_spend"] = sum(runs[f"fired_{r}"] * interceptors[r].cost_usd for r in rounds) \
            if rounds else 0.0
        avoided = analysis.paired_differences(runs.assign(x=-runs["leaked_threats"]), "x", factor.name, off,
                                              factors).iloc[0]
        saved = analysis.paired_differences(runs.assign(x=-runs["expensive_fired"]), "x", factor.name, off,
                                            factors).iloc[0]
        spend = analysis.paired_differences(runs, f"{factor.name}_spend", factor.name, off, factors).iloc[0]
        per_million = "not priced: this layer fires no rounds with a cost in the catalog"
        if rounds and spend["mean"] > 0:
            paired = runs.pivot_table(index=analysis.pair_keys(runs, factor.name, factors), columns=factor.name,
                                      values=["leaked_threats", f"{factor.name}_spend"], aggfunc="first")
            ratio = ((paired[("leaked_threats", off)] - paired[("leaked_threats", on)])
                     / (paired[(f"{factor.name}_spend", on)] / 1e6)).replace([np.inf, -np.inf], np.nan)
            per_million = estimate(analysis.describe(ratio))
        rows.append({"layer": factor.name, "on vs off": f"{_label(factor.values[-1])} vs {_label(off)}",
                     "leakers avoided": estimate(avoided), "expensive rounds saved": estimate(saved),
                     "layer's rounds, $M": estimate(spend, scale=1e-6),
                     "leakers avoided per $1M of its rounds": per_million})
        plotted.append({"factor": factor.name, "level": _label(factor.values[-1]), "baseline": _label(off),
                        **avoided})
        moved = _moved_outcomes(runs, scenario, [*rounds, *expensive])
        outcomes |= moved
        comparisons += _compare(runs, factor.name, off, moved, factors,
                                lambda level, f=factor, off=off: f"Switching {f.name} on ({_label(level)} instead "
                                                                 f"of {_label(off)})", levels=[on])
    if not rows:
        raise AnalysisError("no factor of this sweep is a lever: nothing to switch on and off")
    table = pd.DataFrame(rows)
    why = "named by the spec" if chosen else "the catalog's round costs above their median"
    section.add(Text(f"Each layer switched on against off, paired run by run over the same nights and the other "
                     f"layers' settings ({spec.replications} replications). 'Expensive rounds' are "
                     f"{_join(expensive)} ({why})."),
                Table(table, "Each layer over the year: mean (95% CI)"),
                Table(_comparison_table(comparisons, outcomes),
                      "All each layer moves over the year, on against off, paired: mean (95% CI)"))
    best = rows[int(np.argmax([p["mean"] for p in plotted]))]
    section.add(Text(f"**Answer.** The layer that avoids the most leakers over the year is {best['layer']}: "
                     f"{best['leakers avoided']}, saving {best['expensive rounds saved']} expensive rounds; "
                     f"per $1M of its own rounds it avoids {best['leakers avoided per $1M of its rounds']} "
                     "leakers. The table gives the same for every layer. "
                     + " ".join(moves(c.subject, c.diffs, outcomes) for c in comparisons)))
    section.add(Plot("layers-avoided", plots.paired_differences_plot(pd.DataFrame(plotted), "leakers avoided",
                                                                     "threats per year",
                                                                     "Leakers avoided by each layer (on vs off)")))
    return section


@answer
def cost_exchange(result, spec) -> Section:
    """The cost-exchange ratio of each configuration beside the value it protects.

    The configuration with the lowest ratio is then compared, run by run over
    the same replications, with the one that protects the most value, for all
    the move changes: every damage-doing family's leakers, damage,
    value-weighted damage, defender spend and the rounds fired of the types
    the factors switch.
    """
    runs = result.runs.copy()
    factors = result.factors
    scenario = _base_scenario(result, spec)
    runs["configuration"] = [" / ".join(_label(v) for v in values) for values in runs[factors].itertuples(index=False)]
    legend = f"labels: {' / '.join(factors)}"
    runs["usd_per_point_protected"] = runs["defender_spend_usd"] / runs["value_protected"]
    names = ["cost_exchange_ratio", "value_protected", "usd_per_point_protected"]
    table = wide_table(runs, ["configuration"], names)
    shown = _estimates(table, ["configuration"], {"cost_exchange_ratio": "cost-exchange ratio",
                                                  "value_protected": "value protected (damage points)",
                                                  "usd_per_point_protected": "defender $ per point protected"})
    section = Section("Cost exchange beside the value protected")
    section.add(Text("The cost-exchange ratio (defender dollars spent on rounds per attacker dollar launched) "
                     "says nothing about what the spending bought. 'Value protected' is the value-weighted damage "
                     "that every launched threat would have done had none been stopped, minus the damage done."),
                Table(shown, f"Per configuration ({' / '.join(factors)}) over the year: mean (95% CI)"))
    cheapest = table.loc[table["cost_exchange_ratio_mean"].idxmin()]
    safest = table.loc[table["value_protected_mean"].idxmax()]
    words = (f"**Answer.** The lowest cost-exchange ratio, {row_estimate(cheapest, 'cost_exchange_ratio')}, "
             f"comes with {' / '.join(factors)} = {cheapest['configuration']}, which protects "
             f"{number(cheapest['value_protected_mean'])} damage points; the most value protected, "
             f"{row_estimate(safest, 'value_protected')}, "
             f"comes with {safest['configuration']} at a cost-exchange ratio of "
             f"{number(safest['cost_exchange_ratio_mean'])}. A ratio read alone would favour the first.")
    if cheapest["configuration"] != safest["configuration"]:
        rounds = [r for f in spec.factors for r in _layer_rounds(scenario, f)]
        runs["defender_spend_musd"] = runs["defender_spend_usd"] / 1e6
        outcomes = _moved_outcomes(runs, scenario, rounds, {"defender_spend_musd": "defender spend ($M)"})
        comparisons = _compare(runs, "configuration", cheapest["configuration"], outcomes, ["configuration"],
                               lambda level: f"Moving from {cheapest['configuration']} to {level}",
                               levels=[safest["configuration"]])
        section.add(Table(_comparison_table(comparisons, outcomes),
                          "The most protective configuration against the one with the lowest ratio, paired run by "
                          "run over the same replications: mean (95% CI)"))
        words += " " + moves(comparisons[0].subject, comparisons[0].diffs, outcomes)
    section.add(Text(words))
    section.add(Plot("cost-exchange", plots.cost_exchange_plot(table, "configuration", legend)))
    return section


@answer
def attacker_saturation(result, spec, outcome: str = "value_weighted_damage", worst: float = 0.2) -> Section:
    """Which salvo size, interval, decoy share and missile timing hurt the defender most."""
    runs = result.runs
    factors = result.factors
    section = Section(f"Attacker saturation: what drives {outcome}")
    analyser = spec.design.sampler.analyser
    if analyser is not None:
        indices = analysis.sensitivity(runs, spec, outcome)
        section.add(Table(indices.round(3), f"{analyser.title()} indices of {outcome} (mean over "
                                            f"{spec.replications} replications per design point)"),
                    Plot("attacker-sensitivity", plots.sensitivity_plot(indices, outcome)))
        top = indices.iloc[0]
        key = "ST" if "ST" in indices else "mu_star"
        ranking = ", ".join(indices["factor"])
        section.add(Text(f"Ranked by {key}: {ranking}. The strongest, {top['factor']}, has {key} "
                         f"{top[key]:.2f} (95% CI {top[key] - top[key + '_conf']:.2f} to "
                         f"{top[key] + top[key + '_conf']:.2f})."))
    threshold = runs[outcome].quantile(1 - worst)
    found = analysis.discover(runs, factors, (runs[outcome] >= threshold).to_numpy())
    section.add(Text(f"**Scenario discovery (PRIM).** The worst {worst:.0%} of runs ({outcome} of "
                     f"{number(threshold)} or more) concentrate where {found.describe()}."),
                Table(found.limits.assign(low=found.limits["low"].round(3), high=found.limits["high"].round(3)),
                      "The PRIM box: restricted factors and their ranges"),
                Plot("attacker-prim", plots.discovery_plot(found, outcome)))
    for factor in spec.factors:
        if factor.values is not None and factor.range is None:
            table = analysis.outcome_table(runs, outcome, [factor.name])
            shown = pd.DataFrame({factor.name: table[factor.name].map(_label),
                                  outcome: [estimate(r) for _, r in table.iterrows()]})
            section.add(Table(shown, f"{outcome} by {factor.name}, over the other factors: mean (95% CI)"))
    return section
