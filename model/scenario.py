"""What a scenario is: the validated, typed form of a scenario file and its catalog.

Field types and bounds are checked by pydantic; `check_references` then checks
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
from model.families import count_class, family_of, members
from model.timeline import (
    AttackerRamp,
    AttackerRate,
    ForceChange,
    ForceRamp,
    IntelPause,
    KillProbabilityChange,
    NewBattery,
    Pause,
    PauseProcess,
    Procurement,
    SupplierRamp,
    SupplierRate,
    TimelineEvent,
)


class Family(Params):
    """A family of threat classes (`cruise`: Kh-101, Kalibr, ...), named by its members' `family`.

    `default` is the class a family name stands for in a table of counts: the
    family's unspecified member (see `model/families.py`). `missile`: its
    classes are missiles, which the attacker's adaptation shares out among
    themselves (drones and decoys are not).
    """

    default: str
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

    def cheap_layers(self) -> list[str]:
        """The battery types marked `cheap`: the layers whose worth per dollar the layered-defence answer weighs."""
        return [name for name, btype in self.battery_types.items() if btype.cheap]


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


Problem = tuple[str, object, str]
"""(key path, value found, what is wrong)."""


def check_references(s: Scenario) -> list[Problem]:
    """Find every cross-reference that points at nothing, every place off the map, every table at odds."""
    problems: list[Problem] = []
    cat = s.catalog
    if s.end < s.start:
        problems.append(("end", s.end, f"before the start, {s.start}"))
    problems += s.attacker.problems("attacker")
    for name, btype in cat.battery_types.items():
        problems += btype.problems(f"catalog.battery_types.{name}")

    def need(name, known, path, what):
        if name not in known:
            problems.append((path, name, f"unknown {what}; known: {', '.join(sorted(known))}"))

    def keys(table, known, path, what):
        for key in table or {}:
            need(key, known, f"{path}.{key}", what)

    def on_grid(cell, path):
        x, y = cell
        if x >= s.grid.width or y >= s.grid.height:
            problems.append((path, list(cell), f"off the {s.grid.width}x{s.grid.height} grid"))

    groups = members(cat.threats)
    kinds = set(cat.threats) | set(cat.families)  # what a property table, list or count may name
    for name, threat in cat.threats.items():
        if threat.mimics is not None:
            need(threat.mimics, cat.threats, f"catalog.threats.{name}.mimics", "threat class")
        if threat.family is not None and threat.family != name:
            need(threat.family, cat.families, f"catalog.threats.{name}.family", "family (declare it under "
                                                                                "[catalog.families])")
    for name, family in cat.families.items():
        if name in cat.threats:
            problems.append((f"catalog.families.{name}", name, "a family may not share its name with a class"))
        elif family_of(cat.threats).get(family.default) != name:
            problems.append((f"catalog.families.{name}.default", family.default,
                             f"not a class of this family; its classes: {', '.join(groups.get(name, [])) or 'none'}"))
    for name, interceptor in cat.interceptors.items():
        keys(interceptor.kill_probability, kinds,
             f"catalog.interceptors.{name}.kill_probability", "threat class or family")
    for name, doctrine in cat.doctrines.items():
        for i, threat in enumerate(doctrine.engage):
            need(threat, kinds, f"catalog.doctrines.{name}.engage[{i}]", "threat class or family")
        keys(doctrine.shots_per_target, kinds, f"catalog.doctrines.{name}.shots_per_target",
             "threat class or family")
        for i, threat in enumerate(doctrine.conserve_engage):
            need(threat, kinds, f"catalog.doctrines.{name}.conserve_engage[{i}]", "threat class or family")
        for i, site in enumerate(doctrine.conserve_sites):
            need(site, {x.name for x in s.sites}, f"catalog.doctrines.{name}.conserve_sites[{i}]", "site")
        keys(doctrine.preference, kinds, f"catalog.doctrines.{name}.preference", "threat class or family")
        for site, shots in doctrine.site_shots.items():
            need(site, {x.name for x in s.sites}, f"catalog.doctrines.{name}.site_shots.{site}", "site")
            keys(shots, kinds, f"catalog.doctrines.{name}.site_shots.{site}", "threat class or family")
    carriers: dict[str, list[tuple[str, list[str]]]] = {}  # doctrine -> (where used, interceptors carried there)
    for name, btype in cat.battery_types.items():
        path = f"catalog.battery_types.{name}"
        for i, interceptor in enumerate(btype.interceptors):
            need(interceptor, cat.interceptors, f"{path}.interceptors[{i}]", "interceptor type")
        for table in ("launcher_rounds", "magazine"):
            keys(getattr(btype, table), btype.interceptors, f"{path}.{table}",
                 f"interceptor for a {name} battery")
        keys(btype.ew_share, kinds, f"{path}.ew_share", "threat class or family")
        if btype.doctrine is not None:
            need(btype.doctrine, cat.doctrines, f"{path}.doctrine", "doctrine")
            carriers.setdefault(btype.doctrine, []).append((f"{name} batteries", btype.interceptors))

    def placement(b, path):
        need(b.type, cat.battery_types, f"{path}.type", "battery type")
        on_grid(b.cell, f"{path}.cell")
        if b.doctrine is not None:
            need(b.doctrine, cat.doctrines, f"{path}.doctrine", "doctrine")
            if b.type in cat.battery_types:
                carriers.setdefault(b.doctrine, []).append((f"{path} ({b.type})",
                                                            cat.battery_types[b.type].interceptors))
        if b.type in cat.battery_types:
            keys(b.magazine, cat.battery_types[b.type].interceptors, f"{path}.magazine",
                 f"interceptor for a {b.type} battery")

    for i, cell in enumerate(s.grid.launch_areas):
        on_grid(cell, f"grid.launch_areas[{i}]")
    for i, site in enumerate(s.sites):
        on_grid(site.cell, f"sites[{i}].cell")
    for i, battery in enumerate(s.batteries):
        placement(battery, f"batteries[{i}]")

    for i, event in enumerate(s.timeline):
        if isinstance(event, NewBattery | Procurement):
            for b in [event] if isinstance(event, NewBattery) else event.batteries:
                if b.doctrine is not None and b.type in cat.battery_types:
                    carriers.setdefault(b.doctrine, []).append((f"timeline[{i}]",
                                                                cat.battery_types[b.type].interceptors))
    for name, uses in carriers.items():
        doctrine = cat.doctrines.get(name)
        for threat, order in (doctrine.preference.items() if doctrine else []):
            for k, interceptor in enumerate(order):
                for where, carried in uses:
                    if interceptor not in carried:
                        problems.append((f"catalog.doctrines.{name}.preference.{threat}[{k}]", interceptor,
                                         f"{where} do not carry it; they carry: {', '.join(carried) or 'nothing'}"))
                        break

    a = s.attacker
    for table in ("initial_stockpile", "production_per_day", "waves"):
        keys(getattr(a, table), kinds, f"attacker.{table}", "threat class or family")
    keys(a.routine.mean, kinds, "attacker.routine.mean", "threat class or family")
    keys(a.salvo.swarm_mix, kinds, "attacker.salvo.swarm_mix", "threat class or family")
    keys(a.salvo.missiles, kinds, "attacker.salvo.missiles", "threat class or family")
    if a.mode == "drawn":
        problems += _out_of_range(s)

    suppliers = {}
    for i, supplier in enumerate(s.suppliers):
        if supplier.name in suppliers:
            problems.append((f"suppliers[{i}].name", supplier.name, "a second supplier of this name"))
        suppliers[supplier.name] = supplier
        keys(supplier.products, cat.interceptors, f"suppliers[{i}].products", "interceptor type")

    for i, event in enumerate(s.timeline):
        path = f"timeline[{i}]"
        if isinstance(event, Pause | IntelPause):
            if isinstance(event, Pause):
                need(event.supplier, suppliers, f"{path}.supplier", "supplier")
            if event.end is not None and event.days is not None:
                problems.append((f"{path}.days", event.days, "give the pause an end or a length in days, not both"))
            elif event.end is not None and event.end < event.start:
                problems.append((f"{path}.end", event.end, f"the pause ends before it starts ({event.start})"))
        elif isinstance(event, NewBattery):
            placement(event, path)
        elif isinstance(event, SupplierRamp | AttackerRamp | ForceRamp):
            if event.end < event.start:
                problems.append((f"{path}.end", event.end, f"the ramp ends before it starts ({event.start})"))
            if isinstance(event, SupplierRamp):
                need(event.supplier, suppliers, f"{path}.supplier", "supplier")
                need(event.interceptor, cat.interceptors, f"{path}.interceptor", "interceptor type")
            elif isinstance(event, AttackerRamp):
                need(event.threat, kinds, f"{path}.threat", "threat class or family")
            else:
                need(event.type, cat.battery_types, f"{path}.type", "battery type")
        elif isinstance(event, ForceChange):
            need(event.type, cat.battery_types, f"{path}.type", "battery type")
            if event.capacity_factor is None and event.ew_factor is None:
                problems.append((path, event.note or event.date, "changes nothing: give capacity_factor or ew_factor"))
        elif isinstance(event, KillProbabilityChange):
            need(event.interceptor, cat.interceptors, f"{path}.interceptor", "interceptor type")
            need(event.threat, kinds, f"{path}.threat", "threat class or family")
        elif isinstance(event, Procurement):
            need(event.supplier, suppliers, f"{path}.supplier", "supplier")
            keys(event.interceptors, cat.interceptors, f"{path}.interceptors", "interceptor type")
            if event.budget_usd > 0:
                if event.budget_interceptor is None:
                    problems.append((f"{path}.budget_interceptor", None, "a budget needs the interceptor it buys"))
                else:
                    need(event.budget_interceptor, cat.interceptors, f"{path}.budget_interceptor",
                         "interceptor type")
            for k, battery in enumerate(event.batteries):
                placement(battery, f"{path}.batteries[{k}]")
            if not (event.interceptors or event.budget_interceptor or event.budget_usd > 0 or event.batteries):
                problems.append((path, event.note or event.date, "names nothing to buy: give interceptors, a "
                                                                 "budget_interceptor or batteries"))
        else:
            if isinstance(event, SupplierRate):
                need(event.supplier, suppliers, f"{path}.supplier", "supplier")
                need(event.interceptor, cat.interceptors, f"{path}.interceptor", "interceptor type")
            elif isinstance(event, AttackerRate):
                need(event.threat, kinds, f"{path}.threat", "threat class or family")
    if s.attacker.battery_strikes is not None:
        for i, name in enumerate(s.attacker.battery_strikes.types):
            need(name, cat.battery_types, f"attacker.battery_strikes.types[{i}]", "battery type")
        if not any(t.ballistic for t in cat.threats.values()):
            problems.append(("attacker.battery_strikes", "...", "strikes need a ballistic threat class"))
    if s.relocation is not None:
        for i, name in enumerate(s.relocation.types):
            need(name, cat.battery_types, f"relocation.types[{i}]", "battery type")
    for i, process in enumerate(s.pause_processes):
        need(process.supplier, suppliers, f"pause_processes[{i}].supplier", "supplier")
    return problems


def _out_of_range(s: Scenario) -> list[Problem]:
    """Classes the attacker launches that no launch area can reach any site with (their `range_km`)."""
    a = s.attacker
    launched: dict[str, float] = {}
    for table in (a.routine.mean, a.salvo.missiles, a.salvo.swarm_mix):
        for key, value in table.items():
            name = count_class(key, s.catalog.threats, s.catalog.families)
            launched[name] = launched.get(name, 0.0) + value
    nearest = min(((x - sx) ** 2 + (y - sy) ** 2) ** 0.5 * s.grid.cell_km
                  for x, y in s.grid.launch_areas for sx, sy in (site.cell for site in s.sites))
    found = []
    for name, value in launched.items():
        threat = s.catalog.threats.get(name)
        if threat is not None and value > 0 and threat.range_km is not None and threat.range_km < nearest:
            found.append((f"catalog.threats.{name}.range_km", threat.range_km,
                          f"launched by the attacker but reaches no site; the nearest is {nearest:,.0f} km away"))
    return found
