"""Benchmark of a sweep: 10,000 runs on all cores, parallel efficiency, and Mesa's `batch_run` beside it.

Prints figures, asserts nothing; each figure is printed next to its target. Phases, in order:
- [1] one run of `baseline-2025` (365 days, run and summary), median of serial runs in one process
  (`--serial-runs`, default 51): the single-run time the parallel efficiency is measured against;
- [2] `run_sweep` of 10,000 runs (`--runs`) with summary outputs on all cores (`--workers`): wall time
  (target <= 5 minutes), runs per second, peak memory (target <= 1 GiB), and the parallel efficiency =
  runs per second / (workers / single-run time), as a percentage (target >= 90%);
- [3], [4] the same model and design, 2,000 runs (`--batch-runs`), through `run_sweep` and through Mesa's
  `batch_run` (number_processes = workers, one seed per run, data_collection_period=-1): runs per second
  of each, their ratio (target: ours >= 1.5x), and whether both made the same runs (the same damage for
  each replication);
- [5], [6] the same 2,000 runs keeping the daily tables: ours with `[outputs] daily = "all"` (written to
  Parquet as chunks finish), `batch_run` with a DataCollector collecting every daily column every step and
  data_collection_period=1 (returned as a list of row dicts): rows kept, peak memory of each, and their
  ratio (target: ours <= 1/10). `--skip-batch-run` skips [3] to [6].
Each memory line reads: the peak RSS sum, the RSS of each process at that peak (parent, forkserver,
workers, resource tracker), the number of samples and the sampler's own CPU use, the parent's own peak,
and the peak PSS sum.

The sweep is a spec built in code: scenario `baseline-2025`, one full-factorial factor
`attacker.concentration` with the single value of the baseline (so every run is a `baseline-2025` run),
replications = runs, root seed 2025, results in a temporary folder deleted afterwards. `batch_run` gets
the same design: `BatchCampaign`, a small adapter subclass of `AirCampaign` with keyword parameters and
a `datacollector` that builds its scenario once per process, and `rng` = the sweep's replication seeds.
(`iterations=N` in Mesa 3.5.1 is deprecated and means `rng=[None] * N`: every run seeded from fresh OS
entropy, not reproducible; a list of seeds makes the same number of runs, each seeded, the same as ours.)

Memory: each phase runs in a fresh Python process (the "parent" below), so no phase inherits another's
imports, heap, forkserver, or the start method `batch_run` forces on the whole process. Peak memory
is the peak of the SUM of RSS over that parent and all its descendants, sampled with psutil every 0.2 s
by a background thread of this program's top process (not counted); pages shared between processes (the
libraries every process maps, a forked worker's pages shared with its forkserver) count once per process,
so the sum overstates. Also printed: the parent's own peak, getrusage(RUSAGE_SELF).ru_maxrss, and the
peak of the summed PSS (shared pages split between the processes that share them), sampled every 1 s.
Wall times are of the `run_sweep` / `batch_run` call alone (worker start-up included, imports not).

Run: `make bench-sweep` or `.venv/bin/python benchmarks/bench_sweep.py [--runs N] [--batch-runs N]
[--skip-batch-run] [--workers N] [--serial-runs N]`.
"""

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import psutil
from mesa import DataCollector

from experiments.sweep.design import replication_seed
from model import AirCampaign, build_scenario, scenario_data

SCENARIO = "baseline-2025"
ROOT_SEED = 2025
SAMPLE_SECONDS = 0.2
PSS_EVERY = 5
MIB = 2**20


# ---------------------------------------------------------------------- the model as batch_run wants it
_SCENARIOS: dict = {}
"""Scenarios built in this process, by concentration: each batch_run worker builds one once."""


def baseline_concentration() -> float:
    """The attacker's target concentration in `baseline-2025`: the sweep's one factor value."""
    return scenario_data(SCENARIO)[0]["attacker"]["concentration"]


def _scenario(concentration: float):
    if concentration not in _SCENARIOS:
        raw, source = scenario_data(SCENARIO)
        raw["attacker"]["concentration"] = concentration
        scenario = build_scenario(raw, source)
        probe = AirCampaign(scenario, rng=0)
        _SCENARIOS[concentration] = (scenario, list(probe.summary()), _ledger_columns(probe.ledger))
    return _SCENARIOS[concentration]


def _ledger_columns(ledger) -> list[tuple[str, list[str]]]:
    """Each ledger block and its daily table column names, in `AirCampaign.daily()`'s order."""
    blocks = []
    for name in ledger.names():
        labels = ledger._derived[name][0] if name in ledger._derived else ledger.blocks[name][0]
        blocks.append((name, [f"{name}_{label}" if label else name for label in labels]))
    return blocks


