"""The theatre's air defence as arrays: what the raid kernel reads, compiled from the catalog.

Rows are batteries (including those the timeline will deliver later, inactive
until they arrive), columns are interceptor types or threat classes in catalog
order. Battery agents own views of their rows of `stock`.
"""

import numpy as np

from model.geometry import route_layers
from model.raid import resolve_raid
from model.scenario import Catalog


class AirDefence:
    """Battery arrays, route layers, and the call into the raid kernel."""

    def __init__(self, catalog: Catalog, capacity: int, origins: np.ndarray, targets: np.ndarray,
                 route_order: np.ndarray, route_site: np.ndarray, site_names: list[str]) -> None:
        """Allocate room for `capacity` batteries on the given routes (`route_site`: each route's target site)."""
        self.catalog = catalog
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
        self.origins, self.targets, self.route_order = origins, targets, route_order
        self.route_site = route_site
        self.damage_per_leaker = np.array([t.damage for t in catalog.threats.values()])
        b = capacity
        self.count = 0
        self._type_of: list[str] = []
        self.active = np.zeros(b, dtype=np.bool_)
        self.is_ew = np.zeros(b, dtype=np.bool_)
        self.ew_share = np.zeros((b, n_c))
        self.channels = np.zeros(b, dtype=np.int64)
        self.base_channels = np.zeros(b, dtype=np.int64)
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
        self.look_shoot = np.zeros(b, dtype=np.bool_)
        self.reserve = np.zeros(b, dtype=np.int64)
        self.preference = np.full((b, n_i), -1, dtype=np.int64)
        self.launcher_rounds = np.zeros((b, n_i), dtype=np.int64)
        self.stock = np.zeros((b, n_i), dtype=np.int64)
        self.positions = np.zeros((b, 2), dtype=np.int64)
        self.radius = np.zeros(b)
        self.layers = np.full((len(origins), 1), -1, dtype=np.int64)  # no battery yet: see update_routes

    def add(self, type_name: str, doctrine_name: str | None, cell) -> int:
        """Fill the next row for a battery of `type_name`; returns its row, inactive and empty until deployed."""
        row = self.count
        self.count += 1
        self._type_of.append(type_name)
        btype = self.catalog.battery_types[type_name]
        names = self.class_names
        self.is_ew[row] = not btype.interceptors
        self.ew_share[row] = [btype.ew_share.get(c, 0.0) for c in names]
        self.channels[row] = btype.channels_per_wave
        self.base_channels[row] = btype.channels_per_wave
        self.positions[row] = cell
        self.radius[row] = btype.radius
        for k, name in enumerate(btype.interceptors):
            i = self.interceptor_names.index(name)
            self.preference[row, k] = i
            self.launcher_rounds[row, i] = btype.launcher_rounds.get(name, 0)
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
            self.look_shoot[row] = doctrine.mode == "shoot-look-shoot"
            self.reserve[row] = doctrine.ballistic_reserve
        return row

    def _order(self, classes: list[str]) -> list[int]:
        """Class columns in engagement order; decoys are engaged with the class they mimic, not on their own."""
        names = self.class_names
        return [names.index(c) for c in classes if self.pool_of[names.index(c)] == names.index(c)]

    def set_warning(self, kill_factor: float, channel_factor: float) -> None:
        """Scale every battery's kill probability and fire channels (1, 1: full warning)."""
        self.effectiveness[:] = kill_factor
        self.channels[:] = np.floor(self.base_channels * channel_factor + 0.5).astype(np.int64)

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
        """Recompute which active batteries each route crosses (after batteries arrive or move)."""
        self.layers = route_layers(self.origins, self.targets, self.positions, self.radius, self.active)

    def resolve(self, raid: np.ndarray, seed: int, shot_down: np.ndarray, lost_to_ew: np.ndarray,
                leaked: np.ndarray, fired: np.ndarray, damage: np.ndarray) -> None:
        """Fight one night, its draws seeded by `seed`, writing the outcome into the arrays given.

        `shot_down`, `lost_to_ew`, `leaked` are by threat class, `fired` by
        interceptor type, `damage` by site (the campaign passes its ledger's
        rows for the day, so nothing is copied).
        """
        self.set_conservation()
        resolve_raid(raid, self.layers, self.route_order, self.active, self.is_ew, self.ew_share,
                     self.channels, self.effectiveness, self.class_order, self.shots_per_target,
                     self.look_shoot, self.reserve, self.preference, self.kill_probability,
                     self.ballistic_capable, self.is_ballistic, self.pool_of, self.launcher_rounds,
                     self.stock, seed, self.route_site, self.damage_per_leaker, self.guarding, self.guards,
                     shot_down, lost_to_ew, leaked, fired, damage)
