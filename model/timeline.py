"""The aid timeline: dated events and drawn pauses, placed on Mesa's event list.

Every event acts before that day's raid. Fixed events come from the scenario's
`[[timeline]]` tables; `[[pause_processes]]` draw further pauses of a supplier
(exponential gaps, geometric lengths) from the run's own generator, so a seed
fixes them too.
"""

from datetime import date, timedelta
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from agents.battery import BatteryPlacement
from agents.params import NonNegativeFloat, NonNegativeInt, Params, Probability


class Pause(Params):
    """A supplier stops delivering on `start` and resumes on `end`, or after `days` (never, if neither).

    `days` is the pause's length, so a sweep can vary it as one number.
    """

    event: Literal["pause"]
    supplier: str
    start: date
    end: date | None = None
    days: NonNegativeInt | None = None
    note: str = ""

    @property
    def resumes(self) -> date | None:
        """The day deliveries resume."""
        return self.start + timedelta(days=self.days) if self.days is not None else self.end


class NewBattery(BatteryPlacement):
    """A battery arrives on `date` at `cell`, with its type's magazine unless one is given."""

    event: Literal["battery"]
    date: date
    note: str = ""


class SupplierRate(Params):
    """A supplier's daily production of one interceptor type changes on `date`."""

    event: Literal["supplier_rate"]
    date: date
    supplier: str
    interceptor: str
    per_day: NonNegativeFloat
    note: str = ""


class AttackerRate(Params):
    """The attacker's daily production of one threat class changes on `date`."""

    event: Literal["attacker_rate"]
    date: date
    threat: str
    per_day: NonNegativeFloat
    note: str = ""


class IntelPause(Params):
    """Intelligence sharing stops on `start` and resumes on `end`, or after `days`: less warning before raids.

    While it lasts, every battery's kill probability is multiplied by
    `kill_factor` and its fire channels per wave by `channel_factor` (rounded).
    Overlapping pauses multiply. (In March 2025 the US stopped sharing
    intelligence with Kyiv for about a week.)
    """

    event: Literal["intel_pause"]
    start: date
    end: date | None = None
    days: NonNegativeInt | None = None
    kill_factor: Probability = Field(0.8, description="Kill probabilities are multiplied by this while it lasts.")
    channel_factor: Probability = Field(1.0, description="Fire channels per wave are multiplied by this.")
    note: str = ""

    @property
    def resumes(self) -> date | None:
        """The day sharing resumes."""
        return self.start + timedelta(days=self.days) if self.days is not None else self.end


class SupplierRamp(Params):
    """A supplier's daily production of one type moves in a straight line from `start` to `end` (production race).

    Applied as a rate change every `step_days`; from `end` on the rate is `to_per_day`.
    """

    event: Literal["supplier_ramp"]
    supplier: str
    interceptor: str
    start: date
    end: date
    from_per_day: NonNegativeFloat
    to_per_day: NonNegativeFloat
    step_days: int = Field(7, ge=1, description="Days between the rate changes that make up the ramp.")
    note: str = ""


class AttackerRamp(Params):
    """The attacker's daily production of one class moves in a straight line from `start` to `end`."""

    event: Literal["attacker_ramp"]
    threat: str
    start: date
    end: date
    from_per_day: NonNegativeFloat
    to_per_day: NonNegativeFloat
    step_days: int = Field(7, ge=1)
    note: str = ""


