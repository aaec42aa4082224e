"""Helpers for the sweep tests: small scenario and spec files, and simulators that misbehave on purpose.

The simulators are top-level functions of this importable module, so worker
processes (forkserver children, which get the parent's `sys.path`, where pytest
put `tests/`) can unpickle them by name. They learn per-test settings only from
what they are given: the scenario (its `description` carries a marker path)
and the seed, never from environment variables (the forkserver keeps the
environment of the moment it first started) or module globals set in the test
process (invisible to workers). The one exception is `interrupt_after`, which
is only used with the serial executor, in the test process itself.
"""

import os
import signal
import textwrap
import time
from pathlib import Path

from experiments.sweep.design import replication_seed
from experiments.sweep.worker import simulate

ROOT_SEED = 7
REPLICATIONS = 3
DAYS = 59  # 2025-01-01 .. 2025-02-28
DAILY = ["stock_pac3_mse", "leaked_ballistic"]
FACTOR_NAMES = ["salvo_max", "kp_ballistic"]
POINTS = 4  # 2 x 2 levels
RUNS = POINTS * REPLICATIONS

SCENARIO = """\
extends = "baseline-2025"
name = "short"
description = {description!r}
end = 2025-02-28
"""

SPEC = """\
name = "short-sweep"
description = "two factors, two levels each, on a 59-day scenario"
scenario = "{scenario}"
replications = {replications}
root_seed = {root_seed}

[design]
kind = "full_factorial"

[[factors]]
name = "salvo_max"
kind = "uncertainty"
path = "attacker.salvo.swarm_size[1]"
values = [400, 800]

[[factors]]
name = "kp_ballistic"
kind = "lever"
path = "catalog.interceptors.pac3_mse.kill_probability.ballistic"
values = [0.5, 0.9]

[outputs]
daily = {daily}
"""


def toml_list(items: list[str]) -> str:
    """A list of names as a TOML array."""
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def write_scenario(folder: Path, name: str = "short.toml", description: str = "") -> Path:
    """A 59-day scenario extending baseline-2025."""
    path = Path(folder) / name
    path.write_text(SCENARIO.format(description=description))
    return path


def write_spec(folder: Path, name: str = "spec.toml", *, scenario: str = "short.toml",
               replications: int = REPLICATIONS, root_seed: int = ROOT_SEED, daily: list[str] | None = None,
               description: str = "") -> Path:
    """The standard small sweep spec (and its scenario, if missing) in `folder`: 4 points x 3 replications."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if scenario == "short.toml" and not (folder / scenario).exists():
        write_scenario(folder, description=description)
    path = folder / name
    path.write_text(SPEC.format(scenario=scenario, replications=replications, root_seed=root_seed,
                                daily=toml_list(DAILY if daily is None else daily)))
    return path


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time, to show nothing changed."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def comparable(runs):
    """A runs table in a canonical row order, to compare sweeps made in different ways."""
    return runs.sort_values("run_id").reset_index(drop=True)


def assert_same_runs(left, right) -> None:
    """Two runs tables hold the same runs with identical values and dtypes in every column."""
    import pandas as pd

    pd.testing.assert_frame_equal(comparable(left), comparable(right))


# ---------------------------------------------------------------- simulators

KILL_REPLICATION = 1
FAIL_REPLICATION = 1
FAIL_POINT_VALUES = {"salvo_max": 800, "kp_ballistic": 0.9}  # design point 3 of the standard spec


def kill_once(scenario, seed, daily_columns):
    """SIGKILL this worker the first time any run of replication 1 starts; afterwards run normally.

    The marker file path is the scenario's description; creating it with O_EXCL
    makes exactly one run, in one process, the one that dies.
    """
    marker = scenario.description
    if marker and seed == replication_seed(ROOT_SEED, KILL_REPLICATION):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            pass
        else:
            os.kill(os.getpid(), signal.SIGKILL)
    return simulate(scenario, seed, daily_columns)


class DeliberateFailure(ValueError):
    """The error `fail_one` raises."""


def fail_one(scenario, seed, daily_columns):
    """Raise for one run: design point (salvo_max 800, kp_ballistic 0.9), replication 1."""
    kp = scenario.catalog.interceptors["pac3_mse"].kill_probability["iskander_m"]  # the family key, resolved
    if (seed == replication_seed(ROOT_SEED, FAIL_REPLICATION) and scenario.attacker.salvo.swarm_size[1] == 800
            and kp == 0.9):
        raise DeliberateFailure("this run was made to fail")
    return simulate(scenario, seed, daily_columns)


INTERRUPT_AFTER = {"calls": 0, "limit": None}


def interrupt_after(scenario, seed, daily_columns):
    """Serial executor only: raise KeyboardInterrupt on call number `limit` + 1, as Ctrl-C would."""
    INTERRUPT_AFTER["calls"] += 1
    if INTERRUPT_AFTER["limit"] is not None and INTERRUPT_AFTER["calls"] > INTERRUPT_AFTER["limit"]:
        raise KeyboardInterrupt
    return simulate(scenario, seed, daily_columns)


def slow_simulate(scenario, seed, daily_columns):
    """The default simulator, slowed so a subprocess sweep can be interrupted part way."""
    time.sleep(0.15)
    return simulate(scenario, seed, daily_columns)


INTERRUPT_SCRIPT = textwrap.dedent("""\
    import sys
    sys.path.insert(0, {tests!r})
    from experiments import run_sweep
    from sweep_helpers import slow_simulate
    if __name__ == "__main__":
        run_sweep({spec!r}, {out!r}, workers=2, progress=False, simulator=slow_simulate)
    """)

UNGUARDED_SCRIPT = textwrap.dedent("""\
    import sys
    print("main module ran as", __name__, file=sys.stderr, flush=True)
    from experiments import run_sweep
    result = run_sweep({spec!r}, {out!r}, workers=2, progress=False)
    print("runs", len(result.runs), "computed", result.computed)
    """)
