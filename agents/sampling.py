"""Compiled draws for the attacker's nightly raid: launch sizes and where each munition flies.

Numba-compiled because a year of nights would otherwise spend most of its
time in numpy's per-call overhead. Each call seeds numba's generator with a
seed the caller draws from the run's `numpy.random.Generator`, so every draw
still follows from the run's seed (handing the Generator itself to numba
costs about 22 microseconds a call, more than the work).
"""

import numba
import numpy as np


@numba.njit(cache=True)
def _negative_binomial(mean, dispersion):
    """Negative binomial with mean `mean` and shape `dispersion`; 0 means no randomness.

    When mean/dispersion is so small that p = k/(k+m) rounds to 1, the
    distribution is Poisson to machine precision, and the Poisson draw is
    used (the gamma mixture would be asked for a zero scale).
    """
    if mean <= 0.0:
        return 0
    if dispersion == 0.0:
        return np.int64(np.rint(mean))
    p = dispersion / (dispersion + mean)
    if p >= 1.0 or mean / dispersion < 1e-12:
        return np.random.poisson(mean)
    return np.random.negative_binomial(dispersion, p)


@numba.njit(cache=True)
def _scatter(count, probabilities, out):
    """Multinomial draw of `count` over `probabilities` (summing to 1), by conditional binomials."""
    mass = 1.0
    last = -1
    for k in range(len(probabilities)):
        p = probabilities[k]
        if count == 0:
            return
        if p <= 0.0:
            continue
        last = k
        drawn = np.random.binomial(count, min(p / mass, 1.0)) if mass > p else count
        out[k] += drawn
        count -= drawn
        mass -= p
    if count > 0 and last >= 0:  # rounding left a sliver of mass unplaced
        out[last] += count


@numba.njit(cache=True)
def draw_raid(mean, dispersion, extra, stockpile, route_weights, wave_shares, seed, launched, raid, by_route):
    """Draw tonight's launches and scatter them over (route, class, wave), into the arrays given.

    Each class launches `extra` plus a negative binomial draw with mean `mean`
    and shape `dispersion` (0: exactly the rounded mean), at most its
    stockpile. Launches go to routes by the class's row of `route_weights`
    (classes, routes; 0 beyond its range), then to waves by the
    class's `wave_shares`: one multinomial, drawn in two stages. `launched`
    (C) and `raid` (R, C, W) are overwritten; `by_route` (R) is scratch.
    """
    np.random.seed(seed)
    n_classes = wave_shares.shape[0]
    n_routes = route_weights.shape[1]
    raid[:] = 0
    for c in range(n_classes):  # every count first: where threats go never changes how many fly (common numbers)
        launched[c] = min(extra[c] + _negative_binomial(mean[c], dispersion), stockpile[c])
    for c in range(n_classes):
        if route_weights[c].sum() <= 0.0:  # beyond range of every site: nothing of it flies
            launched[c] = 0
    for c in range(n_classes):
        if launched[c] == 0:
            continue
        by_route[:] = 0
        _scatter(launched[c], route_weights[c], by_route)
        for r in range(n_routes):
            if by_route[r] > 0:
                _scatter(by_route[r], wave_shares[c], raid[r, c])
