"""The daily ledger: one preallocated numpy row per day, turned into a DataFrame on request.

Cheaper than a DataCollector of dicts (no per-day Python objects), and its
columns are named blocks (`launched` by class, `stock` by interceptor type...),
so conservation checks read whole blocks at once.
"""

import numpy as np
import pandas as pd


class Ledger:
    """Named blocks of daily columns, each a (days, labels) array."""

    def __init__(self, days: int) -> None:
        """Open a ledger with room for `days` rows."""
        self.days = days
        self.blocks: dict[str, tuple[list[str], np.ndarray]] = {}

    def add_block(self, name: str, labels: list[str], dtype=np.int64) -> np.ndarray:
        """Declare the block `name` with one column per label (`name_label` in the table)."""
        array = np.zeros((self.days, len(labels)), dtype=dtype)
        self.blocks[name] = (labels, array)
        return array

    def __getitem__(self, name: str) -> np.ndarray:
        """The whole (days, labels) array of a block."""
        return self.blocks[name][1]

    def frame(self, rows: int, dates) -> pd.DataFrame:
        """The first `rows` days as a DataFrame, with `day` and `date` first."""
        columns = {"day": np.arange(rows), "date": pd.to_datetime(list(dates))}
        for name, (labels, array) in self.blocks.items():
            if len(labels) == 1 and labels[0] == "":
                columns[name] = array[:rows, 0]
                continue
            for k, label in enumerate(labels):
                columns[f"{name}_{label}"] = array[:rows, k]
        return pd.DataFrame(columns)
