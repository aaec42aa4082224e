"""The doctrine answer: what Patriot shots at drones cost, and what a second round per ballistic missile buys."""

import pandas as pd

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.reporting import plots
from experiments.reporting.answers import scenario_facts as facts
from experiments.reporting.answers.registry import answer
from experiments.reporting.answers.words import compare, comparison_table, join, label, moves
from experiments.reporting.document import Plot, Section, Table, Text
from experiments.sweep.layout import FactorColumn
from experiments.sweep.paths import path_tokens
from model.families import family_of


def engaged(level, scenario, factor=None) -> set[str] | None:
    """The catalog's classes an `engage` list fires at (its classes and families, and decoys that mimic them).

    `level` is a stored cell of `factor`'s column (a list as JSON text) or the list itself; None: not a list.
    """
    value = FactorColumn.of(factor).decode(level) if factor is not None else level
    if not isinstance(value, list):
        return None
    threats = scenario.catalog.threats
    families = family_of(threats)
    names = {n for n in threats if n in value or families[n] in value}
    return names | {n for n, t in threats.items() if t.mimics in names}


def engage_baseline(runs: pd.DataFrame, factor, scenario):
    """The level of an `engage` factor that fires at the fewest of the catalog's classes, with every level's set.

    That is the level whose list lacks a class (or family) the others add,
    e.g. drones; levels that are not lists of classes leave the spec's first
    value as the baseline.
    """
    levels = pd.unique(runs[factor.name]).tolist()
    found = {level: engaged(level, scenario, factor) for level in levels}
    if any(v is None for v in found.values()):
        return analysis.level_of(runs, factor.name, factor.values[0]) if factor.values else levels[0], found
    fewest = min(levels, key=lambda level: len(found[level]))
    return fewest, found


def class_words(names: set[str], scenario) -> str:
    """Classes by their families, those that do damage only when any do."""
    threats = scenario.catalog.threats
    families = family_of(threats)
    doing = [n for n in threats if n in names and threats[n].damage > 0] or [n for n in threats if n in names]
    return join(list(dict.fromkeys(families[n] for n in doing))) if doing else "nothing more"


def _scarcity(runs: pd.DataFrame, shots: str, flags: dict[str, pd.Series]) -> str:
    """Whether the rounds able to kill the target ran out, in how many runs, and at which shots level."""
    scarce = pd.concat(flags.values(), axis=1).any(axis=1)
    levels = sorted(runs[shots].unique())
    kinds_named = list(flags)
    if not scarce.any():
        return (f" Rounds were not scarce in these runs: in none of the {len(runs)} runs did the theatre's "
                f"stock of {' or '.join(kinds_named)} reach zero, so the arithmetic does not explain the difference.")
    parts = []
    for k, (r, f) in enumerate(flags.items()):
        by_level = [f"{f[runs[shots] == level].mean():.0%}" for level in levels]
        if k == 0:
            parts.append(f"{r} ran out in {f.mean():.0%} of the runs (" + ", ".join(
                f"{share} of those firing {level} per target" for share, level in zip(by_level, levels, strict=True))
                + ")")
        else:
            parts.append(f"{r} in {f.mean():.0%} ({', '.join(by_level)})")
    detail = join(parts)
    if scarce.all():
        return (f" Rounds were scarce in every one of the {len(runs)} runs: the theatre's stock of "
                f"{' or '.join(kinds_named)} reached zero at least once in each; {detail}. The shots "
                "result is this arithmetic at work, and says nothing about a second round where rounds "
                "are plentiful.")
    return (f" Rounds were scarce in {scarce.mean():.0%} of the {len(runs)} runs, those in which the "
            f"theatre's stock of {' or '.join(kinds_named)} reached zero at least once: {detail}. In the "
            "rest rounds were left over.")


def shots_arithmetic(runs: pd.DataFrame, scenario, shots: str, target: str, rounds: list[str]) -> str:
    """Why fewer rounds per target leave fewer leakers when rounds are scarce, and whether they were here."""
    low, high = min(runs[shots]), max(runs[shots])
    kinds = scenario.catalog.interceptors
    families = family_of(scenario.catalog.threats)
    targets = [n for n, f in families.items() if n == target or f == target]
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
    flags = {r: f for r, f in ((r, facts.ran_out(runs, r)) for r in able) if f is not None}
    if not flags:
        return text + " These runs do not record when stocks ran out, so whether rounds were scarce is unknown."
    return text + _scarcity(runs, shots, flags)


