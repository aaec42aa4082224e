"""The pause answer: how long ballistic-capable stock lasts under an aid pause, and what each extra week costs."""

import pandas as pd

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.reporting import plots
from experiments.reporting.answers import scenario_facts as facts
from experiments.reporting.answers.registry import answer
from experiments.reporting.answers.words import compare, comparison_table, estimates, label, moves, wide_table
from experiments.reporting.document import Plot, Section, Table, Text, estimate, number


def days_until_empty(daily: pd.DataFrame, runs: pd.DataFrame, start: str, column: str) -> pd.Series:
    """Per run: days from its pause start to the first day ending with `column` at zero (NaN: never)."""
    starts = pd.to_datetime(runs.set_index("run_id")[start])
    frame = daily[["run_id", "date", column]].assign(start=lambda d: d["run_id"].map(starts))
    empty = frame[(frame["date"] >= frame["start"]) & (frame[column] == 0)]
    first = empty.groupby("run_id")["date"].min()
    return ((first - starts.loc[first.index]).dt.days).reindex(runs["run_id"]).set_axis(runs.index)


def daily_columns(result) -> list[str]:
    """The daily columns the sweep kept."""
    kept = result.manifest["spec"]["outputs"]["daily"]
    if kept == "all":
        return [c for c in result.daily().columns if c not in ("run_id", "day", "date")]
    return kept


def _lasting(runs: pd.DataFrame, keys: list[str], pause_start: str, layout) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Days until the stock is empty by pause start and length: the raw table, and the one shown."""
    last = analysis.outcome_table(runs, "days_until_empty", keys)
    out_share = analysis.outcome_table(runs, "ran_out", keys)
    lasting = last[keys].copy()
    lasting["runs where it ran out"] = [f"{s:.0%}" for s in out_share["mean"]]
    lasting["days until empty: median"] = [number(v) for v in last["q50"]]
    lasting["90% of runs between"] = [f"{number(a)} and {number(b)}" for a, b in zip(last["q05"], last["q95"],
                                                                                   strict=True)]
    lasting[pause_start] = lasting[pause_start].map(lambda v: label(v, layout))
    return last, lasting


def _weekly(runs: pd.DataFrame, outcomes: dict[str, str], pause_days: str, pause_start: str, keys: list[str]):
    """Each extra week of pause, per outcome: the slopes, and the table of them by start date."""
    weekly = {name: analysis.effect_per_unit(runs, name, pause_days, per=7, factors=keys) for name in outcomes}
    rows = [{"outcome": title, "pause starting": row["group"].removeprefix(f"{pause_start}="),
             "change per extra week of pause": estimate(row)}
            for name, title in outcomes.items() for _, row in weekly[name].iterrows()]
    return weekly, Table(pd.DataFrame(rows), "Each extra week of pause: least-squares slope within each "
                                             "replication (common random numbers), times 7, mean (95% CI)")


def _stock_plots(section: Section, runs, daily, names: dict, shipped: list[str], suppliers: list[str], layout):
    """Stock fans under the shortest and the longest pause from the middle start date, and the leakers by class."""
    pause_start, pause_days = names["start"], names["days"]
    shortest, longest = min(runs[pause_days]), runs[pause_days].max()
    levels = sorted(runs[pause_start].unique())
    middle = levels[len(levels) // 2]
    plotted = [c for c in (f"stock_{r}" for r in shipped) if c in daily.columns]
    what = f"{', '.join(shipped)} (what {', '.join(suppliers)} ships)" if plotted else "every type kept"
    when = label(middle, layout)
    for days in (shortest, longest):
        ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == days)]["run_id"]
        chosen = daily[daily["run_id"].isin(ids)]
        if len(chosen):
            section.add(Plot(f"pause-stock-{days}d", plots.stock_fan(
                chosen, plotted or None, title=f"Stock of {what}, pause of {days} days from {when} ({len(ids)} runs)"),
                f"Theatre stock of {what} across runs: median, 50% and 90% bands; shaded: paused in at "
                f"least half the runs. Pause of {days} days from {when}."))
    ids = runs[(runs[pause_start] == middle) & (runs[pause_days] == longest)]["run_id"]
    leaked = [c for c in daily.columns if c.startswith("leaked_")]
    if leaked and len(ids):
        section.add(Plot("pause-leakers", plots.leakers_over_time(
            daily[daily["run_id"].isin(ids)], leaked,
            title=f"Leakers by class, pause of {longest} days from {when} ({len(ids)} runs)"),
            "Leakers per night by class (7-day mean per run): median, 50% and 90% bands across runs."))


def _heatmap(runs: pd.DataFrame, scenario, keys: list[str], pause_days: str, pause_start: str) -> Plot:
    """The ballistic family's leakers (or value-weighted damage) by pause length and start."""
    mapped = next(iter(facts.ballistic_families(scenario)), None)
    column, title = (f"leaked_{mapped}", f"{mapped} leakers") if mapped else ("value_weighted_damage",
                                                                              "value-weighted damage")
    return Plot("pause-heatmap", plots.heatmap(analysis.outcome_table(runs, column, keys), pause_days, pause_start,
                                               outcome=title, units="missiles per year" if mapped else "per year"),
                f"{title.capitalize()} over the year by pause length and start: mean [95% CI].")


