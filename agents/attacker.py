"""The attacker: threat classes, production into stockpiles, and the nightly launch policy.

Routine nights plus large salvos every few days, missiles concentrated on salvo
nights and in the last wave (calibration.md, Attacker table: launch pattern
2025). A night's raid leaves here as counts by (route, class, wave), never as
one object per drone.
"""

from typing import Literal

import numpy as np
from mesa import Agent
from pydantic import Field

from agents.adaptation import Adaptation, Learning
from agents.nights import BatteryStrikes, RaidTiming, Replay, RoutineNights, Salvos
from agents.params import NonNegativeFloat, NonNegativeInt, Params, PositiveFloat, Probability
from agents.registry import choice
from agents.sampling import draw_raid
from agents.seeds import night_seeds, own_stream
from agents.strategies import STRATEGIES, SalvoCalendar
from agents.targeting import TARGETING_RULES, TargetingRule

StrategyName = choice(STRATEGIES, "How launches are shared between routine nights and salvos (`agents/strategies.py`).")
TargetingName = choice(TARGETING_RULES, "How the attacker weighs routes (`agents/targeting.py`).")


class ThreatClass(Params):
    """A kind of munition: what a leaker does to its target and what one costs the attacker.

    `mimics` names the class a decoy passes for: defenders engage both as one pool.
    `family` groups subtypes (Kh-101, Kalibr, ... are of family `cruise`): tables of
    properties may name a family for all its classes, and outputs total each family.
    A `ballistic` class is engaged only at its impact point (terminal defence of the
    target site); every other class is engaged along its route.
    """

    label: str = Field("", description="A plain name for tables and the view (empty: the key itself).")
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


