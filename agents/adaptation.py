"""The attacker learns from outcomes: what it remembers of each night, and the mix it shifts toward what gets through.

It sees what an attacker would see, outcomes, and never the defender's stocks.
"""

import numpy as np
from pydantic import Field

from agents.params import NonNegativeFloat, Params, Probability


class Adaptation(Params):
    """The attacker learns from outcomes: it shifts its mix toward what gets through.

    It sees what an attacker would see, outcomes and never the defender's
    stocks: the share of each class that got through over the last
    `window_days`. Missile launches are shared between cruise and ballistic in
    proportion to (share that got through)**`strength` times the planned
    numbers, keeping the planned total; the decoy share of a swarm grows with
    the share of drones being stopped, up to `max_decoy_share`.
    """

    window_days: int = Field(14, ge=1, description="Nights of outcomes the attacker remembers.")
    strength: NonNegativeFloat = Field(1.0, description="How hard it shifts (0: not at all).")
    max_decoy_share: Probability = Field(0.8, description="The decoy share of a swarm never goes above this.")


class Learning:
    """The attacker's memory of outcomes by class, and its planned mix, which adaptation shifts (see `Adaptation`).

    `missiles`, `decoy`, `drone` and `swarm` are masks over the classes: what
    adaptation shares out between cruise and ballistic, the decoys, the classes
    decoys pass for, and the classes that ride in a salvo's swarm.
    """

    def __init__(self, params: Adaptation | None, masks: dict[str, np.ndarray], routine_mean: np.ndarray,
                 salvo_missiles: np.ndarray, swarm_mix: np.ndarray) -> None:
        """Remember nothing yet; keep the planned means and mix that adaptation shifts away from."""
        self.params = params
        self.missiles, self.decoy, self.drone, self.swarm = (masks[k] for k in ("missiles", "decoy", "drone", "swarm"))
        window = params.window_days if params else 1
        self.launched = np.zeros((window, len(self.missiles)))
        self.leaked = np.zeros((window, len(self.missiles)))
        self.planned_routine = routine_mean.copy()
        self.planned_salvo = salvo_missiles.copy()
        self.planned_swarm_mix = swarm_mix.copy()

    def observe(self, night: int, launched: np.ndarray, leaked: np.ndarray) -> None:
        """Remember night `night`'s outcome by class (the oldest night remembered is forgotten)."""
        slot = night % len(self.launched)
        self.launched[slot] = launched
        self.leaked[slot] = leaked

    def leak_rates(self) -> np.ndarray:
        """Share of each class that got through over the remembered nights.

        Counted with one pseudo-leaker and one pseudo-kill (Laplace's rule), so a
        class not launched lately reads 0.5 and is tried again rather than dropped for good.
        """
        return (self.leaked.sum(axis=0) + 1.0) / (self.launched.sum(axis=0) + 2.0)

    def adapt(self, routine_mean: np.ndarray, salvo_missiles: np.ndarray, swarm_mix: np.ndarray) -> np.ndarray:
        """Shift the missile means in place toward what has been getting through; return the swarm's mix."""
        adaptation = self.params
        rates = self.leak_rates()
        missiles = self.missiles
        if missiles.sum() >= 2:
            pull = np.power(rates[missiles], adaptation.strength)
            for planned, current in ((self.planned_routine, routine_mean), (self.planned_salvo, salvo_missiles)):
                weight = pull * planned[missiles]
                if weight.sum() > 0:
                    current[missiles] = weight / weight.sum() * planned[missiles].sum()
        drone, decoy = self.drone, self.decoy
        if not (drone.any() and decoy.any()):
            return swarm_mix
        stopped = 1.0 - float(rates[drone].mean())
        planned = self.planned_swarm_mix[decoy].sum()
        share = min(planned * (1.0 + adaptation.strength * (stopped - 0.5)), adaptation.max_decoy_share)
        share = max(share, 0.0)
        mix = self.planned_swarm_mix.copy()
        real = mix[self.swarm & ~decoy].sum()
        mix[decoy] *= share / planned if planned > 0 else 0.0
        mix[self.swarm & ~decoy] *= (1.0 - share) / real if real > 0 else 0.0
        total = mix.sum()
        if total <= 0:  # a swarm of decoys only, capped at none: nothing real to shift toward, so it flies as planned
            return self.planned_swarm_mix / self.planned_swarm_mix.sum()
        return mix / total
