"""The attacker answer: which salvo size, interval, decoy share and missile timing hurt the defender most."""

import pandas as pd

from experiments import analysis
from experiments.reporting import plots
from experiments.reporting.answers import scenario_facts as facts
from experiments.reporting.answers.registry import answer
from experiments.reporting.answers.words import label
from experiments.reporting.document import Plot, Section, Table, Text, estimate, number


@answer
def attacker_saturation(result, spec, outcome: str = "value_weighted_damage", worst: float = 0.2) -> Section:
    """Which salvo size, interval, decoy share and missile timing hurt the defender most."""
    runs, factors, layout = result.runs, result.factors, facts.layout_of(result)
    section = Section(f"Attacker saturation: what drives {outcome}")
    analyser = spec.design.sampler.analyser
    if analyser is not None:
        indices = analysis.sensitivity(runs, spec, outcome, layout)
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
            shown = pd.DataFrame({factor.name: table[factor.name].map(lambda v: label(v, layout)),
                                  outcome: [estimate(r) for _, r in table.iterrows()]})
            section.add(Table(shown, f"{outcome} by {factor.name}, over the other factors: mean (95% CI)"))
    return section
