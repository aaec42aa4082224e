"""What one table of a scenario says about another: references that point at nothing, places off the map.

Pydantic checks each field's type and bounds; `check_references` then walks
the scenario with a `Check`, which keeps the names each kind of reference may
take and collects every problem at the key it sits at. Timeline events and
drawn pauses check themselves through the same `Check` (their `check` methods).
"""

from model.families import classes_of, count_class, family_of, members

Problem = tuple[str, object, str]
"""(key path, value found, what is wrong)."""


class Check:
    """The names a scenario defines, and the problems found so far."""

    def __init__(self, scenario) -> None:
        """Collect the names every reference is checked against."""
        self.scenario = scenario
        cat = scenario.catalog
        self.problems: list[Problem] = []
        self.kinds = set(cat.threats) | set(cat.families)
        """What a property table, list or count may name: a threat class or a family."""
        self.interceptors = cat.interceptors
        self.battery_types = cat.battery_types
        self.doctrines = cat.doctrines
        self.sites = {site.name for site in scenario.sites}
        self.suppliers = {supplier.name for supplier in scenario.suppliers}

    def problem(self, path: str, value, why: str) -> None:
        """Report one problem at `path`."""
        self.problems.append((path, value, why))

    def need(self, name, known, path: str, what: str) -> None:
        """`name` must be one of `known`."""
        if name not in known:
            self.problem(path, name, f"unknown {what}; known: {', '.join(sorted(known))}")

    def reference(self, kind: str, name, path: str) -> None:
        """`name` must be a defined `kind`: supplier, interceptor, threat (class or family), battery_type or site."""
        known, what = {"supplier": (self.suppliers, "supplier"), "interceptor": (self.interceptors, "interceptor type"),
                       "threat": (self.kinds, "threat class or family"),
                       "battery_type": (self.battery_types, "battery type"), "site": (self.sites, "site")}[kind]
        self.need(name, known, path, what)

    def keys(self, table, known, path: str, what: str) -> None:
        """Every key of `table` must be one of `known`."""
        for key in table or {}:
            self.need(key, known, f"{path}.{key}", what)

    def unique(self, named: list[tuple[str, str | None]], what: str) -> None:
        """Names in a named list (given as (path of the name, name); None: unnamed) are each used once."""
        first: dict[str, str] = {}
        for path, name in named:
            if name is not None and name in first:
                self.problem(path, name, f"a second {what} of this name (the first is at {first[name]}); "
                                         f"{what} names must be unique")
            first.setdefault(name, path)

    def on_grid(self, cell, path: str) -> None:
        """`cell` must lie on the scenario's grid."""
        grid = self.scenario.grid
        x, y = cell
        if x >= grid.width or y >= grid.height:
            self.problem(path, list(cell), f"off the {grid.width}x{grid.height} grid")

    def placement(self, battery, path: str) -> None:
        """A battery's type, cell, doctrine and magazine."""
        self.need(battery.type, self.battery_types, f"{path}.type", "battery type")
        self.on_grid(battery.cell, f"{path}.cell")
        if battery.doctrine is not None:
            self.need(battery.doctrine, self.doctrines, f"{path}.doctrine", "doctrine")
        if battery.type in self.battery_types:
            self.keys(battery.magazine, self.battery_types[battery.type].interceptors, f"{path}.magazine",
                      f"interceptor for a {battery.type} battery")


