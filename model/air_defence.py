"""The theatre's air defence: the batteries, the routes they cover and the night's call into the raid kernel.

It holds the catalog's arrays (`CatalogArrays`), the battery set
(`BatterySet`, every battery's state) and the routes: which batteries each
route crosses and which defend each site, recomputed when a battery joins or
leaves the fight. The force changes of the timeline (capacity and EW by
battery type, kill probabilities, the warning) act through one method each.
"""

import numpy as np

from model.battery_set import BatterySet
from model.catalog_arrays import CatalogArrays
from model.geometry import route_layers, terminal_defenders
from model.raid import resolve_raid
from model.raid_records import DefenceArrays, RaidOutcome
from model.scenario import Catalog


class _Table:
    """An attribute of the catalog's arrays, read through the air defence (the same array, not a copy)."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, defence, owner=None):
        return self if defence is None else getattr(defence.tables, self.name)


class AirDefence:
    """Battery set, catalog arrays, route layers and terminal defenders, and the call into the raid kernel."""

    class_names = _Table()
    interceptor_names = _Table()
    is_ballistic = _Table()
    kill_probability = _Table()
    ballistic_capable = _Table()
    round_cost = _Table()
    damage_per_leaker = _Table()

    def __init__(self, catalog: Catalog, capacity: int, origins: np.ndarray, targets: np.ndarray,
                 route_order: np.ndarray, route_site: np.ndarray, site_names: list[str], site_cells: np.ndarray,
                 timing) -> None:
        """Room for `capacity` batteries on the given routes (`route_site`: each route's target site).

        `timing` (the attacker's `RaidTiming`) says how long a wave lasts, for
        the batteries whose channels engage again while it passes (see `wave_capacity`).
        """
        self.catalog = catalog
        self.timing = timing
        self.tables = CatalogArrays(catalog)
        self.batteries = BatterySet(catalog, self.tables, capacity, site_names)
        self.origins, self.targets, self.route_order = origins, targets, route_order
        self.route_site = route_site
        self.site_cells = site_cells
        self.layers = np.full((len(origins), 1), -1, dtype=np.int64)  # no battery yet: see update_routes
        self.terminal = np.full((len(site_names), 1), -1, dtype=np.int64)
        self._defence: DefenceArrays | None = None  # the kernel's record, rebuilt when the routes change

    # ------------------------------------------------------------------ the timeline's handles
    def add(self, type_name: str, doctrine_name: str | None, cell) -> int:
        """Keep a row for a battery of `type_name` at `cell` (see `BatterySet.add`); returns its row."""
        return self.batteries.add(type_name, doctrine_name, cell)

    def set_force(self, type_name: str, capacity_factor: float | None = None, ew_factor: float | None = None) -> None:
        """A force change by battery type (see `BatterySet.set_force`)."""
        self.batteries.set_force(type_name, capacity_factor, ew_factor)

    def set_warning(self, kill_factor: float, channel_factor: float) -> None:
        """Scale every battery's kill probability and fire channels (see `BatterySet.set_warning`)."""
        self.batteries.set_warning(kill_factor, channel_factor)

    def set_kill_probability(self, interceptor: str, classes: list[str], value: float) -> None:
        """From now on `interceptor` kills each of `classes` with probability `value`."""
        self.tables.set_kill_probability(interceptor, classes, value)

    # ------------------------------------------------------------------ routes and nights
    def update_routes(self) -> None:
        """Recompute which batteries in the fight each route crosses and which defend each site."""
        batteries = self.batteries
        active = batteries.active
        self.layers = route_layers(self.origins, self.targets, batteries.positions, batteries.radius, active)
        self.terminal = terminal_defenders(self.site_cells, batteries.positions, batteries.terminal_radius, active)
        self._defence = None

    def _kernel_record(self) -> DefenceArrays:
        """The kernel's record of the defence: the arrays themselves (changed in place), named."""
        if self._defence is None:
            b, tables, timing = self.batteries, self.tables, self.timing
            self._defence = DefenceArrays(
                layers=self.layers, terminal=self.terminal, route_order=self.route_order, route_site=self.route_site,
                status=b.status, is_ew=b.is_ew, ew_share=b.ew_share, channels=b.channels,
                engagement_hours=b.engagement_hours, effectiveness=b.effectiveness, class_order=b.class_order,
                shots=b.shots, look_shoot=b.look_shoot, reserve=b.reserve, preference=b.preference,
                launcher_rounds=b.launcher_rounds, stock=b.stock, guarding=b.guarding, guards=b.guards,
                kill_probability=tables.kill_probability, ballistic_capable=tables.ballistic_capable,
                is_ballistic=tables.is_ballistic, pool_members=tables.pool_members,
                damage_per_leaker=tables.damage_per_leaker, launches_per_hour=float(timing.launches_per_hour),
                min_hours=float(timing.min_hours), max_hours=float(timing.max_hours))
        return self._defence

    def resolve(self, raid: np.ndarray, seed: int, outcome: RaidOutcome) -> None:
        """Fight one night, its draws seeded by `seed`, writing what came of it into `outcome`.

        The campaign passes its ledger's rows for the day as `outcome`, so
        nothing is copied.
        """
        self.batteries.set_conservation()
        resolve_raid(raid, seed, self._kernel_record(), outcome)
