"""Suppliers: interceptor production, shipments in transit, and aid pauses.

One supplier per source (US PAC-3 MSE, European GEM-T, other donors, domestic
cheap layers). Every `ship_every_days` a supplier sends its theatre share of
what it made into transit; each shipment is an event that lands
`lead_time_days` later. While the supplier is paused nothing of it reaches the
batteries: shipments that land wait at the depot and go out on resumption
(calibration.md: the March and July 2025 US pauses).
"""

from typing import Literal

import numpy as np
from mesa import Agent
from mesa.time import Schedule
from pydantic import Field

from agents.allocation import ALLOCATION_RULES
from agents.params import NonNegativeFloat, NonNegativeInt, Params, PositiveInt, Probability


class SupplierParams(Params):
    """A source of interceptors: what it makes, how much of it comes here, and how fast."""

    name: str
    products: dict[str, NonNegativeFloat] = Field(
        min_length=1, description="Rounds produced per day, by interceptor type."
    )
    theatre_share: Probability = 1.0
    lead_time_days: NonNegativeInt = 0
    ship_every_days: PositiveInt = 7
    allocation: Literal["proportional", "lowest_stock_first", "by_site_value", "by_threat"] = Field(
        "proportional", description="How a delivery is shared among batteries: see `agents/allocation.py`.")


class Shipment:
    """Rounds in transit from one supplier; it lands as an event on the model's calendar."""

    def __init__(self, supplier: "Supplier", rounds: np.ndarray) -> None:
        """Load `rounds` (by interceptor type) for `supplier`."""
        self.supplier = supplier
        self.rounds = rounds

    def land(self) -> None:
        """Arrive in the theatre."""
        self.supplier.receive(self)


class Supplier(Agent):
    """Produces interceptors and ships them to the batteries that fire them.

    The books (`dispatched`, `delivered`, `in_transit`, `held`) are rows of the
    theatre's logistics matrices, so the model totals them without a loop.
    Conservation: dispatched = in transit + held + delivered, at any moment.
    """

    def __init__(self, model, params: SupplierParams, interceptor_names: list[str], books: dict,
                 index: int, pauses: np.ndarray, magazines: np.ndarray) -> None:
        """Open the supplier's books (row `index` of each matrix in `books`) and start shipping.

        `pauses` is the supplier's one-element slot in the theatre's count of
        pauses in force; `magazines` is the theatre's stock matrix (battery
        rows, interceptor columns) that deliveries are added to.
        """
        super().__init__(model)
        self.name = params.name
        self.params = params
        self.interceptor_names = interceptor_names
        self.magazines = magazines
        self.rate = np.array([params.products.get(name, 0.0) for name in interceptor_names])
        self._allocate = ALLOCATION_RULES[params.allocation]
        self._accrued = np.zeros(len(interceptor_names))
        self.dispatched, self.delivered = books["dispatched"][index], books["delivered"][index]
        self.in_transit, self.held = books["in_transit"][index], books["held"][index]
        self.shipments: set[Shipment] = set()
        self._pauses = pauses
        self._shipping = model.schedule_recurring(
            self.dispatch, Schedule(interval=params.ship_every_days, start=model.time + 0.5))

    @property
    def flowing(self) -> bool:
        """True unless at least one pause is in force (pauses may overlap)."""
        return self._pauses[0] == 0

    def set_rate(self, interceptor: str, per_day: float) -> None:
        """Change the production rate of one interceptor type (a timeline event)."""
        self.rate[self.interceptor_names.index(interceptor)] = per_day

    def pause(self) -> None:
        """Stop deliveries: from now on, shipments that land wait at the depot."""
        self._pauses[0] += 1

    def resume(self) -> None:
        """End one pause; when none is left in force, the depot empties later the same morning."""
        self._pauses[0] = max(self._pauses[0] - 1, 0)
        self.schedule_release()

    def schedule_release(self) -> None:
        """Release the depot after the rest of this moment's timeline events.

        A pause that ends on the day the next one starts must leave the depot
        shut whichever of the two events the calendar holds first.
        """
        self.model.schedule_event(self.release_held, after=0)

    def release_held(self) -> None:
        """If flowing, send out what waits at the depot (after a pause, or when a new battery can take it)."""
        if self.flowing and self.held.any():
            held = self.held.copy()
            self.held[:] = 0
            self._distribute(held)

    def dispatch(self) -> None:
        """Send the theatre share of what was made since the last shipment (fractions carry over)."""
        self._accrued += self.rate * self.params.theatre_share * self.params.ship_every_days
        whole = np.floor(self._accrued)
        if not whole.any():
            return
        self._accrued -= whole
        self.ship(whole, self.params.lead_time_days)

    def ship(self, rounds: np.ndarray, lead_time_days: int) -> None:
        """Send rounds that land after `lead_time_days`: a regular shipment, or a one-off lot (a procurement)."""
        if not rounds.any():
            return
        shipment = Shipment(self, rounds.astype(np.int64))
        self.shipments.add(shipment)
        self.dispatched += shipment.rounds
        self.in_transit += shipment.rounds
        self.model.schedule_event(shipment.land, after=lead_time_days)

    def receive(self, shipment: Shipment) -> None:
        """A shipment lands: out to the batteries, or into the depot while paused."""
        self.shipments.discard(shipment)
        self.in_transit -= shipment.rounds
        if self.flowing:
            self._distribute(shipment.rounds)
        else:
            self.held += shipment.rounds

    def _distribute(self, rounds: np.ndarray) -> None:
        """Share rounds among the batteries that fire each type; what none can take stays held."""
        for interceptor in np.flatnonzero(rounds):
            rows, capacity = self.model.batteries_firing(interceptor)
            if not len(rows):
                self.held[interceptor] += rounds[interceptor]
                continue
            stock = self.magazines[rows, interceptor]
            share = self._allocate(int(rounds[interceptor]), capacity, stock, self.model.covered_value[rows],
                                   self.model.threat_to(rows, interceptor))
            self.magazines[rows, interceptor] = stock + share
            self.delivered[interceptor] += rounds[interceptor]
