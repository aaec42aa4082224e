"""What a scenario is: the validated, typed form of a scenario file and its catalog.

Field types and bounds are checked by pydantic; `model.consistency` then checks
what one table says about another (a battery type missing from the catalog, a
site off the grid, a pause that ends before it starts). Every problem is
reported with the key it sits at and the value found there.
"""

from datetime import date, timedelta

from pydantic import Field

from agents.attacker import AttackerParams, ThreatClass
from agents.battery import BatteryPlacement, BatteryType, Doctrine, InterceptorType
from agents.params import Cell, NonNegativeInt, Params, PositiveFloat, PositiveInt
from agents.site import SiteParams
from agents.supplier import SupplierParams
from model.timeline import PauseProcess, TimelineEvent


class Family(Params):
    """A family of threat classes (`cruise`: Kh-101, Kalibr, ...), named by its members' `family`.

    `default` is the class a family name stands for in a table of counts: the
    family's unspecified member (see `model/families.py`). `missile`: its
    classes are missiles, which the attacker's adaptation shares out among
    themselves (drones and decoys are not).
    """

    default: str
    label: str = Field("", description="A plain name for tables and the view (empty: the key itself).")
    description: str = ""
    missile: bool = Field(False, description="Its classes are missiles (a ballistic class always is).")


class Catalog(Params):
    """The named kinds a scenario builds from: threats and their families, interceptors, battery types, doctrines."""

    threats: dict[str, ThreatClass] = Field(min_length=1)
    families: dict[str, Family] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorType]
    battery_types: dict[str, BatteryType]
    doctrines: dict[str, Doctrine]

    def ballistic_classes(self) -> list[str]:
        """The threat classes marked `ballistic` (met only in their terminal phase), in catalog order."""
        return [name for name, threat in self.threats.items() if threat.ballistic]

    def missile_classes(self) -> list[str]:
        """The threat classes that are missiles: ballistic ones, and those of a family marked `missile`."""
        missile = {name for name, family in self.families.items() if family.missile}
        return [name for name, threat in self.threats.items() if threat.ballistic or threat.family in missile]

    def ballistic_capable(self) -> list[str]:
        """The interceptor types marked `ballistic_capable` (the ones a reserve keeps back), in catalog order."""
        return [name for name, kind in self.interceptors.items() if kind.ballistic_capable]

    def label(self, name: str) -> str:
        """The plain name of a threat class, family, interceptor or battery type (its `label`, else the key)."""
        for table in (self.threats, self.families, self.interceptors, self.battery_types):
            if name in table:
                return table[name].label or name
        return name

    def cheap_layers(self) -> list[str]:
        """The battery types marked `cheap`: the layers whose worth per dollar the layered-defence answer weighs."""
        return [name for name, btype in self.battery_types.items() if btype.cheap]


class GridParams(Params):
    """The theatre as a grid of cells; raids start from launch areas on it."""

    width: PositiveInt
    height: PositiveInt
    cell_km: PositiveFloat = Field(50.0, description="Kilometres across one cell (for the threats' ranges).")
    launch_areas: list[Cell] = Field(min_length=1)
    bounds: list[float] | None = Field(
        None, min_length=4, max_length=4,
        description="[west, south, east, north]: longitudes and latitudes of the grid's outer edges, which place "
                    "cells on the view's map (None: the map shows the bare grid). The model does not read it.")


class Relocation(Params):
    """Batteries of `types` move toward where recent raids did most damage (none move by default).

    Every `every_days`, the site with the most damage over the last
    `window_days` draws up to `moves` batteries of those types from the sites
    that suffered least; each is out of the fight for `move_days` on the way.
    """

    types: list[str] = Field(min_length=1, description="Battery types that may move.")
    every_days: int = Field(14, ge=1, description="Days between decisions to move.")
    window_days: int = Field(14, ge=1, description="Days of damage the decision looks back on.")
    move_days: NonNegativeInt = Field(3, description="Days a moving battery is out of the fight.")
    moves: int = Field(1, ge=1, description="Batteries moved at most per decision.")


class Scenario(Params):
    """A whole campaign as data: calendar, catalog, grid, forces, suppliers and timeline."""

    name: str
    description: str = ""
    start: date
    end: date
    catalog: Catalog
    grid: GridParams
    sites: list[SiteParams] = Field(min_length=1)
    batteries: list[BatteryPlacement] = Field(default_factory=list)
    attacker: AttackerParams
    suppliers: list[SupplierParams] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    pause_processes: list[PauseProcess] = Field(default_factory=list)
    relocation: Relocation | None = Field(None, description="Batteries moving toward recent damage (none: fixed).")
    ensemble: str | None = Field(
        None, description="Posterior parameter draws (Parquet, relative to the scenario file) that sweeps, "
                          "validation and forecasts run: replication r on draw r. A single run uses the values "
                          "written in the scenario (the posterior median). \"none\": no ensemble (a scenario "
                          "extending one that names an ensemble).")

    @property
    def horizon(self) -> int:
        """Days in the campaign, both ends included."""
        return (self.end - self.start).days + 1

    def day_of(self, when: date) -> int:
        """Days from the start date (0 on the start date)."""
        return (when - self.start).days

    def date_of(self, day: int) -> date:
        """The calendar date of day `day`."""
        return self.start + timedelta(days=day)
