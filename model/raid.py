"""The raid kernel: one night's threats against every battery, as counts, compiled with numba.

Threats arrive as counts indexed by (route, class, wave). Wave by wave, routes
are taken in order of target value; along each route the batteries engage in
the order the threats meet them, each bounded by its fire channels per wave,
its rounds ready on launchers tonight, its stock and its doctrine. Kills are
binomial draws from numba's generator, seeded for the night with a number
drawn from the run's own `numpy.random.Generator`, so the run's seed fixes
every night. The cost depends on routes x classes x batteries, never on how many
threats fly.

Engagement rules, by name:
- salvo: `s` rounds at each engaged target at once; it dies with 1-(1-p)^s.
- shoot-look-shoot: one round, look, and again at survivors, up to `s` rounds.
- ballistic reserve: ballistic-capable rounds are not fired at other classes
  while the battery's ballistic-capable stock is at or under its reserve.
- decoys: a class that mimics another is engaged in one pool with it; which
  members of the pool are engaged is drawn without replacement.
- EW: a share of each class crossing an EW unit's coverage loses its way.
- conserve mode: a battery marked `guarding` fires only on routes to sites
  where `guards[b, site]` is true (its doctrine's `conserve_sites`).
"""

import numba
import numpy as np


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
def resolve_raid(raid, layers, route_order, active, is_ew, ew_share, channels, effectiveness,
                 class_order, shots_per_target, look_shoot, reserve, preference, kill_probability,
                 ballistic_capable, is_ballistic, pool_of, launcher_rounds, stock, seed,
                 route_site, damage_per_leaker, guarding, guards, shot_down, lost_to_ew, leaked, fired, damage):
    """Resolve one night in place.

    `raid` (R, C, W) is reduced to the threats that got through and `stock`
    (B, I) loses the rounds fired. `pool_of[d]` is the class a decoy class d
    passes for, or d itself. The outputs are overwritten: `shot_down`,
    `lost_to_ew` and `leaked` by class (C), `fired` by interceptor type (I),
    and `damage` by site: the leakers of each route times their class's
    damage, at the route's target site `route_site[r]`.
    """
    np.random.seed(seed)
    shot_down[:] = 0
    lost_to_ew[:] = 0
    leaked[:] = 0
    damage[:] = 0.0
    fired[:] = 0
    n_routes, n_classes, n_waves = raid.shape
    n_batteries, n_types = stock.shape
    ready = np.minimum(stock, launcher_rounds)
    channels_left = np.zeros(n_batteries, dtype=np.int64)
    members = np.zeros(n_classes, dtype=np.int64)
    unengaged = np.zeros(n_classes, dtype=np.int64)
    picked = np.zeros(n_classes, dtype=np.int64)
    for w in range(n_waves):
        channels_left[:] = channels
        for r in route_order:
            for layer in range(layers.shape[1]):
                b = layers[r, layer]
                if b < 0:
                    break
                threats = 0
                for c in range(n_classes):
                    threats += raid[r, c, w]
                if threats == 0:
                    break
                if not active[b] or (guarding[b] and not guards[b, route_site[r]]):
                    continue
                if is_ew[b]:
                    for c in range(n_classes):
                        n = raid[r, c, w]
                        if n > 0 and ew_share[b, c] > 0.0:
                            lost = np.random.binomial(n, ew_share[b, c])
                            raid[r, c, w] -= lost
                            lost_to_ew[c] += lost
                    continue
                for k in range(n_classes):
                    c = class_order[b, k]
                    if c < 0 or channels_left[b] == 0:
                        break
                    n_members = 0
                    pool = 0
                    for d in range(n_classes):
                        if pool_of[d] == c and raid[r, d, w] > 0:
                            members[n_members] = d
                            unengaged[n_members] = raid[r, d, w]
                            pool += raid[r, d, w]
                            n_members += 1
                    s = shots_per_target[b, c]
                    for j in range(n_types):
                        i = preference[b, j]
                        if i < 0 or channels_left[b] == 0 or pool == 0:
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
                        targets = min(pool, channels_left[b])
                        per_target = 1 if look_shoot[b] else min(s, usable)
                        engaged = min(targets, usable // per_target)
                        _split_pool(unengaged, n_members, engaged, picked)
                        used = 0
                        for m in range(n_members):
                            if picked[m] == 0:
                                continue
                            d = members[m]
                            p = kill_probability[i, d] * effectiveness[b]
                            if look_shoot[b]:
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
                            unengaged[m] -= picked[m]
                        pool -= engaged
                        channels_left[b] -= engaged
                        stock[b, i] -= used
                        ready[b, i] -= used
                        fired[i] += used
    for r in range(n_routes):
        for c in range(n_classes):
            total = 0
            for w in range(n_waves):
                total += raid[r, c, w]
            leaked[c] += total
            damage[route_site[r]] += total * damage_per_leaker[c]