def check_references(s) -> list[Problem]:
    """Find every cross-reference that points at nothing, every place off the map, every table at odds."""
    check = Check(s)
    if s.end < s.start:
        check.problem("end", s.end, f"before the start, {s.start}")
    check.problems += s.attacker.problems("attacker")
    for name, btype in s.catalog.battery_types.items():
        check.problems += btype.problems(f"catalog.battery_types.{name}")
    _check_threats(check, s.catalog)
    _check_doctrines(check, s.catalog)
    _check_battery_types(check, s.catalog)
    for i, cell in enumerate(s.grid.launch_areas):
        check.on_grid(cell, f"grid.launch_areas[{i}]")
    for i, site in enumerate(s.sites):
        check.on_grid(site.cell, f"sites[{i}].cell")
        if site.lonlat is not None and not -90 <= site.lonlat[1] <= 90:
            check.problem(f"sites[{i}].lonlat", list(site.lonlat), "latitude must lie between -90 and 90")
    if s.grid.bounds is not None:
        west, south, east, north = s.grid.bounds
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            check.problem("grid.bounds", list(s.grid.bounds), "must be [west, south, east, north] in degrees, "
                          "west below east and south below north")
    check.unique([(f"sites[{i}].name", site.name) for i, site in enumerate(s.sites)], "site")
    arriving = [(f"timeline[{i}]" + ("" if b is e else f".batteries[{j}]"), b)
                for i, e in enumerate(s.timeline) for j, b in enumerate(e.arriving())]
    check.unique([(f"{path}.name", b.name) for path, b in
                  [(f"batteries[{i}]", b) for i, b in enumerate(s.batteries)] + arriving], "battery")
    check.unique([(f"suppliers[{i}].name", p.name) for i, p in enumerate(s.suppliers)], "supplier")
    for i, battery in enumerate(s.batteries):
        check.placement(battery, f"batteries[{i}]")
    _check_preferences(check, s)
    _check_attacker(check, s)
    _check_suppliers(check, s)
    for i, event in enumerate(s.timeline):
        event.check(check, f"timeline[{i}]")
    if s.attacker.battery_strikes is not None:
        for i, name in enumerate(s.attacker.battery_strikes.types):
            check.need(name, check.battery_types, f"attacker.battery_strikes.types[{i}]", "battery type")
        if not any(t.ballistic for t in s.catalog.threats.values()):
            check.problem("attacker.battery_strikes", "...", "strikes need a ballistic threat class")
    if s.relocation is not None:
        for i, name in enumerate(s.relocation.types):
            check.need(name, check.battery_types, f"relocation.types[{i}]", "battery type")
    for i, process in enumerate(s.pause_processes):
        process.check(check, f"pause_processes[{i}]")
    return check.problems


def _check_threats(check: Check, cat) -> None:
    """Decoys mimic a class, classes name a declared family, families' defaults are their own members."""
    groups = members(cat.threats)
    for name, threat in cat.threats.items():
        if threat.mimics is not None:
            check.need(threat.mimics, cat.threats, f"catalog.threats.{name}.mimics", "threat class")
        if threat.family is not None and threat.family != name:
            check.need(threat.family, cat.families, f"catalog.threats.{name}.family",
                       "family (declare it under [catalog.families])")
    for name, family in cat.families.items():
        if name in cat.threats:
            check.problem(f"catalog.families.{name}", name, "a family may not share its name with a class")
        elif family_of(cat.threats).get(family.default) != name:
            check.problem(f"catalog.families.{name}.default", family.default,
                          f"not a class of this family; its classes: {', '.join(groups.get(name, [])) or 'none'}")
    for name, interceptor in cat.interceptors.items():
        check.keys(interceptor.kill_probability, check.kinds,
                   f"catalog.interceptors.{name}.kill_probability", "threat class or family")


def _check_doctrines(check: Check, cat) -> None:
    """Every class, family and site a doctrine names."""
    kinds, what = check.kinds, "threat class or family"
    for name, doctrine in cat.doctrines.items():
        path = f"catalog.doctrines.{name}"
        for i, threat in enumerate(doctrine.engage):
            check.need(threat, kinds, f"{path}.engage[{i}]", what)
        check.keys(doctrine.shots_per_target, kinds, f"{path}.shots_per_target", what)
        for i, threat in enumerate(doctrine.conserve_engage):
            check.need(threat, kinds, f"{path}.conserve_engage[{i}]", what)
        for i, site in enumerate(doctrine.conserve_sites):
            check.need(site, check.sites, f"{path}.conserve_sites[{i}]", "site")
        check.keys(doctrine.preference, kinds, f"{path}.preference", what)
        for site, shots in doctrine.site_shots.items():
            check.need(site, check.sites, f"{path}.site_shots.{site}", "site")
            check.keys(shots, kinds, f"{path}.site_shots.{site}", what)


