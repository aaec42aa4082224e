"""Sweeps under stress: worker deaths, interruptions, failing runs, executors, shards and unguarded scripts.

Every sweep here is the small standard spec of `sweep_helpers` (4 design
points x 3 replications of a 59-day scenario) unless a test says otherwise;
the reference is one serial sweep of it, made once per module.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sweep_helpers as h
from sweep_helpers import assert_same_runs, comparable

from experiments import open_results, run_sweep
from experiments.sweep.design import replication_seed, run_id
from experiments.sweep.spec import SpecError

TESTS = str(Path(__file__).resolve().parent)
PYTHON = sys.executable


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """A serial, uninterrupted sweep of the standard spec."""
    folder = tmp_path_factory.mktemp("reference")
    spec = h.write_spec(folder)
    result = run_sweep(spec, folder / "out", workers=1, progress=False)
    assert result.computed == h.RUNS and result.failed == 0
    return result


def assert_complete(result) -> None:
    """Every run of the standard spec exactly once, and no failures."""
    ids = result.runs.run_id
    assert ids.is_unique
    assert len(ids) == h.RUNS
    assert set(ids) == {run_id(p, r) for p in range(h.POINTS) for r in range(h.REPLICATIONS)}
    assert len(result.failures) == 0


def test_reference_sweep_is_complete(reference):
    assert_complete(reference)
    assert list(reference.runs.columns[:6]) == ["run_id", "point", "replication", "seed", *h.FACTOR_NAMES]


# ---------------------------------------------------------------- 1. a worker killed with SIGKILL


def test_sigkilled_worker_is_replaced_and_every_run_made_once(tmp_path, reference, capfd):
    marker = tmp_path / "killed-once"
    spec = h.write_spec(tmp_path, description=str(marker))  # kill_once reads the marker path from here
    result = run_sweep(spec, tmp_path / "out", workers=2, progress=False, simulator=h.kill_once)
    assert marker.exists(), "no worker was killed: the test did not test anything"
    assert "a worker process died; restarting the pool" in capfd.readouterr().err
    assert_complete(result)
    assert result.computed == h.RUNS
    serial = run_sweep(spec, tmp_path / "serial", workers=1, progress=False)
    # each run is stored once across all part files, not just once after deduplication
    stored = pd.concat(pd.read_parquet(p, columns=["run_id"]) for p in (tmp_path / "out" / "runs").glob("part-*"))
    assert stored.run_id.is_unique and len(stored) == h.RUNS
    daily = result.daily()
    assert len(daily) == h.RUNS * h.DAYS and not daily.duplicated(["run_id", "day"]).any()
    assert_same_runs(result.runs, serial.runs)
    pd.testing.assert_frame_equal(result.daily(), serial.daily())
    assert_same_runs(result.runs, reference.runs)  # the marker in the description changes nothing else


# ---------------------------------------------------------------- 2. interrupted, then resumed


def test_interrupted_serial_sweep_resumes_to_the_uninterrupted_result(tmp_path, reference, monkeypatch):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setitem(h.INTERRUPT_AFTER, "calls", 0)
    monkeypatch.setitem(h.INTERRUPT_AFTER, "limit", 5)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, out, workers=1, progress=False, simulator=h.interrupt_after)
    partial = open_results(out)
    saved = len(partial.runs)
    assert 0 < saved < h.RUNS
    assert len(partial.failures) == 0  # an interruption is not a failed run

    monkeypatch.setitem(h.INTERRUPT_AFTER, "limit", None)
    monkeypatch.setitem(h.INTERRUPT_AFTER, "calls", 0)
    resumed = run_sweep(spec, out, workers=1, progress=False, simulator=h.interrupt_after)
    assert resumed.reused == saved and resumed.reused > 0
    assert resumed.computed == h.RUNS - saved
    assert h.INTERRUPT_AFTER["calls"] == h.RUNS - saved  # nothing done before was made again
    assert_complete(resumed)
    assert_same_runs(resumed.runs, reference.runs)
    pd.testing.assert_frame_equal(resumed.daily(), reference.daily())
    invocations = [json.loads(p.read_text()) for p in sorted((out / "invocations").glob("*.json"))]
    assert sorted(i["computed"] for i in invocations) == sorted([saved, h.RUNS - saved])


def test_resumed_sweep_has_identical_runs_table_including_seed(tmp_path, monkeypatch):
    """Regression: seeds >= 2**63 were stored as uint64 in some part files and int64 in others, read back as
    float64 (digits lost) only when parts mixed; this split gave float64 resumed vs uint64 uninterrupted."""
    spec = h.write_spec(tmp_path, replications=15)
    uninterrupted = run_sweep(spec, tmp_path / "uninterrupted", workers=1, progress=False)
    monkeypatch.setitem(h.INTERRUPT_AFTER, "calls", 0)
    monkeypatch.setitem(h.INTERRUPT_AFTER, "limit", 20)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "out", workers=1, progress=False, simulator=h.interrupt_after)
    resumed = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert resumed.reused > 0 and resumed.computed == len(uninterrupted.runs) - resumed.reused
    pd.testing.assert_frame_equal(comparable(resumed.runs), comparable(uninterrupted.runs))


def test_a_chunk_interrupted_between_its_daily_and_runs_parts_is_recomputed_once(tmp_path, reference):
    # the runs part is written last and marks the chunk done; a daily part without it is never read
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, progress=False)
    victim = sorted((out / "runs").glob("part-*.parquet"))[0]
    lost = len(pd.read_parquet(victim))
    victim.unlink()  # as if the process died after writing this chunk's daily part
    assert len(open_results(out).daily()) == (h.RUNS - lost) * h.DAYS
    resumed = run_sweep(spec, out, workers=1, progress=False)
    assert resumed.computed == lost and resumed.reused == h.RUNS - lost
    daily = resumed.daily()
    assert len(daily) == h.RUNS * h.DAYS and not daily.duplicated(["run_id", "day"]).any()
    pd.testing.assert_frame_equal(daily, reference.daily())


def test_sigint_to_a_process_sweep_then_rerun_gives_the_uninterrupted_result(tmp_path):
    """Ctrl-C in a terminal: SIGINT to the whole process group (main process, forkserver, workers)."""
    replications = 8
    spec = h.write_spec(tmp_path, replications=replications)  # 32 runs of 0.15 s or more on 2 workers
    total = h.POINTS * replications
    out = tmp_path / "out"
    script = tmp_path / "sweep.py"
    script.write_text(h.INTERRUPT_SCRIPT.format(tests=TESTS, spec=str(spec), out=str(out)))
    process = subprocess.Popen([PYTHON, str(script)], cwd=tmp_path, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not list((out / "runs").glob("part-*.parquet")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no part file appeared"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode != 0, "the sweep was not interrupted"
    assert "KeyboardInterrupt" in err
    saved = len(open_results(out).runs)
    assert 0 < saved < total

    resumed = run_sweep(spec, out, workers=1, progress=False)
    assert resumed.reused == saved and resumed.computed == total - saved and resumed.failed == 0
    assert resumed.runs.run_id.is_unique and len(resumed.runs) == total

    uninterrupted = run_sweep(spec, tmp_path / "uninterrupted", workers=1, progress=False)
    assert_same_runs(resumed.runs, uninterrupted.runs)
    pd.testing.assert_frame_equal(resumed.daily(), uninterrupted.daily())


def _still_running(psutil, process) -> bool:
    """Whether `process` has not exited: a zombie has (its parent is gone, and a container's first process
    may never reap it)."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigterm_to_the_main_process_leaves_no_processes_behind(tmp_path):
    psutil = pytest.importorskip("psutil")
    spec = h.write_spec(tmp_path, replications=8)
    out = tmp_path / "out"
    script = tmp_path / "sweep.py"
    script.write_text(h.INTERRUPT_SCRIPT.format(tests=TESTS, spec=str(spec), out=str(out)))
    process = subprocess.Popen([PYTHON, str(script)], cwd=tmp_path, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    try:
        deadline = time.monotonic() + 60
        while not list((out / "runs").glob("part-*.parquet")):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        children = psutil.Process(process.pid).children(recursive=True)
        assert children
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == -signal.SIGTERM
        _, alive = psutil.wait_procs(children, timeout=10)
        running = [p for p in alive if _still_running(psutil, p)]  # a zombie has exited: only reaping is left
        assert not running, [" ".join(p.cmdline())[:80] for p in running]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for child in children:  # only the processes this test started
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(children, timeout=5)
    assert 0 < len(open_results(out).runs) < h.POINTS * 8  # what finished is kept


# ---------------------------------------------------------------- 3. a run made to fail


@pytest.mark.parametrize("workers", [1, 2], ids=["serial", "processes"])
def test_failing_run_is_recorded_and_the_others_complete(tmp_path, reference, workers):
    spec = h.write_spec(tmp_path)
    result = run_sweep(spec, tmp_path / "out", workers=workers, progress=False, simulator=h.fail_one)
    failed_id = run_id(3, h.FAIL_REPLICATION)  # point 3 is (salvo_max 800, kp_ballistic 0.9)
    assert result.failed == 1 and result.computed == h.RUNS - 1
    failures = result.failures
    assert len(failures) == 1
    row = failures.iloc[0]
    assert row.run_id == failed_id
    assert row.point == 3 and row.replication == h.FAIL_REPLICATION
    assert int(row.seed) == replication_seed(h.ROOT_SEED, h.FAIL_REPLICATION)
    assert json.loads(row.parameters) == h.FAIL_POINT_VALUES
    assert row.error == "DeliberateFailure: this run was made to fail"
    assert "Traceback (most recent call last)" in row.traceback
    assert "in fail_one" in row.traceback and "DeliberateFailure" in row.traceback
    # all the others complete, with the same values as the reference
    assert failed_id not in set(result.runs.run_id)
    assert len(result.runs) == h.RUNS - 1 and result.runs.run_id.is_unique
    expected = reference.runs[reference.runs.run_id != failed_id]
    assert_same_runs(result.runs, expected)
    assert set(result.daily().run_id) == set(expected.run_id)


# ---------------------------------------------------------------- 4. serial, processes and Dask agree


def test_serial_processes_and_dask_give_identical_results(tmp_path, reference):
    distributed = pytest.importorskip("distributed")
    spec = h.write_spec(tmp_path)
    processes = run_sweep(spec, tmp_path / "processes", workers=2, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        by_client = run_sweep(spec, tmp_path / "dask-client", scheduler=client, progress=False)
        by_address = run_sweep(spec, tmp_path / "dask-address", scheduler=cluster.scheduler_address,
                               progress=False)
        assert client.status == "running"  # a Client passed in is not closed by the sweep
    for result in (processes, by_client, by_address):
        assert_complete(result)
        assert result.computed == h.RUNS
        assert_same_runs(result.runs, reference.runs)
        pd.testing.assert_frame_equal(result.daily(), reference.daily())
    executors = {json.loads(next((r.path / "invocations").glob("*.json")).read_text())["executor"]
                 for r in (processes, by_client)}
    assert executors == {"processes", "dask"}


# ---------------------------------------------------------------- 7. shards


@pytest.mark.parametrize("shard", [("0/2", "1/2"), ((1, 3), (0, 3), (2, 3))], ids=["strings", "tuples"])
def test_shards_into_one_folder_make_exactly_the_full_sweep(tmp_path, reference, shard):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    counts = []
    for part in shard:
        result = run_sweep(spec, out, workers=1, shard=part, progress=False)
        counts.append(result.computed)
        assert result.reused == 0
    assert sum(counts) == h.RUNS and all(c > 0 for c in counts)
    merged = open_results(out)
    assert_complete(merged)
    assert_same_runs(merged.runs, reference.runs)
    pd.testing.assert_frame_equal(merged.daily(), reference.daily())
    # a full run afterwards finds everything done
    again = run_sweep(spec, out, workers=1, progress=False)
    assert again.computed == 0 and again.reused == h.RUNS


def test_shards_from_the_command_line(tmp_path, reference, capsys):
    from experiments.cli import main

    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--shard", "0/2"]) == 0
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", "--shard", "1/2"]) == 0
    printed = capsys.readouterr().out
    assert printed.count(f"computed {h.RUNS // 2} runs, reused 0") == 2
    assert_same_runs(open_results(out).runs, reference.runs)


@pytest.mark.parametrize("bad", ["2/2", "1", "a/b", "0/0", "-1/2", "1/2/3", ""])
def test_bad_shard_is_a_clear_error_and_writes_nothing(tmp_path, bad, capsys):
    from experiments.cli import main

    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(SpecError) as caught:
        run_sweep(spec, out, workers=1, shard=bad, progress=False)
    assert len(caught.value.problems) == 1
    message = str(caught.value)
    assert "shard" in message and repr(bad) in message
    assert "I/N" in message or "0 <= I < N" in message
    assert not out.exists()
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1", f"--shard={bad}"]) == 2
    assert repr(bad) in capsys.readouterr().err
    assert not out.exists()


# ---------------------------------------------------------------- 12. a script without a __main__ guard


def test_unguarded_script_stops_at_once_and_says_how_to_fix_it(tmp_path):
    """Workers import the calling script (as with spawn); without a __main__ guard the sweep must stop
    quickly with the fix in its message, not loop or hang. Notebooks have no script to import."""
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    script = tmp_path / "unguarded.py"
    script.write_text(h.UNGUARDED_SCRIPT.format(spec=str(spec), out=str(out)))
    done = subprocess.run([PYTHON, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    aborted = [line for line in done.stderr.splitlines() if line.startswith("experiments.sweep.executors.SweepAborted")]
    assert len(aborted) == 1 and 'if __name__ == "__main__":' in aborted[0], done.stderr
    assert len(open_results(out).runs) == 0


def test_guarded_script_with_process_workers_finishes(tmp_path):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    script = tmp_path / "guarded.py"
    body = h.UNGUARDED_SCRIPT.format(spec=str(spec), out=str(out))
    script.write_text("if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines()))
    done = subprocess.run([PYTHON, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("main module ran as") == 1, done.stderr  # the workers' imports skip the guarded body
    assert f"runs {h.RUNS} computed {h.RUNS}" in done.stdout
