"""Sweep results turned into statements with their uncertainty.

    from experiments import open_results
    from experiments import analysis
    result = open_results("results/doctrine")
    analysis.outcome_table(result.runs, "leaked_ballistic", by=["shots_per_ballistic"])
    analysis.paired_differences(result.runs, "leaked_ballistic", "shots_per_ballistic", baseline=1)

- Every outcome is a mean with a 95% confidence interval (Student's t over
  replications, which are independent runs) and quantiles (5, 25, 50, 75, 95%).
- Policies are compared by **paired differences**: replication r of every
  design point met the same nights (common random numbers), so the difference
  is taken run by run, within the same replication and the same values of the
  other factors, and only then averaged. This removes most of the noise that
  two independent samples would carry.
- Sensitivity indices (`sensitivity.py`) and scenario discovery (`discovery.py`)
  live beside this module.
"""

import numpy as np
import pandas as pd
from scipy import stats

from experiments.sweep.layout import SweepLayout, cell_value

CONFIDENCE = 0.95
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


class AnalysisError(ValueError):
    """The results cannot answer what was asked (a missing outcome, factor or level)."""


def _quantile_name(q: float) -> str:
    return f"q{round(q * 100):02d}"


def describe(values, confidence: float = CONFIDENCE) -> pd.Series:
    """n, mean, sd, the mean's confidence interval (Student's t) and quantiles of a sample.

    NaN values are dropped first (an outcome that did not happen in a run, such
    as a stock that never ran out, is counted by `n` only when present). With
    fewer than two values the interval is NaN.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    out = {"n": n, "mean": np.nan, "sd": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if n:
        out["mean"] = float(x.mean())
    if n >= 2:
        sd = float(x.std(ddof=1))
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / np.sqrt(n)
        out.update(sd=sd, ci_low=out["mean"] - half, ci_high=out["mean"] + half)
    for q in QUANTILES:
        out[_quantile_name(q)] = float(np.quantile(x, q)) if n else np.nan
    return pd.Series(out)


def parameter_share(runs: pd.DataFrame, outcome: str, draws: pd.DataFrame) -> float:
    """How much of an outcome's spread over replications the posterior draws' parameter values explain.

    Replication r ran draw r (`runs["draw"]`, a row of the ensemble table `draws`) on night seed r, so
    both the parameters and the nights vary together. Within each design point the outcome is regressed
    linearly on the draws' values; the adjusted R-squared is the share of the variance the parameters
    explain, averaged over the design points (weighted by their variance). The rest is the nights, plus
    whatever parameter effect a linear fit misses: a lower bound on the parameters' share.
    """
    _require(runs, [outcome, "draw", "point"])
    values = draws.drop(columns=[c for c in ("weight",) if c in draws.columns])
    values = values.loc[:, ~values.T.duplicated()]  # one column per parameter (some set several paths)
    values = values.loc[:, values.std() > 0]
    explained = total = 0.0
    for _, group in runs.groupby("point"):
        y = group[outcome].to_numpy(float)
        x = values.iloc[group["draw"].to_numpy(int)].to_numpy(float)
        keep = ~np.isnan(y)
        y, x = y[keep], x[keep]
        n, k = x.shape
        if n < k + 3 or np.var(y) == 0:
            continue
        design = np.column_stack([np.ones(n), (x - x.mean(axis=0)) / x.std(axis=0)])
        fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
        r2 = 1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2)
        adjusted = 1 - (1 - r2) * (n - 1) / (n - k - 1)
        explained += max(0.0, adjusted) * np.var(y)
        total += np.var(y)
    return explained / total if total > 0 else np.nan


def _require(runs: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        known = ", ".join(c for c in runs.columns if c not in ("run_id", "seed"))
        raise AnalysisError(f"the runs have no column {', '.join(missing)}; they have: {known}")
    if runs.empty:
        raise AnalysisError("there are no finished runs to analyse")


def outcome_table(runs: pd.DataFrame, outcome: str, by: list[str] | None = None,
                  confidence: float = CONFIDENCE) -> pd.DataFrame:
    """`describe` of an outcome for every combination of the factors in `by` (or over all runs)."""
    by = list(by or [])
    _require(runs, [outcome, *by])
    if not by:
        return describe(runs[outcome], confidence).to_frame().T
    rows = [{**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
             **describe(group[outcome], confidence)}
            for key, group in runs.groupby(by, sort=True)]
    return pd.DataFrame(rows)


def pair_keys(runs: pd.DataFrame, factor: str, factors: list[str] | None) -> list[str]:
    """The columns that pair runs for `factor`: the replication and every other factor."""
    others = [f for f in (factors if factors is not None else carried_layout(runs).names) if f != factor]
    return ["replication", *others]


def carried_layout(runs: pd.DataFrame) -> SweepLayout:
    """The layout a sweep's runs table carries from its results folder's manifest (`SweepResult.runs`)."""
    layout = SweepLayout.of(runs)
    if layout is None:
        raise AnalysisError("this table carries no sweep layout (it was not read from a results folder); "
                            "name its factors with factors=[...]")
    return layout


def level_of(runs: pd.DataFrame, factor: str, value):
    """The level of `factor` in a runs table that a spec's value stands for.

    Lists and tables are stored as JSON text (`cell_value`), and dates may come back as text
    or timestamps; this finds the stored level that is the same value.
    """
    _require(runs, [factor])
    wanted = cell_value(value)
    for level in pd.unique(runs[factor]).tolist():
        if level == wanted or str(level) == str(wanted) or (
                isinstance(level, pd.Timestamp) and str(level.date()) == str(wanted)):
            return level
    raise AnalysisError(f"{factor} = {value!r} is not among its levels in the runs table")


def paired_differences(runs: pd.DataFrame, outcome: str, factor: str, baseline=None,
                       factors: list[str] | None = None, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Each level of `factor` against `baseline`, as run-by-run differences under common random numbers.

    Runs are paired when they share the replication and every other factor's
    value (`factors`: all factors of the sweep, by default those of the layout
    the runs table carries from its manifest). The default baseline is the
    lowest level. Each row: the level, the baseline, and `describe` of
    `outcome(level) - outcome(baseline)` over the pairs.
    """
    keys = pair_keys(runs, factor, factors)
    _require(runs, [outcome, factor, *keys])
    levels = pd.unique(runs[factor]).tolist()
    try:
        levels = sorted(levels)
    except TypeError:  # levels of mixed types keep their order of appearance
        pass
    baseline = levels[0] if baseline is None else baseline
    if baseline not in levels:
        raise AnalysisError(f"{factor} = {baseline!r} is not among its levels: {levels}")
    table = runs.pivot_table(index=keys, columns=factor, values=outcome, aggfunc="first", dropna=False)
    rows = []
    for level in levels:
        if level == baseline:
            continue
        diff = (table[level] - table[baseline]).dropna()
        rows.append({"factor": factor, "level": level, "baseline": baseline, **describe(diff, confidence)})
    return pd.DataFrame(rows)


