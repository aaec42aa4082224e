"""Numbers into words and tables: factor levels, estimates side by side, paired comparisons and what they move."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from experiments import analysis
from experiments.reporting.document import estimate


def label(value, layout=None) -> str:
    """A factor level in words: a list as `a+b`, a table as `k v, ...`, a date as ISO, anything else as text.

    A runs-table cell is first read back into the value it stands for through the sweep's `layout`.
    """
    value = layout.decode(value) if layout is not None else value
    if isinstance(value, list):
        return "+".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def join(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def wide_table(runs: pd.DataFrame, keys: list[str], outcomes: list[str]) -> pd.DataFrame:
    """`outcome_table` of several outcomes side by side: columns `<outcome>_<statistic>`."""
    merged = None
    for outcome in outcomes:
        table = analysis.outcome_table(runs, outcome, keys)
        table = table.rename(columns={c: f"{outcome}_{c}" for c in table.columns if c not in keys})
        merged = table if merged is None else merged.merge(table, on=keys) if keys else pd.concat(
            [merged, table], axis=1)
    return merged


def row_estimate(row: pd.Series, prefix: str) -> str:
    """`estimate` of the `<prefix>_mean`, `_ci_low`... columns of a wide table's row."""
    return estimate({k: row[f"{prefix}_{k}"] for k in ("n", "mean", "ci_low", "ci_high")})


def estimates(table: pd.DataFrame, keys: list[str], outcomes: dict[str, str], layout=None) -> pd.DataFrame:
    """One column per outcome, `mean (95% CI ...)`, beside the key columns (their levels in words)."""
    out = table[keys].copy() if keys else pd.DataFrame(index=table.index)
    for column, title in outcomes.items():
        out[title] = [row_estimate(row, column) for _, row in table.iterrows()]
    for key in keys:
        out[key] = out[key].map(lambda v: label(v, layout))
    return out


@dataclass
class Comparison:
    """One level of a factor against its baseline, paired run by run, for every outcome."""

    factor: str
    level: object
    baseline: object
    subject: str
    """The change in words, to begin a sentence: "Firing 2 rounds per ballistic target instead of 1"."""
    diffs: dict[str, pd.Series]
    """Outcome column -> `describe` of the paired differences."""
    change: str
    """The change as a table row names it: `factor: level instead of baseline`."""


def compare(runs: pd.DataFrame, factor: str, baseline, outcomes: dict[str, str], factors,
            subject: Callable | None = None, levels: list | None = None, layout=None) -> list[Comparison]:
    """Every level of `factor` (or those in `levels`) against `baseline`, for every outcome."""
    tables = {name: analysis.paired_differences(runs, name, factor, baseline, factors) for name in outcomes}
    first = next(iter(tables.values()))
    found = []
    for level in first["level"]:
        if levels is not None and level not in levels:
            continue
        instead = f"{label(level, layout)} instead of {label(baseline, layout)}"
        words = subject(level) if subject else f"Setting {factor} to {instead}"
        found.append(Comparison(factor, level, baseline, words,
                                {name: table[table["level"] == level].iloc[0] for name, table in tables.items()},
                                f"{factor}: {instead}"))
    return found


def comparison_table(comparisons: list[Comparison], outcomes: dict[str, str]) -> pd.DataFrame:
    """One row per comparison and outcome: the mean paired difference with its 95% CI, and the pairs."""
    return pd.DataFrame([{"change": c.change, "outcome": outcomes[name], "paired difference": estimate(row),
                          "pairs": int(row["n"])} for c in comparisons for name, row in c.diffs.items()])


def _negated(row) -> dict:
    return {"n": row["n"], "mean": -row["mean"], "ci_low": -row["ci_high"], "ci_high": -row["ci_low"]}


def moves(subject: str, diffs: dict[str, pd.Series], outcomes: dict[str, str]) -> str:
    """A sentence naming what a change raises, what it lowers (95% CIs clear of zero) and what it leaves unclear."""
    up, down, unclear = [], [], []
    for name, row in diffs.items():
        title = outcomes[name]
        if row["ci_low"] > 0:
            up.append(f"{title} by {estimate(row)}")
        elif row["ci_high"] < 0:
            down.append(f"{title} by {estimate(_negated(row))}")
        else:
            unclear.append(f"{title} ({estimate(row)})")
    parts = ([f"raises {join(up)}"] if up else []) + ([f"lowers {join(down)}"] if down else [])
    if unclear:
        parts.append(f"{'and ' if parts else ''}shows no clear change in {join(unclear)}")
    return f"{subject} {'; '.join(parts)}."