def _answer_text(runs, last, comparisons, overall, outcomes, names: dict, shipped, suppliers, layout) -> Text:
    """The answer in words: the weekly cost, the longest pause against none, and how long the stock lasted."""
    pause_start, pause_days = names["start"], names["days"]
    longest = runs[pause_days].max()
    long_rows = last[last[pause_days] == longest]
    paused = f" of {', '.join(suppliers)}" if suppliers else ""
    return Text(
        "**Answer.** " + moves(f"Over the year, each extra week of pause{paused}", overall, outcomes)
        + " (Slopes averaged over the pause start dates; the rounds counted are those "
        + (f"{', '.join(suppliers)} ships: {', '.join(shipped)}" if shipped else "of no paused supplier")
        + ".) " + moves(comparisons[-1].subject, comparisons[-1].diffs, outcomes)
        + f" Under the longest pause ({longest} days), the median time from the pause's start to the first "
        "night with no ballistic-capable round was " + "; ".join(
            f"{number(r.q50)} days from {label(getattr(r, pause_start), layout)}" for r in long_rows.itertuples())
        + ". Where the stock runs dry within days even without a pause, deliveries are being fired as they "
          "arrive: a pause then shifts when missiles get through more than how many, unless the held rounds "
          "arrive too late to be used before the year ends.")


@answer
def pause_cost(result, spec, pause_days: str = "pause_days", pause_start: str = "pause_start",
               stock: str = "ballistic_capable_left") -> Section:
    """How long ballistic-capable stock lasts under a pause, and what each extra week of pause costs.

    The rounds counted and plotted are those the paused supplier ships (its
    `products` in the sweep's base scenario); the pause is found from the
    timeline event the `pause_days` factor sets.
    """
    runs, layout = result.runs.copy(), facts.layout_of(result)
    scenario = facts.base_scenario(result, spec)
    suppliers = facts.paused_suppliers(scenario, spec, [pause_days, pause_start])
    shipped = list(dict.fromkeys(r for s in scenario.suppliers if s.name in suppliers for r in s.products))
    section = Section("Aid pause: how long the stock lasts, and what each extra week costs")
    kept = daily_columns(result)
    daily = result.daily(["date", *[c for c in kept if c == stock or c.startswith(("stock_", "flowing_", "leaked_"))]])
    if stock not in daily.columns:
        raise AnalysisError(f"the pause answer needs the daily column {stock}: keep it in [outputs] daily")
    runs["days_until_empty"] = days_until_empty(daily, runs, pause_start, stock)
    runs["ran_out"] = runs["days_until_empty"].notna().astype(float)
    keys, names = [pause_start, pause_days], {"start": pause_start, "days": pause_days}
    last, lasting = _lasting(runs, keys, pause_start, layout)
    section.add(Text(f"Each row is {spec.replications} runs. 'Days until empty' counts from the pause's start "
                     f"date to the first day that ended with no ballistic-capable round ({stock}) left in the "
                     "theatre, among the runs where that happened before the year ended; a pause of 0 days is "
                     "the same measure without any pause."),
                Table(lasting, "How long ballistic-capable stock lasts after the pause starts"))
    outcomes = facts.moved_outcomes(runs, scenario, shipped,
                                    {"days_without_ballistic_defence": "nights with no ballistic-capable round"})
    section.add(Table(estimates(wide_table(runs, keys, list(outcomes)), keys, outcomes, layout),
                      "Year totals by pause start and length: mean (95% CI)"))
    shortest = min(runs[pause_days])
    comparisons = compare(runs, pause_days, shortest, outcomes, keys,
                          lambda days: f"A pause of {days} days instead of {shortest}", layout=layout)
    section.add(Table(comparison_table(comparisons, outcomes),
                      f"Each pause length against {shortest} days, paired run by run within the same start date "
                      "and replication (common random numbers), over the start dates: mean (95% CI)"))
    weekly, table = _weekly(runs, outcomes, pause_days, pause_start, keys)
    section.add(table)
    overall = {name: weekly[name].iloc[0] for name in outcomes}
    section.add(_answer_text(runs, last, comparisons, overall, outcomes, names, shipped, suppliers, layout))
    _stock_plots(section, runs, daily, names, shipped, suppliers, layout)
    section.add(_heatmap(runs, scenario, keys, pause_days, pause_start))
    return section
