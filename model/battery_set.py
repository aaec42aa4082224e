"""The theatre's batteries as one set of arrays, a row each: the one place a battery's state is kept.

In the spirit of mesa-frames' agent sets, the set owns every per-battery
array: the battery type's figures, the doctrine compiled to engagement orders
and shots, the force factors' channels and launcher rounds, the stock, the
place and the status. The raid kernel reads these arrays; the
`DefenderBattery` agents are views of their rows with behaviour, and read or
change a row only through the methods here. Each fact lives once: where a
battery stands in `positions`, whether it is in the fight in `status`, its
doctrine in the arrays compiled from it (named in `doctrine_names`).

Rows include the batteries the timeline delivers later, `WAITING` until
they arrive. Columns are interceptor types or threat classes in catalog
order (`CatalogArrays`). The arrays are changed in place, never replaced:
the suppliers and the kernel's record hold them.
"""

import numpy as np

from agents import BatteryStatus, BatteryType, Doctrine
from model.catalog_arrays import CatalogArrays
from model.scenario import Catalog


class BatterySet:
    """Every battery's arrays, and the changes the timeline and the agents make to them."""

    def __init__(self, catalog: Catalog, tables: CatalogArrays, size: int, site_names: list[str]) -> None:
        """Room for `size` batteries defending `site_names`, every row empty and `WAITING` until filled."""
        self.catalog = catalog
        self.tables = tables
        self.site_names = list(site_names)
        self.size = size
        """Rows kept: the batteries placed at the start and every one the timeline will deliver."""
        self.count = 0
        """Rows filled so far (by `add`)."""
        self.type_names: list[str] = []
        self.doctrine_names: list[str | None] = []
        self.status = np.full(size, BatteryStatus.WAITING, dtype=np.int8)
        self.positions = np.zeros((size, 2), dtype=np.int64)
        self.stock = np.zeros((size, len(tables.interceptor_names)), dtype=np.int64)
        self._allocate_type_rows(size, len(tables.class_names), len(tables.interceptor_names))
        self._allocate_doctrine_rows(size, len(tables.class_names), len(tables.interceptor_names))
        self._capacity_factor: dict[str, float] = {}
        self._ew_factor: dict[str, float] = {}
        self._channel_factor = 1.0
        self._conserves = False

    def _allocate_type_rows(self, b: int, n_c: int, n_i: int) -> None:
        """What each battery's type gives it, and the channels and rounds its force factors make of that."""
        self.is_ew = np.zeros(b, dtype=np.bool_)
        self.ew_share = np.zeros((b, n_c))
        self.radius = np.zeros(b)
        self.terminal_radius = np.zeros(b)
        self.engagement_hours = np.zeros(b)  # 0: one engagement per channel per wave
        self.base_channels = np.zeros(b, dtype=np.int64)
        self.channels = np.zeros(b, dtype=np.int64)
        self.base_launcher_rounds = np.zeros((b, n_i), dtype=np.int64)
        self.launcher_rounds = np.zeros((b, n_i), dtype=np.int64)
        self.effectiveness = np.ones(b)  # kill probabilities' factor under the warning in force

    def _allocate_doctrine_rows(self, b: int, n_c: int, n_i: int) -> None:
        """What each battery's doctrine compiles to; `conserving` and `guarding` are set before each night."""
        n_s = len(self.site_names)
        self.class_order = np.full((b, n_c), -1, dtype=np.int64)  # tonight's: normal or conserve
        self.normal_order = np.full((b, n_c), -1, dtype=np.int64)
        self.conserve_order = np.full((b, n_c), -1, dtype=np.int64)
        self.conserve_below = np.full(b, -1, dtype=np.int64)  # -1: the battery never conserves
        self.conserving = np.zeros(b, dtype=np.bool_)
        self.guarding = np.zeros(b, dtype=np.bool_)  # conserving and limited to some sites tonight
        self.guards = np.ones((b, n_s), dtype=np.bool_)  # sites a conserving battery still fires for
        self.shots_per_target = np.ones((b, n_c), dtype=np.int64)
        self.shots = np.ones((b, n_s, n_c), dtype=np.int64)  # by target site
        self.look_shoot = np.zeros(b, dtype=np.bool_)
        self.reserve = np.zeros(b, dtype=np.int64)
        self.preference = np.full((b, n_c, n_i), -1, dtype=np.int64)

    # ------------------------------------------------------------------ filling rows
    def add(self, type_name: str, doctrine_name: str | None, cell) -> int:
        """Fill the next row for a battery of `type_name` at `cell`; returns its row, `WAITING` and empty."""
        row = self.count
        self.count += 1
        self.type_names.append(type_name)
        btype = self.catalog.battery_types[type_name]
        names, interceptors = self.tables.class_names, self.tables.interceptor_names
        self.is_ew[row] = not btype.interceptors
        self.ew_share[row] = [btype.ew_share.get(c, 0.0) for c in names]
        self.ew_share[row] = np.minimum(self.ew_share[row] * self._ew_factor.get(type_name, 1.0), 1.0)
        self.base_channels[row] = btype.channels_per_wave
        self.engagement_hours[row] = btype.engagement_hours
        self.terminal_radius[row] = btype.terminal_radius
        self.positions[row] = cell
        self.radius[row] = btype.radius
        carried = [interceptors.index(name) for name in btype.interceptors]
        for name in btype.interceptors:
            self.base_launcher_rounds[row, interceptors.index(name)] = btype.launcher_rounds.get(name, 0)
        self.preference[row, :, : len(carried)] = carried
        doctrine_name = doctrine_name or btype.doctrine
        self.doctrine_names.append(doctrine_name)
        if doctrine_name is not None:
            self._compile_doctrine(row, self.catalog.doctrines[doctrine_name])
        self._set_channels(np.array([row]))
        return row

    def _compile_doctrine(self, row: int, doctrine: Doctrine) -> None:
        """Row `row`'s engagement orders, conserve mode, shots, round preferences and reserve, from `doctrine`."""
        names, interceptors = self.tables.class_names, self.tables.interceptor_names
        self.normal_order[row, :] = -1
        order = self.tables.engaged_classes(doctrine.engage)
        self.normal_order[row, : len(order)] = order
        self.class_order[row] = self.normal_order[row]
        if doctrine.conserve_below is not None:
            self._conserves = True
            self.conserve_below[row] = doctrine.conserve_below
            kept = self.tables.engaged_classes(doctrine.conserve_engage)
            self.conserve_order[row, : len(kept)] = kept
            if doctrine.conserve_sites:
                self.guards[row] = [name in doctrine.conserve_sites for name in self.site_names]
        self.shots_per_target[row] = [doctrine.shots_per_target.get(c, 1) for c in names]
        self.shots[row] = self.shots_per_target[row]
        for site, table in doctrine.site_shots.items():
            k = self.site_names.index(site)
            self.shots[row, k] = [table.get(c, self.shots_per_target[row, j]) for j, c in enumerate(names)]
        for threat, preferred in doctrine.preference.items():
            c = names.index(threat)
            self.preference[row, c, :] = -1
            self.preference[row, c, : len(preferred)] = [interceptors.index(i) for i in preferred]
        self.look_shoot[row] = doctrine.mode == "shoot-look-shoot"
        self.reserve[row] = doctrine.ballistic_reserve

    def deploy(self, row: int, magazine: dict[str, int] | None) -> None:
        """Bring a battery row into the fight with `magazine` (its type's, if None)."""
        btype = self.battery_type(row)
        for name, rounds in (btype.magazine if magazine is None else magazine).items():
            self.stock[row, self.tables.interceptor_names.index(name)] = rounds
        self.status[row] = BatteryStatus.READY

    # ------------------------------------------------------------------ one battery's row, for its agent
    def type_name(self, row: int) -> str:
        """The catalog name of row `row`'s battery type."""
        return self.type_names[row]

    def battery_type(self, row: int) -> BatteryType:
        """Row `row`'s battery type."""
        return self.catalog.battery_types[self.type_names[row]]

    def doctrine(self, row: int) -> Doctrine | None:
        """The doctrine compiled into row `row` (None: an EW unit, which has none)."""
        name = self.doctrine_names[row]
        return None if name is None else self.catalog.doctrines[name]

    def position(self, row: int) -> tuple[int, int]:
        """The grid coordinate row `row`'s battery stands on."""
        x, y = self.positions[row].tolist()
        return x, y

    def place(self, row: int, coordinate) -> None:
        """Row `row`'s battery now stands on `coordinate`."""
        self.positions[row] = coordinate

    def status_of(self, row: int) -> BatteryStatus:
        """Row `row`'s status."""
        return BatteryStatus(self.status[row])

    def set_status(self, row: int, status: BatteryStatus) -> None:
        """Row `row`'s battery is now `status` (the caller recomputes the routes)."""
        self.status[row] = status

    def round_against(self, row: int, threat: int) -> tuple[int, float]:
        """The first round type in row `row`'s order for class `threat` that can hit it and is held.

        Returns (round type, its kill probability under tonight's warning), or (-1, 0.0) if none.
        """
        kill = self.tables.kill_probability
        for i in self.preference[row, threat]:
            if i < 0:
                break
            p = kill[i, threat] * self.effectiveness[row]
            if p > 0 and self.stock[row, i] > 0:
                return int(i), p
        return -1, 0.0

    def shots_at(self, row: int, threat: int) -> int:
        """Rounds row `row`'s doctrine fires at once at one threat of class `threat`."""
        return int(self.shots_per_target[row, threat])

    # ------------------------------------------------------------------ the whole set
    @property
    def active(self) -> np.ndarray:
        """(B,) whether each row is in the fight (`READY`), read from `status`."""
        return self.status == BatteryStatus.READY

    def rows_of(self, type_name: str) -> np.ndarray:
        """The battery rows of one battery type, in the order the batteries joined."""
        return np.flatnonzero(np.array(self.type_names) == type_name) if self.type_names else np.zeros(0, np.int64)

    def firing(self, interceptor: int) -> np.ndarray:
        """Rows in the fight whose launchers take interceptor type `interceptor`."""
        return np.flatnonzero(self.active & (self.launcher_rounds[:, interceptor] > 0))

    def _set_channels(self, rows: np.ndarray) -> None:
        """Channels and launcher rounds of `rows` at their type's force factor (and channels at the warning's)."""
        factor = np.array([self._capacity_factor.get(self.type_names[r], 1.0) for r in rows])
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
            self.ew_share[rows] = np.minimum(np.array([base.get(c, 0.0) for c in self.tables.class_names])
                                             * ew_factor, 1.0)

    def set_conservation(self) -> None:
        """Before a night: batteries holding `conserve_below` rounds or fewer engage only their conserve list."""
        if not self._conserves:
            return
        self.conserving[:] = (self.conserve_below >= 0) & (self.stock.sum(axis=1) <= self.conserve_below)
        self.class_order[:] = np.where(self.conserving[:, None], self.conserve_order, self.normal_order)
        self.guarding[:] = self.conserving & ~self.guards.all(axis=1)