def _comparisons(runs, spec, scenario, chosen: dict, outcomes: dict, factors, layout) -> tuple[list, str, object]:
    """Each doctrine choice against its baseline: the engage list, shots per target and the reserve."""
    engage, shots, reserve = chosen["engage"], chosen["shots"], chosen["reserve"]
    by_name = {f.name: f for f in spec.factors}
    ballistic = facts.ballistic_families(scenario)
    without, sets = engage_baseline(runs, by_name[engage], scenario)
    shooters = chosen["shooters"]

    def engage_words(level):
        added = (sets[level] or set()) - (sets[without] or set()) if sets[level] is not None else None
        what = class_words(added, scenario) if added else label(level, layout)
        return (f"Adding {what} to the threats the {shooters} batteries fire at ({engage}: {label(level, layout)} "
                f"instead of {label(without, layout)})")

    tokens = path_tokens(by_name[shots].paths[0])
    target = str(tokens[-1]) if "shots_per_target" in tokens else (ballistic[0] if ballistic else "each")
    low = min(runs[shots])
    found = compare(runs, engage, without, outcomes, factors, engage_words, layout=layout)
    found += compare(runs, shots, low, outcomes, factors,
                     lambda level: f"Firing {level} rounds per {target} target instead of {low}", layout=layout)
    if reserve in runs and reserve in by_name:
        kept_for = join(ballistic) if ballistic else "ballistic"
        least = min(runs[reserve])
        found += compare(runs, reserve, least, outcomes, factors,
                         lambda level: f"Keeping {level} rounds per battery back for {kept_for} threats "
                                       f"instead of {least}", layout=layout)
    return found, target, without


def _plots(section: Section, runs, scenario, chosen: dict, outcomes: dict, factors, without, layout) -> None:
    """The paired differences of the ballistic leakers (or value-weighted damage), and their heatmap."""
    engage, shots, reserve = chosen["engage"], chosen["shots"], chosen["reserve"]
    ballistic = facts.ballistic_families(scenario)
    plotted = f"leaked_{ballistic[0]}" if ballistic else "value_weighted_damage"
    title = outcomes.get(plotted, plotted)
    units = "missiles per year" if plotted.startswith("leaked_") else "per year"
    diffs = pd.concat([analysis.paired_differences(runs, plotted, f, base, factors)
                       for f, base in ((engage, without), (shots, min(runs[shots])),
                                       *(((reserve, min(runs[reserve])),) if reserve in runs else ()))])
    diffs["level"] = diffs["level"].map(lambda v: label(v, layout))
    diffs["baseline"] = diffs["baseline"].map(lambda v: label(v, layout))
    section.add(Plot("differences", plots.paired_differences_plot(diffs, title, units)))
    if reserve in runs:
        section.add(Plot("heatmap", plots.heatmap(
            analysis.outcome_table(runs, plotted, [shots, reserve]), reserve, shots, outcome=title, units=units),
            f"{title.capitalize()} by {shots} and {reserve}, over the other factors."))


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
    runs, factors, layout = result.runs.copy(), result.factors, facts.layout_of(result)
    scenario = facts.base_scenario(result, spec)
    by_name = {f.name: f for f in spec.factors}
    missing = [f for f in (engage, shots) if f not in by_name]
    if missing:
        raise AnalysisError(f"the doctrine answer needs the factors {', '.join(missing)}; this sweep has "
                            f"{', '.join(by_name)}")
    doctrines = list(dict.fromkeys(facts.doctrine_of(by_name[f]) for f in (engage, shots, reserve) if f in by_name))
    rounds = list(dict.fromkeys(r for d in doctrines for r in facts.doctrine_rounds(scenario, d)))
    shooters = join(list(dict.fromkeys(b for d in doctrines for b in facts.doctrine_batteries(scenario, d)))
                    or ["its"])
    chosen = {"engage": engage, "shots": shots, "reserve": reserve, "shooters": shooters}
    outcomes = facts.moved_outcomes(runs, scenario, rounds)
    section = Section("Doctrine: Patriot at drones, and shots per ballistic missile")
    comparisons, target, without = _comparisons(runs, spec, scenario, chosen, outcomes, factors, layout)
    section.add(Text(f"Every difference is taken run by run between design points that share the replication "
                     f"(the same nights) and every other factor, then averaged over {spec.replications} "
                     "replications and the other factors' levels. Each choice is reported for the leakers of every "
                     "threat family that does damage, damage, value-weighted damage and the rounds fired of "
                     f"{join(rounds) if rounds else 'no interceptor type'} ({shooters})."),
                Table(comparison_table(comparisons, outcomes), "Paired differences over the year: mean (95% CI)"))
    section.add(Text("**Answer.** " + " ".join(moves(c.subject, c.diffs, outcomes) for c in comparisons)
                     + " Positive numbers are more leakers, damage or rounds over the year."),
                Text(shots_arithmetic(runs, scenario, shots, target, rounds)))
    _plots(section, runs, scenario, chosen, outcomes, factors, without, layout)
    return section
