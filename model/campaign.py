"""The campaign: a Mesa model of an air-defence war of attrition, one step per day.

A day is the night's raid, then the day's logistics. Aid pauses, resumptions,
new batteries and production changes are events on Mesa's event list, placed
half a day before the step of their day, so they act before that day's raid.
"""

import math
from datetime import timedelta

import numpy as np
from mesa import Model
from mesa.discrete_space import OrthogonalMooreGrid
from mesa.time import Priority, Schedule

from agents import Attacker, DefendedSite, DefenderBattery, Supplier
from model.air_defence import AirDefence
from model.errors import InputError, ScenarioError
from model.families import members
from model.geometry import route_weights, routes_in_range
from model.ledger import Ledger
from model.observed import decoy_class, load_observed
from model.outcomes import summarise
from model.scenario import Scenario
from model.timeline import ScheduledAction, schedule_timeline

LOGISTICS_BOOKS = ("dispatched", "delivered", "in_transit", "held")
"""Supplier books kept per day, theatre totals by interceptor type."""
NIGHT_BOOKS = ("launched", "shot_down", "lost_to_ew", "leaked")
"""Counts kept per night, by threat class."""


class TheatreGrid(OrthogonalMooreGrid):
    """The theatre's grid, its cells not linked to neighbours.

    Nothing here walks cell to cell, and linking 26 x 18 cells costs about 15 ms, a third of a year's run.
    Mesa has no public way to skip it: its base `Grid` links nothing on 3.5 but raises on 4.0a0, so this
    overrides the one private method; a `Grid(..., connect=False)` upstream would remove the override.
    """

    def _connect_cells(self) -> None:
        pass


