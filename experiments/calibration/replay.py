"""The period a fit or a check replays: the scenario set to fly the observed nights, and the days scored.

A run always starts at the scenario's start and carries its stocks, force and
pauses to the period; only the period's days are scored (`in_period`).
"""

from datetime import date
from pathlib import Path

import pandas as pd

from model.errors import InputError
from model.limits import MAX_DAYS


class PeriodError(InputError):
    """A period a scenario cannot serve: it starts before the scenario does, or runs beyond `MAX_DAYS`."""


def replay_data(raw: dict, data: str | Path, start: date, end: date, mapping: str | None = None) -> dict:
    """Scenario data set to replay `data` up to `end`, from the scenario's own start: the state is carried.

    A period that starts after the scenario's start still runs from the
    scenario's start (stocks, force and pauses carried to the period; only the
    period is scored: see `in_period`). One that ends after the scenario's end
    extends it: nothing more happens on its timeline, so supply rates and the
    force stay as they stood on its last day (`extension_note` says so). One
    that starts before the scenario is refused, and so is a run longer than `MAX_DAYS` (checked before any
    memory is taken).
    """
    if start < raw["start"]:
        raise PeriodError(f"--period starts on {start}, before the scenario's start ({raw['start']}): a run "
                          f"carries its state from the scenario's start, so pick a scenario that starts by then")
    days = (end - raw["start"]).days + 1
    if days > MAX_DAYS:
        raise PeriodError(f"the run would go from the scenario's start, {raw['start']}, to {end}: {days:,} days, "
                          f"above the limit of {MAX_DAYS:,} days (100 years) a run may take")
    replay = {"file": str(Path(data).resolve())}
    if mapping:
        replay["mapping"] = str(Path(mapping).resolve())
    attacker = {**raw["attacker"], "mode": "replay", "replay": {**raw["attacker"].get("replay", {}), **replay}}
    return {**raw, "end": end, "attacker": attacker}


def extension_note(raw: dict, start: date, end: date) -> str | None:
    """How a run is carried to `start`, or extended past the scenario's end to `end`, in one sentence (or None)."""
    notes = []
    if start > raw["start"]:
        notes.append(f"the run starts on the scenario's start, {raw['start']}, and carries its stocks, force and "
                     f"pauses to {start}; only {start} to {end} is scored")
    if end > raw["end"]:
        notes.append(f"the scenario ends on {raw['end']}; the run goes on to {end} with the supply rates, force and "
                     f"kill probabilities of that day (its timeline has nothing later)")
    return "; ".join(notes) or None


def in_period(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The rows of a daily table from `start` to `end` (both included): what is scored."""
    dates = pd.to_datetime(daily["date"])
    return daily[(dates >= pd.Timestamp(start)) & (dates <= pd.Timestamp(end))]
