"""The attacker's nights as a scenario file writes them: routine nights, salvos, waves, replays, battery strikes.

Tables only; what the attacker does with them is in `agents/attacker.py` and
`agents/strategies.py`.
"""

from datetime import date

from pydantic import Field

from agents.params import NonNegativeFloat, NonNegativeInt, Params, PositiveFloat, PositiveInt, Probability


class RoutineNights(Params):
    """Launches on an ordinary night: a mean per class, drawn negative-binomially.

    `dispersion` is the negative binomial's shape k (variance = m + m^2/k);
    0 switches randomness off and launches exactly the rounded mean.
    """

    mean: dict[str, NonNegativeFloat]
    dispersion: NonNegativeFloat = 2.0
    reach_km: PositiveFloat | None = Field(
        None, description="Routine nights favour near targets: a route's weight is scaled by exp(-length / reach_km) "
                          "(None: no preference).")


class Salvos(Params):
    """Large salvos: when they come, how big the swarm is and which missiles ride with it."""

    interval_days: list[PositiveInt] = Field(min_length=2, max_length=2)
    swarm_size: list[NonNegativeInt] = Field(min_length=2, max_length=2)
    swarm_mix: dict[str, Probability] = Field(min_length=1)
    missiles: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    dispersion: NonNegativeFloat = 4.0
    reach_km: PositiveFloat | None = Field(
        None, description="As for routine nights: salvos' preference for near targets (None: none).")

    def problems(self, path: str) -> list[tuple[str, object, str]]:
        """Checks across fields, each reported at its own key: (key path, value, what is wrong)."""
        found = []
        for key in ("interval_days", "swarm_size"):
            low, high = getattr(self, key)
            if low > high:
                found.append((f"{path}.{key}", [low, high], "the range runs backwards"))
        total = sum(self.swarm_mix.values())
        if abs(total - 1.0) > 1e-6:
            found.append((f"{path}.swarm_mix", dict(self.swarm_mix), f"shares must sum to 1, not {total:g}"))
        return found


class RaidTiming(Params):
    """How long a wave of the night lasts: a stream of launches leaves at a finite rate.

    A wave of n threats (every class in it) lasts n / `launches_per_hour`
    hours, at least `min_hours` and at most `max_hours` (drones fly 3-8 hours
    over Ukraine, validation.md). A battery with `engagement_hours` set engages
    that many hours' worth of targets per channel (see `BatteryType`).
    """

    launches_per_hour: PositiveFloat = Field(60.0, description="Threats a night's stream brings per hour.")
    min_hours: PositiveFloat = Field(1.0, description="Shortest wave, in hours.")
    max_hours: PositiveFloat = Field(8.0, description="Longest wave, in hours.")

    def problems(self, path: str) -> list[tuple[str, object, str]]:
        """Checks across fields, each reported at its own key: (key path, value, what is wrong)."""
        if self.min_hours > self.max_hours:
            return [(f"{path}.max_hours", self.max_hours, f"below min_hours ({self.min_hours})")]
        return []


class Replay(Params):
    """Observed launches flown night by night in place of drawn ones (`attacker.mode = "replay"`).

    The file is read by `model.observed`; the scenario's start and end pick
    the nights. Observed Shahed-type counts include decoys: each night's count
    is split between the `drone` class and the class that mimics it with a
    binomial draw at `decoy_share`; cruise and ballistic counts fly as they are,
    and `other` (reconnaissance drones, glide bombs) is not simulated.

    With `until` (a forecast's origin), nights after it are drawn as in drawn
    mode (routine nights and salvos): the attacker then holds
    `initial_stockpile` and produces `production_per_day` from the day after
    `until` on. Up to `until` every draw is that of pure replay.
    """

    file: str = Field(description="Attack-data CSV ('Massive Missile Attacks on Ukraine' format), relative to "
                                  "the scenario file.")
    mapping: str | None = Field(None, description="Weapon model -> class TOML; the built-in one when left out.")
    decoy_share: Probability = Field(0.38, description="Share of observed Shahed-type launches that are decoys.")
    include_regional: bool = Field(False, description="Count regional commands' rows too (they double-count).")
    salvo_above: NonNegativeInt = Field(
        250, description="A replayed night of more Shahed-type launches than this is a salvo: it is aimed as salvos "
                         "are (`salvo.reach_km`) and marked in the daily `salvo` column.")
    until: date | None = Field(
        None, description="Last replayed night (None: the scenario's end); later nights are drawn from the "
                          "stockpile, which is `initial_stockpile` on the day after, as in drawn mode.")


class BatteryStrikes(Params):
    """Missiles aimed at the batteries themselves, on salvo nights.

    Each salvo night, `missiles` ballistic missiles from the stockpile fly at
    batteries of `types` chosen at random; the battery fires at the one
    coming for it (its doctrine's shots per ballistic missile), and one that
    gets through destroys its launchers with `destroy_probability`: the
    battery is out of the fight for good and its rounds are lost.
    """

    types: list[str] = Field(default_factory=lambda: ["patriot"], description="Battery types aimed at.")
    missiles: NonNegativeInt = Field(2, description="Ballistic missiles aimed at batteries per salvo night.")
    destroy_probability: Probability = Field(0.3, description="Chance a missile that gets through destroys it.")