class AirCampaign(Model):
    """An air campaign from a scenario: `AirCampaign(load_scenario("baseline-2025"), rng=42).run()`."""

    def __init__(self, scenario: Scenario, *, rng=None) -> None:
        """Build grid, sites, batteries, attacker, suppliers and the timeline from `scenario`."""
        super().__init__(rng=rng)
        self.config = scenario
        self.horizon = scenario.horizon
        self.days_done = 0
        self._takers: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._night_seeds = self.rng.integers(2**32, size=self.horizon)  # raid kernel, a night each
        self.grid = TheatreGrid((scenario.grid.width, scenario.grid.height), random=self.random)
        self.site_damage = np.zeros(len(scenario.sites))
        self.sites = [DefendedSite(self, s, self.grid[tuple(s.cell)], self.site_damage[k:k + 1])
                      for k, s in enumerate(scenario.sites)]
        self._build_routes()
        self._build_air_defence()
        self.attacker = Attacker(self, scenario.attacker, scenario.catalog.threats, self._aim(),
                                 self._replayed_nights(), self._aim(salvo=True))
        names = self.air_defence.interceptor_names
        # (book, supplier, interceptor type): each supplier keeps its books in its own rows
        self.logistics = np.zeros((len(LOGISTICS_BOOKS), len(scenario.suppliers), len(names)), dtype=np.int64)
        books = dict(zip(LOGISTICS_BOOKS, self.logistics, strict=True))
        self.supplier_pauses = np.zeros(len(scenario.suppliers), dtype=np.int64)
        self._tracks_threat = any(p.allocation == "by_threat" for p in scenario.suppliers)
        self.suppliers = {p.name: Supplier(self, p, names, books, k, self.supplier_pauses[k:k + 1],
                                           self.air_defence.stock)
                          for k, p in enumerate(scenario.suppliers)}
        self._open_ledger()
        self.timeline: list[ScheduledAction] = []
        self._before_start: list[ScheduledAction] = []
        self._warning_losses: list = []  # the intelligence pauses in force
        schedule_timeline(self)
        if scenario.relocation is not None:
            every = scenario.relocation.every_days
            self._relocating = self.schedule_recurring(self.relocate, Schedule(interval=every, start=every + 0.5))

    # ------------------------------------------------------------------ building
    def _build_routes(self) -> None:
        launch = np.array(self.config.grid.launch_areas, dtype=np.int64)
        cells = np.array([s.cell for s in self.config.sites], dtype=np.int64)
        self.site_values = np.array([s.value for s in self.config.sites])
        self.route_site = np.repeat(np.arange(len(cells)), len(launch))
        self.route_origin = np.tile(launch, (len(cells), 1))
        self.route_target = cells[self.route_site]
        ranges = np.array([t.range_km if t.range_km is not None else np.inf
                           for t in self.config.catalog.threats.values()])
        self.route_open = routes_in_range(self.route_origin, self.route_target, ranges, self.config.grid.cell_km)
        self.route_km = np.sqrt(((self.route_target - self.route_origin) ** 2).sum(axis=1)) * self.config.grid.cell_km
        """Length of each route, launch area to site."""
        """(routes, classes): whether the class reaches the route's target from its launch area."""
        self._at_site = (self.route_site[None, :] == np.arange(len(cells))[:, None]).astype(float)
        """(sites, routes): which site each route flies to."""
        self.night_launched = np.zeros(len(self.route_site), dtype=np.int64)
        """Threats launched last night on each route (launch area to site); for views."""
        self.night_leaked = np.zeros(len(self.route_site), dtype=np.int64)
        """Threats that got through last night on each route."""

    def _aim(self, salvo: bool = False) -> np.ndarray:
        """The attacker's weight on each route by class: its targeting rule, within each class's range.

        What it can see: sites and batteries. A site's weight (value**concentration,
        or 1 for `spread`) is split evenly over the launch areas from which the
        class reaches it; with the night kind's `reach_km` (routine or `salvo`),
        each route's weight is then scaled by exp(-length / reach_km), so near
        targets are favoured; `thinnest` divides by one plus the batteries that
        would meet the class on the route (those defending the site, for a
        ballistic class). Returns (classes, routes), each row summing to 1 (0 if
        the class reaches no site).
        """
        attacker = self.config.attacker
        reach_km = (attacker.salvo if salvo else attacker.routine).reach_km
        concentration = 0.0 if attacker.targeting == "spread" else attacker.concentration
        per_route = route_weights(self.route_site, self.site_values, concentration, self.route_open)
        if reach_km is not None:
            per_route = per_route * np.exp(-self.route_km / reach_km)[None, :]
        if attacker.targeting == "thinnest":
            defence = self.air_defence
            along = (defence.layers >= 0).sum(axis=1)  # (routes,)
            at_site = (defence.terminal >= 0).sum(axis=1)[self.route_site]
            defenders = np.where(defence.is_ballistic[:, None], at_site[None, :], along[None, :])
            per_route = per_route / (1.0 + defenders)
        total = per_route.sum(axis=1, keepdims=True)
        return np.divide(per_route, total, out=np.zeros_like(per_route), where=total > 0)

    def _replayed_nights(self) -> np.ndarray | None:
        """In replay mode, the observed launches of every night by the catalog's classes; else None."""
        replay = self.config.attacker.replay
        if self.config.attacker.mode != "replay":
            return None
        observed = load_observed(replay.file, replay.mapping, replay.include_regional)
        names = list(self.config.catalog.threats)
        flown = [n for n in names if n in observed.subtypes]
        counts = observed.launches(self.config.start, self.config.end, flown)
        nights = np.zeros((self.horizon, len(names)), dtype=np.int64)
        for k, name in enumerate(flown):
            nights[:, names.index(name)] = counts[:, k]
        unreachable = [n for n in flown if counts[:, flown.index(n)].sum() > 0
                       and not self.route_open[:, names.index(n)].any()]
        if unreachable:
            raise ScenarioError(self.config.name, [(f"catalog.threats.{n}.range_km",
                                                    self.config.catalog.threats[n].range_km,
                                                    "the reports launch it, but it reaches no site of this grid")
                                                   for n in unreachable])
        decoy = decoy_class(self.config.catalog.threats)
        if decoy is not None:
            drones = nights[:, names.index("drone")]
            decoys = self.rng.binomial(drones, replay.decoy_share)
            nights[:, names.index(decoy)] = decoys
            nights[:, names.index("drone")] = drones - decoys
        return nights

    def _build_air_defence(self) -> None:
        placements = list(self.config.batteries)
        arriving = [b for event in self.config.timeline for b in event.arriving()]
        order = np.argsort(-self.site_values[self.route_site], kind="stable")
        self.air_defence = AirDefence(self.config.catalog, len(placements) + len(arriving),
                                      self.route_origin, self.route_target, order, self.route_site,
                                      [site.name for site in self.config.sites],
                                      np.array([site.cell for site in self.config.sites], dtype=np.int64),
                                      self.config.attacker.timing)
        for k, placement in enumerate(placements):
            row = self.air_defence.add(placement.type, placement.doctrine, placement.cell)
            self._field_battery(row, placement, f"{placement.type}-{k + 1}")
        self.threat_seen = np.zeros((len(placements) + len(arriving), len(self.config.catalog.threats)))
        """Per battery row and class: recent damage-weighted launches it could have engaged (see threat_to)."""
        self._update_routes()
        self.initial_stock = self.air_defence.stock.sum(axis=0).copy()

    def _field_battery(self, row: int, placement, default_name: str) -> DefenderBattery:
        btype = self.config.catalog.battery_types[placement.type]
        doctrine_name = placement.doctrine or btype.doctrine
        battery = DefenderBattery(
            self, placement.name or default_name, placement.type, btype,
            self.config.catalog.doctrines.get(doctrine_name) if doctrine_name else None,
            self.grid[tuple(placement.cell)], row, self.air_defence.stock[row])
        self.air_defence.deploy(row, placement.magazine)
        self._takers = {}
        return battery

    def _update_routes(self) -> None:
        """Recompute which batteries each route crosses, and the value of the sites each battery covers."""
        defence = self.air_defence
        defence.update_routes()
        rows = defence.positions.shape[0]
        on_route = (defence.layers[:, :, None] == np.arange(rows)).any(axis=1)  # (routes, batteries)
        covers = np.zeros((len(self.sites), rows), dtype=bool)
        np.logical_or.at(covers, self.route_site, on_route)
        defends = (defence.terminal[:, :, None] == np.arange(rows)).any(axis=1)  # (sites, batteries): terminally
        covers |= defends
        self._meets_along = on_route.T.astype(float)  # (batteries, routes): engages threats along the route
        self._meets_at_site = defends.T.astype(float) @ self._at_site  # (batteries, routes): defends the route's target
        self.covered_value = self.site_values @ covers
        """Per battery row: the summed value of the defended sites whose routes it covers."""
        if getattr(self, "attacker", None) is not None and self.config.attacker.targeting == "thinnest":
            self.attacker.set_route_weights(self._aim(), self._aim(salvo=True))

    THREAT_MEMORY_DAYS = 30.0
    """Mean age, in days, of the threats `threat_to` remembers (exponential decay)."""

    def _remember_threats(self, launched: np.ndarray) -> None:
        """Add tonight's damage-weighted launches (routes, classes) to what each battery could have engaged."""
        defence = self.air_defence
        self.threat_seen *= 1.0 - 1.0 / self.THREAT_MEMORY_DAYS
        self.threat_seen += self._meets_along @ (launched * ~defence.is_ballistic)
        self.threat_seen += self._meets_at_site @ (launched * defence.is_ballistic)

    def threat_to(self, rows: np.ndarray, interceptor: int) -> np.ndarray:
        """Recent damage-weighted threats to batteries `rows` of the classes `interceptor` can kill."""
        can_kill = self.air_defence.kill_probability[interceptor] > 0
        return self.threat_seen[rows] @ can_kill

    def batteries_firing(self, interceptor: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the batteries in the theatre that fire interceptor type `interceptor`, and their launcher rounds."""
        if interceptor not in self._takers:
            defence = self.air_defence
            rows = np.flatnonzero(defence.active & (defence.launcher_rounds[:, interceptor] > 0))
            self._takers[interceptor] = (rows, defence.launcher_rounds[rows, interceptor])
        return self._takers[interceptor]

    def _open_ledger(self) -> None:
        classes = self.air_defence.class_names
        types = self.air_defence.interceptor_names
        self.ledger = Ledger(self.horizon)
        book = self.ledger
        self._night = book.add_stack(NIGHT_BOOKS, classes)
        families = {name: [classes.index(c) for c in group]
                    for name, group in members(self.config.catalog.threats).items() if name not in classes}
        for name in (*NIGHT_BOOKS, "neutralised"):
            book.add_totals(name, families)
        self._fired = book.add_block("fired", types)
        self._stock = book.add_block("stock", types)
        self._logistics = book.add_stack(LOGISTICS_BOOKS, types, cumulative=("dispatched", "delivered"))
        self._added = book.add_block("added_with_batteries", types)
        self._lost = book.add_block("lost_with_batteries", types)
        self._site_damage = book.add_block("damage_at", [s.name for s in self.sites], float)
        self._undefended = book.add_block("damage_undefended_at", [s.name for s in self.sites], float)
        self._salvo = book.add_block("salvo", [""], bool)
        self._flowing = book.add_block("flowing", list(self.suppliers), bool)
        self._intel = book.add_block("intel_shared", [""], bool)
        cost = self.attacker.unit_cost
        capable = self.air_defence.ballistic_capable
        book.derive("neutralised", classes, lambda b: b["shot_down"] + b["lost_to_ew"])
        book.derive("damage", [""], lambda b: b["damage_at"].sum(axis=1, keepdims=True))
        book.derive("value_weighted_damage", [""], lambda b: b["damage_at"] @ self.site_values[:, None])
        book.derive("value_protected", [""],
                    lambda b: (b["damage_undefended_at"] - b["damage_at"]) @ self.site_values[:, None])
        book.derive("ballistic_capable_left", [""], lambda b: b["stock"][:, capable].sum(axis=1, keepdims=True))
        book.derive("attacker_spend_usd", [""], lambda b: b["launched"] @ cost[:, None])
        book.derive("defender_spend_usd", [""], lambda b: b["fired"] @ self.air_defence.round_cost[:, None])

    # ------------------------------------------------------------------ timeline
    @property
    def day(self) -> int:
        """Today's index from the start date (0 on the first day); events see the day they act on."""
        return max(math.ceil(self.time) - 1, 0)

    @property
    def date(self):
        """Today's calendar date."""
        return self.config.date_of(self.day)

    def schedule_on_day(self, action, day: int, priority: Priority = Priority.DEFAULT) -> None:
        """Run `action` (a bound method) before the raid of `day`; days past the horizon are dropped.

        Events of a day happen at `day + 0.5` on Mesa's clock, between the
        previous day's step and this day's; timeline events come first.
        """
        if day < self.horizon:
            self.schedule_event(action, at=day + 0.5, priority=priority)

    def plan(self, day: int, description: str, action, *args) -> None:
        """Put one timeline action on the calendar (kept alive in `timeline`: Mesa holds callbacks weakly).

        An action dated before the start acts before the first night (see `schedule_before_start`).
        """
        scheduled = ScheduledAction(day, description, action, *args)
        self.timeline.append(scheduled)
        if day < 0:
            self._before_start.append(scheduled)
        else:
            self.schedule_on_day(scheduled.fire, day, Priority.HIGH)

    def schedule_before_start(self) -> None:
        """Actions dated before the start, in date order, before the first night: the state they made holds.

        (A scenario that extends baseline-2025 from July starts with the force
        build-up, the pauses and the upgrades of the first half already in place.)
        """
        for scheduled in sorted(self._before_start, key=lambda action: action.day):
            self.schedule_on_day(scheduled.fire, 0, Priority.HIGH)
        self._before_start = []

    def _strike_batteries(self, d: int, night: np.ndarray) -> None:
        """Salvo night: missiles from the ballistic stockpile at batteries; each defends itself (see BatteryStrikes)."""
        rule = self.config.attacker.battery_strikes
        ballistic = np.flatnonzero(self.air_defence.is_ballistic)
        for _ in range(rule.missiles):
            targets = [b for b in self.agents_by_type.get(DefenderBattery, [])
                       if b.type_name in rule.types and self.air_defence.active[b.index]]
            threat = int(ballistic[np.argmax(self.attacker.stockpile[ballistic])])  # the one it holds most of
            if not targets or self.attacker.stockpile[threat] <= 0:
                return
            battery = targets[int(self.rng.integers(len(targets)))]
            self.attacker.stockpile[threat] -= 1
            night[0, threat] += 1
            killed, round_type, rounds = battery.defend_against(threat, self.rng)
            if rounds:
                self._fired[d, round_type] += rounds
            if killed:
                night[1, threat] += 1
                continue
            night[3, threat] += 1
            if self.rng.random() < rule.destroy_probability:
                self._lost[d] += battery.destroy()

    def routes_changed(self) -> None:
        """A battery left or joined the fight: recompute the routes it covers, and let deliveries find it."""
        self._takers = {}
        self._update_routes()
        for supplier in self.suppliers.values():  # rounds held for want of a battery go out to one that arrived
            supplier.schedule_release()

    def relocate(self) -> None:
        """Move batteries of the relocation types toward the site that recent raids damaged most."""
        rule = self.config.relocation
        d = self.days_done
        if d == 0:
            return
        recent = self._site_damage[max(d - rule.window_days, 0):d].sum(axis=0)
        if recent.max() <= 0:
            return
        target = int(np.argmax(recent))
        cell = self.grid[tuple(self.config.sites[target].cell)]
        movable = [b for b in self.agents_by_type.get(DefenderBattery, [])
                   if b.type_name in rule.types and not b.moving and b.cell is not cell
                   and self.air_defence.active[b.index]]
        nearest = [int(np.argmin([abs(b.cell.coordinate[0] - s.cell[0]) + abs(b.cell.coordinate[1] - s.cell[1])
                                  for s in self.config.sites])) for b in movable]
        ranked = sorted(zip(movable, nearest, strict=True), key=lambda pair: recent[pair[1]])
        for battery, home in ranked[: rule.moves]:
            if recent[home] < recent[target]:
                battery.start_move(cell, rule.move_days)

    def lose_warning(self, event) -> None:
        """Intelligence sharing stops: less warning, so lower kill probabilities and fewer fire channels."""
        self._warning_losses.append(event)
        self._apply_warning()

    def regain_warning(self, event) -> None:
        """Intelligence sharing resumes (one pause ends; others may still be in force)."""
        self._warning_losses.remove(event)
        self._apply_warning()

    def _apply_warning(self) -> None:
        kill = float(np.prod([e.kill_factor for e in self._warning_losses]))
        channels = float(np.prod([e.channel_factor for e in self._warning_losses]))
        self.air_defence.set_warning(kill, channels)

    def deploy_battery(self, row: int, event) -> None:
        """A battery from the timeline arrives: it joins the fight with its magazine."""
        self._field_battery(row, event, f"{event.type}-new-{row + 1}")
        self._update_routes()
        self._added[self.day] += self.air_defence.stock[row]
        for supplier in self.suppliers.values():
            supplier.schedule_release()

    # ------------------------------------------------------------------ a day
    def step(self) -> None:
        """One day: the night's raid and its books (the day's logistics are events)."""
        if self.days_done >= self.horizon:
            raise RuntimeError(f"the campaign ended on {self.config.end}; nothing is left to step")
        d = self.days_done
        night = self._night[d]  # launched, shot down, lost to EW, leaked: by class
        self.attacker.produce()
        raid = self.attacker.launch()
        self._salvo[d] = self.attacker.night_was_salvo
        night[0] = self.attacker.launched
        self._book_launches(d, raid)
        self.air_defence.resolve(raid, self._night_seeds[d], night[1], night[2], night[3], self._fired[d],
                                 self._site_damage[d])
        np.sum(raid, axis=(1, 2), out=self.night_leaked)  # what got through, per route
        if self._salvo[d, 0] and self.config.attacker.battery_strikes is not None:
            self._strike_batteries(d, night)
        self.attacker.observe(night[0], night[3])
        self.site_damage += self._site_damage[d]  # every site's damage is a view of this array
        self._record_stocks(d)
        self.days_done += 1

    def _book_launches(self, d: int, raid: np.ndarray) -> None:
        """Before the kernel reduces the raid to its leakers: launches per route, and the damage undefended."""
        by_route = raid.sum(axis=2)  # (routes, classes)
        by_route.sum(axis=1, out=self.night_launched)
        damage = by_route * self.air_defence.damage_per_leaker
        if self._tracks_threat:
            self._remember_threats(damage)
        self._undefended[d] = self._at_site @ damage.sum(axis=1)

    def _record_stocks(self, d: int) -> None:
        """End-of-day stock, supplier books and supplier states into the ledger."""
        self._stock[d] = self.air_defence.stock.sum(axis=0)
        self._logistics[d] = self.logistics.sum(axis=1)
        self._flowing[d] = self.supplier_pauses == 0
        self._intel[d] = not self._warning_losses

    # ------------------------------------------------------------------ running and results
    def run(self, days: int | None = None) -> "AirCampaign":
        """Run `days` more days, or to the end of the scenario."""
        left = self.horizon - self.days_done
        days = left if days is None else days
        if days < 0 or days > left:
            raise InputError(f"days must be between 0 and the {left} days left, not {days}")
        if days:
            self.run_for(days)
        return self

    def daily(self):
        """The daily table so far: one row per day, with `date`; flows are that day's, stocks end-of-day."""
        return self.ledger.frame(self.days_done, (self.config.start + timedelta(days=d)
                                                  for d in range(self.days_done)))

    def summary(self) -> dict:
        """Run-level outcomes: totals and shares by class, damage, stock minima, spend and exchange."""
        return summarise(self.ledger, self.days_done, self.air_defence.class_names,
                         self.air_defence.interceptor_names, self.air_defence.damage_per_leaker > 0)
