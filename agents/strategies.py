"""How the attacker spends its stockpile: when salvo nights come, and the strategy that fills them.

Salvos are events: each salvo puts the next one on the model's calendar, a
drawn number of days later (`SalvoCalendar`). A strategy is one subclass of
`Strategy` below: its `name` is what `attacker.strategy` says, and the scenario
reference lists it with its docstring.
"""

from typing import ClassVar

import numpy as np

from agents.registry import Registered
from agents.seeds import own_stream


class Strategy(Registered):
    """How the attacker shares its launches between routine nights and salvos."""

    registry: ClassVar[dict[str, "Strategy"]] = {}

    def hold_back(self, routine_mean: np.ndarray, swarm: np.ndarray) -> None:
        """Change the routine nights' means in place, at the start and after every adaptation.

        `swarm` masks the classes a salvo's swarm holds.
        """

    def swarm(self, rng: np.random.Generator, params, stockpile: np.ndarray, swarm: np.ndarray,
              swarm_mix: np.ndarray) -> np.ndarray:
        """A salvo's swarm by class, drawn with `rng` (`params`: the attacker's `AttackerParams`)."""
        raise NotImplementedError


class Steady(Strategy):
    """Routine nights plus salvos, each with a swarm of drawn size (`salvo.swarm_size`)."""

    name = "steady"

    def swarm(self, rng, params, stockpile, swarm, swarm_mix) -> np.ndarray:
        """A swarm of a size drawn uniformly from `salvo.swarm_size`, split by the mix."""
        low, high = params.salvo.swarm_size
        return rng.multinomial(rng.integers(low, high + 1), swarm_mix)


class StockpileAndSalvo(Strategy):
    """Drones and decoys are held back on routine nights and a salvo launches `salvo_stockpile_share` of them."""

    name = "stockpile_and_salvo"

    def hold_back(self, routine_mean: np.ndarray, swarm: np.ndarray) -> None:
        """Drones and decoys wait for the salvo."""
        routine_mean[swarm] = 0.0

    def swarm(self, rng, params, stockpile, swarm, swarm_mix) -> np.ndarray:
        """`salvo_stockpile_share` of what the stockpile holds of the swarm's classes, split by the mix."""
        held = int(stockpile[swarm].sum())
        return rng.multinomial(int(held * params.salvo_stockpile_share), swarm_mix)


STRATEGIES = Strategy.registry
"""Attacker strategies by the name a scenario file uses."""


class SalvoCalendar:
    """When salvo nights come: each salvo puts the next on the model's calendar, `interval_days` later (drawn)."""

    def __init__(self, model, interval_days: list[int]) -> None:
        """No salvo on the calendar yet (see `start`); the intervals come from a stream of their own."""
        self.model = model
        self.interval_days = interval_days
        self.rng = own_stream(model.rng)
        self.tonight = False
        """Whether tonight is a salvo night; the night's launch clears it."""

    def _interval(self) -> int:
        low, high = self.interval_days
        return int(self.rng.integers(low, high + 1))

    def start(self, last: int | None = None) -> None:
        """Put the first salvo a drawn interval after night `last` (None: today), and not before today."""
        day = self.model.day
        self.model.schedule_on_day(self.call, max(day, (last if last is not None else day) + self._interval()))

    def call(self) -> None:
        """Mark tonight as a salvo night and put the next salvo on the calendar."""
        self.tonight = True
        self.model.schedule_on_day(self.call, self.model.day + self._interval())
