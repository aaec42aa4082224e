"""Sensitivity indices of an outcome, by the SALib analyser the sweep's sampler names, on the unit sample it drew.

The unit sample is the one the results folder's manifest keeps (`SweepLayout.unit_sample`), never drawn again.
"""

import pandas as pd

from experiments.analysis.statistics import AnalysisError, _require
from experiments.sweep.layout import SweepLayout
from experiments.sweep.sampling import SAMPLERS


def _sobol(problem: dict, unit, y, spec) -> pd.DataFrame:
    """Sobol' first and total order indices, with their 95% half-widths, by ST."""
    from SALib.analyze import sobol

    found = sobol.analyze(problem, y, calc_second_order=False, seed=spec.root_seed)
    table = pd.DataFrame({"factor": problem["names"], "S1": found["S1"], "S1_conf": found["S1_conf"],
                          "ST": found["ST"], "ST_conf": found["ST_conf"]})
    return table.sort_values("ST", ascending=False, ignore_index=True)


def _morris(problem: dict, unit, y, spec) -> pd.DataFrame:
    """Morris mu* (with its 95% half-width) and sigma, by mu*."""
    from SALib.analyze import morris

    found = morris.analyze(problem, unit, y, num_levels=spec.design.levels, seed=spec.root_seed)
    table = pd.DataFrame({"factor": problem["names"], "mu_star": found["mu_star"],
                          "mu_star_conf": found["mu_star_conf"], "sigma": found["sigma"]})
    return table.sort_values("mu_star", ascending=False, ignore_index=True)


ANALYSERS = {"sobol": _sobol, "morris": _morris}
"""SALib analysers by the name a sampler's `analyser` gives."""


def sensitivity(runs: pd.DataFrame, spec, outcome: str, layout: SweepLayout | None = None) -> pd.DataFrame:
    """Sensitivity indices of `outcome`, one row per factor: Sobol (S1, ST) or Morris (mu*, sigma).

    `spec` is the sweep's `SweepSpec` (its sampler must name an analyser:
    `sobol` or `morris`; its seed and Morris levels go to SALib); `layout` the
    results folder's (`SweepResult.layout`), whose unit sample the sampler
    drew. Without it the layout is the one the spec's sweep writes. Each
    design point's outcome is its mean over replications, which is what the
    sampler's design expects.
    """
    _require(runs, [outcome])
    kind = spec.design.kind
    analyser = SAMPLERS[kind].analyser
    if analyser is None:
        able = " or ".join(k for k, sampler in SAMPLERS.items() if sampler.analyser is not None)
        raise AnalysisError(f"sensitivity indices need a {able} design; this sweep's is {kind}")
    layout = layout or SweepLayout.from_spec(spec)
    if layout.unit_sample is None:
        raise AnalysisError("the results folder's manifest keeps no unit sample (it predates the layout); "
                            "run the sweep's command again to add it")
    names = layout.names
    means = runs.groupby("point")[outcome].mean()
    unit = layout.unit()
    if len(means) != len(unit) or means.isna().any():
        raise AnalysisError(f"sensitivity needs every design point: {len(means)} of {len(unit)} have "
                            f"a value of {outcome}; finish the sweep (run the same command again)")
    y = means.sort_index().to_numpy(dtype=float)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    return ANALYSERS[analyser](problem, unit, y, spec)
