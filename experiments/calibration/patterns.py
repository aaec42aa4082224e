"""Two patterns a monthly share hides: the drone share by night size, and ballistic kills month by month.

Both compare the replications of a validation with the reports: big nights
saturate the defence (does the model's share fall with night size as the
reports' does?), and ballistic kills follow the interceptor stocks.
"""

import math

import numpy as np
import pandas as pd

from experiments.calibration.shares import daily_counts

NIGHT_BINS = (0, 100, 200, 400, 600, math.inf)
"""Edges of the night sizes (observed Shahed-type launches a night): up to 100, 100-200, ..., over 600."""
NIGHT_LABELS = ("up to 100", "100-200", "200-400", "400-600", "over 600")


def drone_nights(daily: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """A run's drones and decoys launched and neutralised per day."""
    launched, neutralised = daily_counts(daily, members)
    return pd.DataFrame({"date": pd.to_datetime(daily["date"]).astype("datetime64[ns]"),
                         "launched": launched, "neutralised": neutralised})


def night_size_bins(observed: pd.DataFrame, simulated: pd.DataFrame) -> pd.DataFrame:
    """Drone neutralised share by night size, observed and simulated, both pooled over the nights of a bin.

    `observed`: a daily table indexed by date (`ObservedAttacks.period`); `simulated`: per replication and
    date, drones with decoys `launched` and `neutralised`. Nights are binned by their observed drone launches
    (replay flies those); only nights with a known drone outcome count, on both sides.
    """
    nights = observed[(observed["launched_drone"] > 0) & (observed["with_outcome_drone"] > 0)]
    nights = nights[["launched_drone", "neutralised_drone", "with_outcome_drone"]].copy()
    nights.index = pd.DatetimeIndex(nights.index).astype("datetime64[ns]")
    pooled = simulated.groupby("date")[["launched", "neutralised"]].sum()
    pooled.index = pd.DatetimeIndex(pooled.index).astype("datetime64[ns]")
    nights = nights.join(pooled, how="left")
    nights["bin"] = pd.cut(nights["launched_drone"], list(NIGHT_BINS), labels=list(NIGHT_LABELS))
    grouped = nights.groupby("bin", observed=False)
    sums = grouped[["launched_drone", "neutralised_drone", "with_outcome_drone", "launched", "neutralised"]].sum()
    out = pd.DataFrame({"bin": list(NIGHT_LABELS), "nights": grouped.size().reindex(NIGHT_LABELS).to_numpy(),
                        "observed_launched": sums["launched_drone"].to_numpy()})
    known = sums["with_outcome_drone"].to_numpy(float)
    launched = sums["launched"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["observed_share"] = np.where(known > 0, sums["neutralised_drone"].to_numpy(float) / known, np.nan)
        out["simulated_share"] = np.where(launched > 0, sums["neutralised"].to_numpy(float) / launched, np.nan)
    out["difference"] = out["simulated_share"] - out["observed_share"]
    return out


def correlation(x, y) -> float:
    """Pearson's correlation of two series; NaN for fewer than two points or a constant series."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return math.nan
    return float(np.corrcoef(x, y)[0, 1])


def ballistic_kills(table: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """Ballistic missiles neutralised per month: observed, and the mean over the replications."""
    ballistic = table[table["class"] == "ballistic"][["month", "observed_neutralised"]]
    simulated_kills = runs[runs["class"] == "ballistic"].groupby("month")["neutralised"].mean()
    return pd.DataFrame({"month": ballistic["month"].to_numpy(),
                         "observed": ballistic["observed_neutralised"].to_numpy(float),
                         "simulated": simulated_kills.reindex(ballistic["month"]).to_numpy(float)})
