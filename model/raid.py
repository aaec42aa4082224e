"""The raid kernel: one night's threats against every battery, as counts, compiled with numba.

Threats arrive as counts indexed by (route, class, wave). Wave by wave, routes
are taken in order of target value. How a route meets the defence depends on
the class:

- air-breathing classes (drones, decoys, cruise missiles) are engaged along
  the route, by the batteries whose coverage it crosses, in the order the
  threats meet them; survivors of one battery meet the next;
- ballistic classes are engaged only at the impact point, by the batteries
  defending the target site (`terminal`), in one terminal engagement per
  missile: the site's defenders share the missiles out, and a missile one of
  them engaged is never engaged again. A terminal engagement is a salvo.
  In each wave the terminal engagements come first (over every route), then
  the air-breathing threats: a ballistic missile's window is short, and a
  battery's channels and ready rounds go to it before drones and cruise
  missiles take them; a doctrine's `engage` order ranks classes within each pass.

Each battery is bounded by what it can engage in the wave (`capacity`: its
fire channels over the time the wave passes, see `wave_capacity`), its
rounds ready on launchers tonight, its stock and its doctrine. Only batteries
whose status is `READY` fire or jam. The kernel reads the defence from one
record, `DefenceArrays`, and writes the night's outcome into another,
`RaidOutcome` (`model/raid_records.py`). Kills are
binomial draws from numba's generator, seeded for the night with a number
drawn from the run's own `numpy.random.Generator`, so the run's seed fixes
every night. The cost depends on routes x classes x batteries, never on how many
threats fly.

Engagement rules, by name:
- salvo: `s` rounds at each engaged target at once; it dies with 1-(1-p)^s.
- shoot-look-shoot: one round, look, and again at survivors, up to `s` rounds
  (air-breathing classes only).
- preference: the round types a battery reaches for, in order, per class.
- shots per target: per battery, target site and class (`site_shots`).
- ballistic reserve: ballistic-capable rounds are not fired at other classes
  while the battery's ballistic-capable stock is at or under its reserve.
- decoys: a class that mimics another is engaged in one pool with it; which
  members of the pool are engaged is drawn without replacement.
- EW: a share of each air-breathing class crossing an EW unit's coverage loses its way.
- conserve mode: a battery marked `guarding` fires only on routes to sites
  where `guards[b, site]` is true (its doctrine's `conserve_sites`).
"""

import numba
import numpy as np

from agents import BatteryStatus
from model.raid_records import DefenceArrays, FireArrays, RaidOutcome

_READY = int(BatteryStatus.READY)  # a constant to the compiled code


@numba.njit(cache=True)
def _split_pool(unengaged, n_members, engaged, picked):
    """Draw which members of a pool are engaged: `engaged` picks without replacement."""
    picked[:n_members] = 0
    if n_members == 1:
        picked[0] = engaged
        return
    total = 0
    for m in range(n_members):
        total += unengaged[m]
    for _ in range(engaged):
        u = np.random.random() * total
        k = 0
        while k < n_members - 1 and u >= unengaged[k] - picked[k]:
            u -= unengaged[k] - picked[k]
            k += 1
        picked[k] += 1
        total -= 1


