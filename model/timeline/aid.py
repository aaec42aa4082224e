"""Events of the aid supply line: pauses, production changes and ramps, and procurement."""

from datetime import date, timedelta
from typing import Literal

import numpy as np
from pydantic import Field

from agents.battery import BatteryPlacement
from agents.params import NonNegativeFloat, NonNegativeInt
from model.timeline.base import Ramp, TimelineEntry, Window, plan_on


class Pause(Window, TimelineEntry):
    """A supplier stops delivering on `start` and resumes on `end`, or after `days` (never, if neither).

    `days` is the pause's length, so a sweep can vary it as one number.
    """

    event: Literal["pause"]
    references = {"supplier": "supplier"}
    supplier: str
    start: date
    end: date | None = None
    days: NonNegativeInt | None = None
    note: str = ""

    def schedule(self, campaign) -> None:
        """The supplier pauses on `start` and resumes when the pause ends."""
        supplier = campaign.suppliers[self.supplier]
        plan_on(campaign, self.start, f"pause {self.supplier}", supplier.pause)
        if self.resumes is not None:
            plan_on(campaign, self.resumes, f"resume {self.supplier}", supplier.resume)


class SupplierRate(TimelineEntry):
    """A supplier's daily production of one interceptor type changes on `date`."""

    event: Literal["supplier_rate"]
    references = {"supplier": "supplier", "interceptor": "interceptor"}
    date: date
    supplier: str
    interceptor: str
    per_day: NonNegativeFloat
    note: str = ""

    def schedule(self, campaign) -> None:
        """The new rate from `date`."""
        plan_on(campaign, self.date, f"{self.supplier} makes {self.per_day}/day",
                      campaign.suppliers[self.supplier].set_rate, self.interceptor, self.per_day)


class SupplierRamp(Ramp, TimelineEntry):
    """A supplier's daily production of one type moves in a straight line from `start` to `end` (production race).

    Applied as a rate change every `step_days`; from `end` on the rate is `to_per_day`.
    """

    event: Literal["supplier_ramp"]
    references = {"supplier": "supplier", "interceptor": "interceptor"}
    supplier: str
    interceptor: str
    start: date
    end: date
    from_per_day: NonNegativeFloat
    to_per_day: NonNegativeFloat
    step_days: int = Field(7, ge=1, description="Days between the rate changes that make up the ramp.")
    note: str = ""

    def schedule(self, campaign) -> None:
        """One rate change per step of the ramp."""
        supplier = campaign.suppliers[self.supplier]
        for day, rate in self.steps(campaign, self.from_per_day, self.to_per_day):
            campaign.plan(day, f"{self.supplier} ramps to {rate:.2f} {self.interceptor}/day", supplier.set_rate,
                          self.interceptor, rate)


class Procurement(TimelineEntry):
    """Interceptors or batteries bought on `date` from `supplier`, by the defender or a donor on its behalf.

    (Germany bought Patriots for Ukraine this way in 2025.) Interceptors
    (`interceptors`, and `budget_usd` spent on `budget_interceptor` at its
    catalog cost) leave at once and land `lead_time_days` later like any
    shipment of that supplier (its pauses hold them at its depot); `batteries`
    arrive with their magazines `lead_time_days` later.
    """

    event: Literal["procurement"]
    references = {"supplier": "supplier"}
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

    def check(self, scenario_check, path: str) -> None:
        """The supplier, the interceptor types and the batteries exist, and something is bought."""
        super().check(scenario_check, path)
        scenario_check.keys(self.interceptors, scenario_check.interceptors, f"{path}.interceptors",
                            "interceptor type")
        if self.budget_usd > 0:
            if self.budget_interceptor is None:
                scenario_check.problem(f"{path}.budget_interceptor", None, "a budget needs the interceptor it buys")
            else:
                scenario_check.need(self.budget_interceptor, scenario_check.interceptors,
                                    f"{path}.budget_interceptor", "interceptor type")
        for k, battery in enumerate(self.batteries):
            scenario_check.placement(battery, f"{path}.batteries[{k}]")
        if not (self.interceptors or self.budget_interceptor or self.budget_usd > 0 or self.batteries):
            scenario_check.problem(path, self.note or self.date, "names nothing to buy: give interceptors, a "
                                                                 "budget_interceptor or batteries")

    def arriving(self) -> list[BatteryPlacement]:
        """The batteries bought."""
        return list(self.batteries)

    def rounds(self, interceptor_names: list[str], catalog) -> np.ndarray:
        """Rounds bought by interceptor type: those named, and what the budget buys at catalog cost."""
        rounds = np.array([self.interceptors.get(n, 0) for n in interceptor_names], dtype=np.int64)
        if self.budget_usd > 0:
            cost = catalog.interceptors[self.budget_interceptor].cost_usd
            rounds[interceptor_names.index(self.budget_interceptor)] += int(self.budget_usd // cost) if cost else 0
        return rounds

    def schedule(self, campaign) -> None:
        """The rounds leave the supplier on `date`; the batteries arrive after the lead time."""
        rounds = self.rounds(campaign.air_defence.interceptor_names, campaign.config.catalog)
        buyer = self.payer or "the defender"
        plan_on(campaign, self.date, f"{buyer} buys from {self.supplier}",
                      campaign.suppliers[self.supplier].ship, rounds, self.lead_time_days)
        for battery in self.batteries:
            row = campaign.air_defence.add(battery.type, battery.doctrine, battery.cell)
            plan_on(campaign, self.date + timedelta(days=self.lead_time_days), f"{battery.type} bought by {buyer}",
                          campaign.deploy_battery, row, battery)
