"""What a worker process does: run a chunk of a sweep's runs and hand back their tables.

Everything here is importable by name, so local processes and Dask workers
can unpickle it; a run that raises becomes a failure record and the chunk goes on.
"""

import json
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd

from experiments.sweep.design import Run, with_values
from experiments.sweep.layout import cell_value
from model import AirCampaign, Scenario, build_scenario


def simulate(scenario: Scenario, seed: int, daily_columns: list[str] | str) -> tuple[dict, pd.DataFrame | None]:
    """Run one campaign to its end: its summary, and the daily columns asked for (None if none)."""
    campaign = AirCampaign(scenario, rng=seed).run()
    summary = campaign.summary()
    if not daily_columns:
        return summary, None
    daily = campaign.daily()
    if daily_columns != "all":
        daily = daily[["day", "date", *daily_columns]]
    return summary, daily


@dataclass(frozen=True)
class Chunk:
    """A batch of runs, with all the data a worker needs to make them."""

    identity: str
    base: dict
    scenario_source: str
    paths: dict[str, list[str]]
    runs: list[Run]
    daily_columns: list[str] | str = field(default_factory=list)
    simulator: object = simulate
    ensemble: object = None
    """The posterior ensemble (`experiments.sweep.ensemble.Ensemble`) whose draws the runs take, or None."""


@dataclass
class ChunkResult:
    """The tables of a finished chunk: one row per run, daily rows if asked, failures."""

    runs: pd.DataFrame
    daily: pd.DataFrame | None
    failures: pd.DataFrame
    seconds: float

    @property
    def count(self) -> int:
        """Runs in this chunk, finished or failed."""
        return len(self.runs) + len(self.failures)


_SCENARIOS: OrderedDict = OrderedDict()
"""Scenarios built in this process, by (sweep identity, design point); a few are kept."""


def _scenario(chunk: Chunk, run: Run) -> Scenario:
    """A run's scenario: its draw's values set first (when there is an ensemble), then its design point's."""
    key = (chunk.identity, run.point, run.draw)
    if key not in _SCENARIOS:
        base = chunk.base if run.draw is None else chunk.ensemble.apply(chunk.base, run.replication)
        raw = with_values(base, chunk.paths, run.values)
        _SCENARIOS[key] = build_scenario(raw, chunk.scenario_source)
        while len(_SCENARIOS) > 32:
            _SCENARIOS.popitem(last=False)
    return _SCENARIOS[key]


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every run of a chunk; a run that raises is recorded with its traceback."""
    start = time.perf_counter()
    rows, dailies, failures = [], [], []
    for run in chunk.runs:
        ids = {"run_id": run.run_id, "point": run.point, "replication": run.replication, "seed": run.seed}
        if run.draw is not None:
            ids = {"run_id": run.run_id, "point": run.point, "replication": run.replication, "draw": run.draw,
                   "seed": run.seed}
        try:
            summary, daily = chunk.simulator(_scenario(chunk, run), run.seed, chunk.daily_columns)
        except Exception as error:  # noqa: BLE001 - any failure of a run is data, not a crash
            failures.append({**ids, "parameters": json.dumps(run.values, default=str),
                             "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})
            continue
        rows.append({**ids, **{k: cell_value(v) for k, v in run.values.items()}, **summary})
        if daily is not None:
            daily.insert(0, "run_id", run.run_id)
            dailies.append(daily)
    return ChunkResult(pd.DataFrame(rows), pd.concat(dailies, ignore_index=True) if dailies else None,
                       pd.DataFrame(failures), time.perf_counter() - start)
