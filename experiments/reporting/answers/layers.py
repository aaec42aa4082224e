"""The layered-defence answers: what each cheap layer buys per dollar, and cost exchange beside the value protected."""

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.reporting import plots
from experiments.reporting.answers import scenario_facts as facts
from experiments.reporting.answers.registry import answer
from experiments.reporting.answers.words import (
    compare,
    comparison_table,
    estimates,
    join,
    label,
    moves,
    row_estimate,
    wide_table,
)
from experiments.reporting.document import Plot, Section, Table, Text, estimate, number


def cheap_layer_factors(spec, scenario) -> list:
    """The sweep's levers that switch a layer the catalog marks `cheap`, in spec order."""
    cheap = set(scenario.catalog.cheap_layers())
    return [f for f in spec.factors if f.kind == "lever" and facts.layer_of(scenario, f) in cheap]


def _per_million(runs: pd.DataFrame, factor, off, on, factors) -> str:
    """Leakers avoided per $1M of the layer's own rounds, pair by pair."""
    spend = f"{factor.name}_spend"
    paired = runs.pivot_table(index=analysis.pair_keys(runs, factor.name, factors), columns=factor.name,
                              values=["leaked_threats", spend], aggfunc="first")
    ratio = ((paired[("leaked_threats", off)] - paired[("leaked_threats", on)])
             / (paired[(spend, on)] / 1e6)).replace([np.inf, -np.inf], np.nan)
    return estimate(analysis.describe(ratio))


def _layer_row(runs: pd.DataFrame, scenario, factor, factors, layout) -> tuple[dict, dict, object, object]:
    """One layer on against off: its table row, its plotted difference, and its two levels."""
    interceptors = scenario.catalog.interceptors
    rounds = facts.layer_rounds(scenario, factor)
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
        per_million = _per_million(runs, factor, off, on, factors)
    row = {"layer": factor.name, "on vs off": f"{label(factor.values[-1])} vs {label(off, layout)}",
           "leakers avoided": estimate(avoided), "expensive rounds saved": estimate(saved),
           "layer's rounds, $M": estimate(spend, scale=1e-6), "leakers avoided per $1M of its rounds": per_million}
    plotted = {"factor": factor.name, "level": label(factor.values[-1]), "baseline": label(off, layout), **avoided}
    return row, plotted, off, on


@answer
def layer_value(result, spec, expensive: list[str] | None = None) -> Section:
    """Leakers avoided and expensive interceptors saved, per dollar, for each cheap layer.

    The layers are the levers that switch a battery type the catalog marks
    `cheap`. 'Expensive' interceptor types, unless the spec names them, are
    those whose round costs more than the median round cost in the catalog.
    Each layer is also reported for all it moves: every damage-doing
    family's leakers, damage, value-weighted damage, and the rounds fired of
    its own types and of each expensive type.
    """
    runs, factors, layout = result.runs.copy(), result.factors, facts.layout_of(result)
    scenario = facts.base_scenario(result, spec)
    chosen = bool(expensive)
    expensive = list(expensive) if expensive else facts.expensive(scenario)
    runs["expensive_fired"] = runs[[f"fired_{n}" for n in expensive]].sum(axis=1)
    section = Section("Layered defence: what each cheap layer buys, per dollar")
    rows, plotted, comparisons, outcomes = [], [], [], {}
    for factor in cheap_layer_factors(spec, scenario):
        row, difference, off, on = _layer_row(runs, scenario, factor, factors, layout)
        rows.append(row)
        plotted.append(difference)
        moved = facts.moved_outcomes(runs, scenario, [*facts.layer_rounds(scenario, factor), *expensive])
        outcomes |= moved
        comparisons += compare(runs, factor.name, off, moved, factors,
                               lambda level, f=factor, off=off: f"Switching {f.name} on ({label(level, layout)} "
                                                                f"instead of {label(off, layout)})",
                               levels=[on], layout=layout)
    if not rows:
        raise AnalysisError("no lever of this sweep switches a layer the catalog marks cheap (cheap battery types: "
                            f"{', '.join(scenario.catalog.cheap_layers()) or 'none'}): nothing to switch on and off")
    why = "named by the spec" if chosen else "the catalog's round costs above their median"
    section.add(Text(f"Each layer switched on against off, paired run by run over the same nights and the other "
                     f"layers' settings ({spec.replications} replications). 'Expensive rounds' are "
                     f"{join(expensive)} ({why})."),
                Table(pd.DataFrame(rows), "Each layer over the year: mean (95% CI)"),
                Table(comparison_table(comparisons, outcomes),
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
    runs, factors, layout = result.runs.copy(), result.factors, facts.layout_of(result)
    scenario = facts.base_scenario(result, spec)
    runs["configuration"] = [" / ".join(label(v, layout) for v in values)
                             for values in runs[factors].itertuples(index=False)]
    runs["usd_per_point_protected"] = runs["defender_spend_usd"] / runs["value_protected"]
    table = wide_table(runs, ["configuration"], ["cost_exchange_ratio", "value_protected", "usd_per_point_protected"])
    shown = estimates(table, ["configuration"], {"cost_exchange_ratio": "cost-exchange ratio",
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
        rounds = [r for f in spec.factors for r in facts.layer_rounds(scenario, f)]
        runs["defender_spend_musd"] = runs["defender_spend_usd"] / 1e6
        outcomes = facts.moved_outcomes(runs, scenario, rounds, {"defender_spend_musd": "defender spend ($M)"})
        comparisons = compare(runs, "configuration", cheapest["configuration"], outcomes, ["configuration"],
                              lambda level: f"Moving from {cheapest['configuration']} to {level}",
                              levels=[safest["configuration"]])
        section.add(Table(comparison_table(comparisons, outcomes),
                          "The most protective configuration against the one with the lowest ratio, paired run by "
                          "run over the same replications: mean (95% CI)"))
        words += " " + moves(comparisons[0].subject, comparisons[0].diffs, outcomes)
    section.add(Text(words))
    legend = f"labels: {' / '.join(factors)}"
    section.add(Plot("cost-exchange", plots.cost_exchange_plot(table, "configuration", legend)))
    return section
