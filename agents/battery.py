"""Defender batteries: interceptor and battery types, engagement doctrines, and the battery agent.

The parameters here are what `catalog.toml` declares (calibration.md, Defender
table). A battery's engagement itself is resolved for all batteries at once by
the raid kernel (`model/raid.py`) from the arrays these parameters compile to,
held in the theatre's battery set (`model/battery_set.py`); the agent is a
view of its row with the battery's behaviour: fire at a missile aimed at it,
be destroyed, move and arrive.
"""

from enum import IntEnum
from typing import Literal

import numpy as np
from mesa import Agent
from pydantic import Field

from agents.params import (
    Cell,
    NonNegativeFloat,
    NonNegativeInt,
    Params,
    PositiveInt,
    Probability,
)


class InterceptorType(Params):
    """One kind of round a battery fires: what it costs and what it can kill."""

    label: str = Field("", description="A plain name for tables and the view (empty: the key itself).")
    cost_usd: NonNegativeFloat
    ballistic_capable: bool = False
    kill_probability: dict[str, Probability] = Field(
        description="Single-shot kill probability by threat class; classes left out cannot be hit."
    )


class Doctrine(Params):
    """How a battery spends its rounds.

    `engage` lists the classes it fires at, in priority order (ballistic
    missiles, met in a terminal pass of their own, always come first in a wave). A decoy that
    mimics a drone is engaged whenever drones are: the crew cannot tell them
    apart. `ballistic_reserve` is the number of ballistic-capable rounds the
    battery keeps back from anything but ballistic missiles. Conserve mode:
    on a night that starts with `conserve_below` rounds or fewer in the
    battery, it engages only `conserve_engage` (in that order), and, if
    `conserve_sites` names any, only threats flying at those sites (the capital).

    `preference` gives, by class or family, the order in which the battery
    reaches for its round types (GEM-T first at cruise missiles, PAC-3 MSE kept
    for ballistic ones); a class not listed uses the battery type's order.
    `site_shots` sets shots per target by defended site (two at the capital,
    one elsewhere), over `shots_per_target`. Keys naming a family apply to
    every class of it that is not named itself.
    """

    engage: list[str] = Field(min_length=1)
    shots_per_target: dict[str, PositiveInt] = Field(default_factory=dict)
    mode: Literal["salvo", "shoot-look-shoot"] = "salvo"
    ballistic_reserve: NonNegativeInt = 0
    conserve_below: NonNegativeInt | None = Field(
        None, description="Rounds held at or under which the battery conserves (None: never).")
    conserve_engage: list[str] = Field(
        default_factory=lambda: ["ballistic"], description="Classes engaged while conserving, in priority order.")
    conserve_sites: list[str] = Field(
        default_factory=list, description="While conserving, fire only at threats to these sites (empty: any site).")
    preference: dict[str, list[str]] = Field(
        default_factory=dict, description="By class or family: interceptor types in the order they are fired.")
    site_shots: dict[str, dict[str, PositiveInt]] = Field(
        default_factory=dict, description="By site name: shots per target by class or family, over shots_per_target.")


class BatteryType(Params):
    """A kind of fire unit (Patriot, medium SAM, gun, mobile fire group, interceptor drones, EW).

    `interceptors` is the order in which it reaches for its round types;
    `launcher_rounds` caps how many of each it can fire in one night (launchers
    are reloaded during the day); `magazine` is the stock a new unit arrives
    with. An EW unit has no interceptors: `ew_share` is the share of each
    air-breathing class crossing its coverage that loses its way (a share of a
    ballistic class is refused: nothing jams a ballistic missile).

    Capacity over a night: `channels_per_wave` targets are engaged at once; with
    `engagement_hours` above 0, each channel engages again every `engagement_hours`
    while the wave passes, so a wave lasting h hours (see `RaidTiming`) meets
    `channels_per_wave * max(1, h / engagement_hours)` engagements: a longer raid
    never meets less. Ballistic missiles are engaged only by batteries within
    `terminal_radius` of their target site.
    """

    label: str = Field("", description="A plain name for tables and the view (empty: the key itself).")
    radius: NonNegativeFloat = Field(description="Coverage radius in grid cells.")
    channels_per_wave: NonNegativeInt = Field(0, description="Targets engaged at once (fire channels).")
    engagement_hours: NonNegativeFloat = Field(
        0.0, description="Hours one engagement ties up a channel (0: one engagement per channel per wave).")
    terminal_radius: NonNegativeFloat = Field(
        0.0, description="Cells from the battery within which it defends a site against ballistic missiles.")
    interceptors: list[str] = Field(default_factory=list)
    launcher_rounds: dict[str, NonNegativeInt] = Field(default_factory=dict)
    magazine: dict[str, NonNegativeInt] = Field(default_factory=dict)
    ew_share: dict[str, Probability] = Field(default_factory=dict)
    doctrine: str | None = None
    cheap: bool = Field(False, description="A cheap layer (guns, mobile fire groups, interceptor drones, EW): "
                                           "one whose value per dollar is weighed against the expensive rounds.")

    def problems(self, path: str) -> list[tuple[str, object, str]]:
        """Checks across fields, each reported at its own key: (key path, value, what is wrong)."""
        if not self.interceptors and not self.ew_share:
            return [(f"{path}.interceptors", [], "a battery type needs interceptors or an ew_share")]
        if self.interceptors and self.doctrine is None:
            return [(f"{path}.doctrine", None, "a battery type with interceptors needs a doctrine")]
        return []


