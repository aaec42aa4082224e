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
    family's unspecified member (see `model/families.py`).
    """

    default: str
    description: str = ""


class Catalog(Params):
    """The named kinds a scenario builds from: threats and their families, interceptors, battery types, doctrines."""

    threats: dict[str, ThreatClass] = Field(min_length=1)
    families: dict[str, Family] = Field(default_factory=dict)
    interceptors: dict[str, InterceptorType]
    battery_types: dict[str, BatteryType]
    doctrines: dict[str, Doctrine]


class GridParams(Params):
    """The theatre as a grid of cells; raids start from launch areas on it."""

    width: PositiveInt
    height: PositiveInt
    cell_km: PositiveFloat = Field(50.0, description="Kilometres across one cell (for the threats' ranges).")
    launch_areas: list[Cell] = Field(min_length=1)


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
