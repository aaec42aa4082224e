"""Rules for sharing a delivery of interceptors among the batteries that fire them.

Each rule takes the whole rounds to share and, per eligible battery, its
launcher capacity, its current stock, the value of the sites it covers and the
threat it has seen; it returns whole rounds per battery that sum exactly to
what was delivered (largest-remainder rounding). A rule is one subclass of
`AllocationRule` below: its `name` is what a supplier's `allocation` says, and
the scenario reference lists it with its docstring.
"""

import heapq
from typing import ClassVar

import numpy as np

from agents.registry import Registered


def _largest_remainder(rounds: int, weights: np.ndarray) -> np.ndarray:
    """Split `rounds` in proportion to `weights`, in whole rounds that add up exactly."""
    total = weights.sum()
    exact = rounds * (weights / total) if total > 0 else np.full(len(weights), rounds / len(weights))
    whole = exact.astype(np.int64)  # floor: exact >= 0
    short = rounds - int(whole.sum())
    if short:
        whole[np.argsort(whole - exact, kind="stable")[:short]] += 1
    return whole


class AllocationRule(Registered):
    """A way of sharing one delivery of one round type among the batteries that fire it."""

    registry: ClassVar[dict[str, "AllocationRule"]] = {}
    needs_threat: ClassVar[bool] = False
    """The rule reads the threat each battery has seen (the campaign keeps those books only if a rule does)."""

    def share(self, rounds: int, capacity: np.ndarray, stock: np.ndarray,
              covered_value: np.ndarray | None = None, threat: np.ndarray | None = None) -> np.ndarray:
        """Whole rounds per battery, summing to `rounds`."""
        raise NotImplementedError


class Proportional(AllocationRule):
    """Share in proportion to each battery's launcher capacity for this round (the default)."""

    name = "proportional"

    def share(self, rounds, capacity, stock, covered_value=None, threat=None) -> np.ndarray:
        """Rounds in proportion to `capacity`."""
        return _largest_remainder(rounds, capacity)


class LowestStockFirst(AllocationRule):
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

    name = "lowest_stock_first"

    def share(self, rounds, capacity, stock, covered_value=None, threat=None) -> np.ndarray:
        """Rounds to the emptiest batteries, one at a time as the definition says (in bulk where it can)."""
        cap = np.maximum(np.asarray(capacity, dtype=float), 1.0)
        held = np.asarray(stock, dtype=np.int64)
        share = np.zeros(len(held), dtype=np.int64)
        if rounds <= 0 or not len(held):
            return share

        def below(level: float) -> np.ndarray:  # per battery: its keys strictly under `level`, as the heap compares
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


class BySiteValue(AllocationRule):
    """Share in proportion to the value of the sites each battery covers (as `proportional` if none covers any)."""

    name = "by_site_value"

    def share(self, rounds, capacity, stock, covered_value=None, threat=None) -> np.ndarray:
        """Rounds in proportion to `covered_value`."""
        if covered_value is None or covered_value.sum() <= 0:
            return Proportional().share(rounds, capacity, stock)
        return _largest_remainder(rounds, np.asarray(covered_value, dtype=float))


class ByThreat(AllocationRule):
    """Share to need times threat (as `proportional` while no battery has seen any).

    Each battery's shortfall (launcher rounds less stock, at least one round)
    times the damage the threats it could have engaged with this round type
    would have done, over recent nights (decayed; the campaign keeps the
    books, `AirCampaign.threat_to`).
    """

    name = "by_threat"
    needs_threat = True

    def share(self, rounds, capacity, stock, covered_value=None, threat=None) -> np.ndarray:
        """Rounds in proportion to shortfall times `threat`."""
        if threat is None or np.asarray(threat).sum() <= 0:
            return Proportional().share(rounds, capacity, stock)
        shortfall = np.maximum(np.asarray(capacity) - np.asarray(stock), 1)
        return _largest_remainder(rounds, shortfall * np.asarray(threat, dtype=float))


class Equal(AllocationRule):
    """Split evenly among the eligible batteries, whatever their capacity or stock (largest remainder)."""

    name = "equal"

    def share(self, rounds, capacity, stock, covered_value=None, threat=None) -> np.ndarray:
        """The same whole rounds to every battery; the odd rounds left over go to those listed first."""
        return _largest_remainder(rounds, np.ones(len(capacity)))


ALLOCATION_RULES = AllocationRule.registry
"""Allocation rules by the name a scenario file uses."""
