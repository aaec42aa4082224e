"""A surge: batteries sent to reinforce one site for a period, then back to where they were."""

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field

from agents import DefenderBattery
from agents.params import NonNegativeInt, PositiveInt
from model.timeline.base import TimelineEntry, Window, plan_on


class Surge(Window, TimelineEntry):
    """On `start`, the `batteries` nearest batteries of `type` leave for `site`; when it ends they go back.

    (Patriot and NASAMS units were moved to cover Kyiv before expected record
    raids.) Only batteries in the fight and not already at the site go, nearest
    first; each is out of the fight for `move_days` on the way there and on the
    way back. A surge with neither `end` nor `days` is a permanent move; one
    whose battery is destroyed or already on another move when it ends leaves
    that battery where it is.
    """

    event: Literal["surge"]
    references = {"type": "battery_type", "site": "site"}
    type: str
    site: str
    batteries: PositiveInt = Field(1, description="Batteries sent (fewer if fewer of the type are in the fight).")
    start: date
    end: date | None = None
    days: NonNegativeInt | None = None
    move_days: NonNegativeInt = Field(2, description="Days a battery is out of the fight on each leg.")
    note: str = ""
    window_name: ClassVar[str] = "the surge"

    def check(self, scenario_check, path: str) -> None:
        """The battery type and the site exist, the window is sound, and the surge outlasts the journey there."""
        super().check(scenario_check, path)
        length = None if self.resumes is None else (self.resumes - self.start).days
        if length is not None and 0 <= length <= self.move_days:
            scenario_check.problem(f"{path}.days" if self.days is not None else f"{path}.end", self.resumes,
                                   f"the surge ends before its batteries arrive ({self.move_days} move_days)")

    def schedule(self, campaign) -> None:
        """The batteries leave on `start` and start back when the surge ends."""
        order = SurgeOrder(campaign, self)
        plan_on(campaign, self.start, f"{self.batteries} {self.type} surge to {self.site}",
                      order.send)
        if self.resumes is not None:
            plan_on(campaign, self.resumes, f"{self.type} surge to {self.site} ends",
                          order.bring_back)


class SurgeOrder:
    """One run's surge: which batteries went and where each came from (the event itself is shared by runs)."""

    def __init__(self, campaign, surge: Surge) -> None:
        """Nothing moves until `send`."""
        self.campaign, self.surge = campaign, surge
        self.sent: list[tuple[DefenderBattery, object]] = []

    def send(self) -> None:
        """The nearest batteries of the type in the fight, not at the site already, leave for it."""
        campaign, surge = self.campaign, self.surge
        target = next(s for s in campaign.config.sites if s.name == surge.site)
        cell = campaign.grid[tuple(target.cell)]
        ready = [b for b in campaign.agents_by_type.get(DefenderBattery, [])
                 if b.type_name == surge.type and b.in_fight and b.cell is not cell]
        ready.sort(key=lambda b: (b.cell.coordinate[0] - target.cell[0]) ** 2
                   + (b.cell.coordinate[1] - target.cell[1]) ** 2)  # stable: the older battery first on a tie
        for battery in ready[: surge.batteries]:
            self.sent.append((battery, battery.cell))
            battery.start_move(cell, surge.move_days)

    def bring_back(self) -> None:
        """Each battery sent goes back to where it came from, unless destroyed or on another move."""
        for battery, home in self.sent:
            if battery.in_fight:
                battery.start_move(home, self.surge.move_days)
        self.sent = []
