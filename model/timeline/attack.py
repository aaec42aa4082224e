"""Events of the attacker's industry: production changes and ramps by threat class."""

from datetime import date
from typing import Literal

from pydantic import Field

from agents.params import NonNegativeFloat
from model.timeline.base import Ramp, TimelineEntry, plan_on


class AttackerRate(TimelineEntry):
    """The attacker's daily production of one threat class changes on `date`."""

    event: Literal["attacker_rate"]
    references = {"threat": "threat"}
    date: date
    threat: str
    per_day: NonNegativeFloat
    note: str = ""

    def schedule(self, campaign) -> None:
        """The new rate from `date`."""
        plan_on(campaign, self.date, f"attacker makes {self.per_day} {self.threat}/day",
                      campaign.attacker.set_production, self.threat, self.per_day)


class AttackerRamp(Ramp, TimelineEntry):
    """The attacker's daily production of one class moves in a straight line from `start` to `end`."""

    event: Literal["attacker_ramp"]
    references = {"threat": "threat"}
    threat: str
    start: date
    end: date
    from_per_day: NonNegativeFloat
    to_per_day: NonNegativeFloat
    step_days: int = Field(7, ge=1)
    note: str = ""

    def schedule(self, campaign) -> None:
        """One production change per step of the ramp."""
        for day, rate in self.steps(campaign, self.from_per_day, self.to_per_day):
            campaign.plan(day, f"attacker ramps to {rate:.2f} {self.threat}/day", campaign.attacker.set_production,
                          self.threat, rate)
