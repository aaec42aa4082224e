"""Relocation: batteries move toward the site that recent raids damaged most (the scenario's `relocation`).

The decision is here; the move itself is the battery's (`DefenderBattery.start_move`, then `arrive`).
"""

import numpy as np
from mesa.time import Schedule

from agents import DefenderBattery
from model.scenario import Relocation as RelocationRule


class Relocation:
    """Every `every_days`, up to `moves` batteries of the rule's types leave the least damaged sites for the most."""

    def __init__(self, campaign, rule: RelocationRule) -> None:
        """Put the decisions on `campaign`'s calendar (kept alive here: Mesa holds callbacks weakly)."""
        self.campaign = campaign
        self.rule = rule
        every = rule.every_days
        self._deciding = campaign.schedule_recurring(self.decide, Schedule(interval=every, start=every + 0.5))

    def decide(self) -> None:
        """Move batteries of the relocation types toward the site that recent raids damaged most."""
        campaign, rule = self.campaign, self.rule
        d = campaign.days_done
        if d == 0:
            return
        recent = campaign.books.damage_at[max(d - rule.window_days, 0):d].sum(axis=0)
        if recent.max() <= 0:
            return
        sites = campaign.config.sites
        target = int(np.argmax(recent))
        cell = campaign.grid[tuple(sites[target].cell)]
        movable = [b for b in campaign.agents_by_type.get(DefenderBattery, [])
                   if b.type_name in rule.types and b.in_fight and b.cell is not cell]
        nearest = [int(np.argmin([abs(b.cell.coordinate[0] - s.cell[0]) + abs(b.cell.coordinate[1] - s.cell[1])
                                  for s in sites])) for b in movable]
        ranked = sorted(zip(movable, nearest, strict=True), key=lambda pair: recent[pair[1]])
        for battery, home in ranked[: rule.moves]:
            if recent[home] < recent[target]:
                battery.start_move(cell, rule.move_days)
