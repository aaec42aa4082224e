"""The model's skill: its monthly errors beside naive guesses scored on the same months.

The guesses: the constant pooled share of a reference period, last month's
share (the whole previous calendar month's), and the binomial floor a model
knowing each month's share exactly would still miss. Months are weighted by
their days in the period.
"""

import math

import numpy as np
import pandas as pd

from experiments.calibration.shares import weighted_mean
from experiments.calibration.spec import FITTED
from model.observed import ObservedAttacks

FLOOR = math.sqrt(2 / math.pi)
"""E|X/n - p| ~ sqrt(2/pi) sqrt(p(1-p)/n): what a model knowing each month's p exactly still misses."""


def _previous_month(month: str) -> str:
    return str(pd.Period(month, freq="M") - 1)


def previous_shares(observed: ObservedAttacks, months: list[str]) -> dict[tuple[str, str], float]:
    """(month, class) -> the observed share of the whole calendar month before it, where the data has one."""
    first, last = (pd.Period(m, freq="M") - 1 for m in (min(months), max(months)))
    table = observed.monthly_shares(first.start_time.date(), last.end_time.date())
    table = table[table["class"].isin(FITTED) & (table["with_outcome"] > 0)]
    return {(str(pd.Period(m, freq="M") + 1), c): float(v)
            for m, c, v in zip(table["month"], table["class"], table["share"], strict=True)}


def skill_against_guesses(table: pd.DataFrame, reference: pd.DataFrame,
                          previous: dict[tuple[str, str], float]) -> tuple[pd.DataFrame, list[str]]:
    """Per class, over the months the model is scored on, days-weighted: the model's MAE and the guesses'."""
    rows, notes = [], {}
    for cls in FITTED:
        scored = table[(table["class"] == cls) & table["simulated"].notna()]
        if scored.empty:
            continue
        known = reference[reference["class"] == cls]
        constant = (float(known["neutralised"].sum() / known["with_outcome"].sum())
                    if known["with_outcome"].sum() > 0 else math.nan)
        share, weights = scored["observed"].to_numpy(float), scored["days"].to_numpy(float)
        last = np.array([previous.get((m, cls), math.nan) for m in scored["month"]])
        floor = FLOOR * np.sqrt(share * (1 - share) / scored["with_outcome"].to_numpy(float))
        first, before = scored["month"].iloc[0], _previous_month(scored["month"].iloc[0])
        guessed = not math.isnan(last[0])
        notes.setdefault(f"first scored month {first} guessed from {before}'s share" if guessed else
                         f"first scored month {first} left out (no {before} outcomes in the data)", []).append(cls)
        rows.append({"class": cls, "model_mae": weighted_mean(np.abs(scored["error"].to_numpy(float)), weights),
                     "constant_mae": weighted_mean(np.abs(share - constant), weights),
                     "last_month_mae": weighted_mean(np.abs(share - last), weights),
                     "floor": weighted_mean(floor, weights), "months": len(scored), "days": int(weights.sum()),
                     "constant_share": constant, "last_month_months": int((~np.isnan(last)).sum()),
                     "first_month_guess": before if guessed else "left out"})
    return pd.DataFrame(rows), [f"{text} ({', '.join(classes)})" for text, classes in notes.items()]


def skill_table(skill: pd.DataFrame) -> pd.DataFrame:
    """`Validation.skill` for reading: errors in percentage points (1 decimal), what each guess scored on."""
    return pd.DataFrame({
        "class": skill["class"], "model": (100 * skill["model_mae"]).round(1),
        "constant share": (100 * skill["constant_mae"]).round(1),
        "last month's share": (100 * skill["last_month_mae"]).round(1),
        "binomial floor": (100 * skill["floor"]).round(1),
        "in 90% band": (100 * skill["coverage"]).round(0) if "coverage" in skill else math.nan,
        "months": skill["months"], "days": skill["days"],
        "last-month months": skill["last_month_months"], "first month from": skill["first_month_guess"]})
