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

from agents import Attacker, DefendedSite, DefenderBattery, Supplier
from model.air_defence import AirDefence
from model.geometry import route_weights
from model.ledger import Ledger
from model.outcomes import summarise
from model.scenario import Scenario
from model.timeline import AttackerRate, NewBattery, Pause, ScheduledAction, SupplierRate, draw_pauses


class TheatreGrid(OrthogonalMooreGrid):
    """The theatre's grid. Cells are not linked to neighbours: nothing here walks cell to cell,
    and linking costs more than a whole year's campaign (about 10 ms for 26 x 18 cells)."""

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
        self.grid = TheatreGrid((scenario.grid.width, scenario.grid.height), random=self.random)
        self.sites = [DefendedSite(self, s, self.grid[tuple(s.cell)]) for s in scenario.sites]
        self._build_routes()
        self._build_air_defence()
        self.attacker = Attacker(self, scenario.attacker, scenario.catalog.threats,
                                 route_weights(self.route_site, self.site_values,
                                               scenario.attacker.concentration))
        names = self.air_defence.interceptor_names
        self.suppliers = {p.name: Supplier(self, p, names) for p in scenario.suppliers}
        self._open_ledger()
        self.timeline: list[ScheduledAction] = []
        self._schedule_timeline()

    # ------------------------------------------------------------------ building
    def _build_routes(self) -> None:
        launch = np.array(self.config.grid.launch_areas, dtype=np.int64)
        cells = np.array([s.cell for s in self.config.sites], dtype=np.int64)
        self.site_values = np.array([s.value for s in self.config.sites])
        self.route_site = np.repeat(np.arange(len(cells)), len(launch))
        self.route_origin = np.tile(launch, (len(cells), 1))
        self.route_target = cells[self.route_site]
        self._site_of_route = np.zeros((len(cells), len(self.route_site)))
        self._site_of_route[self.route_site, np.arange(len(self.route_site))] = 1.0
        self._damage_per_leaker = np.array([t.damage for t in self.config.catalog.threats.values()])

    def _build_air_defence(self) -> None:
        placements = list(self.config.batteries)
        arriving = [e for e in self.config.timeline if isinstance(e, NewBattery)]
        order = np.argsort(-self.site_values[self.route_site], kind="stable")
        self.air_defence = AirDefence(self.config.catalog, len(placements) + len(arriving),
                                      self.route_origin, self.route_target, order)
        for k, placement in enumerate(placements):
            row = self.air_defence.add(placement.type, placement.doctrine, placement.cell, placement.magazine)
            self._field_battery(row, placement, f"{placement.type}-{k + 1}")
        self.initial_stock = self.air_defence.stock.sum(axis=0).copy()

    def _field_battery(self, row: int, placement, default_name: str) -> DefenderBattery:
        btype = self.config.catalog.battery_types[placement.type]
        doctrine_name = placement.doctrine or btype.doctrine
        battery = DefenderBattery(
            self, placement.name or default_name, placement.type, btype,
            self.config.catalog.doctrines.get(doctrine_name) if doctrine_name else None,
            self.grid[tuple(placement.cell)], row, self.air_defence.stock[row])
        self.air_defence.activate(row)
        return battery

    def _open_ledger(self) -> None:
        classes = self.air_defence.class_names
        types = self.air_defence.interceptor_names
        self.ledger = Ledger(self.horizon)
        self._dispatched_before = self._delivered_before = np.zeros(len(types), dtype=np.int64)
        for block in ("launched", "neutralised", "shot_down", "lost_to_ew", "leaked"):
            self.ledger.add_block(block, classes)
        for block in ("fired", "stock", "dispatched", "delivered", "pipeline", "held", "added_with_batteries"):
            self.ledger.add_block(block, types)
        for block in ("damage", "value_weighted_damage", "attacker_spend_usd", "defender_spend_usd"):
            self.ledger.add_block(block, [""], float)
        self.ledger.add_block("ballistic_capable_left", [""])
        self.ledger.add_block("salvo", [""], bool)
        self.ledger.add_block("flowing", list(self.suppliers), bool)

    # ------------------------------------------------------------------ timeline
    @property
    def day(self) -> int:
        """Today's index from the start date (0 on the first day); events see the day they act on."""
        return max(math.ceil(self.time) - 1, 0)

    @property
    def date(self):
        """Today's calendar date."""
        return self.config.date_of(self.day)

    def schedule_on_day(self, action, day: int) -> None:
        """Run `action` (a bound method) before the raid of `day`; days past the horizon are dropped."""
        if day < self.horizon:
            self.schedule_event(action, at=day + 0.5)

    def _plan(self, day: int, description: str, action, *args) -> None:
        scheduled = ScheduledAction(day, description, action, *args)
        self.timeline.append(scheduled)
        self.schedule_on_day(scheduled.fire, day)

    def _schedule_timeline(self) -> None:
        cfg = self.config
        for event in cfg.timeline:
            if isinstance(event, Pause):
                supplier = self.suppliers[event.supplier]
                self._plan(cfg.day_of(event.start), f"pause {event.supplier}", supplier.pause)
                if event.end is not None:
                    self._plan(cfg.day_of(event.end), f"resume {event.supplier}", supplier.resume)
            elif isinstance(event, NewBattery):
                row = self.air_defence.add(event.type, event.doctrine, event.cell, event.magazine)
                self._plan(cfg.day_of(event.date), f"new {event.type} battery", self.deploy_battery, row, event)
            elif isinstance(event, SupplierRate):
                self._plan(cfg.day_of(event.date), f"{event.supplier} makes {event.per_day}/day",
                           self.suppliers[event.supplier].set_rate, event.interceptor, event.per_day)
            elif isinstance(event, AttackerRate):
                self._plan(cfg.day_of(event.date), f"attacker makes {event.per_day} {event.threat}/day",
                           self.attacker.set_production, event.threat, event.per_day)
        for process in cfg.pause_processes:
            supplier = self.suppliers[process.supplier]
            for start, end in draw_pauses(process, self.horizon, self.rng):
                self._plan(start, f"drawn pause of {process.supplier}", supplier.pause)
                self._plan(end, f"end of drawn pause of {process.supplier}", supplier.resume)

    def deploy_battery(self, row: int, event: NewBattery) -> None:
        """A battery from the timeline arrives: it joins the fight with its magazine."""
        self._field_battery(row, event, f"{event.type}-new-{row + 1}")
        self.ledger["added_with_batteries"][self.day] += self.air_defence.stock[row]

    # ------------------------------------------------------------------ a day
    def step(self) -> None:
        """One day: the night's raid, then the day's logistics, then the books."""
        if self.days_done >= self.horizon:
            raise RuntimeError(f"the campaign ended on {self.config.end}; nothing is left to step")
        salvo = self.attacker.salvo_tonight
        self.attacker.produce()
        raid = self.attacker.launch()
        leaked, shot_down, lost_to_ew, fired = self.air_defence.resolve(raid, self.rng)
        self._strike(leaked)
        self._record_night(leaked.sum(axis=0), shot_down, lost_to_ew, fired, salvo)
        for supplier in self.suppliers.values():
            supplier.deliver()
            supplier.dispatch()
        self._record_logistics()
        self.days_done += 1

    def _strike(self, leaked: np.ndarray) -> None:
        damage_points = self._site_of_route @ (leaked @ self._damage_per_leaker)
        for site, points in zip(self.sites, damage_points):
            if points:
                site.suffer(points)
        self._damage_today = damage_points

    def _record_night(self, leaked, shot_down, lost_to_ew, fired, salvo) -> None:
        book, d, defence = self.ledger, self.days_done, self.air_defence
        book["launched"][d] = self.attacker.launched
        book["shot_down"][d] = shot_down
        book["lost_to_ew"][d] = lost_to_ew
        book["neutralised"][d] = shot_down + lost_to_ew
        book["leaked"][d] = leaked
        book["fired"][d] = fired
        book["damage"][d] = self._damage_today.sum()
        book["value_weighted_damage"][d] = self._damage_today @ self.site_values
        book["attacker_spend_usd"][d] = self.attacker.spend_tonight
        book["defender_spend_usd"][d] = fired @ defence.round_cost
        book["ballistic_capable_left"][d] = defence.stock[:, defence.ballistic_capable].sum()
        book["salvo"][d] = salvo

    def _record_logistics(self) -> None:
        book, d = self.ledger, self.days_done
        suppliers = self.suppliers.values()
        book["stock"][d] = self.air_defence.stock.sum(axis=0)
        if suppliers:
            dispatched = sum(s.dispatched for s in suppliers)
            delivered = sum(s.delivered for s in suppliers)
            book["dispatched"][d] = dispatched - self._dispatched_before
            book["delivered"][d] = delivered - self._delivered_before
            self._dispatched_before, self._delivered_before = dispatched, delivered
            book["pipeline"][d] = sum(s.in_pipeline for s in suppliers)
            book["held"][d] = sum(s.held for s in suppliers)
            book["flowing"][d] = [s.flowing for s in suppliers]

    # ------------------------------------------------------------------ running and results
    def run(self, days: int | None = None) -> "AirCampaign":
        """Run `days` more days, or to the end of the scenario."""
        left = self.horizon - self.days_done
        days = left if days is None else days
        if days < 0 or days > left:
            raise ValueError(f"days must be between 0 and the {left} days left, not {days}")
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
                         self.air_defence.interceptor_names)
