"""The theatre's air defence as arrays: what the raid kernel reads, compiled from the catalog.

Rows are batteries (including those the timeline will deliver later, inactive
until they arrive), columns are interceptor types or threat classes in catalog
order. Battery agents own views of their rows of `stock`. The force changes
of the timeline (capacity and EW by battery type, kill probabilities) act on
these arrays, each through one method here.
"""

import numpy as np

from model.geometry import route_layers, terminal_defenders
from model.raid import resolve_raid, wave_capacity
from model.scenario import Catalog


class AirDefence:
    """Battery arrays, route layers and terminal defenders, and the call into the raid kernel."""

    def __init__(self, catalog: Catalog, capacity: int, origins: np.ndarray, targets: np.ndarray,
                 route_order: np.ndarray, route_site: np.ndarray, site_names: list[str], site_cells: np.ndarray,
                 timing) -> None:
        """Allocate room for `capacity` batteries on the given routes (`route_site`: each route's target site).

        `timing` (the attacker's `RaidTiming`) says how long a wave lasts, for
        the batteries whose channels engage again while it passes.
        """
        self.catalog = catalog
        self.timing = timing
        self.class_names = list(catalog.threats)
        self.interceptor_names = list(catalog.interceptors)
        n_c, n_i = len(self.class_names), len(self.interceptor_names)
        self.is_ballistic = np.array([t.ballistic for t in catalog.threats.values()], dtype=np.bool_)
        self.kill_probability = np.array([[catalog.interceptors[i].kill_probability.get(c, 0.0)
                                           for c in self.class_names] for i in self.interceptor_names])
        self.kill_probability = self.kill_probability.reshape(n_i, n_c)
        self.ballistic_capable = np.array([catalog.interceptors[i].ballistic_capable
                                           for i in self.interceptor_names], dtype=np.bool_)
        self.round_cost = np.array([catalog.interceptors[i].cost_usd for i in self.interceptor_names])
        self.pool_of = np.array([self.class_names.index(t.mimics) if t.mimics else c
                                 for c, t in enumerate(catalog.threats.values())], dtype=np.int64)
        self.pool_members = np.full((n_c, n_c), -1, dtype=np.int64)
        for c in range(n_c):
            pool = np.flatnonzero(self.pool_of == c)
            self.pool_members[c, : len(pool)] = pool
        self.origins, self.targets, self.route_order = origins, targets, route_order
        self.route_site = route_site
        self.site_cells = site_cells
        self.damage_per_leaker = np.array([t.damage for t in catalog.threats.values()])
        b = capacity
        self.count = 0
        self._type_of: list[str] = []
        self.active = np.zeros(b, dtype=np.bool_)
        self.is_ew = np.zeros(b, dtype=np.bool_)
        self.ew_share = np.zeros((b, n_c))
        self.channels = np.zeros(b, dtype=np.int64)
        self.base_channels = np.zeros(b, dtype=np.int64)
        self.engagement_hours = np.zeros(b)  # 0: one engagement per channel per wave
        self.terminal_radius = np.zeros(b)
        self.effectiveness = np.ones(b)
        self.class_order = np.full((b, n_c), -1, dtype=np.int64)
        self.normal_order = np.full((b, n_c), -1, dtype=np.int64)
        self.conserve_order = np.full((b, n_c), -1, dtype=np.int64)
        self.conserve_below = np.full(b, -1, dtype=np.int64)  # -1: the battery never conserves
        self.conserving = np.zeros(b, dtype=np.bool_)
        self.guarding = np.zeros(b, dtype=np.bool_)  # conserving and limited to some sites tonight
        self.site_names = list(site_names)
        self.guards = np.ones((b, len(site_names)), dtype=np.bool_)  # sites a conserving battery still fires for
        self.shots_per_target = np.ones((b, n_c), dtype=np.int64)
        self.shots = np.ones((b, len(site_names), n_c), dtype=np.int64)  # by target site
        self.look_shoot = np.zeros(b, dtype=np.bool_)
        self.reserve = np.zeros(b, dtype=np.int64)
        self.preference = np.full((b, n_c, n_i), -1, dtype=np.int64)
        self.launcher_rounds = np.zeros((b, n_i), dtype=np.int64)
        self.base_launcher_rounds = np.zeros((b, n_i), dtype=np.int64)
        self.stock = np.zeros((b, n_i), dtype=np.int64)
        self.positions = np.zeros((b, 2), dtype=np.int64)
        self.radius = np.zeros(b)
        self.layers = np.full((len(origins), 1), -1, dtype=np.int64)  # no battery yet: see update_routes
        self.terminal = np.full((len(site_names), 1), -1, dtype=np.int64)
        self._capacity_factor: dict[str, float] = {}
        self._ew_factor: dict[str, float] = {}
        self._channel_factor = 1.0
        self._capacity = np.zeros((b, 1), dtype=np.int64)

    def add(self, type_name: str, doctrine_name: str | None, cell) -> int:
        """Fill the next row for a battery of `type_name`; returns its row, inactive and empty until deployed."""
        row = self.count
        self.count += 1
        self._type_of.append(type_name)
        btype = self.catalog.battery_types[type_name]
        names = self.class_names
        self.is_ew[row] = not btype.interceptors
        self.ew_share[row] = [btype.ew_share.get(c, 0.0) for c in names]
        self.ew_share[row] = np.minimum(self.ew_share[row] * self._ew_factor.get(type_name, 1.0), 1.0)
        self.base_channels[row] = btype.channels_per_wave
        self.engagement_hours[row] = btype.engagement_hours
        self.terminal_radius[row] = btype.terminal_radius
        self.positions[row] = cell
        self.radius[row] = btype.radius
        carried = [self.interceptor_names.index(name) for name in btype.interceptors]
        for name in btype.interceptors:
            self.base_launcher_rounds[row, self.interceptor_names.index(name)] = btype.launcher_rounds.get(name, 0)
        self.preference[row, :, : len(carried)] = carried
        doctrine_name = doctrine_name or btype.doctrine
        if doctrine_name is not None:
            doctrine = self.catalog.doctrines[doctrine_name]
            self.normal_order[row, :] = -1
            order = self._order(doctrine.engage)
            self.normal_order[row, : len(order)] = order
            self.class_order[row] = self.normal_order[row]
            if doctrine.conserve_below is not None:
                self.conserve_below[row] = doctrine.conserve_below
                kept = self._order(doctrine.conserve_engage)
                self.conserve_order[row, : len(kept)] = kept
                if doctrine.conserve_sites:
                    self.guards[row] = [name in doctrine.conserve_sites for name in self.site_names]
            self.shots_per_target[row] = [doctrine.shots_per_target.get(c, 1) for c in names]
            self.shots[row] = self.shots_per_target[row]
            for site, table in doctrine.site_shots.items():
                k = self.site_names.index(site)
                self.shots[row, k] = [table.get(c, self.shots_per_target[row, j]) for j, c in enumerate(names)]
            for threat, order in doctrine.preference.items():
                c = names.index(threat)
                self.preference[row, c, :] = -1
                self.preference[row, c, : len(order)] = [self.interceptor_names.index(i) for i in order]
            self.look_shoot[row] = doctrine.mode == "shoot-look-shoot"
            self.reserve[row] = doctrine.ballistic_reserve
        self._set_channels(np.array([row]))
        return row

    def _order(self, classes: list[str]) -> list[int]:
        """Class columns in engagement order; decoys are engaged with the class they mimic, not on their own."""
        names = self.class_names
        return [names.index(c) for c in classes if self.pool_of[names.index(c)] == names.index(c)]

    def rows_of(self, type_name: str) -> np.ndarray:
        """The battery rows of one battery type, in the order the batteries joined."""
        return np.flatnonzero(np.array(self._type_of) == type_name) if self._type_of else np.zeros(0, np.int64)

    def _set_channels(self, rows: np.ndarray) -> None:
        """Channels and launcher rounds of `rows` at their type's force factor (and channels at the warning's)."""
        factor = np.array([self._capacity_factor.get(self._type_of[r], 1.0) for r in rows])
        self.channels[rows] = np.floor(self.base_channels[rows] * factor * self._channel_factor + 0.5)
        self.launcher_rounds[rows] = np.floor(self.base_launcher_rounds[rows] * factor[:, None] + 0.5)

    def set_warning(self, kill_factor: float, channel_factor: float) -> None:
        """Scale every battery's kill probability and fire channels (1, 1: full warning)."""
        self.effectiveness[:] = kill_factor
        self._channel_factor = channel_factor
        self._set_channels(np.arange(self.count))

    def set_force(self, type_name: str, capacity_factor: float | None = None, ew_factor: float | None = None) -> None:
        """A force change: batteries of `type_name`, now and arriving later, at these factors of their catalog values.

        `capacity_factor` scales fire channels and launcher rounds alike (more
        crews and launchers of that type); `ew_factor` scales the EW share.
        """
        rows = self.rows_of(type_name)
        if capacity_factor is not None:
            self._capacity_factor[type_name] = capacity_factor
            self._set_channels(rows)
        if ew_factor is not None:
            self._ew_factor[type_name] = ew_factor
            base = self.catalog.battery_types[type_name].ew_share
            # a share: a factor above 1 cannot make EW take more than every threat it meets
            self.ew_share[rows] = np.minimum(np.array([base.get(c, 0.0) for c in self.class_names]) * ew_factor, 1.0)

    def set_kill_probability(self, interceptor: str, classes: list[str], value: float) -> None:
        """From now on `interceptor` kills each of `classes` with probability `value`."""
        i = self.interceptor_names.index(interceptor)
        for name in classes:
            self.kill_probability[i, self.class_names.index(name)] = value

    def capacity(self, raid: np.ndarray) -> np.ndarray:
        """(B, W) engagements each battery can make in each wave of tonight's `raid`.

        A wave of n threats lasts n / launches_per_hour hours (within the
        timing's bounds); a battery with `engagement_hours` engages again on
        each channel every `engagement_hours` of it, and at least once.
        """
        if self._capacity.shape[1] != raid.shape[2]:  # the waves of a night, known from the first raid
            self._capacity = np.zeros((len(self.channels), raid.shape[2]), dtype=np.int64)
        timing = self.timing
        wave_capacity(raid, self.channels, self.engagement_hours, timing.launches_per_hour, timing.min_hours,
                      timing.max_hours, self._capacity)
        return self._capacity

    def set_conservation(self) -> None:
        """Before a night: batteries holding `conserve_below` rounds or fewer engage only their conserve list."""
        if (self.conserve_below < 0).all():
            return
        self.conserving[:] = (self.conserve_below >= 0) & (self.stock.sum(axis=1) <= self.conserve_below)
        self.class_order[:] = np.where(self.conserving[:, None], self.conserve_order, self.normal_order)
        self.guarding[:] = self.conserving & ~self.guards.all(axis=1)

    def deploy(self, row: int, magazine: dict[str, int] | None) -> None:
        """Bring a battery row into the fight with `magazine` (its type's, if None)."""
        btype = self.catalog.battery_types[self._type_of[row]]
        for name, rounds in (btype.magazine if magazine is None else magazine).items():
            self.stock[row, self.interceptor_names.index(name)] = rounds
        self.active[row] = True

    def update_routes(self) -> None:
        """Recompute which active batteries each route crosses and which defend each site (after arrivals or moves)."""
        self.layers = route_layers(self.origins, self.targets, self.positions, self.radius, self.active)
        self.terminal = terminal_defenders(self.site_cells, self.positions, self.terminal_radius, self.active)

    def resolve(self, raid: np.ndarray, seed: int, shot_down: np.ndarray, lost_to_ew: np.ndarray,
                leaked: np.ndarray, fired: np.ndarray, damage: np.ndarray) -> None:
        """Fight one night, its draws seeded by `seed`, writing the outcome into the arrays given.

        `shot_down`, `lost_to_ew`, `leaked` are by threat class, `fired` by
        interceptor type, `damage` by site (the campaign passes its ledger's
        rows for the day, so nothing is copied).
        """
        self.set_conservation()
        resolve_raid(raid, self.layers, self.terminal, self.route_order, self.route_site, self.active, self.is_ew,
                     self.ew_share, self.capacity(raid), self.effectiveness, self.class_order, self.shots,
                     self.look_shoot, self.reserve, self.preference, self.kill_probability, self.ballistic_capable,
                     self.is_ballistic, self.pool_members, self.launcher_rounds, self.stock, seed,
                     self.damage_per_leaker, self.guarding, self.guards, shot_down, lost_to_ew, leaked, fired, damage)
