"""Events of the defending force: new batteries, capacity and EW changes, kill probabilities, lost warning."""

from datetime import date
from typing import Literal

from pydantic import Field

from agents.battery import BatteryPlacement
from agents.params import NonNegativeFloat, NonNegativeInt, Probability
from model.families import classes_of
from model.timeline.base import Ramp, TimelineEntry, Window, plan_on


class NewBattery(BatteryPlacement, TimelineEntry):
    """A battery arrives on `date` at `cell`, with its type's magazine unless one is given."""

    event: Literal["battery"]
    date: date
    note: str = ""

    def check(self, scenario_check, path: str) -> None:
        """Its type, cell, doctrine and magazine, as for any battery."""
        scenario_check.placement(self, path)

    def arriving(self) -> list[BatteryPlacement]:
        """This battery."""
        return [self]

    def schedule(self, campaign) -> None:
        """A row is kept for it now; it joins the fight on `date`."""
        row = campaign.air_defence.add(self.type, self.doctrine, self.cell)
        plan_on(campaign, self.date, f"new {self.type} battery", campaign.deploy_battery, row,
                      self)


class IntelPause(Window, TimelineEntry):
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

    def schedule(self, campaign) -> None:
        """The campaign loses warning on `start` and regains it when the pause ends."""
        plan_on(campaign, self.start, "intelligence sharing stops", campaign.lose_warning, self)
        if self.resumes is not None:
            plan_on(campaign, self.resumes, "intelligence sharing resumes",
                          campaign.regain_warning, self)


class ForceChange(TimelineEntry):
    """From `date`, the batteries of one type fight with a changed capacity or EW effect.

    `capacity_factor` multiplies the type's catalog fire channels (more crews
    and groups per sector: the drone defence grew through 2025); `ew_factor`
    multiplies its catalog `ew_share` (EW lost effect as Shaheds got
    jam-resistant antennas). Each factor is against the catalog, not the last
    change, so the latest entry says where the force stands.
    """

    event: Literal["force"]
    references = {"type": "battery_type"}
    date: date
    type: str
    capacity_factor: NonNegativeFloat | None = None
    ew_factor: NonNegativeFloat | None = None
    note: str = ""

    def check(self, scenario_check, path: str) -> None:
        """The battery type exists, and the entry changes something."""
        super().check(scenario_check, path)
        if self.capacity_factor is None and self.ew_factor is None:
            scenario_check.problem(path, self.note or self.date, "changes nothing: give capacity_factor or ew_factor")

    def schedule(self, campaign) -> None:
        """The type's factors change on `date`."""
        plan_on(campaign, self.date, f"{self.type} force changes", campaign.air_defence.set_force,
                      self.type, self.capacity_factor, self.ew_factor)


class ForceRamp(Ramp, TimelineEntry):
    """A battery type's capacity or EW factor moves in a straight line from `start` to `end` (a trend)."""

    event: Literal["force_ramp"]
    references = {"type": "battery_type"}
    type: str
    quantity: Literal["capacity", "ew"]
    start: date
    end: date
    from_factor: NonNegativeFloat
    to_factor: NonNegativeFloat
    step_days: int = Field(30, ge=1, description="Days between the changes that make up the ramp.")
    note: str = ""

    def schedule(self, campaign) -> None:
        """One force change per step of the ramp."""
        for day, factor in self.steps(campaign, self.from_factor, self.to_factor):
            change = {"capacity": (factor, None), "ew": (None, factor)}[self.quantity]
            campaign.plan(day, f"{self.type} {self.quantity} at {factor:.2f}", campaign.air_defence.set_force,
                          self.type, *change)


class KillProbabilityChange(TimelineEntry):
    """From `date`, one interceptor type kills a class (or every class of a family) with a new probability.

    (Iskander-M/KN-23 was reported to manoeuvre better from September 2025.)
    """

    event: Literal["kill_probability"]
    references = {"interceptor": "interceptor", "threat": "threat"}
    date: date
    interceptor: str
    threat: str
    value: Probability
    note: str = ""

    def schedule(self, campaign) -> None:
        """The new probability from `date`, for every class the name stands for."""
        threats = campaign.config.catalog.threats
        plan_on(campaign, self.date, f"{self.interceptor} against {self.threat}: {self.value}",
                      campaign.air_defence.set_kill_probability, self.interceptor,
                      classes_of(self.threat, threats), self.value)