def effect_per_unit(runs: pd.DataFrame, outcome: str, factor: str, per: float = 1.0,
                    factors: list[str] | None = None, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """How much `outcome` changes per `per` units of a numeric factor, with its interval.

    Within each pair group (same replication and other factors' values) the
    least-squares slope of outcome on factor is taken; the slopes, times
    `per`, are then described, for every combination of the other factors and
    over all of them (the row whose `group` is "all").
    """
    keys = pair_keys(runs, factor, factors)
    _require(runs, [outcome, factor, *keys])
    others = keys[1:]
    slopes = []
    for key, group in runs.groupby(keys, sort=True):
        x = group[factor].to_numpy(dtype=float)
        y = group[outcome].to_numpy(dtype=float)
        if len(np.unique(x)) < 2 or np.isnan(y).any():
            continue
        slope = np.polyfit(x, y, 1)[0] * per
        slopes.append({**dict(zip(keys, key, strict=True)), "slope": slope})
    slopes = pd.DataFrame(slopes)
    if slopes.empty:
        raise AnalysisError(f"{factor} takes fewer than two values within each replication: no slope to fit")
    rows = [{"group": "all", **describe(slopes["slope"], confidence)}]
    if others:
        for key, group in slopes.groupby(others, sort=True):
            label = ", ".join(f"{k}={v}" for k, v in zip(others, key if isinstance(key, tuple) else (key,),
                                                         strict=True))
            rows.append({"group": label, **describe(group["slope"], confidence)})
    return pd.DataFrame(rows)


def fan(daily: pd.DataFrame, column: str, quantiles=QUANTILES) -> pd.DataFrame:
    """Quantiles across runs of a daily column, one row per date (columns `q05`...`q95` and `mean`)."""
    _require(daily, [column, "date"])
    wide = daily.pivot(index="date", columns="run_id", values=column).to_numpy(dtype=float)
    dates = np.sort(daily["date"].unique())
    out = pd.DataFrame({_quantile_name(q): np.nanquantile(wide, q, axis=1) for q in quantiles}, index=dates)
    out["mean"] = np.nanmean(wide, axis=1)
    out.index.name = "date"
    return out


def paused_share(daily: pd.DataFrame) -> pd.DataFrame:
    """For each date and supplier with a `flowing_` column: the share of runs in which it was paused."""
    columns = [c for c in daily.columns if c.startswith("flowing_")]
    if not columns:
        return pd.DataFrame()
    share = 1.0 - daily.groupby("date")[columns].mean()
    return share.rename(columns=lambda c: c.removeprefix("flowing_"))
