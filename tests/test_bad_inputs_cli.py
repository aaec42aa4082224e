"""Bad input on the command line and bad output folders: one line naming the option and value, exit 2, nothing
written, and no simulation before the output folder is known to be writable; Ctrl-C says what is kept."""

import json
import os
from pathlib import Path

import pytest
import sweep_helpers as h
from synthetic_reports import FIXTURE

import experiments.sweep.executors as executors
from experiments.cli import main
from model import AirCampaign

DATA = str(FIXTURE)
PERIOD = ["--period", "2025-07-19:2025-08-03"]


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


def refused(capsys, folder: Path, argv: list[str], *names: str) -> str:
    """Run `attrition argv`; it must exit 2 with one line naming `names`, and leave `folder` as it was."""
    before = tree(folder)
    code = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2, captured.err
    assert len(lines) == 1 and lines[0].startswith("attrition: error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    for name in names:
        assert name in lines[0], (name, lines[0])
    assert tree(folder) == before
    return lines[0]


# (case id, arguments after the command, what the one line must say)
BAD_VALUES = [
    ("run-seed-negative", ["run", "baseline-2025", "--seed", "-1"], ["--seed -1", "0 or more"]),
    ("run-seed-not-whole", ["run", "baseline-2025", "--seed", "1.5"], ["--seed '1.5'", "not a whole number"]),
    ("run-days-zero", ["run", "baseline-2025", "--days", "0"], ["--days 0", "1 or more"]),
    ("run-days-negative", ["run", "baseline-2025", "--days", "-3"], ["--days -3", "1 or more"]),
    ("run-days-past-horizon", ["run", "baseline-2025", "--days", "400"], ["--days 400", "365 days"]),
    ("forecast-seed-negative", ["forecast", DATA, "--scenario", "baseline-2025", "--days", "5", "--seed", "-7"],
     ["--seed -7", "0 or more"]),
    ("sweep-workers-negative", ["sweep", "SPEC", "--workers", "-1"], ["--workers -1", "every core"]),
    ("sweep-workers-zero", ["sweep", "SPEC", "--workers", "0"], ["--workers 0", "leave --workers out"]),
    ("headline-workers-zero", ["headline", "--workers", "0"], ["--workers 0"]),
    ("calibrate-workers-not-whole", ["calibrate", DATA, *PERIOD, "--workers", "two"], ["--workers 'two'"]),
    ("sweep-shard-past-end", ["sweep", "SPEC", "--shard", "3/2"], ["--shard '3/2'", "0 <= I < N"]),
    ("validate-replications-negative", ["validate", DATA, *PERIOD, "--scenario", "baseline-2025",
                                        "--replications", "-4"], ["--replications -4"]),
    ("calibrate-replications-zero", ["calibrate", DATA, *PERIOD, "--method", "point", "--replications", "0"],
     ["--replications 0"]),
    ("calibrate-population-too-small", ["calibrate", DATA, *PERIOD, "--population", "5"], ["--population 5", "10"]),
    ("calibrate-predictive-negative", ["calibrate", DATA, *PERIOD, "--predictive", "-1"], ["--predictive -1"]),
    ("calibrate-period-not-a-date", ["calibrate", DATA, "--period", "2025-13-01:2025-12-31"],
     ["--period '2025-13-01:2025-12-31'", "START:END"]),
    ("recovery-period-reversed", ["recovery", DATA, "--period", "2025-03-01:2025-01-01"],
     ["--period '2025-03-01:2025-01-01'", "ends before it starts"]),
    ("recovery-datasets-zero", ["recovery", DATA, *PERIOD, "--datasets", "0"], ["--datasets 0", "1 or more"]),
    ("backtest-origins-empty", ["backtest", DATA, "--origins", ","], ["--origins ','", "at least one date"]),
    ("backtest-origins-not-a-date", ["backtest", DATA, "--origins", "2025-02-30"], ["--origins '2025-02-30'"]),
    ("backtest-generations-zero", ["backtest", DATA, "--origins", "2025-07-31", "--generations", "0"],
     ["--generations 0"]),
    ("validate-period-of-centuries", ["validate", DATA, "--period", "2025-07-19:9999-12-31", "--scenario",
                                      "baseline-2025"], ["to 9999-12-31", "above the limit of 36,525 days"]),
    ("forecast-days-of-centuries", ["forecast", DATA, "--scenario", "baseline-2025", "--days", "40000"],
     ["days", "above the limit of 36,525 days"]),
    ("forecast-days-past-the-calendar", ["forecast", DATA, "--scenario", "baseline-2025", "--days", "100000000"],
     ["days = 100000000", "above the limit of 36,525 days"]),
    ("validate-replications-beyond-the-limit", ["validate", DATA, *PERIOD, "--scenario", "baseline-2025",
                                                "--replications", "100001"],
     ["--replications 100001", "above the limit of 100,000"]),
    ("calibrate-population-beyond-the-limit", ["calibrate", DATA, *PERIOD, "--population", "10000000"],
     ["--population 10000000", "above the limit of 100,000"]),
    ("recovery-datasets-beyond-the-limit", ["recovery", DATA, *PERIOD, "--datasets", "1000000"],
     ["--datasets 1000000", "above the limit"]),
    ("view-port-zero", ["view", "--port", "0"], ["--port 0", "1 to 65535"]),
    ("view-port-too-high", ["view", "--port", "70000"], ["--port 70000", "1 to 65535"]),
    ("view-port-not-a-number", ["view", "--port", "http"], ["--port 'http'"]),
]


@pytest.mark.parametrize(("argv", "says"), [case[1:] for case in BAD_VALUES], ids=[case[0] for case in BAD_VALUES])
def test_a_bad_option_value_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)  # the commands' default output folders would land here
    spec = h.write_spec(tmp_path)
    argv = [str(spec) if a == "SPEC" else a for a in argv]
    out = ["--out", str(tmp_path / "out")] if argv[0] not in ("view", "headline") else []
    refused(capsys, tmp_path, [*argv, *out], *says)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- output folders


