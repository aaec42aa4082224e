"""The campaign: a Mesa model of an air-defence war of attrition, one step per day.

A day is the night's raid, then the day's logistics. Aid pauses, resumptions,
new batteries and production changes are events on Mesa's event list, placed
half a day before the step of their day, so they act before that day's raid.
"""

import math
from datetime import timedelta

import numpy as np
from mesa import Model
from mesa.time import Priority

from agents import Attacker, DefendedSite, DefenderBattery, Supplier
from agents.seeds import night_seeds
from agents.targeting import Sight
from model.air_defence import AirDefence
from model.battery_strikes import strike_batteries
from model.books import LOGISTICS_BOOKS, CampaignBooks
from model.coverage import Coverage
from model.errors import InputError
from model.geometry import route_weights, routes_in_range
from model.grid import TheatreGrid
from model.outcomes import summarise
from model.relocation import Relocation
from model.replay import replayed_nights
from model.scenario import Scenario
from model.timeline import ScheduledAction, schedule_timeline


class AirCampaign(Model):
    """An air campaign from a scenario: `AirCampaign(load_scenario("baseline-2025"), rng=42).run()`."""

    def __init__(self, scenario: Scenario, *, rng=None, days: int | None = None) -> None:
        """Build grid, sites, batteries, attacker, suppliers and the timeline from `scenario`.

        `days`: the most days it will run (default: the whole scenario), what its books and seeds take memory
        for; the draws of those days are the whole run's.
        """
        super().__init__(rng=rng)
        self.config = scenario
        self.horizon = scenario.horizon
        self.capacity = days if days is not None and 0 <= days <= self.horizon else self.horizon
        self.days_done = 0
        self._takers: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._night_seeds = night_seeds(self.rng, self.horizon, self.capacity)  # raid kernel, a night each
        self.grid = TheatreGrid((scenario.grid.width, scenario.grid.height), random=self.random)
        self.site_damage = np.zeros(len(scenario.sites))
        self.sites = [DefendedSite(self, s, self.grid[tuple(s.cell)], self.site_damage[k:k + 1])
                      for k, s in enumerate(scenario.sites)]
        self._build_routes()
        self._build_air_defence()
        replay = replayed_nights(scenario, self.route_open, self.rng, self.capacity)
        self.attacker = Attacker(self, scenario.attacker, scenario.catalog.threats, self._aim(), replay,
                                 self._aim(salvo=True))
        names = self.air_defence.interceptor_names
        # (book, supplier, interceptor type): each supplier keeps its books in its own rows
        self.logistics = np.zeros((len(LOGISTICS_BOOKS), len(scenario.suppliers), len(names)), dtype=np.int64)
        supplier_books = dict(zip(LOGISTICS_BOOKS, self.logistics, strict=True))
        self.supplier_pauses = np.zeros(len(scenario.suppliers), dtype=np.int64)
        self._tracks_threat = any(p.allocation_rule.needs_threat for p in scenario.suppliers)
        self.suppliers = {p.name: Supplier(self, p, names, supplier_books, k, self.supplier_pauses[k:k + 1],
                                           self.batteries.stock)
                          for k, p in enumerate(scenario.suppliers)}
        self.books = CampaignBooks(self.capacity, self.air_defence, scenario.catalog.threats,
                                   [s.name for s in self.sites], self.site_values, list(self.suppliers),
                                   self.attacker.unit_cost)
        self.ledger = self.books.ledger
        self.timeline: list[ScheduledAction] = []
        self._before_start: list[ScheduledAction] = []
        self._warning_losses: list = []  # the intelligence pauses in force
        schedule_timeline(self)
        self.relocation = Relocation(self, scenario.relocation) if scenario.relocation is not None else None

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

        What it can see: sites and batteries (a `Sight`). A site's weight
        (value**concentration) is split evenly over the launch areas from which
        the class reaches it; with the night kind's `reach_km` (routine or
        `salvo`), each route's weight is then scaled by exp(-length / reach_km),
        so near targets are favoured; the rule (`agents/targeting.py`) weighs
        those. Returns (classes, routes), each row summing to 1 (0 if the class
        reaches no site).
        """
        attacker = self.config.attacker
        reach_km = (attacker.salvo if salvo else attacker.routine).reach_km

        def by_value(concentration: float) -> np.ndarray:
            per_route = route_weights(self.route_site, self.site_values, concentration, self.route_open)
            return per_route if reach_km is None else per_route * np.exp(-self.route_km / reach_km)[None, :]

        per_route = attacker.targeting_rule.weights(Sight(by_value, self._defenders), attacker.concentration)
        total = per_route.sum(axis=1, keepdims=True)
        return np.divide(per_route, total, out=np.zeros_like(per_route), where=total > 0)

    def _defenders(self) -> np.ndarray:
        """(classes, routes): the batteries that would meet the class on the route (at the site, if ballistic)."""
        defence = self.air_defence
        along = (defence.layers >= 0).sum(axis=1)  # (routes,)
        at_site = (defence.terminal >= 0).sum(axis=1)[self.route_site]
        return np.where(defence.is_ballistic[:, None], at_site[None, :], along[None, :])

    def _build_air_defence(self) -> None:
        placements = list(self.config.batteries)
        arriving = [b for event in self.config.timeline for b in event.arriving()]
        order = np.argsort(-self.site_values[self.route_site], kind="stable")
        self.air_defence = AirDefence(self.config.catalog, len(placements) + len(arriving),
                                      self.route_origin, self.route_target, order, self.route_site,
                                      [site.name for site in self.config.sites],
                                      np.array([site.cell for site in self.config.sites], dtype=np.int64),
                                      self.config.attacker.timing)
        self.batteries = self.air_defence.batteries
        """Every battery's state, a row each (`BatterySet`); the agents are views of its rows."""
        for k, placement in enumerate(placements):
            row = self.air_defence.add(placement.type, placement.doctrine, placement.cell)
            self._field_battery(row, placement, f"{placement.type}-{k + 1}")
        self.coverage = Coverage(len(placements) + len(arriving), self.route_site, self._at_site, self.site_values,
                                 self.air_defence.tables)
        self._update_routes()
        self.initial_stock = self.batteries.stock.sum(axis=0).copy()

    def _field_battery(self, row: int, placement, default_name: str) -> DefenderBattery:
        """Bring row `row` into the fight with `placement`'s magazine, and its agent onto the grid."""
        battery = DefenderBattery(self, self.batteries, row, placement.name or default_name)
        self.batteries.deploy(row, placement.magazine)
        self._takers = {}
        return battery

    def _update_routes(self) -> None:
        """Recompute which batteries each route crosses, and what each battery covers."""
        defence = self.air_defence
        defence.update_routes()
        self.coverage.update(defence.layers, defence.terminal)
        if getattr(self, "attacker", None) is not None and self.config.attacker.targeting_rule.follows_defence:
            self.attacker.set_route_weights(self._aim(), self._aim(salvo=True))

    @property
    def covered_value(self) -> np.ndarray:
        """Per battery row: the summed value of the defended sites whose routes it covers (see `Coverage`)."""
        return self.coverage.covered_value

    def threat_to(self, rows: np.ndarray, interceptor: int) -> np.ndarray:
        """Recent damage-weighted threats to batteries `rows` of the classes `interceptor` can kill."""
        return self.coverage.threat_to(rows, interceptor)

    def batteries_firing(self, interceptor: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the batteries in the fight that fire interceptor type `interceptor`, and their launcher rounds."""
        if interceptor not in self._takers:
            rows = self.batteries.firing(interceptor)
            self._takers[interceptor] = (rows, self.batteries.launcher_rounds[rows, interceptor])
        return self._takers[interceptor]

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

    def routes_changed(self) -> None:
        """A battery left or joined the fight: recompute the routes it covers, and let deliveries find it."""
        self._takers = {}
        self._update_routes()
        for supplier in self.suppliers.values():  # rounds held for want of a battery go out to one that arrived
            supplier.schedule_release()

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
        self.books.added[self.day] += self.batteries.stock[row]
        for supplier in self.suppliers.values():
            supplier.schedule_release()

    # ------------------------------------------------------------------ a day
    def step(self) -> None:
        """One day: the night's raid and its books (the day's logistics are events)."""
        if self.days_done >= self.capacity:
            last = self.config.date_of(self.capacity - 1)
            raise RuntimeError(f"the campaign ended on {last}; nothing is left to step")
        d = self.days_done
        books = self.books
        night = books.night[d]  # launched, shot down, lost to EW, leaked: by class
        self.attacker.produce()
        raid = self.attacker.launch()
        books.salvo[d] = self.attacker.night_was_salvo
        night[0] = self.attacker.launched
        self._book_launches(d, raid)
        self.air_defence.resolve(raid, self._night_seeds[d], books.outcome(d))
        np.sum(raid, axis=(1, 2), out=self.night_leaked)  # what got through, per route
        if books.salvo[d, 0] and self.config.attacker.battery_strikes is not None:
            strike_batteries(self, night, books.fired[d], books.lost[d])
        self.attacker.observe(night[0], night[3])
        self.site_damage += books.damage_at[d]  # every site's damage is a view of this array
        books.record_day(d, self.batteries.stock, self.logistics, self.supplier_pauses, not self._warning_losses)
        self.days_done += 1

    def _book_launches(self, d: int, raid: np.ndarray) -> None:
        """Before the kernel reduces the raid to its leakers: launches per route, and the damage undefended."""
        by_route = raid.sum(axis=2)  # (routes, classes)
        by_route.sum(axis=1, out=self.night_launched)
        damage = by_route * self.air_defence.damage_per_leaker
        if self._tracks_threat:
            self.coverage.remember(damage)
        self.books.undefended[d] = self._at_site @ damage.sum(axis=1)

    # ------------------------------------------------------------------ running and results
    def run(self, days: int | None = None) -> "AirCampaign":
        """Run `days` more days, or to the end of the scenario."""
        left = self.capacity - self.days_done
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