def _check_battery_types(check: Check, cat) -> None:
    """A battery type's interceptors, its tables by interceptor and class, and its doctrine."""
    for name, btype in cat.battery_types.items():
        path = f"catalog.battery_types.{name}"
        for i, interceptor in enumerate(btype.interceptors):
            check.need(interceptor, cat.interceptors, f"{path}.interceptors[{i}]", "interceptor type")
        for table in ("launcher_rounds", "magazine"):
            check.keys(getattr(btype, table), btype.interceptors, f"{path}.{table}",
                       f"interceptor for a {name} battery")
        check.keys(btype.ew_share, check.kinds, f"{path}.ew_share", "threat class or family")
        for key, share in (btype.ew_share or {}).items():
            if share > 0 and any(cat.threats[c].ballistic for c in classes_of(key, cat.threats)):
                check.problem(f"{path}.ew_share.{key}", share, "EW takes its share of air-breathing classes only "
                              "(drones, decoys, cruise missiles); a ballistic missile is not jammed")
        if btype.doctrine is not None:
            check.need(btype.doctrine, cat.doctrines, f"{path}.doctrine", "doctrine")


def _carriers(s) -> dict[str, list[tuple[str, list[str]]]]:
    """Per doctrine: where it is used, and the interceptors carried there (types, batteries, arrivals)."""
    types = s.catalog.battery_types
    carriers: dict[str, list[tuple[str, list[str]]]] = {}
    for name, btype in types.items():
        if btype.doctrine is not None:
            carriers.setdefault(btype.doctrine, []).append((f"{name} batteries", btype.interceptors))
    placed = [(f"batteries[{i}] ({b.type})", b) for i, b in enumerate(s.batteries)]
    placed += [(f"timeline[{i}]", b) for i, event in enumerate(s.timeline) for b in event.arriving()]
    for where, b in placed:
        if b.doctrine is not None and b.type in types:
            carriers.setdefault(b.doctrine, []).append((where, types[b.type].interceptors))
    return carriers


def _check_preferences(check: Check, s) -> None:
    """A doctrine's preferred interceptors are carried wherever the doctrine is used."""
    for name, uses in _carriers(s).items():
        doctrine = s.catalog.doctrines.get(name)
        for threat, order in (doctrine.preference.items() if doctrine else []):
            for k, interceptor in enumerate(order):
                for where, carried in uses:
                    if interceptor not in carried:
                        check.problem(f"catalog.doctrines.{name}.preference.{threat}[{k}]", interceptor,
                                      f"{where} do not carry it; they carry: {', '.join(carried) or 'nothing'}")
                        break


def _check_attacker(check: Check, s) -> None:
    """The attacker's tables name classes or families; what it launches can reach a site."""
    a = s.attacker
    for table in ("initial_stockpile", "production_per_day", "waves"):
        check.keys(getattr(a, table), check.kinds, f"attacker.{table}", "threat class or family")
    check.keys(a.routine.mean, check.kinds, "attacker.routine.mean", "threat class or family")
    check.keys(a.salvo.swarm_mix, check.kinds, "attacker.salvo.swarm_mix", "threat class or family")
    check.keys(a.salvo.missiles, check.kinds, "attacker.salvo.missiles", "threat class or family")
    if a.mode == "drawn":
        check.problems += _out_of_range(s)


def _check_suppliers(check: Check, s) -> None:
    """Suppliers' products are interceptor types."""
    for i, supplier in enumerate(s.suppliers):
        check.keys(supplier.products, check.interceptors, f"suppliers[{i}].products", "interceptor type")


def _out_of_range(s) -> list[Problem]:
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