class Procurement(Params):
    """Interceptors or batteries bought on `date` from `supplier`, by the defender or a donor on its behalf.

    (Germany bought Patriots for Ukraine this way in 2025.) Interceptors
    (`interceptors`, and `budget_usd` spent on `budget_interceptor` at its
    catalog cost) leave at once and land `lead_time_days` later like any
    shipment of that supplier (its pauses hold them at its depot); `batteries`
    arrive with their magazines `lead_time_days` later.
    """

    event: Literal["procurement"]
    date: date
    supplier: str
    interceptors: dict[str, NonNegativeInt] = Field(default_factory=dict)
    budget_usd: NonNegativeFloat = Field(0.0, description="Spent on `budget_interceptor` at its catalog cost.")
    budget_interceptor: str | None = None
    batteries: list[BatteryPlacement] = Field(default_factory=list, description="Fire units bought, arriving "
                                                                                 "after the lead time.")
    lead_time_days: NonNegativeInt = 0
    payer: str = ""
    note: str = ""


class ForceChange(Params):
    """From `date`, the batteries of one type fight with a changed capacity or EW effect.

    `capacity_factor` multiplies the type's catalog fire channels (more crews
    and groups per sector: the drone defence grew through 2025); `ew_factor`
    multiplies its catalog `ew_share` (EW lost effect as Shaheds got
    jam-resistant antennas). Each factor is against the catalog, not the last
    change, so the latest entry says where the force stands.
    """

    event: Literal["force"]
    date: date
    type: str
    capacity_factor: NonNegativeFloat | None = None
    ew_factor: NonNegativeFloat | None = None
    note: str = ""


class ForceRamp(Params):
    """A battery type's capacity or EW factor moves in a straight line from `start` to `end` (a trend)."""

    event: Literal["force_ramp"]
    type: str
    quantity: Literal["capacity", "ew"]
    start: date
    end: date
    from_factor: NonNegativeFloat
    to_factor: NonNegativeFloat
    step_days: int = Field(30, ge=1, description="Days between the changes that make up the ramp.")
    note: str = ""


class KillProbabilityChange(Params):
    """From `date`, one interceptor type kills a class (or every class of a family) with a new probability.

    (Iskander-M/KN-23 was reported to manoeuvre better from September 2025.)
    """

    event: Literal["kill_probability"]
    date: date
    interceptor: str
    threat: str
    value: Probability
    note: str = ""


def ramp_steps(start: int, end: int, low: float, high: float, step: int) -> list[tuple[int, float]]:
    """(day, rate) pairs of a straight-line ramp from day `start` (rate `low`) to day `end` (rate `high`)."""
    if end <= start:
        return [(start, high)]
    days = [*range(start, end, step), end]
    return [(d, low + (high - low) * (d - start) / (end - start)) for d in days]


TimelineEvent = Annotated[Pause | NewBattery | SupplierRate | AttackerRate | IntelPause | SupplierRamp | AttackerRamp
                          | Procurement | ForceChange | ForceRamp | KillProbabilityChange, Field(discriminator="event")]


class PauseProcess(Params):
    """Pauses of one supplier drawn at random: mean days between pauses and mean pause length."""

    supplier: str
    mean_interval_days: float = Field(gt=0)
    mean_duration_days: float = Field(ge=1)


class ScheduledAction:
    """One timeline entry bound to its target, so Mesa's event list can hold it by a bound method.

    Mesa keeps event callbacks by weak reference: the campaign keeps these
    objects alive in its `timeline` list.
    """

    def __init__(self, day: int, description: str, action, *args) -> None:
        """Remember what to call on `day`; `action` is a bound method of the model or an agent."""
        self.day = day
        self.description = description
        self._action = action
        self._args = args

    def fire(self) -> None:
        """Carry out the event."""
        self._action(*self._args)

    def __repr__(self) -> str:
        """Read as the day and what happens."""
        return f"ScheduledAction(day={self.day}, {self.description!r})"


def draw_pauses(process: PauseProcess, horizon: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Draw (start day, end day) pauses over the horizon; gaps exponential, lengths geometric."""
    pauses = []
    day = 0.0
    while True:
        day += rng.exponential(process.mean_interval_days)
        if day >= horizon:
            return pauses
        length = int(rng.geometric(1.0 / process.mean_duration_days))
        start = int(day)
        pauses.append((start, start + length))
        day = start + length
