"""Rules for sharing a delivery of interceptors among the batteries that fire them.

Each rule takes the whole rounds to share and, per eligible battery, its
launcher capacity, its current stock and the value of the sites it covers; it
returns whole rounds per battery that sum exactly to what was delivered
(largest-remainder rounding).

- `proportional`: to launcher capacity (the default).
- `lowest_stock_first`: to need: the emptiest battery (stock over capacity) first.
- `by_site_value`: to the value of the defended sites each battery covers.
- `by_threat`: to need times threat: each battery's shortfall (launcher rounds
  less stock, at least one round) times the damage the threats it could have
  engaged with this round type would have done, over recent nights (decayed;
  the campaign keeps the books, `AirCampaign.threat_to`).
"""

import heapq
from collections.abc import Callable

import numpy as np


def _largest_remainder(rounds: int, weights: np.ndarray) -> np.ndarray:
    """Split `rounds` in proportion to `weights`, in whole rounds that add up exactly."""
    total = weights.sum()
    exact = rounds * (weights / total) if total > 0 else np.full(len(weights), rounds / len(weights))
    whole = exact.astype(np.int64)  # floor: exact >= 0
    short = rounds - int(whole.sum())
    if short:
        whole[np.argsort(whole - exact, kind="stable")[:short]] += 1
    return whole


def proportional(rounds: int, capacity: np.ndarray, stock: np.ndarray,
                 covered_value: np.ndarray | None = None, threat: np.ndarray | None = None) -> np.ndarray:
    """Share in proportion to each battery's launcher capacity for this round."""
    return _largest_remainder(rounds, capacity)


def lowest_stock_first(rounds: int, capacity: np.ndarray, stock: np.ndarray,
                       covered_value: np.ndarray | None = None, threat: np.ndarray | None = None) -> np.ndarray:
    """Fill the emptiest batteries first: each round goes to the lowest `stock / capacity`.

    One round at a time from a heap (ties to the battery listed first), so no
    battery receives a round while another sits at a lower fill level.
    """
    capacity = [max(float(c), 1.0) for c in capacity]
    held = [int(s) for s in stock]
    share = [0] * len(held)
    heap = [(held[k] / capacity[k], k) for k in range(len(held))]
    heapq.heapify(heap)
    for _ in range(rounds):
        _, k = heapq.heappop(heap)
        share[k] += 1
        heapq.heappush(heap, ((held[k] + share[k]) / capacity[k], k))
    return np.array(share, dtype=np.int64)


def by_site_value(rounds: int, capacity: np.ndarray, stock: np.ndarray,
                  covered_value: np.ndarray | None = None, threat: np.ndarray | None = None) -> np.ndarray:
    """Share in proportion to the value of the sites each battery covers (as `proportional` if none covers any)."""
    if covered_value is None or covered_value.sum() <= 0:
        return proportional(rounds, capacity, stock)
    return _largest_remainder(rounds, np.asarray(covered_value, dtype=float))


def by_threat(rounds: int, capacity: np.ndarray, stock: np.ndarray,
              covered_value: np.ndarray | None = None, threat: np.ndarray | None = None) -> np.ndarray:
    """Share in proportion to shortfall times recent threat (as `proportional` while no battery has seen any)."""
    if threat is None or np.asarray(threat).sum() <= 0:
        return proportional(rounds, capacity, stock)
    shortfall = np.maximum(np.asarray(capacity) - np.asarray(stock), 1)
    return _largest_remainder(rounds, shortfall * np.asarray(threat, dtype=float))


ALLOCATION_RULES: dict[str, Callable[..., np.ndarray]] = {
    "proportional": proportional,
    "lowest_stock_first": lowest_stock_first,
    "by_site_value": by_site_value,
    "by_threat": by_threat,
}
"""Allocation rules by the name a scenario file uses."""
