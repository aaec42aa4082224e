"""Events of the attacker's industry: production changes and ramps by threat class."""

from datetime import date
from typing import Literal

from pydantic import Field

from agents.params import NonNegativeFloat
from model.timeline.base import Ramp, TimelineEntry


class AttackerRate(TimelineEntry):
    """The attacker's daily production of one threat class changes on `date`."""

    event: Literal["attacker_rate"]
    date: date
    threat: str
    per_day: NonNegativeFloat
    note: str = ""

    def check(self, scenario_check, path: str) -> None:
        """The class (or family) exists."""
        scenario_check.need(self.threat, scenario_check.kinds, f"{path}.threat", "threat class or family")

    def schedule(self, campaign) -> None:
        """The new rate from `date`."""
        campaign.plan(campaign.config.day_of(self.date), f"attacker makes {self.per_day} {self.threat}/day",
                      campaign.attacker.set_production, self.threat, self.per_day)


class AttackerRamp(TimelineEntry, Ramp):
    """The attacker's daily production of one class moves in a straight line from `start` to `end`."""

    event: Literal["attacker_ramp"]
    threat: str
    start: date
    end: date
    from_per_day: NonNegativeFloat
    to_per_day: NonNegativeFloat
    step_days: int = Field(7, ge=1)
    note: str = ""

    def check(self, scenario_check, path: str) -> None:
        """Ends after it starts; the class (or family) exists."""
        self.check_ramp(scenario_check, path)
        scenario_check.need(self.threat, scenario_check.kinds, f"{path}.threat", "threat class or family")

    def schedule(self, campaign) -> None:
        """One production change per step of the ramp."""
        for day, rate in self.steps(campaign, self.from_per_day, self.to_per_day):
            campaign.plan(day, f"attacker ramps to {rate:.2f} {self.threat}/day", campaign.attacker.set_production,
                          self.threat, rate)
