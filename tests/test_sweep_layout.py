"""The manifest describes the runs table's layout, and analysis reads it from there.

Factor names and kinds, the decoded values behind JSON-text cells, and the
sampler's unit sample are written into `manifest.json` when a sweep opens its
folder, read back as a `SweepLayout`, and carried by `SweepResult.runs`.
A stand-in simulator keeps the runs instant: the layout does not depend on
what a run computes.
"""

import json

import numpy as np
import pandas as pd
import pytest
import sweep_helpers as h

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.sweep.design import SweepPlan
from experiments.sweep.layout import SweepLayout
from experiments.sweep.runner import open_results, run_sweep
from experiments.sweep.sampling import unit_sample
from experiments.sweep.spec import load_spec

ENGAGE = [["ballistic", "cruise"], ["ballistic", "cruise", "drone"]]
MIX = [{"drone": 0.7, "decoy": 0.3}, {"drone": 0.9, "decoy": 0.1}]

FACTORIAL = f"""\
name = "layout"
scenario = "short.toml"
replications = 2
root_seed = 3

[[factors]]
name = "engage"
kind = "lever"
path = "catalog.doctrines.patriot_keep_off_drones.engage"
values = {json.dumps(ENGAGE)}

[[factors]]
name = "salvo_max"
path = "attacker.salvo.swarm_size[1]"
values = [400, 800]
"""

SOBOL = f"""\
name = "layout-sobol"
scenario = "short.toml"
replications = 1
root_seed = 11

[design]
kind = "sobol"
samples = 8

[[factors]]
name = "kp"
path = "catalog.interceptors.pac3_mse.kill_probability.ballistic"
range = [0.0, 1.0]

[[factors]]
name = "mix"
kind = "lever"
path = "attacker.salvo.swarm_mix"
values = [{', '.join('{' + ', '.join(f'{k} = {v}' for k, v in m.items()) + '}' for m in MIX)}]
"""


def instant(scenario, seed, daily_columns):
    """A stand-in run: a summary whose value depends only on the seed."""
    return {"days": 1, "leaked_threats": float(seed % 97)}, None


def sweep(tmp_path, text: str, name: str):
    h.write_scenario(tmp_path)
    spec = tmp_path / f"{name}.toml"
    spec.write_text(text)
    return load_spec(spec), run_sweep(spec, tmp_path / name, workers=1, progress=False, simulator=instant)


def test_the_manifest_names_every_factor_column_with_its_kind_and_paths(tmp_path):
    spec, result = sweep(tmp_path, FACTORIAL, "factorial")
    layout = open_results(result.path).layout
    assert layout.names == [f.name for f in spec.factors] == result.factors
    assert [f.kind for f in layout.factors] == ["lever", "uncertainty"]
    assert [list(f.paths) for f in layout.factors] == [f.paths for f in spec.factors]
    assert layout.ids == ["run_id", "point", "replication", "seed"]
    assert layout.design == "full_factorial" and layout.unit_sample is None
    assert set(result.runs.columns) >= {*layout.ids, *layout.names}


def test_the_manifest_keeps_the_value_behind_every_json_cell(tmp_path):
    _, result = sweep(tmp_path, FACTORIAL, "factorial")
    layout = SweepLayout.from_manifest(json.loads((result.path / "manifest.json").read_text()))
    engage = layout["engage"]
    assert engage.encoded and not layout["salvo_max"].encoded
    cells = pd.unique(result.runs["engage"]).tolist()
    assert all(isinstance(c, str) for c in cells)  # stored as JSON text, so runs can be grouped by them
    assert sorted(layout.decode(c, "engage") for c in cells) == sorted(ENGAGE)
    assert [layout.decode(c) for c in cells] == [engage.decode(c) for c in cells]  # any factor's cell, by its text
    assert engage.values == ENGAGE
    assert layout.decode(800, "salvo_max") == 800 and layout.decode("not a level") == "not a level"


def test_the_unit_sample_in_the_manifest_is_the_one_the_sampler_drew(tmp_path):
    spec, result = sweep(tmp_path, SOBOL, "sobol")
    layout = result.layout
    drawn = unit_sample(spec)
    assert layout.design == "sobol" and layout.unit().shape == drawn.shape == (8 * (2 + 2), 2)
    np.testing.assert_array_equal(layout.unit(), drawn)  # bit for bit, through JSON
    design = SweepPlan(spec, spec.source).design
    np.testing.assert_array_equal(design["kp"].to_numpy(), layout.unit()[:, 0])  # a [0, 1] range is the sample
    assert [layout.decode(c, "mix") for c in result.runs.sort_values("point")["mix"]] == \
        [MIX[min(int(u * 2), 1)] for u in layout.unit()[:, 1]]


def test_runs_carry_their_layout_so_pairing_needs_no_column_positions(tmp_path):
    _, result = sweep(tmp_path, FACTORIAL, "factorial")
    runs = result.runs
    shuffled = runs[["leaked_threats", "salvo_max", "run_id", "engage", "seed", "replication", "point", "days"]]
    named = analysis.paired_differences(runs, "leaked_threats", "salvo_max", 400, factors=result.factors)
    pd.testing.assert_frame_equal(analysis.paired_differences(shuffled, "leaked_threats", "salvo_max", 400), named)
    assert analysis.level_of(runs, "engage", ENGAGE[1]) == json.dumps(ENGAGE[1])
    plain = pd.DataFrame(runs.to_dict("list"))  # the same table without its layout
    with pytest.raises(AnalysisError, match="factors="):
        analysis.paired_differences(plain, "leaked_threats", "salvo_max", 400)


def test_sensitivity_reads_the_unit_sample_from_the_manifest(tmp_path):
    morris = SOBOL.replace('kind = "sobol"\nsamples = 8', 'kind = "morris"\nsamples = 4\nlevels = 4')
    spec, result = sweep(tmp_path, morris, "morris")
    unit = result.layout.unit()
    runs = result.runs.assign(y=lambda r: r["point"].map(dict(enumerate(3.0 * unit[:, 0]))))
    indices = analysis.sensitivity(runs, spec, "y", result.layout).set_index("factor")
    assert indices.loc[["kp", "mix"], "mu_star"].tolist() == pytest.approx([3.0, 0.0])  # linear: its effects
    manifest = json.loads((result.path / "manifest.json").read_text())
    manifest["layout"]["unit_sample"] = unit[:, ::-1].tolist()  # a sample whose steps move the other factor
    swapped = SweepLayout.from_dict(manifest["layout"])
    assert analysis.sensitivity(runs, spec, "y", swapped).set_index("factor").loc[["kp", "mix"], "mu_star"] \
        .tolist() == pytest.approx([0.0, 3.0])


def test_a_manifest_from_before_the_layout_gains_one_when_its_sweep_runs_again(tmp_path):
    spec, result = sweep(tmp_path, SOBOL, "sobol")
    path = result.path / "manifest.json"
    manifest = json.loads(path.read_text())
    layout = manifest.pop("layout")
    path.write_text(json.dumps(manifest))
    old = open_results(result.path).layout
    assert old.names == ["kp", "mix"] and old.unit_sample is None
    with pytest.raises(AnalysisError, match="no unit sample"):
        analysis.sensitivity(result.runs, spec, "leaked_threats", old)
    again = run_sweep(spec, result.path, workers=1, progress=False, simulator=instant)
    assert again.computed == 0 and json.loads(path.read_text())["layout"] == layout
