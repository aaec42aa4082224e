"""The daily ledger: preallocated numpy rows per day, turned into a DataFrame on request.

Cheaper than a DataCollector of dicts (no per-day Python objects). Columns
come in named blocks (`launched` by class, `stock` by interceptor type...),
so conservation checks read whole blocks at once. Stacks group blocks written
together in one assignment; cumulative blocks are kept as running totals and
shown as daily flows; derived blocks are computed from the others on request.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd


class Ledger:
    """Named blocks of daily columns, each a (days, labels) array."""

    def __init__(self, days: int) -> None:
        """Open a ledger with room for `days` rows."""
        self.days = days
        self.blocks: dict[str, tuple[list[str], np.ndarray]] = {}
        self._cumulative: set[str] = set()
        self._derived: dict[str, tuple[list[str], Callable]] = {}
        self._totals: dict[str, dict[str, list[int]]] = {}

    def add_block(self, name: str, labels: list[str], dtype=np.int64) -> np.ndarray:
        """Declare the block `name` with one column per label (`name_label` in the table)."""
        array = np.zeros((self.days, len(labels)), dtype=dtype)
        self.blocks[name] = (labels, array)
        return array

    def add_stack(self, names: tuple[str, ...], labels: list[str], cumulative: tuple[str, ...] = ()) -> np.ndarray:
        """Declare blocks that share labels and are written together: returns (days, blocks, labels)."""
        stack = np.zeros((self.days, len(names), len(labels)), dtype=np.int64)
        for k, name in enumerate(names):
            self.blocks[name] = (labels, stack[:, k, :])
        self._cumulative.update(cumulative)
        return stack

    def derive(self, name: str, labels: list[str], compute: Callable[["Ledger"], np.ndarray]) -> None:
        """Declare a block computed from the others when read."""
        self._derived[name] = (labels, compute)

    def add_totals(self, name: str, groups: dict[str, list[int]]) -> None:
        """Columns `name_group` after block `name`'s own: the sum of each group's columns (families of classes)."""
        if groups:
            self._totals[name] = groups

    def totals(self, name: str) -> dict[str, np.ndarray]:
        """Each group's total of block `name`, by day."""
        array = self[name]
        return {group: array[:, columns].sum(axis=1) for group, columns in self._totals.get(name, {}).items()}

    def __getitem__(self, name: str) -> np.ndarray:
        """The whole (days, labels) array of a block; cumulative blocks as daily flows."""
        if name in self._derived:
            return self._derived[name][1](self)
        array = self.blocks[name][1]
        if name in self._cumulative:
            return np.diff(array, axis=0, prepend=0)
        return array

    def names(self) -> list[str]:
        """Every block, stored and derived, in table order."""
        return [*self.blocks, *self._derived]

    def frame(self, rows: int, dates) -> pd.DataFrame:
        """The first `rows` days as a DataFrame, with `day` and `date` first."""
        columns = {"day": np.arange(rows), "date": pd.to_datetime(list(dates))}
        for name in self.names():
            labels = self._derived[name][0] if name in self._derived else self.blocks[name][0]
            array = self[name][:rows]
            for k, label in enumerate(labels):
                columns[f"{name}_{label}" if label else name] = array[:, k]
            for group, columns_of in self._totals.get(name, {}).items():
                columns[f"{name}_{group}"] = array[:rows][:, columns_of].sum(axis=1)
        return pd.DataFrame(columns)
