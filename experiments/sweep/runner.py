"""Running a sweep: plan, skip what is done, compute the rest, store as it finishes, report.

    from experiments import run_sweep
    result = run_sweep("pause-length", "results/pause-length")   # a built-in spec, or a TOML path
    result.runs                       # one row per run: factors and summary metrics
    experiments, outcomes = result.to_ema()   # for EMA Workbench's analysis functions

Running the same call again resumes: finished runs are reused, never recomputed.
"""

import math
import multiprocessing
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.sweep.design import Run, SweepPlan
from experiments.sweep.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from experiments.sweep.layout import SweepLayout
from experiments.sweep.spec import SpecError, SweepSpec, load_spec
from experiments.sweep.storage import ResultStore
from experiments.sweep.worker import Chunk, ChunkResult, simulate
from model.errors import InputError


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`"I/N"` as (I, N), with 0 <= I < N."""
    if text is None:
        return None
    try:
        index, count = (int(part) for part in str(text).split("/"))
    except ValueError:
        raise SpecError("--shard", [("shard", text, "write the shard as I/N, e.g. 0/4")]) from None
    if count < 1 or not 0 <= index < count:
        raise SpecError("--shard", [("shard", text, "needs 0 <= I < N")])
    return index, count


@dataclass
class SweepResult:
    """A sweep's results folder, read back: runs, failures, daily tables and the manifest."""

    path: Path
    computed: int = 0
    reused: int = 0
    failed: int = 0
    seconds: float = 0.0
    _runs: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def store(self) -> ResultStore:
        """The folder's reader."""
        return ResultStore(self.path)

    @property
    def manifest(self) -> dict:
        """What the sweep was: spec, design, seed, versions, platform."""
        return self.store.manifest()

    @property
    def layout(self) -> SweepLayout:
        """What the runs table holds: id and factor columns, factor kinds and decoded values, the unit sample."""
        return SweepLayout.from_manifest(self.manifest)

    @property
    def runs(self) -> pd.DataFrame:
        """One row per finished run, sorted by run id; it carries its layout, so analysis knows its factors."""
        if self._runs is None:
            self._runs = self.layout.attach(self.store.read("runs"))
        return self._runs

    @property
    def failures(self) -> pd.DataFrame:
        """One row per failed run: run id, parameters, seed, error and traceback."""
        return self.store.read("failures")

    def daily(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The daily tables kept by the spec, all runs, with `run_id`."""
        return self.store.read("daily", columns)

    @property
    def factors(self) -> list[str]:
        """Names of the factors, in spec order."""
        return self.layout.names

    def to_ema(self) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """(experiments, outcomes) in the form EMA Workbench's analysis functions take.

        `experiments` holds the factor values (levers and uncertainties) and the
        seed of each run; `outcomes` maps each summary metric to an array in the
        same row order.
        """
        runs, layout = self.runs, self.layout
        experiments = runs[[*layout.names, "seed"]].reset_index(drop=True)
        skip = {*layout.ids, *layout.names}
        outcomes = {c: runs[c].to_numpy() for c in runs.columns
                    if c not in skip and pd.api.types.is_numeric_dtype(runs[c])}
        return experiments, outcomes


def open_results(path: str | Path) -> SweepResult:
    """Read a finished (or partly finished) sweep's folder without running anything."""
    result = SweepResult(Path(path))
    result.manifest  # noqa: B018 - raises a clear error when the folder is not a sweep's
    return result


def _executor(workers: int | None, scheduler):
    if workers is not None and workers < 1:
        raise InputError(f"workers = {workers!r}: give 1 or more local processes (None: every core)")
    if scheduler is not None:
        return DaskExecutor(scheduler)
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers)


def _chunks(plan: SweepPlan, todo: list[Run], workers: int, simulator) -> list[Chunk]:
    # about 20 chunks a worker: small enough that no worker idles long at the end, big enough to amortise
    size = max(1, min(50, math.ceil(len(todo) / (workers * 20)))) if todo else 1
    daily = plan.spec.outputs.daily
    return [Chunk(plan.identity, plan.base, plan.scenario_source, plan.paths, todo[k:k + size], daily, simulator,
                  plan.ensemble) for k in range(0, len(todo), size)]


def plan_sweep(spec: str | Path | SweepSpec, out: str | Path) -> SweepPlan:
    """The sweep's plan, its results folder checked (writable; new, empty or this sweep's); nothing written.

    `attrition headline` plans every sweep first, so no folder is refused after other sweeps ran.
    """
    spec = spec if isinstance(spec, SweepSpec) else load_spec(spec)
    plan = SweepPlan(spec, spec.source)
    ResultStore(out).check(plan)
    return plan


def run_sweep(spec: str | Path | SweepSpec | SweepPlan, out: str | Path, *, workers: int | None = None, scheduler=None,
              shard: str | tuple[int, int] | None = None, progress: bool = True,
              simulator=simulate) -> SweepResult:
    """Run a sweep into the folder `out`, resuming whatever an earlier call finished.

    Args:
        spec: a built-in spec name, a spec TOML path, a `SweepSpec`, or the `SweepPlan` `plan_sweep` made.
        out: the results folder (created; a different sweep's folder is refused).
        workers: local processes (default: all cores); 1 runs in this process.
        scheduler: a Dask scheduler address or `distributed.Client` (then `workers` is ignored).
        shard: `"I/N"` or (I, N): run only every N-th run, starting at the I-th (batch-job arrays).
        progress: show a progress bar (runs done, runs/s, ETA, failures).
        simulator: the function `(scenario, seed, daily_columns) -> (summary, daily)` that makes one run;
            importable by name so workers can load it.

    Returns:
        The folder's results (all runs so far, from this call and earlier ones).
    """
    if multiprocessing.parent_process() is not None and workers != 1 and scheduler is None:
        raise RuntimeError("run_sweep was called inside a worker process: the calling script lacks an "
                           "`if __name__ == \"__main__\":` guard around it")
    plan = spec if isinstance(spec, SweepPlan) else plan_sweep(spec, out)
    spec = plan.spec
    shard = parse_shard(shard) if isinstance(shard, str | None) else shard
    store = ResultStore(out)
    store.check(plan)
    every = plan.runs()
    mine = every if shard is None else [run for k, run in enumerate(every) if k % shard[1] == shard[0]]
    done = store.done_ids() if store.manifest_path.exists() else set()
    todo = [run for run in mine if run.run_id not in done]
    executor = _executor(workers, scheduler)
    store.open_for(plan)
    counts = {"computed": 0, "failed": 0}
    started = time.perf_counter()
    bar = tqdm(total=len(todo), unit="run", desc=spec.name, disable=not progress or not todo, smoothing=0.1)

    def on_result(result: ChunkResult) -> None:
        store.write(result)
        counts["computed"] += len(result.runs)
        counts["failed"] += len(result.failures)
        bar.update(result.count)
        if counts["failed"]:
            bar.set_postfix(failures=counts["failed"])

    record = {"executor": executor.name, "workers": executor.workers, "shard": shard, "runs_in_shard": len(mine),
              "to_compute": len(todo), "reused": len(mine) - len(todo),
              "started": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        executor.run(_chunks(plan, todo, executor.workers, simulator), on_result)
    finally:
        bar.close()
        seconds = time.perf_counter() - started
        store.log_invocation({**record, **counts, "seconds": round(seconds, 3),
                              "finished": datetime.now(UTC).isoformat(timespec="seconds")})
    return SweepResult(Path(out), counts["computed"], len(mine) - len(todo), counts["failed"], seconds)
