"""Scoring forecasts of monthly shares against the reports: what would be observed, its band, its CRPS, the skill.

Every forecast is scored as an ensemble of what would be *observed*: each
simulated share (or a naive guess) plus the binomial noise of the observed
month's count. Scores: the MAE of the point forecast (the pooled share over
replications), the coverage of the 90% band, and the CRPS
(`scoringrules.crps_ensemble`), each beside the naive forecasts; skill = 1 -
model / the better naive score. Months are weighted by their days.
"""

import math

import numpy as np
import pandas as pd
import scoringrules

from experiments.calibration.spec import FITTED

NOISE_DRAWS = 50
"""Binomial draws per replication (per naive guess: NOISE_DRAWS x replications) for bands and CRPS."""


def observable(shares: np.ndarray, count: int, rng: np.random.Generator, draws: int = NOISE_DRAWS) -> np.ndarray:
    """What would be observed: binomial(count, share) / count, `draws` times for each share."""
    n = max(int(round(count)), 1)
    shares = np.clip(np.asarray(shares, dtype=float), 0.0, 1.0)
    return (rng.binomial(n, shares[:, None], size=(shares.size, draws)) / n).ravel()


def band(ensemble: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    """The central `level` interval of an ensemble."""
    return tuple(float(q) for q in np.quantile(ensemble, [(1 - level) / 2, (1 + level) / 2]))


def crps(observed: float, ensemble: np.ndarray) -> float:
    """The CRPS of an ensemble forecast (scoringrules' default estimator): lower is better."""
    return float(scoringrules.crps_ensemble(float(observed), np.asarray(ensemble, dtype=float)))


def _weighted(values, weights) -> float:
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    known = ~np.isnan(values)
    return float((values[known] * weights[known]).sum() / weights[known].sum()) if known.any() else math.nan


def pooled_share(table: pd.DataFrame, cls: str) -> float:
    """A class's observed share pooled over the months of `table` (NaN if none has a known outcome)."""
    rows = table[table["class"] == cls]
    return float(rows["neutralised"].sum() / rows["with_outcome"].sum()) if rows["with_outcome"].sum() else math.nan


def simulated_months(flows: pd.DataFrame) -> pd.DataFrame:
    """Per replication, month and family: the simulated neutralised share."""
    month = pd.to_datetime(flows["date"]).dt.to_period("M").astype(str)
    rows = []
    for cls in FITTED:
        table = pd.DataFrame({"replication": flows["replication"], "month": month,
                              "launched": flows[f"launched_{cls}"], "neutralised": flows[f"neutralised_{cls}"]})
        rows.append(table.groupby(["replication", "month"]).sum().reset_index().assign(**{"class": cls}))
    return pd.concat(rows, ignore_index=True)


def score_months(observed: pd.DataFrame, simulated: pd.DataFrame, naive: dict[str, dict[str, float]],
                 rng: np.random.Generator) -> pd.DataFrame:
    """Per scored month and family: observed share, the model's and each naive forecast's point, band and CRPS.

    `observed`: month, class, with_outcome, neutralised, share, days; `simulated`: replication, month, class,
    launched, neutralised; `naive`: guess name -> class -> share. Each ensemble is what would be observed
    (binomial noise of the month's `with_outcome` count); a naive guess's has as many members as the model's.
    """
    rows = []
    for obs in observed.rename(columns={"class": "family"}).itertuples(index=False):
        runs = simulated[(simulated["month"] == obs.month) & (simulated["class"] == obs.family)]
        runs = runs[runs["launched"] > 0]
        if runs.empty:
            continue
        shares = (runs["neutralised"] / runs["launched"]).to_numpy(float)
        row = {"month": obs.month, "class": obs.family, "days": obs.days, "with_outcome": obs.with_outcome,
               "observed": obs.share}
        forecasts = {"model": (float(runs["neutralised"].sum() / runs["launched"].sum()), shares)}
        for name, guess in naive.items():
            value = guess.get(obs.family, math.nan)
            if not math.isnan(value):
                forecasts[name] = (value, np.full(shares.size, value))
        for name, (point, members) in forecasts.items():
            ensemble = observable(members, obs.with_outcome, rng)
            low, high = band(ensemble)
            row |= {f"{name}": point, f"{name}_q05": low, f"{name}_q95": high,
                    f"{name}_covered": float(low <= obs.share <= high), f"{name}_crps": crps(obs.share, ensemble)}
        rows.append(row)
    return pd.DataFrame(rows)


def summarise(months: pd.DataFrame, forecasts: list[str]) -> pd.DataFrame:
    """Per class: days-weighted MAE, 90% coverage and CRPS of each forecast, and the model's skill."""
    rows = []
    for cls, group in months.groupby("class", sort=False):
        weights = group["days"].to_numpy(float)
        row = {"class": cls, "months": len(group), "days": int(weights.sum())}
        for name in forecasts:
            if name not in group:
                continue
            row[f"{name}_mae"] = _weighted((group[name] - group["observed"]).abs(), weights)
            row[f"{name}_coverage"] = _weighted(group[f"{name}_covered"], weights)
            row[f"{name}_crps"] = _weighted(group[f"{name}_crps"], weights)
        for score in ("mae", "crps"):
            naive = [row.get(f"{name}_{score}", math.nan) for name in forecasts if name != "model"]
            best = np.nanmin(naive) if not all(math.isnan(v) for v in naive) else math.nan
            row[f"skill_{score}"] = 1.0 - row[f"model_{score}"] / best if best and not math.isnan(best) else math.nan
        rows.append(row)
    return pd.DataFrame(rows)
