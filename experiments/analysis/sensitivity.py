"""Sensitivity indices of an outcome: Sobol or Morris (SALib), on the unit sample the sweep's sampler drew.

The unit sample is the one the results folder's manifest keeps (`SweepLayout.unit_sample`), never drawn again.
"""

import pandas as pd

from experiments.analysis.statistics import AnalysisError, _require
from experiments.sweep.layout import SweepLayout


def sensitivity(runs: pd.DataFrame, spec, outcome: str, layout: SweepLayout | None = None) -> pd.DataFrame:
    """Sobol (first and total order) or Morris (mu*, sigma) indices of `outcome`, one row per factor.

    `spec` is the sweep's `SweepSpec` (its design must be `sobol` or
    `morris`; its seed and Morris levels go to SALib's analysers); `layout`
    the results folder's (`SweepResult.layout`), whose unit sample the
    sampler drew. Without it the layout is the one the spec's sweep writes.
    Each design point's outcome is its mean over replications, which is
    what the sampler's design expects.
    """
    _require(runs, [outcome])
    kind = spec.design.kind
    if kind not in ("sobol", "morris"):
        raise AnalysisError(f"sensitivity indices need a sobol or morris design; this sweep's is {kind}")
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
    if kind == "sobol":
        from SALib.analyze import sobol

        found = sobol.analyze(problem, y, calc_second_order=False, seed=spec.root_seed)
        table = pd.DataFrame({"factor": names, "S1": found["S1"], "S1_conf": found["S1_conf"],
                              "ST": found["ST"], "ST_conf": found["ST_conf"]})
        return table.sort_values("ST", ascending=False, ignore_index=True)
    from SALib.analyze import morris

    found = morris.analyze(problem, unit, y, num_levels=spec.design.levels, seed=spec.root_seed)
    table = pd.DataFrame({"factor": names, "mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                          "sigma": found["sigma"]})
    return table.sort_values("mu_star", ascending=False, ignore_index=True)