class BatteryPlacement(Params):
    """A battery in a scenario: its type, its cell and, optionally, its own magazine or doctrine."""

    type: str
    cell: Cell
    name: str | None = None
    magazine: dict[str, NonNegativeInt] | None = None
    doctrine: str | None = None


class BatteryStatus(IntEnum):
    """Where a battery stands in the fight: one status per battery, kept in its row of the battery set."""

    WAITING = 0
    """A row kept for a battery the timeline delivers later: not in the theatre yet."""
    READY = 1
    """In the fight: it fires, EW jams, and deliveries reach it."""
    MOVING = 2
    """On the way to a new cell: no fire, no deliveries, until it arrives."""
    DESTROYED = 3
    """Launchers destroyed: out of the fight for good."""


class DefenderBattery(Agent):
    """A fire unit: a view of its row of the theatre's battery set, with what a battery does.

    Its state lives once, in the set (`model/battery_set.py`): type, doctrine,
    magazine (a row of the stock matrix), place and status. The raid kernel
    and the logistics read the same arrays, so nothing is copied; the agent
    reads and changes its row only through the set's methods.
    """

    def __init__(self, model, batteries, index: int, name: str) -> None:
        """The agent of row `index` of `batteries` (a `BatterySet`), on the cell that row places it."""
        super().__init__(model)
        self.name = name
        self.batteries = batteries
        self.index = index
        self._destination = None

    @property
    def type_name(self) -> str:
        """Its battery type's name in the catalog."""
        return self.batteries.type_name(self.index)

    @property
    def battery_type(self) -> BatteryType:
        """Its battery type."""
        return self.batteries.battery_type(self.index)

    @property
    def doctrine(self) -> Doctrine | None:
        """The doctrine its fire follows (the one compiled into its row), None for an EW unit."""
        return self.batteries.doctrine(self.index)

    @property
    def magazine(self) -> np.ndarray:
        """Rounds held by interceptor type: a view of its row of the stock matrix."""
        return self.batteries.stock[self.index]

    @property
    def cell(self):
        """The grid cell it stands on."""
        return self.model.grid[self.batteries.position(self.index)]

    @property
    def status(self) -> BatteryStatus:
        """Waiting to arrive, ready, moving or destroyed."""
        return self.batteries.status_of(self.index)

    @property
    def in_fight(self) -> bool:
        """Ready: it fires (or jams) tonight, and deliveries reach it."""
        return self.status == BatteryStatus.READY

    @property
    def moving(self) -> bool:
        """On the way to a new cell."""
        return self.status == BatteryStatus.MOVING

    @property
    def destroyed(self) -> bool:
        """Out of the fight for good."""
        return self.status == BatteryStatus.DESTROYED

    @property
    def is_ew(self) -> bool:
        """An EW unit jams instead of firing."""
        return not self.battery_type.interceptors

    def defend_against(self, threat: int, rng) -> tuple[bool, int, int]:
        """Fire at one missile coming for this battery: (killed, round type fired or -1, rounds fired).

        The first round type in the battery's order that can hit it and is in
        the magazine is used, its doctrine's shots per target at once.
        """
        round_type, p = self.batteries.round_against(self.index, threat)
        if round_type < 0:
            return False, -1, 0
        used = int(min(self.batteries.shots_at(self.index, threat), self.magazine[round_type]))
        self.magazine[round_type] -= used
        return bool(rng.random() < 1.0 - (1.0 - p) ** used), round_type, used

    def destroy(self) -> np.ndarray:
        """Launchers destroyed: out of the fight for good; returns the rounds lost with it."""
        lost = self.magazine.copy()
        self.magazine[:] = 0
        self.batteries.set_status(self.index, BatteryStatus.DESTROYED)
        self.model.routes_changed()
        return lost

    def start_move(self, cell, move_days: int) -> None:
        """Leave for `cell`: out of the fight (no fire, no deliveries) until it arrives `move_days` later."""
        self._destination = cell
        self.batteries.set_status(self.index, BatteryStatus.MOVING)
        self.model.routes_changed()
        self.model.schedule_event(self.arrive, after=move_days)

    def arrive(self) -> None:
        """Set up at the destination and rejoin the fight."""
        self.batteries.place(self.index, self._destination.coordinate)
        self._destination = None
        self.batteries.set_status(self.index, BatteryStatus.READY)
        self.model.routes_changed()
