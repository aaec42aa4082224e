"""The attacker: threat classes, production into stockpiles, and the nightly launch policy.

Routine nights plus large salvos every few days, missiles concentrated on salvo
nights and in the last wave (calibration.md, Attacker table: launch pattern
2025). A night's raid leaves here as counts by (route, class, wave), never as
one object per drone.
"""

from datetime import date
from typing import Literal

import numpy as np
from mesa import Agent
from pydantic import Field

from agents.params import NonNegativeFloat, NonNegativeInt, Params, PositiveFloat, PositiveInt, Probability
from agents.sampling import draw_raid


class ThreatClass(Params):
    """A kind of munition: what a leaker does to its target and what one costs the attacker.

    `mimics` names the class a decoy passes for: defenders engage both as one pool.
    `family` groups subtypes (Kh-101, Kalibr, ... are of family `cruise`): tables of
    properties may name a family for all its classes, and outputs total each family.
    A `ballistic` class is engaged only at its impact point (terminal defence of the
    target site); every other class is engaged along its route.
    """

    damage: NonNegativeFloat = Field(description="Damage points one leaker does to its site.")
    cost_usd: NonNegativeFloat
    mimics: str | None = None
    family: str | None = Field(None, description="The family this class is a subtype of (None: its own).")
    range_km: PositiveFloat | None = Field(
        None, description="Farthest a launch area can reach with it (None: any site); routes beyond are never flown.")
    ballistic: bool = Field(
        False, description="Engaged only in its terminal phase, by batteries defending the target site, once per "
                           "missile; ballistic-capable interceptors held in reserve are kept for it."
    )


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


class AttackerParams(Params):
    """Everything the attacker decides or is given, per scenario.

    `mode = "drawn"` launches routine nights and salvos drawn from the tables
    below; `mode = "replay"` launches exactly the observed nights of
    `replay.file` instead (stockpile and production are then not used, unless
    `replay.until` hands over to drawn nights after that date).
    """

    mode: Literal["drawn", "replay"] = "drawn"
    replay: Replay | None = None
    strategy: Literal["steady", "stockpile_and_salvo"] = Field(
        "steady", description="steady: routine nights plus salvos; stockpile_and_salvo: drones and decoys are "
                              "held back on routine nights and a salvo launches `salvo_stockpile_share` of them.")
    salvo_stockpile_share: Probability = Field(
        0.5, description="Under stockpile_and_salvo, the share of the drone and decoy stockpile a salvo launches.")
    targeting: Literal["value", "spread", "thinnest"] = Field(
        "value", description="value: sites weighted by value**concentration; spread: every site alike; thinnest: "
                             "value**concentration over (1 + batteries covering the route), as seen from outside.")
    adaptation: Adaptation | None = Field(None, description="Shift the mix toward what gets through (None: fixed).")
    battery_strikes: BatteryStrikes | None = Field(None, description="Missiles aimed at batteries (None: none).")

    initial_stockpile: dict[str, NonNegativeInt]
    production_per_day: dict[str, NonNegativeFloat]
    routine: RoutineNights
    salvo: Salvos
    waves: dict[str, list[Probability]] = Field(
        min_length=1, description="Share of each class flying in each wave of a night; each list sums to 1."
    )
    concentration: NonNegativeFloat = Field(
        1.0, description="Targets are chosen with weight value**concentration (0: evenly)."
    )
    timing: RaidTiming = Field(default_factory=RaidTiming, description="How long each wave of a night lasts.")

    def problems(self, path: str) -> list[tuple[str, object, str]]:
        """Checks across fields, each reported at its own key: (key path, value, what is wrong)."""
        found = self.salvo.problems(f"{path}.salvo") + self.timing.problems(f"{path}.timing")
        if self.mode == "replay" and self.replay is None:
            found.append((f"{path}.replay", None, "mode = \"replay\" needs a [attacker.replay] table with its file"))
        if self.mode != "replay" and self.replay is not None and self.replay.until is not None:
            found.append((f"{path}.replay.until", self.replay.until, "hands replayed nights over to drawn ones: "
                                                                     "needs mode = \"replay\""))
        lengths = {len(shares) for shares in self.waves.values()}
        for name, shares in self.waves.items():
            if len(lengths) > 1 and len(shares) != max(lengths):
                found.append((f"{path}.waves.{name}", list(shares), "every class needs the same number of waves"))
            elif abs(sum(shares) - 1.0) > 1e-6:
                found.append((f"{path}.waves.{name}", list(shares), f"shares must sum to 1, not {sum(shares):g}"))
        return found


