"""Monthly neutralised shares of the fitted families: counted in a run, pooled over runs, read from the reports.

A family counts the catalog classes of its name, its subtypes and, for `drone`,
the decoys (the reports count Shahed-type drones with decoys). The error of a
simulated share is the day-weighted mean absolute error over the months both have.
"""

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.replay import in_period
from experiments.calibration.spec import FITTED
from model import AirCampaign
from model.families import members as family_members
from model.observed import load_observed


def fitted_families(campaign: AirCampaign) -> dict[str, list[str]]:
    """The catalog classes counted in each fitted family, in catalog order.

    A family counts the class named like it, the classes whose `family` it is (subtypes such as Kh-101 in
    `cruise`, where the catalog has them), and, for `drone`, every class that mimics a drone (decoys).
    """
    threats = campaign.config.catalog.threats
    groups = family_members(threats)
    decoys = [n for n, t in threats.items() if t.mimics == "drone"]
    return {cls: [*groups.get(cls, []), *(decoys if cls == "drone" else [])] for cls in FITTED}


def daily_counts(daily: pd.DataFrame, members: list[str]) -> tuple[pd.Series, pd.Series]:
    """Launched and neutralised per day, summed over a family's catalog classes."""
    return (daily[[f"launched_{m}" for m in members]].sum(axis=1),
            daily[[f"neutralised_{m}" for m in members]].sum(axis=1))


def monthly_from_daily(daily: pd.DataFrame, families: dict[str, list[str]]) -> pd.DataFrame:
    """Launched and neutralised per month and family, from a run's daily table."""
    month = daily["date"].dt.to_period("M").astype(str)
    rows = []
    for cls, classes in families.items():
        launched, neutralised = daily_counts(daily, classes)
        table = pd.DataFrame({"month": month, "launched": launched, "neutralised": neutralised})
        rows.append(table.groupby("month", sort=True).sum().reset_index().assign(**{"class": cls}))
    return pd.concat(rows, ignore_index=True)[["month", "class", "launched", "neutralised"]]


def monthly_counts(campaign: AirCampaign, period: tuple[date, date] | None = None) -> pd.DataFrame:
    """A finished run's launched and neutralised counts per month and fitted class (drones with decoys).

    With `period`, only its days count (a run carried from an earlier start).
    """
    daily = campaign.daily()
    if period is not None:
        daily = in_period(daily, *period)
    return monthly_from_daily(daily, fitted_families(campaign))


def pooled_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Per (month, class): launched and neutralised summed over runs, and their share (NaN if none launched)."""
    pooled = counts.groupby(["month", "class"], sort=True)[["launched", "neutralised"]].sum()
    pooled["share"] = pooled["neutralised"] / pooled["launched"].where(pooled["launched"] > 0)
    return pooled


def month_days(start: date, end: date) -> pd.DataFrame:
    """Each month touching `start`..`end` (both included) and how many of its days are inside."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    counts = pd.Series(1, index=days).groupby(days.to_period("M")).sum()
    return pd.DataFrame({"month": counts.index.astype(str), "days": counts.to_numpy().astype(int)})


def observed_shares(data: str | Path, start: date, end: date, mapping: str | None = None) -> pd.DataFrame:
    """Observed monthly shares of the fitted classes, months without a known outcome left out.

    `days` is each month's number of days inside the period (the loader's, or counted here).
    """
    table = load_observed(data, mapping).monthly_shares(start, end)
    if "days" not in table.columns:
        table = table.merge(month_days(start, end), on="month", how="left")
    table = table[table["class"].isin(FITTED) & (table["with_outcome"] > 0)]
    return table.reset_index(drop=True)


def weighted_mean(values, weights) -> float:
    """sum(w * v) / sum(w) over the entries whose value is known; NaN if none is."""
    values = np.asarray(values, dtype=float)
    weights = np.broadcast_to(np.asarray(weights, dtype=float), values.shape)
    known = ~np.isnan(values)
    if not known.any() or weights[known].sum() <= 0:
        return math.nan
    return float((weights[known] * values[known]).sum() / weights[known].sum())


def mean_absolute_errors(simulated: pd.DataFrame, observed: pd.DataFrame) -> dict[str, float]:
    """Per class: mean over months of |simulated share - observed share| (months both have).

    Months are weighted by their days in the period when `observed` has a `days` column.
    """
    merged = observed.merge(simulated, on=["month", "class"], suffixes=("", "_sim"))
    out = {}
    for c in FITTED:
        rows = merged[merged["class"] == c]
        if len(rows):
            weights = rows["days"] if "days" in rows.columns else 1.0
            out[c] = weighted_mean((rows["share_sim"] - rows["share"]).abs(), weights)
    return out