class AttackerParams(Params):
    """Everything the attacker decides or is given, per scenario.

    `mode = "drawn"` launches routine nights and salvos drawn from the tables
    below; `mode = "replay"` launches exactly the observed nights of
    `replay.file` instead (stockpile and production are then not used, unless
    `replay.until` hands over to drawn nights after that date).
    """

    mode: Literal["drawn", "replay"] = "drawn"
    replay: Replay | None = None
    strategy: StrategyName = "steady"
    salvo_stockpile_share: Probability = Field(
        0.5, description="Under stockpile_and_salvo, the share of the drone and decoy stockpile a salvo launches.")
    targeting: TargetingName = "value"
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

    @property
    def targeting_rule(self) -> TargetingRule:
        """The rule `targeting` names."""
        return TARGETING_RULES[self.targeting]


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

    Salvo nights come from its `SalvoCalendar`; its strategy (`agents/strategies.py`) decides what
    routine nights hold back and how big a salvo's swarm is; its `Learning` (`agents/adaptation.py`)
    remembers outcomes and shifts the planned mix toward what gets through.
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
        self.strategy = STRATEGIES[params.strategy]
        self._plan(threats)
        wave_shares = np.array([params.waves.get(name, [1.0] + [0.0] * (self.n_waves - 1))
                                for name in self.class_names])
        self._wave_shares = wave_shares / wave_shares.sum(axis=1, keepdims=True)
        self._route_weights = np.zeros_like(route_weights)
        self._salvo_route_weights = np.zeros_like(route_weights)
        self.set_route_weights(route_weights, salvo_route_weights)
        self.night_was_salvo = False
        """Whether the night last launched was a salvo (drawn, or a replayed night above `salvo_above`)."""
        self.n_routes = route_weights.shape[1]
        self._nights = 0
        self.launched = np.zeros(len(self.class_names), dtype=np.int64)
        self._raid = np.zeros((self.n_routes, len(self.class_names), self.n_waves), dtype=np.int64)
        self._by_route = np.zeros(self.n_routes, dtype=np.int64)
        self._no_swarm = np.zeros(len(self.class_names), dtype=np.int64)
        self._seeds = night_seeds(model.rng, model.horizon, model.capacity)  # numba seeds with 32 bits
        self.salvos = SalvoCalendar(model, params.salvo.interval_days)
        self._swarm_rng = own_stream(model.rng)  # how many draws a swarm takes depends on its size
        self._prepare_replay(replay)

    def _plan(self, threats: dict[str, ThreatClass]) -> None:
        """The planned means and swarm mix, the masks over classes that adaptation and the strategy read."""
        params, names = self.params, self.class_names
        self._routine_mean = _vector(params.routine.mean, names)
        self._salvo_missiles = _vector(params.salvo.missiles, names)
        mix = _vector(params.salvo.swarm_mix, names)
        self._swarm_mix = mix / mix.sum()  # validated to sum to 1 within 1e-6; numpy wants 1e-12
        self._swarm_classes = mix > 0
        self._missiles = np.isin(names, self.model.config.catalog.missile_classes())  # the catalog says which
        self._decoy = np.array([t.mimics is not None for t in threats.values()])
        self._drone = np.array([any(t.mimics == n for t in threats.values()) for n in names])
        masks = {"missiles": self._missiles, "decoy": self._decoy, "drone": self._drone, "swarm": self._swarm_classes}
        self.learning = Learning(params.adaptation, masks, self._routine_mean, self._salvo_missiles, self._swarm_mix)
        self.strategy.hold_back(self._routine_mean, self._swarm_classes)  # the plan, before the strategy, is kept

    def _prepare_replay(self, replay: np.ndarray | None) -> None:
        """Replay `replay`'s nights (up to `replay.until`, if set); with none, put the first salvo on the calendar."""
        self.replay = replay
        self._last_salvo_night: int | None = None
        if replay is None:
            self.salvos.start()
            return
        self._unlimited = np.full(len(self.class_names), np.iinfo(np.int64).max // 2, dtype=np.int64)
        self._zero_mean = np.zeros(len(self.class_names))
        until = self.params.replay.until if self.params.replay is not None else None
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
        self.salvos.start(self._last_salvo_night)

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
        self.learning.observe(self._nights, launched, leaked)

    def leak_rates(self) -> np.ndarray:
        """Share of each class that got through over the remembered nights (see `Learning.leak_rates`)."""
        return self.learning.leak_rates()

    def adapt(self) -> None:
        """Shift tonight's mix toward what has been getting through (see `Adaptation`)."""
        self._swarm_mix = self.learning.adapt(self._routine_mean, self._salvo_missiles, self._swarm_mix)
        self.strategy.hold_back(self._routine_mean, self._swarm_classes)  # what the strategy holds back still waits

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

        A salvo night adds a swarm, as the strategy draws it, to the salvo's
        missiles; a routine night launches the routine means. Nothing beyond
        the stockpile flies. In replay the night's observed counts fly,
        whatever the stockpile. The returned array is reused (and overwritten) every night.
        """
        if self.replay is not None:
            return self._launch_replayed()
        if self.params.adaptation is not None and self._nights:
            self.adapt()
        self.night_was_salvo = self.salvos.tonight
        if self.salvos.tonight:
            self.salvos.tonight = False
            swarm = self.strategy.swarm(self._swarm_rng, self.params, self.stockpile, self._swarm_classes,
                                        self._swarm_mix)
            mean, dispersion, weights = self._salvo_missiles, self.params.salvo.dispersion, self._salvo_route_weights
        else:
            swarm, mean, weights = self._no_swarm, self._routine_mean, self._route_weights
            dispersion = self.params.routine.dispersion
        draw_raid(mean, dispersion, swarm, self.stockpile, weights, self._wave_shares,
                  self._seeds[self._nights], self.launched, self._raid, self._by_route)
        self._nights += 1
        self.stockpile -= self.launched
        return self._raid

    def _launch_replayed(self) -> np.ndarray:
        """Tonight's observed counts, aimed as salvos are if the night is one (above `replay.salvo_above`)."""
        night = self.replay[self._nights]
        self.night_was_salvo = bool(night[self._drone | self._decoy].sum() > self.params.replay.salvo_above)
        if self.night_was_salvo:
            self._last_salvo_night = self._nights
        weights = self._salvo_route_weights if self.night_was_salvo else self._route_weights
        draw_raid(self._zero_mean, 0.0, night, self._unlimited, weights,
                  self._wave_shares, self._seeds[self._nights], self.launched, self._raid, self._by_route)
        self._nights += 1
        return self._raid
