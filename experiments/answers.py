"""The headline questions, each answered in plain words with numbers and intervals.

An answer is a function `(result, spec, **options) -> Section`, named in a
sweep spec's `[report] answers = [...]`; `options` come from
`[report.options]` (which factor holds what). Every number it states comes
from `experiments.analysis`: means with 95% intervals over replications, and
paired differences under common random numbers for policy comparisons.
"""

import json
from collections.abc import Callable

import numpy as np
import pandas as pd

from experiments import analysis, plots
from experiments.analysis import AnalysisError
from experiments.document import Plot, Section, Table, Text, estimate, number

ANSWERS: dict[str, Callable] = {}


def answer(function: Callable) -> Callable:
    """Register an answer under its function name."""
    ANSWERS[function.__name__] = function
    return function


def _label(value) -> str:
    if isinstance(value, str) and value[:1] in "[{":
        parsed = json.loads(value)
        if isinstance(parsed, list):
            return "+".join(str(v) for v in parsed)
        return ", ".join(f"{k} {v}" for k, v in parsed.items())
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


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


def _days_until_empty(daily: pd.DataFrame, runs: pd.DataFrame, start: str, column: str) -> pd.Series:
    """Per run: days from its pause start to the first day ending with `column` at zero (NaN: never)."""
    starts = pd.to_datetime(runs.set_index("run_id")[start])
    frame = daily[["run_id", "date", column]].assign(start=lambda d: d["run_id"].map(starts))
    empty = frame[(frame["date"] >= frame["start"]) & (frame[column] == 0)]
    first = empty.groupby("run_id")["date"].min()
    return ((first - starts.loc[first.index]).dt.days).reindex(runs["run_id"]).set_axis(runs.index)


@answer
def pause_cost(result, spec, pause_days: str = "pause_days", pause_start: str = "pause_start",
               stock: str = "ballistic_capable_left") -> Section:
    """How long ballistic-capable stock lasts under a pause, and what each extra week of pause costs."""
    runs = result.runs.copy()
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
    outcomes = {"leaked_ballistic": "ballistic leakers", "days_without_ballistic_defence":
                "nights with no ballistic-capable round", "value_weighted_damage": "value-weighted damage"}
    table = wide_table(runs, keys, list(outcomes))
    section.add(Table(_estimates(table, keys, outcomes), "Year totals by pause start and length: mean (95% CI)"))
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
    section.add(Text(
        f"**Answer.** Over the year, each extra week of pause changes ballistic leakers by "
        f"{estimate(overall['leaked_ballistic'])}, nights with no ballistic-capable round by "
        f"{estimate(overall['days_without_ballistic_defence'])} and value-weighted damage by "
        f"{estimate(overall['value_weighted_damage'])} (averaged over the pause start dates). Under the longest "
        f"pause ({longest} days), the median time from the pause's start to the first night with no "
        f"ballistic-capable round was " + "; ".join(
            f"{number(r.q50)} days from {_label(getattr(r, pause_start))}" for r in long_rows.itertuples())
        + ". Where the stock runs dry within days even without a pause, deliveries are being fired as they "
          "arrive: a pause then shifts when missiles get through more than how many, unless the held rounds "
          "arrive too late to be used before the year ends."))
    levels = sorted(runs[pause_start].unique())
    middle = levels[len(levels) // 2]
    for days in (0, longest):
        ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == days)]["run_id"]
        chosen = daily[daily["run_id"].isin(ids)]
        if len(chosen):
            section.add(Plot(f"pause-stock-{days}d", plots.stock_fan(
                chosen, [c for c in chosen.columns if c in ("stock_pac3_mse", "stock_gem_t")] or None,
                title=f"Patriot stock, pause of {days} days from {_label(middle)} ({len(ids)} runs)"),
                f"Patriot interceptor stock across runs: median, 50% and 90% bands; shaded: paused in at "
                f"least half the runs. Pause of {days} days from {_label(middle)}."))
    ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == longest)]["run_id"]
    leaked = [c for c in daily.columns if c.startswith("leaked_")]
    if leaked and len(ids):
        section.add(Plot("pause-leakers", plots.leakers_over_time(
            daily[daily["run_id"].isin(ids)], leaked,
            title=f"Leakers by class, pause of {longest} days from {_label(middle)} ({len(ids)} runs)"),
            "Leakers per night by class (7-day mean per run): median, 50% and 90% bands across runs."))
    section.add(Plot("pause-heatmap", plots.heatmap(analysis.outcome_table(runs, "leaked_ballistic", keys),
                                                    pause_days, pause_start, outcome="ballistic leakers",
                                                    units="missiles per year"),
                     "Ballistic leakers over the year by pause length and start: mean [95% CI]."))
    return section


