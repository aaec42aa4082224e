"""Bad sweep specs, changed specs and the `attrition sweep` command: one clear error, nothing written."""

import subprocess
import sys
from pathlib import Path

import pytest
import sweep_helpers as h

from experiments import run_sweep
from experiments.cli import main
from experiments.sweep.spec import SpecError, load_spec
from experiments.sweep.storage import SweepConflict

HEAD = """\
name = "bad"
scenario = "short.toml"
replications = {replications}
root_seed = 1
[design]
kind = "{kind}"
"""

FACTOR = """\
[[factors]]
name = "f"
path = "{path}"
{levels}
"""


def spec_text(path="attacker.salvo.swarm_size[1]", levels="values = [400, 800]", kind="full_factorial",
              replications=2) -> str:
    """A one-factor spec on the short scenario, with one thing to break."""
    return HEAD.format(replications=replications, kind=kind) + FACTOR.format(path=path, levels=levels)


# (case id, spec text, key the message must name, value (as repr) it must name)
BAD_SPECS = [
    ("unknown-leaf", spec_text(path="attacker.salvo.nope"), "attacker.salvo.nope", "400"),
    ("index-out-of-range", spec_text(path="sites[99].value"), "factors[0].path", "'sites[99].value'"),
    ("unknown-parent", spec_text(path="attacker.nope.size"), "factors[0].path", "'attacker.nope.size'"),
    ("empty-range", spec_text(levels="range = [5, 5]", kind="latin_hypercube"), "factors[0].range", "[5, 5]"),
    ("reversed-range", spec_text(levels="range = [10, 2]", kind="latin_hypercube"), "factors[0].range", "[10, 2]"),
    ("zero-replications", spec_text(replications=0), "replications", "0"),
    ("unknown-design", spec_text(kind="grid"), "design.kind", "'grid'"),
    ("factorial-without-values", spec_text(levels='description = "no levels"'), "factors[0].values", "None"),
    ("factorial-with-range-only", spec_text(levels="range = [400, 800]"), "factors[0].values", "None"),
    ("invalid-scenario-value",
     spec_text(path="catalog.interceptors.pac3_mse.kill_probability.ballistic", levels="values = [0.5, 1.5]"),
     "catalog.interceptors.pac3_mse.kill_probability.ballistic", "1.5"),
]


@pytest.mark.parametrize(("text", "key", "value"), [case[1:] for case in BAD_SPECS],
                         ids=[case[0] for case in BAD_SPECS])
def test_bad_spec_is_one_clear_error_and_writes_nothing(tmp_path, text, key, value):
    h.write_scenario(tmp_path)
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    out = tmp_path / "out"
    with pytest.raises(SpecError) as caught:
        run_sweep(spec, out, workers=1, progress=False)
    error = caught.value
    message = str(error)
    assert len(error.problems) == 1, message
    assert "\n" not in message
    assert str(spec) in message  # the file
    assert key in message  # the key
    assert value in message  # the value
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "short.toml"]


def test_invalid_scenario_value_names_the_design_point(tmp_path):
    h.write_scenario(tmp_path)
    spec = tmp_path / "bad.toml"
    spec.write_text(spec_text(path="catalog.interceptors.pac3_mse.kill_probability.ballistic",
                              levels="values = [0.5, 0.9, 1.5]"))
    with pytest.raises(SpecError) as caught:
        run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    (key, value, why), = caught.value.problems
    assert key == "design point 2" and value == {"f": 1.5}
    assert "catalog.interceptors.pac3_mse.kill_probability.ballistic = 1.5" in why
    assert "short.toml" in why  # the scenario file the bad value lands in
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("source", ["missing.toml", "sub/missing"], ids=["toml", "path"])
def test_missing_spec_file(tmp_path, source):
    path = str(tmp_path / source)
    with pytest.raises(SpecError) as caught:
        run_sweep(path, tmp_path / "out", workers=1, progress=False)
    assert caught.value.problems == [("file", path, "no such sweep spec file")]
    assert path in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_unknown_builtin_spec_name_lists_the_known_ones(tmp_path):
    with pytest.raises(SpecError) as caught:
        run_sweep("pause-lenght", tmp_path / "out", workers=1, progress=False)
    assert len(caught.value.problems) == 1
    message = str(caught.value)
    assert "'pause-lenght'" in message and "pause-length" in message and "doctrine" in message
    assert not (tmp_path / "out").exists()