def _vector(table: dict[str, float], names: list[str], dtype=float) -> np.ndarray:
    return np.array([table.get(name, 0) for name in names], dtype=dtype)


class _ReadOnly:
    """A public, read-only view of one of the attacker's private arrays (what tests and analysts may read)."""

    def __init__(self, attribute: str, doc: str) -> None:
        self.attribute, self.__doc__ = attribute, doc

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        view = getattr(obj, self.attribute).view()
        view.flags.writeable = False
        return view


class Attacker(Agent):
    """Produces munitions into stockpiles and launches them, night by night.

    Salvos are events: each salvo schedules the next one, a drawn number of
    days later, on the model's calendar.
    """

    def __init__(self, model, params: AttackerParams, threats: dict[str, ThreatClass],
                 route_weights: np.ndarray, replay: np.ndarray | None = None,
                 salvo_route_weights: np.ndarray | None = None) -> None:
        """Arm the attacker; `route_weights` (classes, routes) gives each class's share of raids on each route.

        A class's row is 0 on routes beyond its range. `salvo_route_weights`, when
        given, aims salvo nights (routine and salvo nights may favour targets at
        different distances); otherwise salvos are aimed like routine nights.

        `replay` (nights, classes), when given, is launched night by night
        exactly, in place of drawn nights and salvos.
        """
        super().__init__(model)
        self.params = params
        self.class_names = list(threats)
        self.n_waves = len(next(iter(params.waves.values())))
        self.stockpile = _vector(params.initial_stockpile, self.class_names, np.int64)
        self.production = _vector(params.production_per_day, self.class_names)
        self.unit_cost = np.array([t.cost_usd for t in threats.values()])
        self._accrued = np.zeros(len(self.class_names))
        self._whole = np.zeros(len(self.class_names))
        self._routine_mean = _vector(params.routine.mean, self.class_names)
        self._salvo_missiles = _vector(params.salvo.missiles, self.class_names)
        mix = _vector(params.salvo.swarm_mix, self.class_names)
        self._swarm_mix = mix / mix.sum()  # validated to sum to 1 within 1e-6; numpy wants 1e-12
        self._planned_swarm_mix = self._swarm_mix.copy()
        self._planned_routine = self._routine_mean.copy()
        self._planned_salvo = self._salvo_missiles.copy()
        self._swarm_classes = mix > 0
        if params.strategy == "stockpile_and_salvo":
            self._routine_mean[self._swarm_classes] = 0.0  # drones and decoys wait for the salvo
        names = self.class_names
        self._missiles = np.array([t.ballistic or (t.family or n) == "cruise" for n, t in threats.items()])
        self._decoy = np.array([t.mimics is not None for t in threats.values()])
        self._drone = np.array([any(t.mimics == n for t in threats.values()) for n in names])
        window = params.adaptation.window_days if params.adaptation else 1
        self._seen_launched = np.zeros((window, len(names)))
        self._seen_leaked = np.zeros((window, len(names)))
        self._no_swarm = np.zeros(len(self.class_names), dtype=np.int64)
        wave_shares = np.array([params.waves.get(name, [1.0] + [0.0] * (self.n_waves - 1))
                                for name in self.class_names])
        self._wave_shares = wave_shares / wave_shares.sum(axis=1, keepdims=True)
        self._route_weights = np.zeros_like(route_weights)
        self._salvo_route_weights = np.zeros_like(route_weights)
        self.set_route_weights(route_weights, salvo_route_weights)
        self.night_was_salvo = False
        """Whether the night last launched was a salvo (drawn, or a replayed night above `salvo_above`)."""
        self.n_routes = route_weights.shape[1]
        self.salvo_tonight = False
        self._nights = 0
        self.launched = np.zeros(len(self.class_names), dtype=np.int64)
        self._raid = np.zeros((self.n_routes, len(self.class_names), self.n_waves), dtype=np.int64)
        self._by_route = np.zeros(self.n_routes, dtype=np.int64)
        self._seeds = self.model.rng.integers(2**32, size=model.horizon)  # numba seeds with 32 bits
        self.replay = replay
        self._last_salvo_night: int | None = None
        if replay is None:
            self.model.schedule_on_day(self.call_salvo, self._days_to_next_salvo())
        else:
            self._unlimited = np.full(len(self.class_names), np.iinfo(np.int64).max // 2, dtype=np.int64)
            self._zero_mean = np.zeros(len(self.class_names))
            until = params.replay.until if params.replay is not None else None
            if until is not None:  # no draw here: up to `until` the run is pure replay, draw for draw
                self.model.schedule_on_day(self.start_drawing, max(self.model.config.day_of(until) + 1, 0))

    def start_drawing(self) -> None:
        """The day after `replay.until`: stop replaying; draw nights from a fresh stockpile (a bound method).

        The stockpile restarts at `initial_stockpile` (what it accrued while
        replaying is not known); the next salvo comes a drawn interval after
        the last replayed one, and not before today.
        """
        self.replay = None
        self.stockpile[:] = _vector(self.params.initial_stockpile, self.class_names, np.int64)
        self._accrued[:] = 0.0
        day = self.model.day
        last = self._last_salvo_night
        self.model.schedule_on_day(self.call_salvo, max(day, (last if last is not None else day) +
                                                         self._days_to_next_salvo()))

    def _days_to_next_salvo(self) -> int:
        low, high = self.params.salvo.interval_days
        return int(self.model.rng.integers(low, high + 1))

    def call_salvo(self) -> None:
        """Mark tonight as a salvo night and put the next salvo on the calendar."""
        self.salvo_tonight = True
        self.model.schedule_on_day(self.call_salvo, self.model.day + self._days_to_next_salvo())

    route_weights = _ReadOnly("_route_weights", "Each class's aim over routes on routine nights (rows: classes).")
    salvo_route_weights = _ReadOnly("_salvo_route_weights", "Each class's aim over routes on salvo nights.")
    routine_mean = _ReadOnly("_routine_mean", "Mean launches per class on a routine night, after adaptation.")
    salvo_missiles = _ReadOnly("_salvo_missiles", "Mean missiles per class in a salvo, after adaptation.")
    swarm_mix = _ReadOnly("_swarm_mix", "Shares of the drone-like classes in a salvo's swarm.")
    produced = _ReadOnly("_whole", "Whole rounds per class that production added to the stockpile today.")

    def set_route_weights(self, weights: np.ndarray, salvo_weights: np.ndarray | None = None) -> None:
        """Aim each class at routes in proportion to its row of `weights` (targeting that follows what it sees).

        `salvo_weights` aims salvo nights (None: as routine nights).
        """
        for given, out in ((weights, self._route_weights),
                           (weights if salvo_weights is None else salvo_weights, self._salvo_route_weights)):
            total = given.sum(axis=1, keepdims=True)
            np.divide(given, total, out=out, where=total > 0)

    def observe(self, launched: np.ndarray, leaked: np.ndarray) -> None:
        """Remember the night's outcome by class: what was launched and what got through."""
        slot = self._nights % len(self._seen_launched)
        self._seen_launched[slot] = launched
        self._seen_leaked[slot] = leaked

    def leak_rates(self) -> np.ndarray:
        """Share of each class that got through over the remembered nights.

        Counted with one pseudo-leaker and one pseudo-kill (Laplace's rule), so a
        class not launched lately reads 0.5 and is tried again rather than dropped for good.
        """
        return (self._seen_leaked.sum(axis=0) + 1.0) / (self._seen_launched.sum(axis=0) + 2.0)

    def adapt(self) -> None:
        """Shift tonight's mix toward what has been getting through (see `Adaptation`)."""
        adaptation = self.params.adaptation
        rates = self.leak_rates()
        missiles = self._missiles
        if missiles.sum() >= 2:
            pull = np.power(rates[missiles], adaptation.strength)
            for planned, current in ((self._planned_routine, self._routine_mean),
                                     (self._planned_salvo, self._salvo_missiles)):
                weight = pull * planned[missiles]
                if weight.sum() > 0:
                    current[missiles] = weight / weight.sum() * planned[missiles].sum()
            if self.params.strategy == "stockpile_and_salvo":
                self._routine_mean[self._swarm_classes] = 0.0  # what rides in the swarm still waits for the salvo
        drone = self._drone
        if drone.any() and self._decoy.any():
            stopped = 1.0 - float(rates[drone].mean())
            planned = self._planned_swarm_mix[self._decoy].sum()
            share = min(planned * (1.0 + adaptation.strength * (stopped - 0.5)), adaptation.max_decoy_share)
            share = max(share, 0.0)
            mix = self._planned_swarm_mix.copy()
            real = mix[self._swarm_classes & ~self._decoy].sum()
            mix[self._decoy] *= share / planned if planned > 0 else 0.0
            mix[self._swarm_classes & ~self._decoy] *= (1.0 - share) / real if real > 0 else 0.0
            self._swarm_mix = mix / mix.sum()

    def set_production(self, threat_class: str, per_day: float) -> None:
        """Change the daily production of one class (a timeline event)."""
        self.production[self.class_names.index(threat_class)] = per_day

    def spend_missile(self, classes: np.ndarray) -> int | None:
        """Take one missile for a strike on a battery: of `classes`, the one most held (None: none is left)."""
        threat = int(classes[np.argmax(self.stockpile[classes])])
        if self.stockpile[threat] <= 0:
            return None
        self.stockpile[threat] -= 1
        return threat

    def produce(self) -> None:
        """Add a day's production to the stockpile; fractions carry over to the next day."""
        accrued = self._accrued
        accrued += self.production
        whole = np.floor(accrued, out=self._whole)
        accrued -= whole
        np.add(self.stockpile, whole, out=self.stockpile, casting="unsafe")

    def launch(self) -> np.ndarray:
        """Launch tonight's raid from the stockpile: counts by (route, class, wave).

        A salvo night adds a swarm of drawn size, split by `swarm_mix`, to the
        salvo's missiles; a routine night launches the routine means. Nothing
        beyond the stockpile flies. In replay the night's observed counts fly,
        whatever the stockpile. The returned array is reused (and overwritten) every night.
        """
        if self.replay is not None:
            night = self.replay[self._nights]
            self.night_was_salvo = bool(night[self._drone | self._decoy].sum() > self.params.replay.salvo_above)
            if self.night_was_salvo:
                self._last_salvo_night = self._nights
            weights = self._salvo_route_weights if self.night_was_salvo else self._route_weights
            draw_raid(self._zero_mean, 0.0, night, self._unlimited, weights,
                      self._wave_shares, self._seeds[self._nights], self.launched, self._raid, self._by_route)
            self._nights += 1
            return self._raid
        rng = self.model.rng
        if self.params.adaptation is not None and self._nights:
            self.adapt()
        self.night_was_salvo = self.salvo_tonight
        weights = self._salvo_route_weights if self.salvo_tonight else self._route_weights
        if self.salvo_tonight:
            self.salvo_tonight = False
            salvo = self.params.salvo
            if self.params.strategy == "stockpile_and_salvo":
                held = int(self.stockpile[self._swarm_classes].sum())
                swarm = rng.multinomial(int(held * self.params.salvo_stockpile_share), self._swarm_mix)
            else:
                low, high = salvo.swarm_size
                swarm = rng.multinomial(rng.integers(low, high + 1), self._swarm_mix)
            mean, dispersion = self._salvo_missiles, salvo.dispersion
        else:
            swarm = self._no_swarm
            mean, dispersion = self._routine_mean, self.params.routine.dispersion
        draw_raid(mean, dispersion, swarm, self.stockpile, weights, self._wave_shares,
                  self._seeds[self._nights], self.launched, self._raid, self._by_route)
        self._nights += 1
        self.stockpile -= self.launched
        return self._raid
