"""Targeting rules: how the attacker weighs the routes it can fly, from what it sees from outside.

The campaign hands a rule a `Sight` of one kind of night (routine or salvo)
and normalises what the rule returns, class by class. A rule is one subclass
of `TargetingRule` below: its `name` is what `attacker.targeting` says, and the
scenario reference lists it with its docstring.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from agents.registry import Registered


@dataclass(frozen=True)
class Sight:
    """What the attacker sees from outside on one kind of night: sites, and batteries, by route."""

    by_value: Callable[[float], np.ndarray]
    """(classes, routes) for a concentration: each site's value**concentration, split over the launch areas from
    which the class reaches it, near routes favoured as the night's `reach_km` says."""
    defenders: Callable[[], np.ndarray]
    """(classes, routes): the batteries that would meet the class on the route (those defending the site, for a
    ballistic class)."""


class TargetingRule(Registered):
    """A way of weighing routes: (classes, routes) weights, each row normalised by the campaign."""

    registry: ClassVar[dict[str, "TargetingRule"]] = {}
    follows_defence: ClassVar[bool] = False
    """The rule looks at the batteries: aim again whenever one joins, leaves or moves."""

    def weights(self, sight: Sight, concentration: float) -> np.ndarray:
        """Each class's weight on each route (`concentration`: the attacker's exponent on site value)."""
        raise NotImplementedError


class ByValue(TargetingRule):
    """Sites weighted by value**concentration."""

    name = "value"

    def weights(self, sight: Sight, concentration: float) -> np.ndarray:
        """The value-weighted routes."""
        return sight.by_value(concentration)


class Spread(TargetingRule):
    """Every site alike."""

    name = "spread"

    def weights(self, sight: Sight, concentration: float) -> np.ndarray:
        """The routes with every site's value to the power 0."""
        return sight.by_value(0.0)


class Thinnest(TargetingRule):
    """Value**concentration over (1 + batteries covering the route), as seen from outside."""

    name = "thinnest"
    follows_defence = True

    def weights(self, sight: Sight, concentration: float) -> np.ndarray:
        """The value-weighted routes, each divided by one plus the batteries that would meet the class on it."""
        return sight.by_value(concentration) / (1.0 + sight.defenders())


TARGETING_RULES = TargetingRule.registry
"""Targeting rules by the name a scenario file uses."""
