"""Suppliers: interceptor production, the delivery pipeline, and aid pauses.

One supplier per source (US PAC-3 MSE, European GEM-T, other donors, domestic
cheap layers). Each day a supplier sends its theatre share of production into a
pipeline that takes `lead_time_days` to arrive. While it is paused nothing of it
reaches the batteries: arrivals wait at the depot and go out on resumption
(calibration.md: the March and July 2025 US pauses).
"""

from typing import Literal

import numpy as np
from mesa import Agent
from pydantic import Field

from agents.allocation import ALLOCATION_RULES
from agents.battery import DefenderBattery
from agents.params import NonNegativeFloat, NonNegativeInt, Params, Probability


class SupplierParams(Params):
    """A source of interceptors: what it makes, how much of it comes here, and how fast."""

    name: str
    products: dict[str, NonNegativeFloat] = Field(
        min_length=1, description="Rounds produced per day, by interceptor type."
    )
    theatre_share: Probability = 1.0
    lead_time_days: NonNegativeInt = 0
    allocation: Literal["proportional", "lowest_stock_first"] = "proportional"


class Supplier(Agent):
    """Produces interceptors and ships them through a pipeline to the batteries.

    Conservation: everything dispatched is, at any moment, in the pipeline,
    held at the depot, or delivered.
    """

    def __init__(self, model, params: SupplierParams, interceptor_names: list[str]) -> None:
        """Open the supplier's books; production is indexed like `interceptor_names`."""
        super().__init__(model)
        self.name = params.name
        self.params = params
        self.interceptor_names = interceptor_names
        n = len(interceptor_names)
        self.rate = np.array([params.products.get(name, 0.0) for name in interceptor_names])
        self._allocate = ALLOCATION_RULES[params.allocation]
        self._accrued = np.zeros(n)
        self._pipeline = np.zeros((max(params.lead_time_days, 1), n), dtype=np.int64)
        self._head = 0
        self.held = np.zeros(n, dtype=np.int64)
        self.dispatched = np.zeros(n, dtype=np.int64)
        self.delivered = np.zeros(n, dtype=np.int64)
        self._pauses = 0

    @property
    def flowing(self) -> bool:
        """True unless at least one pause is in force (pauses may overlap)."""
        return self._pauses == 0

    @property
    def in_pipeline(self) -> np.ndarray:
        """Rounds on their way, by interceptor type."""
        return self._pipeline.sum(axis=0)

    def set_rate(self, interceptor: str, per_day: float) -> None:
        """Change the production rate of one interceptor type (a timeline event)."""
        self.rate[self.interceptor_names.index(interceptor)] = per_day

    def pause(self) -> None:
        """Stop deliveries: from now on, arrivals wait at the depot."""
        self._pauses += 1

    def resume(self) -> None:
        """End one pause; when none is left in force, send out everything held at the depot."""
        self._pauses = max(self._pauses - 1, 0)
        if not self.flowing:
            return
        held, self.held = self.held, np.zeros_like(self.held)
        self._distribute(held)

    def deliver(self) -> None:
        """Take today's arrivals off the pipeline: to the batteries, or to the depot if paused."""
        arrivals = self._pipeline[self._head].copy()
        self._pipeline[self._head] = 0
        self._head = (self._head + 1) % len(self._pipeline)
        if self.flowing:
            held, self.held = self.held, np.zeros_like(self.held)
            self._distribute(arrivals + held)
        else:
            self.held += arrivals

    def dispatch(self) -> None:
        """Send today's theatre share of production into the pipeline (fractions carry over)."""
        self._accrued += self.rate * self.params.theatre_share
        whole = np.floor(self._accrued)
        if not whole.any():
            return
        self._accrued -= whole
        whole = whole.astype(np.int64)
        self._pipeline[(self._head + len(self._pipeline) - 1) % len(self._pipeline)] += whole
        self.dispatched += whole

    def _distribute(self, rounds: np.ndarray) -> None:
        """Share arrivals among batteries that fire each type; what none can take stays held."""
        for interceptor in np.flatnonzero(rounds):
            takers = [b for b in self.model.agents_by_type.get(DefenderBattery, ())
                      if b.battery_type.launcher_rounds.get(self.interceptor_names[interceptor], 0) > 0]
            if not takers:
                self.held[interceptor] += rounds[interceptor]
                continue
            name = self.interceptor_names[interceptor]
            capacity = np.array([b.battery_type.launcher_rounds[name] for b in takers])
            stock = np.array([b.magazine[interceptor] for b in takers])
            for battery, share in zip(takers, self._allocate(int(rounds[interceptor]), capacity, stock)):
                if share:
                    battery.receive(interceptor, int(share))
            self.delivered[interceptor] += rounds[interceptor]