class _OneDay:
    """The ledger's blocks on one day, as (1, labels) rows: what `Ledger.__getitem__` gives, one day only."""

    def __init__(self, ledger) -> None:
        self.ledger, self.day = ledger, 0

    def __getitem__(self, name: str) -> np.ndarray:
        ledger, d = self.ledger, self.day
        if name in ledger._derived:
            return ledger._derived[name][1](self)
        array = ledger.blocks[name][1]
        if name in ledger._cumulative:
            return array[d:d + 1] - array[d - 1:d] if d else array[:1]
        return array[d:d + 1]


class BatchCampaign(AirCampaign):
    """`AirCampaign` for Mesa's `batch_run`: keyword parameters, `rng`, a DataCollector, `running` off at the end.

    With `daily=False` the DataCollector reports the summary metrics once, after the last day; with
    `daily=True` it reports every column of the daily table after every day.
    """

    def __init__(self, concentration: float = 1.0, daily: bool = False, *, rng=None) -> None:
        scenario, summary_keys, self._blocks = _scenario(concentration)
        super().__init__(scenario, rng=rng)
        self.keep_daily = daily
        self.today: dict = {}
        self.result: dict = {}
        if daily:
            self._one_day = _OneDay(self.ledger)
            columns = ["day", "date", *(c for _, names in self._blocks for c in names)]
            reporters = {c: (lambda m, c=c: m.today[c]) for c in columns}
        else:
            reporters = {k: (lambda m, k=k: m.result[k]) for k in summary_keys}
        self.datacollector = DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """One day of the campaign, then collect (every day, or the summary after the last)."""
        super().step()
        if self.keep_daily:
            d = self._one_day.day = self.days_done - 1
            today = {"day": d, "date": self.config.start + timedelta(days=d)}
            for name, columns in self._blocks:
                today.update(zip(columns, self._one_day[name][0].tolist(), strict=True))
            self.today = today
            self.datacollector.collect(self)
        if self.days_done >= self.horizon:
            self.running = False
            if not self.keep_daily:
                self.result = self.summary()
                self.datacollector.collect(self)


# ---------------------------------------------------------------------- the phases, each in its own process
def replication_seeds(runs: int) -> list[int]:
    """The seeds of replications 0..runs-1, as `experiments.sweep.design.replication_seed` makes them."""
    return [replication_seed(ROOT_SEED, r) for r in range(runs)]


