"""Rules for sharing a delivery of interceptors among the batteries that fire them.

Each rule takes the whole rounds to share and, per eligible battery, its
launcher capacity and current stock; it returns whole rounds per battery that
sum exactly to what was delivered (largest-remainder rounding).
"""

from collections.abc import Callable

import numpy as np


def _largest_remainder(rounds: int, weights: np.ndarray) -> np.ndarray:
    """Split `rounds` in proportion to `weights`, in whole rounds that add up exactly."""
    if weights.sum() <= 0:
        weights = np.ones_like(weights, dtype=float)
    exact = rounds * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    short = rounds - int(whole.sum())
    if short:
        whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    return whole


def proportional(rounds: int, capacity: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Share in proportion to each battery's launcher capacity for this round."""
    return _largest_remainder(rounds, capacity.astype(float))


def lowest_stock_first(rounds: int, capacity: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Fill the emptiest batteries first, levelling stock relative to capacity.

    Water-filling: raise every battery toward a common fill level
    `stock / capacity`, so no battery stays below the level while another
    receives rounds.
    """
    capacity = np.maximum(capacity.astype(float), 1.0)
    share = np.zeros(len(stock), dtype=np.int64)
    for _ in range(rounds):
        share[np.argmin((stock + share) / capacity)] += 1
    return share


ALLOCATION_RULES: dict[str, Callable[[int, np.ndarray, np.ndarray], np.ndarray]] = {
    "proportional": proportional,
    "lowest_stock_first": lowest_stock_first,
}
"""Allocation rules by the name a scenario file uses."""
