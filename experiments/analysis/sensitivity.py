"""Sensitivity indices of an outcome: Sobol or Morris (SALib), on the unit sample the sweep's sampler drew."""

import pandas as pd

from experiments.analysis.statistics import AnalysisError, _require
from experiments.sweep.sampling import unit_sample


def sensitivity(runs: pd.DataFrame, spec, outcome: str) -> pd.DataFrame:
    """Sobol (first and total order) or Morris (mu*, sigma) indices of `outcome`, one row per factor.

    `spec` is the sweep's `SweepSpec` (its design must be `sobol` or
    `morris`); each design point's outcome is its mean over replications,
    which is what the sampler's design expects.
    """
    _require(runs, [outcome])
    kind = spec.design.kind
    if kind not in ("sobol", "morris"):
        raise AnalysisError(f"sensitivity indices need a sobol or morris design; this sweep's is {kind}")
    names = [f.name for f in spec.factors]
    means = runs.groupby("point")[outcome].mean()
    unit = unit_sample(spec)
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
