"""The scenario's timeline, put on the campaign's calendar: one place for what each kind of event does.

Every event becomes one or more `ScheduledAction`s (bound methods of the
campaign or its agents), acting before the raid of their day; those dated
before the scenario's start act, in date order, before its first night.
"""

import numpy as np

from model.families import classes_of
from model.timeline import (
    AttackerRamp,
    AttackerRate,
    ForceChange,
    ForceRamp,
    IntelPause,
    KillProbabilityChange,
    NewBattery,
    Pause,
    Procurement,
    SupplierRamp,
    SupplierRate,
    draw_pauses,
    ramp_steps,
)


def schedule_timeline(campaign) -> None:
    """Plan every timeline event and every drawn pause of `campaign`'s scenario."""
    cfg = campaign.config
    for event in cfg.timeline:
        if isinstance(event, Pause):
            supplier = campaign.suppliers[event.supplier]
            campaign.plan(cfg.day_of(event.start), f"pause {event.supplier}", supplier.pause)
            if event.resumes is not None:
                campaign.plan(cfg.day_of(event.resumes), f"resume {event.supplier}", supplier.resume)
        elif isinstance(event, NewBattery):
            row = campaign.air_defence.add(event.type, event.doctrine, event.cell)
            campaign.plan(cfg.day_of(event.date), f"new {event.type} battery", campaign.deploy_battery, row, event)
        elif isinstance(event, SupplierRate):
            campaign.plan(
                cfg.day_of(event.date),
                f"{event.supplier} makes {event.per_day}/day",
                campaign.suppliers[event.supplier].set_rate,
                event.interceptor,
                event.per_day,
            )
        elif isinstance(event, AttackerRate):
            campaign.plan(
                cfg.day_of(event.date),
                f"attacker makes {event.per_day} {event.threat}/day",
                campaign.attacker.set_production,
                event.threat,
                event.per_day,
            )
        elif isinstance(event, IntelPause):
            campaign.plan(cfg.day_of(event.start), "intelligence sharing stops", campaign.lose_warning, event)
            if event.resumes is not None:
                campaign.plan(cfg.day_of(event.resumes), "intelligence sharing resumes", campaign.regain_warning, event)
        elif isinstance(event, SupplierRamp):
            supplier = campaign.suppliers[event.supplier]
            for day, rate in ramp_steps(
                cfg.day_of(event.start), cfg.day_of(event.end), event.from_per_day, event.to_per_day, event.step_days
            ):
                campaign.plan(
                    day,
                    f"{event.supplier} ramps to {rate:.2f} {event.interceptor}/day",
                    supplier.set_rate,
                    event.interceptor,
                    rate,
                )
        elif isinstance(event, AttackerRamp):
            for day, rate in ramp_steps(
                cfg.day_of(event.start), cfg.day_of(event.end), event.from_per_day, event.to_per_day, event.step_days
            ):
                campaign.plan(
                    day,
                    f"attacker ramps to {rate:.2f} {event.threat}/day",
                    campaign.attacker.set_production,
                    event.threat,
                    rate,
                )
        elif isinstance(event, Procurement):
            names = campaign.air_defence.interceptor_names
            rounds = np.array([event.interceptors.get(n, 0) for n in names], dtype=np.int64)
            if event.budget_usd > 0:
                cost = cfg.catalog.interceptors[event.budget_interceptor].cost_usd
                rounds[names.index(event.budget_interceptor)] += int(event.budget_usd // cost) if cost else 0
            buyer = event.payer or "the defender"
            campaign.plan(
                cfg.day_of(event.date),
                f"{buyer} buys from {event.supplier}",
                campaign.suppliers[event.supplier].ship,
                rounds,
                event.lead_time_days,
            )
            for battery in event.batteries:
                row = campaign.air_defence.add(battery.type, battery.doctrine, battery.cell)
                campaign.plan(
                    cfg.day_of(event.date) + event.lead_time_days,
                    f"{battery.type} bought by {buyer}",
                    campaign.deploy_battery,
                    row,
                    battery,
                )
        elif isinstance(event, ForceChange):
            campaign.plan(cfg.day_of(event.date), f"{event.type} force changes", campaign.air_defence.set_force,
                          event.type, event.capacity_factor, event.ew_factor)
        elif isinstance(event, ForceRamp):
            for day, factor in ramp_steps(cfg.day_of(event.start), cfg.day_of(event.end), event.from_factor,
                                          event.to_factor, event.step_days):
                change = {"capacity": (factor, None), "ew": (None, factor)}[event.quantity]
                campaign.plan(day, f"{event.type} {event.quantity} at {factor:.2f}", campaign.air_defence.set_force,
                              event.type, *change)
        elif isinstance(event, KillProbabilityChange):
            campaign.plan(cfg.day_of(event.date), f"{event.interceptor} against {event.threat}: {event.value}",
                          campaign.air_defence.set_kill_probability, event.interceptor,
                          classes_of(event.threat, cfg.catalog.threats), event.value)
    for process in cfg.pause_processes:
        supplier = campaign.suppliers[process.supplier]
        for start, end in draw_pauses(process, campaign.horizon, campaign.rng):
            campaign.plan(start, f"drawn pause of {process.supplier}", supplier.pause)
            campaign.plan(end, f"end of drawn pause of {process.supplier}", supplier.resume)
    campaign.schedule_before_start()