def test_run_refuses_a_folder_with_the_users_own_daily_csv(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "daily.csv").write_text("day,my own numbers\n1,2\n")
    refused(capsys, tmp_path, ["run", "baseline-2025", "--days", "2", "--out", str(out)],
            f"--out {out}", "daily.csv", "not this command's outputs")


def test_force_does_not_overwrite_a_summary_json_that_no_run_wrote(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.json").write_text('{"my": "notes"}')
    refused(capsys, tmp_path, ["run", "baseline-2025", "--days", "2", "--out", str(out), "--force"],
            f"--out {out}", "summary.json")


def test_run_writes_into_an_earlier_runs_folder_and_keeps_the_users_other_files(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline-2025", "--days", "2", "--out", str(out)]) == 0
    (out / "notes.txt").write_text("what I saw")
    assert main(["run", "baseline-2025", "--days", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    assert (out / "notes.txt").read_text() == "what I saw"
    assert json.loads((out / "summary.json").read_text())["run"]["days"] == 2


def _sweep(tmp_path: Path, out: str) -> list[str]:
    return ["sweep", str(h.write_spec(tmp_path)), "--workers", "1", "--out", out]


# (case id, the command line given the folder `tmp_path` and the existing file `afile` in it)
OUT_IS_A_FILE = [
    ("run", lambda t, f: ["run", "baseline-2025", "--days", "2", "--out", f]),
    ("sweep", lambda t, f: _sweep(t, f)),
    ("validate", lambda t, f: ["validate", DATA, *PERIOD, "--scenario", "baseline-2025", "--out", f]),
    ("forecast", lambda t, f: ["forecast", DATA, "--scenario", "baseline-2025", "--days", "3", "--out", f]),
    ("backtest", lambda t, f: ["backtest", DATA, "--origins", "2025-07-31", "--out", f]),
    ("recovery", lambda t, f: ["recovery", DATA, *PERIOD, "--out", f]),
    ("headline", lambda t, f: ["headline", "--out", f]),
]


@pytest.mark.parametrize("command", [case[1] for case in OUT_IS_A_FILE], ids=[case[0] for case in OUT_IS_A_FILE])
def test_out_naming_an_existing_file_is_refused(tmp_path, capsys, command):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    refused(capsys, tmp_path, command(tmp_path, str(afile)), f"--out {afile}", "is a file")


def test_report_out_naming_an_existing_file_is_refused(tmp_path, capsys):
    results = tmp_path / "results"
    assert main(_sweep(tmp_path, str(results))) == 0
    capsys.readouterr()
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    refused(capsys, tmp_path, ["report", str(results), "--out", str(afile)], f"--out {afile}", "is a file")


def test_point_fit_out_naming_a_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "calibrated.toml"
    folder.mkdir()
    refused(capsys, tmp_path, ["calibrate", DATA, *PERIOD, "--method", "point", "--out", str(folder)],
            f"--out {folder}", "is a folder")


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_out_under_a_file_is_refused(tmp_path, capsys, command):
    afile = tmp_path / "somefile"
    afile.write_text("keep me")
    out = str(afile / "sub")
    argv = ["run", "baseline-2025", "--days", "2", "--out", out] if command == "run" else _sweep(tmp_path, out)
    refused(capsys, tmp_path, argv, f"--out {out}", f"{afile} is a file")


def test_a_name_too_long_for_the_file_system_is_refused(tmp_path, capsys):
    out = tmp_path / "runs" / ("x" * 300) / "deeper"
    refused(capsys, tmp_path, ["run", "baseline-2025", "--days", "2", "--out", str(out)],
            "--out", "300 bytes", "names of up to")
    assert not (tmp_path / "runs").exists()


def test_a_path_too_long_for_the_file_system_is_refused(tmp_path, capsys):
    out = tmp_path.joinpath(*["folder"] * 700)  # 4,900 bytes: short names, too long a path
    refused(capsys, tmp_path, _sweep(tmp_path, str(out)), "--out", "paths of up to")
    assert not (tmp_path / "folder").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_folder_without_write_permission_is_refused(tmp_path, capsys, command):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        out = str(locked / "out")
        argv = (["run", "baseline-2025", "--days", "2", "--out", out] if command == "run" else
                ["validate", DATA, *PERIOD, "--scenario", "baseline-2025", "--out", out])
        refused(capsys, tmp_path, argv, f"--out {out}", "no permission")
    finally:
        locked.chmod(0o755)


# ---------------------------------------------------------------- the folder is checked before anything runs


def _no_simulation(*args, **kwargs):
    pytest.fail("the command simulated before it checked its output folder")


@pytest.mark.parametrize("command", ["run", "validate", "forecast", "backtest"])
def test_the_output_folder_is_checked_before_any_simulation(tmp_path, capsys, monkeypatch, command):
    import experiments.calibration.backtest as backtest
    import experiments.calibration.forecast as forecast
    import experiments.calibration.validation as validation

    monkeypatch.setattr(AirCampaign, "run", _no_simulation)
    for module, name in ((validation, "validate"), (forecast, "forecast"), (backtest, "backtest")):
        monkeypatch.setattr(module, name, _no_simulation)
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    argv = {"run": ["run", "baseline-2025"],
            "validate": ["validate", DATA, *PERIOD, "--scenario", "baseline-2025"],
            "forecast": ["forecast", DATA, "--scenario", "baseline-2025", "--days", "3"],
            "backtest": ["backtest", DATA, "--origins", "2025-07-31"]}[command]
    refused(capsys, tmp_path, [*argv, "--out", str(out)], f"--out {out}", "notes.txt")


def test_headline_checks_every_sweep_folder_before_the_first_sweep_runs(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(executors.ProcessExecutor, "run", _no_simulation)
    out = tmp_path / "headline"
    (out / "doctrine").mkdir(parents=True)  # the second sweep's folder holds someone's file
    (out / "doctrine" / "notes.txt").write_text("mine")
    line = refused(capsys, tmp_path, ["headline", "--out", str(out)], str(out / "doctrine"))
    assert "not empty" in line
    assert not (out / "pause-length").exists()  # the first sweep never started


# ---------------------------------------------------------------- Ctrl-C says what is kept


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_in_a_run_says_nothing_was_written_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(AirCampaign, "run", _interrupt)
    out = tmp_path / "run"
    assert main(["run", "baseline-2025", "--out", str(out)]) == 130
    err = capsys.readouterr().err.strip()
    assert err == ("attrition: interrupted; the run had not finished, so nothing was written (a run writes its "
                   "folder only at the end); run it again to start over")
    assert "resume" not in err and not out.exists()


def test_ctrl_c_in_a_sweep_keeps_the_finished_runs_and_the_rerun_resumes(tmp_path, capsys, monkeypatch):
    finished = []

    def three_then_ctrl_c(chunk):
        if len(finished) == 3:
            raise KeyboardInterrupt
        finished.append(chunk)
        return executors_run_chunk(chunk)

    executors_run_chunk = executors.run_chunk
    monkeypatch.setattr(executors, "run_chunk", three_then_ctrl_c)
    out = tmp_path / "out"
    argv = _sweep(tmp_path, str(out))
    assert main(argv) == 130
    assert capsys.readouterr().err.strip().endswith(
        f"attrition: interrupted; finished runs are saved in {out}; run the same command again to resume")
    monkeypatch.undo()
    assert main(argv) == 0
    done = sum(len(chunk.runs) for chunk in finished)
    assert f"computed {h.RUNS - done} runs, reused {done}, failed 0" in capsys.readouterr().out


INTERRUPTED = [
    ("calibrate-abc", "fits", "calibrate_command", ["calibrate", DATA, *PERIOD, "--out", "F"],
     "finished generations are saved in F; run the same command again to continue the fit"),
    ("calibrate-point", "fits", "calibrate_command", ["calibrate", DATA, *PERIOD, "--method", "point", "--out", "F"],
     "nothing was written (F is written at the end); run the same command again to start over"),
    ("recovery", "fits", "recovery_command", ["recovery", DATA, *PERIOD, "--out", "F"],
     "finished fits are saved in F; run the same command again to resume"),
    ("validate", "fits", "validate_command", ["validate", DATA, *PERIOD, "--scenario", "x", "--out", "F"],
     "nothing was written (F is written at the end); run the same command again to start over"),
    ("forecast", "forecasts", "forecast_command", ["forecast", DATA, "--scenario", "x", "--days", "3", "--out", "F"],
     "nothing was written (F is written at the end); run the same command again to start over"),
    ("backtest-abc", "forecasts", "backtest_command", ["backtest", DATA, "--origins", "2025-07-31", "--fit", "abc",
                                                       "--out", "F"],
     "the finished fits are saved in F; run the same command again to continue them"),
    ("headline", "sweeps", "headline_command", ["headline", "--out", "F"],
     "finished runs are saved in F; run the same command again to resume"),
]


@pytest.mark.parametrize(("module", "handler", "argv", "says"), [case[1:] for case in INTERRUPTED],
                         ids=[case[0] for case in INTERRUPTED])
def test_ctrl_c_says_honestly_what_each_command_keeps(capsys, monkeypatch, module, handler, argv, says):
    import importlib

    monkeypatch.setattr(importlib.import_module(f"experiments.cli.{module}"), handler, _interrupt)
    assert main(argv) == 130
    assert capsys.readouterr().err.strip() == f"attrition: interrupted; {says}"


# ---------------------------------------------------------------- a point fit whose targets leave out a class


def test_point_fit_with_targets_leaving_out_a_class_reports_it_as_outside_the_loss(tmp_path, capsys):
    spec = tmp_path / "two-targets.toml"
    spec.write_text('name = "two-targets"\nscenario = "baseline-2025"\nreplications = 1\nroot_seed = 1\n'
                    "targets = { drone = 0.05, ballistic = 0.1 }\n[optimiser]\nmaxiter = 1\npopsize = 2\n"
                    '[[parameters]]\nname = "mfg_kill_drone"\n'
                    'path = ["catalog.interceptors.mfg_burst.kill_probability.drone"]\nrange = [0.1, 0.9]\n')
    out = tmp_path / "calibrated.toml"
    assert main(["calibrate", DATA, *PERIOD, "--method", "point", "--spec", str(spec), "--workers", "1",
                 "--out", str(out)]) == 0
    line = next(row for row in capsys.readouterr().out.splitlines() if row.startswith("mean absolute error"))
    assert "drone" in line and "(target 5.0)" in line and "(target 10.0)" in line
    assert "cruise" in line and "(no target: not in the loss)" in line
    assert out.is_file()


def test_run_sweep_refuses_workers_below_one_before_making_the_folder(tmp_path):
    from experiments import run_sweep
    from model.errors import InputError

    out = tmp_path / "out"
    with pytest.raises(InputError, match=r"workers = -2: give 1 or more"):
        run_sweep(h.write_spec(tmp_path), out, workers=-2, progress=False)
    assert not out.exists()