def _daily_columns(result) -> list[str]:
    """The daily columns the sweep kept."""
    kept = result.manifest["spec"]["outputs"]["daily"]
    if kept == "all":
        return [c for c in result.daily().columns if c not in ("run_id", "day", "date")]
    return kept


def _paired_rows(runs: pd.DataFrame, factor: str, outcomes: dict[str, str], baseline, factors) -> pd.DataFrame:
    rows = []
    for name, title in outcomes.items():
        diffs = analysis.paired_differences(runs, name, factor, baseline=baseline, factors=factors)
        for _, row in diffs.iterrows():
            rows.append({"change": f"{factor}: {_label(row['level'])} instead of {_label(row['baseline'])}",
                         "outcome": title, "paired difference": estimate(row), "pairs": int(row["n"])})
    return pd.DataFrame(rows)


@answer
def doctrine_cost(result, spec, engage: str = "patriot_engages", shots: str = "shots_per_ballistic",
                  reserve: str = "ballistic_reserve") -> Section:
    """What Patriot shots at drones cost in ballistic leakers; what two shots per ballistic missile buy."""
    runs = result.runs
    factors = result.factors
    section = Section("Doctrine: Patriot at drones, and shots per ballistic missile")
    outcomes = {"leaked_ballistic": "ballistic leakers", "leaked_drone": "drone leakers",
                "fired_pac3_mse": "PAC-3 MSE fired", "value_weighted_damage": "value-weighted damage"}
    levels = list(pd.unique(runs[engage]))
    without = next((v for v in levels if "drone" not in str(v)), levels[0])
    engage_rows = _paired_rows(runs, engage, outcomes, without, factors)
    shots_rows = _paired_rows(runs, shots, outcomes, min(runs[shots]), factors)
    reserve_rows = _paired_rows(runs, reserve, outcomes, min(runs[reserve]), factors) if reserve in runs else None
    section.add(Text(f"Every difference is taken run by run between design points that share the replication "
                     f"(the same nights) and every other factor, then averaged over {spec.replications} "
                     "replications and the other factors' levels."),
                Table(pd.concat([engage_rows, shots_rows, *([reserve_rows] if reserve_rows is not None else [])]),
                      "Paired differences over the year: mean (95% CI)"))
    drone_ballistic = analysis.paired_differences(runs, "leaked_ballistic", engage, without, factors).iloc[0]
    drone_drone = analysis.paired_differences(runs, "leaked_drone", engage, without, factors).iloc[0]
    two = analysis.paired_differences(runs, "leaked_ballistic", shots, min(runs[shots]), factors).iloc[0]
    two_fired = analysis.paired_differences(runs, "fired_pac3_mse", shots, min(runs[shots]), factors).iloc[0]
    reserve_text = ""
    if reserve in runs:
        top = max(runs[reserve])
        kept = analysis.paired_differences(runs, "leaked_ballistic", reserve, min(runs[reserve]), factors)
        kept = kept[kept["level"] == top].iloc[0]
        reserve_text = (f" Keeping {top} rounds per battery for ballistic missiles instead of "
                        f"{min(runs[reserve])} changes ballistic leakers by {estimate(kept)}.")
    section.add(Text(
        f"**Answer.** Letting Patriot fire at drones changes the year's ballistic leakers by "
        f"{estimate(drone_ballistic)} and drone leakers by {estimate(drone_drone)}. Firing "
        f"{max(runs[shots])} rounds per ballistic missile instead of {min(runs[shots])} changes ballistic leakers "
        f"by {estimate(two)} while PAC-3 rounds fired change by {estimate(two_fired)}.{reserve_text} "
        "Positive numbers are more leakers or more rounds over the year."))
    diffs = pd.concat([analysis.paired_differences(runs, "leaked_ballistic", f, base, factors)
                       for f, base in ((engage, without), (shots, min(runs[shots])),
                                       *(((reserve, min(runs[reserve])),) if reserve in runs else ()))])
    diffs["level"] = diffs["level"].map(_label)
    diffs["baseline"] = diffs["baseline"].map(_label)
    section.add(Plot("doctrine-differences", plots.paired_differences_plot(diffs, "ballistic leakers",
                                                                           "missiles per year")))
    if reserve in runs:
        section.add(Plot("doctrine-heatmap", plots.heatmap(
            analysis.outcome_table(runs, "leaked_ballistic", [shots, reserve]), reserve, shots,
            outcome="ballistic leakers", units="missiles per year"),
            "Ballistic leakers by shots per ballistic missile and reserve, over both engagement choices."))
    return section


def _base_scenario(result, spec):
    """The sweep's base scenario: from the file it was read from, or by its name if that file moved."""
    from model import ScenarioError, load_scenario

    try:
        return load_scenario(result.manifest["scenario_source"])
    except ScenarioError:
        return load_scenario(spec.scenario)


