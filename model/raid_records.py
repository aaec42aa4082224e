"""The raid kernel's records: what it reads about the defence, and what it writes about the night.

Passed to `resolve_raid` by name, so no two arrays can change places
unnoticed. B batteries, R routes, C threat classes, I interceptor types,
S sites, W waves; lists padded with -1.
"""

from typing import NamedTuple

import numpy as np


class DefenceArrays(NamedTuple):
    """The defence as the kernel reads it: the battery set's, the catalog's and the routes' own arrays."""

    layers: np.ndarray
    """(R, L) the batteries each route crosses, in the order a threat meets them."""
    terminal: np.ndarray
    """(S, K) the batteries defending each site against ballistic missiles, nearest first."""
    route_order: np.ndarray
    """Routes in the order they are fought (by target value)."""
    route_site: np.ndarray
    """(R,) each route's target site."""
    status: np.ndarray
    """(B,) each battery's `BatteryStatus`; only `READY` ones fire or jam."""
    is_ew: np.ndarray
    """(B,) EW units jam instead of firing."""
    ew_share: np.ndarray
    """(B, C) share of each air-breathing class crossing an EW unit that loses its way."""
    channels: np.ndarray
    """(B,) targets each battery engages at once (fire channels), at tonight's force and warning."""
    engagement_hours: np.ndarray
    """(B,) hours one engagement ties up a channel (0: one engagement per channel per wave)."""
    effectiveness: np.ndarray
    """(B,) factor on kill probabilities (the warning in force)."""
    class_order: np.ndarray
    """(B, C) classes each battery engages tonight, in priority order."""
    shots: np.ndarray
    """(B, S, C) rounds per target, by target site and class."""
    look_shoot: np.ndarray
    """(B,) shoot-look-shoot instead of a salvo (air-breathing classes)."""
    reserve: np.ndarray
    """(B,) ballistic-capable rounds kept back from other classes."""
    preference: np.ndarray
    """(B, C, I) round types each battery reaches for, per class, in order."""
    launcher_rounds: np.ndarray
    """(B, I) rounds each battery can fire in one night."""
    stock: np.ndarray
    """(B, I) rounds held; loses the rounds fired."""
    guarding: np.ndarray
    """(B,) conserving tonight and firing only for the sites in `guards`."""
    guards: np.ndarray
    """(B, S) the sites a guarding battery still fires for."""
    kill_probability: np.ndarray
    """(I, C) single-shot kill probability."""
    ballistic_capable: np.ndarray
    """(I,) round types that can kill ballistic missiles."""
    is_ballistic: np.ndarray
    """(C,) ballistic classes, met only in the terminal pass."""
    pool_members: np.ndarray
    """(C, C) the classes engaged in one pool with each class (itself and its decoys)."""
    damage_per_leaker: np.ndarray
    """(C,) damage a leaker of each class does at its site."""
    launches_per_hour: float
    """Threats launched per hour: a wave of n lasts n / launches_per_hour hours (`RaidTiming`)..."""
    min_hours: float
    """...but not less than this..."""
    max_hours: float
    """...nor more than this."""


class RaidOutcome(NamedTuple):
    """What came of one night, overwritten by the kernel (the campaign passes its ledger rows for the day)."""

    shot_down: np.ndarray
    """(C,) threats killed by interceptors."""
    lost_to_ew: np.ndarray
    """(C,) threats that lost their way to EW."""
    leaked: np.ndarray
    """(C,) threats that got through."""
    fired: np.ndarray
    """(I,) rounds fired."""
    damage: np.ndarray
    """(S,) damage done at each site."""


class FireArrays(NamedTuple):
    """What one battery's fire reads and spends: `DefenceArrays`' fields of the same names, and `ready`.

    Its own record, made once a night: numba passes every array of a record
    to a compiled call, and `_fire` is called for every battery on every route.
    """

    class_order: np.ndarray
    is_ballistic: np.ndarray
    pool_members: np.ndarray
    shots: np.ndarray
    look_shoot: np.ndarray
    preference: np.ndarray
    kill_probability: np.ndarray
    effectiveness: np.ndarray
    ready: np.ndarray
    """(B, I) rounds still ready on launchers tonight."""
    stock: np.ndarray
    reserve: np.ndarray
    ballistic_capable: np.ndarray