def test_not_toml_is_a_clear_error(tmp_path):
    spec = tmp_path / "broken.toml"
    spec.write_text("name = \n")
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert len(caught.value.problems) == 1 and "not valid TOML" in str(caught.value)


def test_unknown_scenario_in_spec(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(spec_text().replace('"short.toml"', '"nowhere.toml"'))
    with pytest.raises(SpecError) as caught:
        run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert len(caught.value.problems) == 1
    assert str(spec) in str(caught.value) and "nowhere.toml" in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_unknown_daily_column_is_a_spec_error_and_writes_nothing(tmp_path):
    spec = h.write_spec(tmp_path, daily=["stock_pac3_mse", "no_such_column"])
    out = tmp_path / "out"
    try:
        with pytest.raises(SpecError) as caught:
            run_sweep(spec, out, workers=1, progress=False)
        assert len(caught.value.problems) == 1
        assert "no_such_column" in str(caught.value) and str(spec) in str(caught.value)
    finally:
        assert not out.exists()


def test_errors_of_a_loaded_spec_object_name_its_file(tmp_path):
    h.write_scenario(tmp_path)
    spec = tmp_path / "bad.toml"
    spec.write_text(spec_text(path="catalog.interceptors.pac3_mse.kill_probability.ballistic",
                              levels="values = [0.5, 1.5]"))
    loaded = load_spec(spec)  # valid structurally; the bad value shows only when the design is built
    with pytest.raises(SpecError) as caught:
        run_sweep(loaded, tmp_path / "out", workers=1, progress=False)
    assert str(spec) in str(caught.value)


# ---------------------------------------------------------------- a changed spec into an existing folder


def _change_replications(folder: Path) -> None:
    h.write_spec(folder, replications=h.REPLICATIONS + 1)


def _change_levels(folder: Path) -> None:
    spec = folder / "spec.toml"
    spec.write_text(spec.read_text().replace("values = [400, 800]", "values = [400, 900]"))


def _change_daily(folder: Path) -> None:
    h.write_spec(folder, daily=["stock_gem_t"])


def _change_scenario(folder: Path) -> None:
    (folder / "short.toml").write_text(h.SCENARIO.format(description="") + "[grid]\nwidth = 27\n")


@pytest.mark.parametrize("change", [_change_replications, _change_levels, _change_daily, _change_scenario],
                         ids=["replications", "levels", "daily", "scenario-file"])
def test_changed_spec_into_existing_folder_is_refused_and_changes_nothing(tmp_path, change, capsys):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    run_sweep(spec, out, workers=1, progress=False)
    before = h.tree(out)
    change(tmp_path)
    with pytest.raises(SweepConflict) as caught:
        run_sweep(spec, out, workers=1, progress=False)
    message = str(caught.value)
    assert str(out) in message and "different sweep" in message and "new --out" in message
    assert h.tree(out) == before
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 2
    assert "different sweep" in capsys.readouterr().err
    assert h.tree(out) == before


def test_folder_with_other_files_is_refused(tmp_path):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SweepConflict, match="not empty"):
        run_sweep(spec, out, workers=1, progress=False)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


# ---------------------------------------------------------------- 11. the command line


def test_cli_sweep_then_again_reuses_everything(tmp_path, capsys):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert f"computed {h.RUNS} runs, reused 0, failed 0" in printed
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert f"computed 0 runs, reused {h.RUNS}, failed 0" in printed
    assert (out / "manifest.json").is_file()
    assert len(list((out / "invocations").glob("*.json"))) == 2


def test_cli_bad_spec_exits_2_with_message_on_stderr_and_writes_nothing(tmp_path):
    h.write_scenario(tmp_path)
    spec = tmp_path / "bad.toml"
    spec.write_text(spec_text(replications=0))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "experiments.cli", "sweep", str(spec), "--out", str(out),
                           "--workers", "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("attrition: error: ")
    assert str(spec) in done.stderr and "replications = 0" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("case", ["unknown-leaf", "empty-range", "unknown-design"])
def test_cli_bad_specs_exit_2(tmp_path, capsys, case):
    _, text, key, value = next(c for c in BAD_SPECS if c[0] == case)
    h.write_scenario(tmp_path)
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(spec) in captured.err and key in captured.err and value in captured.err
    assert not out.exists()