def _layer_rounds(scenario, factor) -> list[str]:
    """The interceptor types of the battery type a layer factor switches, read off its catalog path."""
    path = factor.paths[0]
    if not path.startswith("catalog.battery_types."):
        return []
    btype = scenario.catalog.battery_types.get(path.split(".")[2])
    return list(btype.interceptors) if btype else []


def row_estimate(row: pd.Series, prefix: str) -> str:
    """`estimate` of the `<prefix>_mean`, `_ci_low`... columns of a wide table's row."""
    return estimate({k: row[f"{prefix}_{k}"] for k in ("n", "mean", "ci_low", "ci_high")})


@answer
def layer_value(result, spec, expensive: list[str] | None = None) -> Section:
    """Leakers avoided and expensive interceptors saved, per dollar, for each cheap layer."""
    runs = result.runs.copy()
    factors = result.factors
    scenario = _base_scenario(result, spec)
    interceptors = scenario.catalog.interceptors
    expensive = expensive or [name for name, kind in interceptors.items() if kind.cost_usd >= 100_000]
    runs["expensive_fired"] = runs[[f"fired_{n}" for n in expensive]].sum(axis=1)
    section = Section("Layered defence: what each cheap layer buys, per dollar")
    rows, plotted = [], []
    for factor in spec.factors:
        if factor.kind != "lever":
            continue
        rounds = _layer_rounds(scenario, factor)
        off = analysis.level_of(runs, factor.name, factor.values[0])
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
            on = analysis.level_of(runs, factor.name, factor.values[-1])
            ratio = ((paired[("leaked_threats", off)] - paired[("leaked_threats", on)])
                     / (paired[(f"{factor.name}_spend", on)] / 1e6)).replace([np.inf, -np.inf], np.nan)
            per_million = estimate(analysis.describe(ratio))
        rows.append({"layer": factor.name, "on vs off": f"{_label(factor.values[-1])} vs {_label(off)}",
                     "leakers avoided": estimate(avoided), "expensive rounds saved": estimate(saved),
                     "layer's rounds, $M": estimate(spend, scale=1e-6),
                     "leakers avoided per $1M of its rounds": per_million})
        plotted.append({"factor": factor.name, "level": _label(factor.values[-1]), "baseline": _label(off),
                        **avoided})
    if not rows:
        raise AnalysisError("no factor of this sweep is a lever: nothing to switch on and off")
    table = pd.DataFrame(rows)
    section.add(Text(f"Each layer switched on against off, paired run by run over the same nights and the other "
                     f"layers' settings ({spec.replications} replications). 'Expensive rounds' are "
                     f"{', '.join(expensive)} (catalog cost of $100,000 or more)."),
                Table(table, "Each layer over the year: mean (95% CI)"))
    best = rows[int(np.argmax([p["mean"] for p in plotted]))]
    section.add(Text(f"**Answer.** The layer that avoids the most leakers over the year is {best['layer']}: "
                     f"{best['leakers avoided']}, saving {best['expensive rounds saved']} expensive rounds; "
                     f"per $1M of its own rounds it avoids {best['leakers avoided per $1M of its rounds']} "
                     "leakers. The table gives the same for every layer."))
    section.add(Plot("layers-avoided", plots.paired_differences_plot(pd.DataFrame(plotted), "leakers avoided",
                                                                     "threats per year",
                                                                     "Leakers avoided by each layer (on vs off)")))
    return section


@answer
def cost_exchange(result, spec) -> Section:
    """The cost-exchange ratio of each configuration beside the value it protects."""
    runs = result.runs.copy()
    factors = result.factors
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
    section.add(Text(
        f"**Answer.** The lowest cost-exchange ratio, {row_estimate(cheapest, 'cost_exchange_ratio')}, "
        f"comes with {' / '.join(factors)} = {cheapest['configuration']}, which protects "
        f"{number(cheapest['value_protected_mean'])} damage points; the most value protected, "
        f"{row_estimate(safest, 'value_protected')}, "
        f"comes with {safest['configuration']} at a cost-exchange ratio of "
        f"{number(safest['cost_exchange_ratio_mean'])}. A ratio read alone would favour the first."))
    section.add(Plot("cost-exchange", plots.cost_exchange_plot(table, "configuration", legend)))
    return section


@answer
def attacker_saturation(result, spec, outcome: str = "value_weighted_damage", worst: float = 0.2) -> Section:
    """Which salvo size, interval, decoy share and missile timing hurt the defender most."""
    runs = result.runs
    factors = result.factors
    section = Section(f"Attacker saturation: what drives {outcome}")
    if spec.design.kind in ("sobol", "morris"):
        indices = analysis.sensitivity(runs, spec, outcome)
        section.add(Table(indices.round(3), f"{spec.design.kind.title()} indices of {outcome} (mean over "
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