@numba.njit(cache=True)
def _fire(b, r, w, site, terminal_pass, available, raid, left, defence, shot_down, fired, members, unengaged, picked):
    """One battery's fire at the threats `available` to it (by class) on route r, wave w; returns the kills.

    `terminal_pass` selects the ballistic classes (one salvo per missile, and
    each missile engaged is taken out of `available`) or the air-breathing ones
    (`available` is a copy of what flies; survivors go on to the next battery).
    `left` is tonight's engagements left per battery, `defence` a `FireArrays`;
    `members`, `unengaged` and `picked` are scratch for the pools.
    """
    class_order, is_ballistic, pool_members = defence.class_order, defence.is_ballistic, defence.pool_members
    shots, look_shoot, preference = defence.shots, defence.look_shoot, defence.preference
    kill_probability, effectiveness = defence.kill_probability, defence.effectiveness
    ready, stock, reserve, ballistic_capable = defence.ready, defence.stock, defence.reserve, defence.ballistic_capable
    n_classes = raid.shape[1]
    n_types = stock.shape[1]
    killed = 0
    for k in range(n_classes):
        c = class_order[b, k]
        if c < 0 or left[b] == 0:
            break
        if is_ballistic[c] != terminal_pass:
            continue
        n_members = 0
        pool = 0
        for m in range(pool_members.shape[1]):
            d = pool_members[c, m]
            if d < 0:
                break
            if available[d] > 0:
                members[n_members] = d
                unengaged[n_members] = available[d]
                pool += available[d]
                n_members += 1
        if pool == 0:
            continue
        s = shots[b, site, c]
        look = look_shoot[b] and not terminal_pass
        for j in range(n_types):
            i = preference[b, c, j]
            if i < 0 or left[b] == 0 or pool == 0:
                break
            if kill_probability[i, c] <= 0.0:
                continue
            usable = ready[b, i]
            if ballistic_capable[i] and not is_ballistic[c]:
                held_back = 0
                for t in range(n_types):
                    if ballistic_capable[t]:
                        held_back += stock[b, t]
                usable = min(usable, held_back - reserve[b])
            if usable <= 0:
                continue
            targets = min(pool, left[b])
            per_target = 1 if look else min(s, usable)
            engaged = min(targets, usable // per_target)
            if engaged <= 0:
                continue
            _split_pool(unengaged, n_members, engaged, picked)
            used = 0
            for m in range(n_members):
                if picked[m] == 0:
                    continue
                d = members[m]
                p = kill_probability[i, d] * effectiveness[b]
                if look:
                    alive = picked[m]
                    for _ in range(s):
                        volley = min(alive, usable - used)
                        if volley <= 0:
                            break
                        used += volley
                        alive -= np.random.binomial(volley, p)
                    kills = picked[m] - alive
                else:
                    used += picked[m] * per_target
                    kills = np.random.binomial(picked[m], 1.0 - (1.0 - p) ** per_target)
                raid[r, d, w] -= kills
                shot_down[d] += kills
                killed += kills
                unengaged[m] -= picked[m]
                if terminal_pass:
                    available[d] -= picked[m]
            pool -= engaged
            left[b] -= engaged
            stock[b, i] -= used
            ready[b, i] -= used
            fired[i] += used
    return killed


@numba.njit(cache=True)
def wave_capacity(raid, channels, engagement_hours, launches_per_hour, min_hours, max_hours, capacity):
    """What each battery can engage in each wave, into `capacity` (B, W).

    A wave of n threats lasts n / `launches_per_hour` hours, within
    [`min_hours`, `max_hours`]; a battery with `engagement_hours` > 0 engages
    again on each of its channels every `engagement_hours` while it passes,
    and at least once (0: once per wave).
    """
    n_routes, n_classes, n_waves = raid.shape
    for w in range(n_waves):
        n = 0
        for r in range(n_routes):
            for c in range(n_classes):
                n += raid[r, c, w]
        hours = min(max(n / launches_per_hour, min_hours), max_hours)
        for b in range(channels.shape[0]):
            cycles = 1.0
            if engagement_hours[b] > 0.0:
                cycles = max(1.0, hours / engagement_hours[b])
            capacity[b, w] = np.int64(np.floor(channels[b] * cycles + 0.5))


def resolve_raid(raid: np.ndarray, seed: int, defence: DefenceArrays, outcome: RaidOutcome) -> None:
    """Resolve one night in place: `raid` against `defence`, into `outcome`.

    `raid` (R, C, W) is reduced to the threats that got through and the
    defence's `stock` (B, I) loses the rounds fired; `seed` seeds the night's
    draws. `layers` lists the batteries each route crosses in order,
    `terminal` the batteries defending each site against ballistic missiles;
    what each battery can engage in each wave is `wave_capacity`'s. The outcome is
    overwritten: `shot_down`, `lost_to_ew` and `leaked` by class,
    `fired` by interceptor type, and `damage` by site: the leakers of each
    route times their class's damage, at the route's target site.

    The records cross into the compiled code as plain tuples and are named
    again on the other side: numba types a plain tuple in its C dispatcher
    but a named one in Python, about 5 us a night.
    """
    _resolve_raid(raid, seed, tuple(defence), tuple(outcome))


@numba.njit(cache=True)
def _resolve_raid(raid, seed, defence_fields, outcome_fields):
    """`resolve_raid`, compiled: the two records' fields in their classes' order."""
    defence, outcome = DefenceArrays(*defence_fields), RaidOutcome(*outcome_fields)
    layers, terminal = defence.layers, defence.terminal
    route_order, route_site = defence.route_order, defence.route_site
    status, is_ew, ew_share = defence.status, defence.is_ew, defence.ew_share
    guarding, guards = defence.guarding, defence.guards
    launcher_rounds, stock = defence.launcher_rounds, defence.stock
    is_ballistic, damage_per_leaker = defence.is_ballistic, defence.damage_per_leaker
    shot_down, lost_to_ew, leaked = outcome.shot_down, outcome.lost_to_ew, outcome.leaked
    fired, damage = outcome.fired, outcome.damage
    np.random.seed(seed)
    shot_down[:] = 0
    lost_to_ew[:] = 0
    leaked[:] = 0
    damage[:] = 0.0
    fired[:] = 0
    n_routes, n_classes, n_waves = raid.shape
    n_batteries = stock.shape[0]
    capacity = np.zeros((n_batteries, n_waves), dtype=np.int64)
    wave_capacity(raid, defence.channels, defence.engagement_hours, defence.launches_per_hour, defence.min_hours,
                  defence.max_hours, capacity)
    fire = FireArrays(class_order=defence.class_order, is_ballistic=is_ballistic, pool_members=defence.pool_members,
                       shots=defence.shots, look_shoot=defence.look_shoot, preference=defence.preference,
                       kill_probability=defence.kill_probability, effectiveness=defence.effectiveness,
                       ready=np.minimum(stock, launcher_rounds), stock=stock, reserve=defence.reserve,
                       ballistic_capable=defence.ballistic_capable)
    left = np.zeros(n_batteries, dtype=np.int64)
    members = np.zeros(n_classes, dtype=np.int64)
    unengaged = np.zeros(n_classes, dtype=np.int64)
    picked = np.zeros(n_classes, dtype=np.int64)
    available = np.zeros(n_classes, dtype=np.int64)
    for w in range(n_waves):
        left[:] = capacity[:, w]
        for r in route_order:  # ballistic missiles first: a battery that engages them puts them first
            site = route_site[r]
            missiles = 0
            for c in range(n_classes):
                if is_ballistic[c]:
                    missiles += raid[r, c, w]
                    available[c] = raid[r, c, w]
                else:
                    available[c] = 0
            if missiles == 0:
                continue
            for k in range(terminal.shape[1]):
                b = terminal[site, k]
                if b < 0:
                    break
                if status[b] != _READY or is_ew[b] or (guarding[b] and not guards[b, site]):
                    continue
                _fire(b, r, w, site, True, available, raid, left, fire, shot_down, fired, members, unengaged,
                      picked)
        for r in route_order:
            site = route_site[r]
            air = 0
            for c in range(n_classes):
                if not is_ballistic[c]:
                    air += raid[r, c, w]
            for layer in range(layers.shape[1]):
                b = layers[r, layer]
                if b < 0 or air == 0:
                    break
                if status[b] != _READY or (guarding[b] and not guards[b, site]):
                    continue
                if is_ew[b]:
                    for c in range(n_classes):
                        n = raid[r, c, w]
                        if n > 0 and not is_ballistic[c] and ew_share[b, c] > 0.0:
                            lost = np.random.binomial(n, ew_share[b, c])
                            raid[r, c, w] -= lost
                            lost_to_ew[c] += lost
                            air -= lost
                    continue
                for c in range(n_classes):
                    available[c] = raid[r, c, w]
                air -= _fire(b, r, w, site, False, available, raid, left, fire, shot_down, fired, members,
                             unengaged, picked)
    for r in range(n_routes):
        for c in range(n_classes):
            total = 0
            for w in range(n_waves):
                total += raid[r, c, w]
            leaked[c] += total
            damage[route_site[r]] += total * damage_per_leaker[c]
