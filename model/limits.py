"""How large a run or a sweep may be before the user must say it is meant: the limits and the flag that lifts them.

A scenario ending in 9999 or a design of ten million points is almost always a typing slip, and it would take
gigabytes before anything failed. Both are counted arithmetically, before any memory is taken, and refused
above these limits unless the command is given `--allow-large` (in code: `allow_large=True`).
"""

from model.errors import InputError, ScenarioError

MAX_DAYS = 36_525
"""Days one campaign may run without `--allow-large`: 100 years (a year's ledger takes about 1 MB)."""
MAX_RUNS = 100_000
"""Runs (design points x replications) one sweep may hold without `--allow-large`."""
ALLOW_LARGE = "--allow-large"
"""The command-line flag that lifts both limits."""


def check_days(scenario, source: str, days: int | None = None, allow_large: bool = False) -> None:
    """Refuse running more than `MAX_DAYS` days of `scenario` (read from `source`) unless allowed.

    `days`: the days to run (`--days`), None for the whole scenario.
    """
    if allow_large:
        return
    if days is not None and days <= MAX_DAYS:
        return
    if days is not None:
        raise InputError(f"--days {days}: above the limit of {MAX_DAYS:,} days (100 years) a run may take; "
                         f"pass {ALLOW_LARGE} to run them anyway")
    if scenario.horizon > MAX_DAYS:
        raise ScenarioError(source, [("end", scenario.end, f"{scenario.horizon:,} days from the start "
                                      f"{scenario.start}, above the limit of {MAX_DAYS:,} days (100 years) a run "
                                      f"may take; pass {ALLOW_LARGE} to run them anyway, or fewer with --days")])


def check_runs(points: int, replications: int, source: str, error: type = ScenarioError,
               allow_large: bool = False) -> None:
    """Refuse a sweep of more than `MAX_RUNS` runs (counted, not built) unless allowed."""
    runs = points * replications
    if runs > MAX_RUNS and not allow_large:
        raise error(source, [("design points x replications", runs,
                              f"{points:,} design points x {replications:,} replications, above the limit of "
                              f"{MAX_RUNS:,} runs a sweep may hold; pass {ALLOW_LARGE} to run them anyway")])