def fingerprint(pairs) -> str:
    """A short hash of the (replication, damage) pairs of a set of runs, in replication order."""
    text = repr(sorted((int(replication), round(float(damage), 6)) for replication, damage in pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def phase_serial(runs: int) -> dict:
    from experiments.sweep.worker import simulate

    scenario = _scenario(baseline_concentration())[0]
    simulate(scenario, 0, [])  # warm-up: numba's cache, first-call costs
    times = []
    for seed in replication_seeds(runs):
        start = time.perf_counter()
        simulate(scenario, seed, [])
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def phase_sweep(runs: int, daily: bool, workers: int) -> dict:
    import pyarrow.parquet as pq

    from experiments import run_sweep
    from experiments.sweep.spec import parse_spec

    spec = parse_spec({
        "name": "bench-sweep", "scenario": SCENARIO, "replications": runs, "root_seed": ROOT_SEED,
        "design": {"kind": "full_factorial"},
        "factors": [{"name": "concentration", "path": "attacker.concentration",
                     "values": [baseline_concentration()]}],
        "outputs": {"daily": "all" if daily else []},
    }, "<bench_sweep.py>")
    folder = tempfile.mkdtemp(prefix="bench-sweep-")
    try:
        start = time.perf_counter()
        result = run_sweep(spec, folder, workers=workers, progress=False)
        seconds = time.perf_counter() - start
        table = result.store.read("runs", ["run_id", "replication", "damage"])
        daily_rows = sum(pq.read_metadata(p).num_rows for p in Path(folder, "daily").glob("part-*.parquet"))
        disk = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
        return {"seconds": seconds, "computed": result.computed, "failed": result.failed,
                "fingerprint": fingerprint(zip(table["replication"], table["damage"], strict=True)),
                "daily_rows": daily_rows, "disk": disk}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def phase_batch_run(runs: int, daily: bool, workers: int) -> dict:
    from mesa.batchrunner import batch_run

    concentration = baseline_concentration()
    horizon = _scenario(concentration)[0].horizon
    start = time.perf_counter()
    rows = batch_run(BatchCampaign, parameters={"concentration": [concentration], "daily": daily},
                     number_processes=workers, rng=replication_seeds(runs), data_collection_period=1 if daily else -1,
                     max_steps=horizon, display_progress=False)
    seconds = time.perf_counter() - start
    out = {"seconds": seconds, "rows": len(rows), "runs": len({row["RunId"] for row in rows})}
    if not daily:
        out["fingerprint"] = fingerprint((row["iteration"], row["damage"]) for row in rows)  # iteration: seed index
    return out


def child(args) -> None:
    """Run one phase in this process and write its figures, with this process's own peak RSS, as JSON."""
    if args.phase == "serial":
        figures = phase_serial(args.runs)
    elif args.phase.startswith("sweep"):
        figures = phase_sweep(args.runs, args.phase.endswith("daily"), args.workers)
    else:
        figures = phase_batch_run(args.runs, args.phase.endswith("daily"), args.workers)
    figures["parent_peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    Path(args.result).write_text(json.dumps(figures))


# ---------------------------------------------------------------------- measuring from outside
class TreeMemory(threading.Thread):
    """Peak of the summed RSS of a process and all its descendants, sampled every `SAMPLE_SECONDS`.

    Every `PSS_EVERY`-th sample also sums PSS (shared pages split between the processes sharing
    them); reading it costs a few ms per process, hence less often. Keeps each process's RSS at
    the peak, and the CPU time the sampling took.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak = self.peak_pss = self.samples = self.most_processes = 0
        self.at_peak: list[tuple[str, int]] = []
        self.cpu_seconds = self.seconds = 0.0
        self._labels: dict[int, str] = {}
        self._done = threading.Event()

    def label(self, process: psutil.Process) -> str:
        if process.pid not in self._labels:
            try:
                command = " ".join(process.cmdline())
                parent = process.ppid()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                command, parent = "", 0
            if process.pid == self.root.pid:
                name = "parent"
            elif "resource_tracker" in command:
                name = "resource tracker"
            elif "forkserver" in command and parent == self.root.pid:
                name = "forkserver"
            else:
                name = "worker"
            self._labels[process.pid] = name
        return self._labels[process.pid]

    def sample(self) -> None:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        with_pss = self.samples % PSS_EVERY == 0
        total = total_pss = 0
        sizes = []
        for process in processes:
            try:
                if with_pss:
                    memory = process.memory_full_info()
                    total_pss += memory.pss
                else:
                    memory = process.memory_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += memory.rss
            sizes.append((process, memory.rss))
        if total > self.peak:
            self.peak = total
            self.at_peak = [(self.label(process), rss) for process, rss in sizes]
        self.peak_pss = max(self.peak_pss, total_pss)
        self.most_processes = max(self.most_processes, len(processes))
        self.samples += 1

    def run(self) -> None:
        cpu, wall = time.thread_time(), time.perf_counter()
        while not self._done.is_set():
            self.sample()
            self._done.wait(SAMPLE_SECONDS)
        self.cpu_seconds, self.seconds = time.thread_time() - cpu, time.perf_counter() - wall

    def stop(self) -> None:
        self._done.set()
        self.join()


def run_phase(title: str, phase: str, runs: int, workers: int) -> dict | None:
    """Run a phase in a fresh process, sampling its process tree's memory; its figures, or None if it failed."""
    print(title, flush=True)
    handle, result = tempfile.mkstemp(prefix="bench-sweep-", suffix=".json")
    os.close(handle)
    try:
        command = [sys.executable, os.path.abspath(__file__), "--phase", phase, "--runs", str(runs),
                   "--workers", str(workers), "--result", result]
        process = subprocess.Popen(command)
        memory = TreeMemory(process.pid)
        memory.start()
        code = process.wait()
        memory.stop()
        if code != 0:
            print(f"  the phase failed (exit code {code}); its figures are missing", flush=True)
            return None
        figures = json.loads(Path(result).read_text())
    finally:
        os.unlink(result)
    figures.update(peak=memory.peak, peak_pss=memory.peak_pss, samples=memory.samples,
                   processes=memory.most_processes, at_peak=memory.at_peak,
                   sampler_cpu=memory.cpu_seconds / max(memory.seconds, 1e-9))
    return figures


def memory_line(f: dict, target: str = "") -> str:
    at_peak = ", ".join(f"{name} {rss / MIB:,.0f}" for name, rss in f["at_peak"])
    return (f"  peak memory (RSS sum): {f['peak'] / MIB:,.0f} MiB{target} = {at_peak} MiB "
            f"({f['samples']} samples, sampler {100 * f['sampler_cpu']:.1f}% of a core); "
            f"parent's own peak {f['parent_peak'] / MIB:,.0f} MiB; PSS sum {f['peak_pss'] / MIB:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs of the sweep (default 10,000)")
    parser.add_argument("--batch-runs", type=int, default=2_000,
                        help="runs of the comparisons with Mesa's batch_run (default 2,000)")
    parser.add_argument("--skip-batch-run", action="store_true", help="skip the comparisons with batch_run")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--serial-runs", type=int, default=51, help="serial runs for the single-run median")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    cores = os.cpu_count() or 1
    workers = args.workers or cores
    batch = args.batch_runs
    print(f"bench-sweep: {SCENARIO}, {cores} cores, {workers} workers. Each phase runs in a fresh process; "
          f"peak memory = peak of the sum of RSS over that process and all its descendants, sampled with "
          f"psutil every {SAMPLE_SECONDS} s by a background thread (shared pages count once per process); "
          f"parent's own peak = getrusage(RUSAGE_SELF).ru_maxrss; PSS sum = the same with shared pages "
          f"split between processes, every {SAMPLE_SECONDS * PSS_EVERY:g} s.", flush=True)
    phases = 2 if args.skip_batch_run else 6

    serial = run_phase(f"[1/{phases}] one run, serially in one process, median of {args.serial_runs} ...",
                       "serial", args.serial_runs, 1)
    if serial:
        print(f"  one 365-day run (run + summary): {serial['median'] * 1e3:.1f} ms "
              f"(min {serial['min'] * 1e3:.1f}, max {serial['max'] * 1e3:.1f})", flush=True)

    sweep = run_phase(f"[2/{phases}] our sweep: {args.runs:,} runs, summary outputs, {workers} workers ...",
                      "sweep", args.runs, workers)
    if sweep:
        rate = sweep["computed"] / sweep["seconds"]
        print(f"  wall time: {sweep['seconds']:.1f} s = {sweep['seconds'] / 60:.2f} min (target <= 5 min); "
              f"{rate:.1f} runs/s; {sweep['computed']:,} computed, {sweep['failed']} failed", flush=True)
        print(memory_line(sweep, " (target <= 1,024 MiB)"), flush=True)
        if serial:
            ideal = workers / serial["median"]
            print(f"  parallel efficiency: {rate:.1f} runs/s vs {workers} / {serial['median'] * 1e3:.1f} ms = "
                  f"{ideal:.1f} runs/s: {100 * rate / ideal:.1f}% (target >= 90%)", flush=True)
    if args.skip_batch_run:
        return

    ours = reported_phase(f"[3/6] our sweep: {batch:,} runs, summary outputs ...", "sweep", batch, workers,
                          lambda r: f"  wall time {r['seconds']:.1f} s, {r['computed'] / r['seconds']:.1f} runs/s")
    theirs = reported_phase(f"[4/6] Mesa batch_run: {batch:,} runs, summary collected at the end ...",
                            "batch_run", batch, workers,
                            lambda r: f"  wall time {r['seconds']:.1f} s, {r['runs'] / r['seconds']:.1f} runs/s "
                                      f"({r['rows']:,} rows)")
    if ours and theirs:
        speedup = (ours["computed"] / ours["seconds"]) / (theirs["runs"] / theirs["seconds"])
        same = "yes" if ours["fingerprint"] == theirs["fingerprint"] else "NO"
        print(f"  runs/s, ours / batch_run: {speedup:.2f}x (target >= 1.5x); "
              f"same seeds and results in both: {same}", flush=True)

    ours = reported_phase(f"[5/6] our sweep: {batch:,} runs, daily tables kept (daily = \"all\") ...",
                          "sweep-daily", batch, workers,
                          lambda r: f"  wall time {r['seconds']:.1f} s; {r['daily_rows']:,} daily rows kept, "
                                    f"in Parquet on disk ({r['disk'] / MIB:,.0f} MiB)")
    theirs = reported_phase(f"[6/6] Mesa batch_run: {batch:,} runs, daily columns collected every step ...",
                            "batch_run-daily", batch, workers,
                            lambda r: f"  wall time {r['seconds']:.1f} s; {r['rows']:,} rows kept, in memory "
                                      f"(batch_run's list of dicts)")
    if ours and theirs:
        print(f"  peak memory (RSS sum), ours / batch_run: {ours['peak'] / theirs['peak']:.3f} (target <= 0.100); "
              f"parents' own peaks: {ours['parent_peak'] / theirs['parent_peak']:.3f}; "
              f"PSS sums: {ours['peak_pss'] / theirs['peak_pss']:.3f}", flush=True)


def reported_phase(label: str, phase: str, runs: int, workers: int, describe) -> dict | None:
    """Run one phase and print what `describe` says of its result, then its memory line."""
    result = run_phase(label, phase, runs, workers)
    if result:
        print(describe(result), flush=True)
        print(memory_line(result), flush=True)
    return result

if __name__ == "__main__":
    main()
