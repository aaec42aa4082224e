"""The catalog's threat classes and interceptor types as arrays, in catalog order.

Columns of every class-by-class or type-by-type table in the model (the
kernel's, the batteries', the ledger's) follow this order. Only the kill
probabilities change during a run, through `set_kill_probability` (a
timeline event).
"""

import numpy as np

from model.scenario import Catalog


class CatalogArrays:
    """Names, kill probabilities, costs, damage and decoy pools of the catalog's classes and round types."""

    def __init__(self, catalog: Catalog) -> None:
        """Compile `catalog`'s threats and interceptors."""
        threats, interceptors = catalog.threats, catalog.interceptors
        self.class_names = list(threats)
        self.interceptor_names = list(interceptors)
        n_c, n_i = len(self.class_names), len(self.interceptor_names)
        self.is_ballistic = np.array([t.ballistic for t in threats.values()], dtype=np.bool_)
        self.kill_probability = np.array([[interceptors[i].kill_probability.get(c, 0.0) for c in self.class_names]
                                          for i in self.interceptor_names]).reshape(n_i, n_c)
        """(I, C) single-shot kill probability of each round type against each class."""
        self.ballistic_capable = np.array([interceptors[i].ballistic_capable for i in self.interceptor_names],
                                          dtype=np.bool_)
        self.round_cost = np.array([interceptors[i].cost_usd for i in self.interceptor_names])
        self.damage_per_leaker = np.array([t.damage for t in threats.values()])
        self.pool_of = np.array([self.class_names.index(t.mimics) if t.mimics else c
                                 for c, t in enumerate(threats.values())], dtype=np.int64)
        """Per class, the class it is engaged with: the one a decoy mimics, else itself."""
        self.pool_members = np.full((n_c, n_c), -1, dtype=np.int64)
        """Per class, the classes engaged in one pool with it (itself and its decoys), padded with -1."""
        for c in range(n_c):
            pool = np.flatnonzero(self.pool_of == c)
            self.pool_members[c, : len(pool)] = pool

    def engaged_classes(self, classes: list[str]) -> list[int]:
        """Columns of `classes` in engagement order; decoys are engaged with the class they mimic, not on their own."""
        names = self.class_names
        return [names.index(c) for c in classes if self.pool_of[names.index(c)] == names.index(c)]

    def set_kill_probability(self, interceptor: str, classes: list[str], value: float) -> None:
        """From now on `interceptor` kills each of `classes` with probability `value`."""
        i = self.interceptor_names.index(interceptor)
        for name in classes:
            self.kill_probability[i, self.class_names.index(name)] = value
