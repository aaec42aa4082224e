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

    The rule is one round at a time to the lowest fill (ties to the battery
    listed first), so no battery receives a round while another sits at a
    lower fill level. Done that way, a day's thousands of rounds cost a heap
    operation each; instead the k-th round a battery could take has the key
    ((stock + k) / capacity, battery), the rule hands out the `rounds` smallest
    keys, and every key below the water level (less one round of the smallest
    capacity) is among them: those are given at once, and only the last few
    go through the heap.
    """
    cap = np.maximum(np.asarray(capacity, dtype=float), 1.0)
    held = np.asarray(stock, dtype=np.int64)
    share = np.zeros(len(held), dtype=np.int64)
    if rounds <= 0 or not len(held):
        return share

    def below(level: float) -> np.ndarray:  # per battery: its keys strictly under `level`, as the heap compares them
        count = np.maximum(np.ceil(level * cap - held), 0).astype(np.int64)
        count -= (count > 0) & ((held + count - 1) / cap >= level)  # float rounding, either way
        count += (held + count) / cap < level
        return count

    fill = held / cap
    order = np.argsort(fill, kind="stable")
    cap_in, held_in = np.cumsum(cap[order]), np.cumsum(held[order])
    water = (rounds + held_in) / cap_in  # the level if the i+1 emptiest alone took every round
    i = int(np.flatnonzero(np.append(fill[order][1:], np.inf) >= water)[0])
    level = water[i] - 1.0 / cap.min()  # below it, never more keys than rounds: a prefix of the rule's order
    share[:] = below(level) if level > fill.min() else 0
    heap = [((held[k] + share[k]) / cap[k], k) for k in range(len(held))]
    heapq.heapify(heap)
    for _ in range(rounds - int(share.sum())):
        _, k = heapq.heappop(heap)
        share[k] += 1
        heapq.heappush(heap, ((held[k] + share[k]) / cap[k], k))
    return share


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
