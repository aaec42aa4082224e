"""Sweeps over a posterior ensemble: replication r runs draw r at every design point, on every executor.

A scenario names an ensemble of five particles that differ in the interceptor drones' kill probability
against drones and in the Patriot starting stock; the standard small sweep (two factors, two levels, on 59
days) runs over it.
"""

import json

import numpy as np
import pandas as pd
import pytest
import sweep_helpers as h

from experiments import analysis
from experiments.reporting.report import build_report
from experiments.sweep.design import replication_seed, with_values
from experiments.sweep.ensemble import read_ensemble
from experiments.sweep.runner import run_sweep
from experiments.sweep.spec import SpecError, load_spec
from model import AirCampaign, build_scenario, scenario_data

KILL = "catalog.interceptors.interceptor_drone.kill_probability.drone"
STOCK = "catalog.battery_types.patriot.magazine.pac3_mse"
PARTICLES = pd.DataFrame({KILL: [0.2, 0.4, 0.6, 0.8, 0.95], STOCK: [2, 4, 8, 16, 24],
                          "weight": [0.1, 0.2, 0.3, 0.2, 0.2]})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("ensemble-sweep")
    PARTICLES.to_parquet(tmp_path / "posterior.parquet", index=False)
    scenario = h.write_scenario(tmp_path)
    scenario.write_text(scenario.read_text() + 'ensemble = "posterior.parquet"\n')
    h.write_spec(tmp_path, replications=6)
    return tmp_path


@pytest.fixture(scope="module")
def serial(folder):
    return run_sweep(folder / "spec.toml", folder / "out", workers=1, progress=False)


def test_replication_r_runs_draw_r_at_every_design_point(folder, serial):
    runs = serial.runs
    ensemble = read_ensemble(folder / "posterior.parquet")
    expected = {r: ensemble.particle(r) for r in range(6)}
    assert runs.groupby("replication")["draw"].nunique().eq(1).all()  # the same draw at every point
    assert dict(zip(runs["replication"], runs["draw"], strict=True)) == expected
    assert runs["draw"].nunique() > 1
    # each run is exactly the run of its draw's values and its design point's, with seed r
    row = runs[(runs["point"] == 3) & (runs["replication"] == 4)].iloc[0]
    raw, source = scenario_data(folder / "short.toml")
    spec = load_spec(folder / "spec.toml")
    values = {f.name: row[f.name].item() for f in spec.factors}
    drawn = with_values(ensemble.apply(raw, 4), {f.name: f.paths for f in spec.factors}, values)
    summary = AirCampaign(build_scenario(drawn, source), rng=replication_seed(h.ROOT_SEED, 4)).run().summary()
    for key in ("leaked_threats", "value_weighted_damage", "fired_pac3_mse"):
        if key in summary:
            assert row[key] == pytest.approx(summary[key]), key
    manifest = json.loads((folder / "out" / "manifest.json").read_text())
    assert manifest["ensemble"]["particles"] == 5 and manifest["ensemble"]["paths"] == [KILL, STOCK]


def test_local_processes_give_the_serial_runs(folder, serial):
    parallel = run_sweep(folder / "spec.toml", folder / "parallel", workers=2, progress=False).runs
    pd.testing.assert_frame_equal(serial.runs.reset_index(drop=True), parallel.reset_index(drop=True))


def test_the_spec_can_turn_the_ensemble_off_or_name_another(folder):
    text = (folder / "spec.toml").read_text()
    (folder / "off.toml").write_text(text.replace('root_seed', 'ensemble = "none"\nroot_seed', 1))
    off = run_sweep(folder / "off.toml", folder / "off", workers=1, progress=False).runs
    assert "draw" not in off.columns
    (folder / "bad.toml").write_text(text.replace('root_seed', 'ensemble = "absent.parquet"\nroot_seed', 1))
    with pytest.raises(SpecError, match="no such ensemble file"):
        run_sweep(folder / "bad.toml", folder / "bad", workers=1, progress=False)
    assert not (folder / "bad").exists()


def test_the_report_splits_the_spread_between_parameters_and_nights(folder, serial):
    paths = build_report(serial.path, folder / "report")
    text = paths["markdown"].read_text()
    assert "Parameter uncertainty is in every interval" in text and "from the parameters" in text


def test_parameter_share_recovers_a_known_split():
    rng = np.random.default_rng(3)
    draws = pd.DataFrame({"a": rng.uniform(size=400), "b": rng.uniform(size=400), "weight": 1.0})
    index = np.arange(400)
    # outcome = 10 a + noise: var(10 a) = 100/12 = 8.33, noise var 8.33 -> half from the parameters
    y = 10 * draws["a"].to_numpy() + rng.normal(0, np.sqrt(100 / 12), 400)
    runs = pd.DataFrame({"point": 0, "draw": index, "y": y})
    assert analysis.parameter_share(runs, "y", draws) == pytest.approx(0.5, abs=0.08)
    runs["y"] = rng.normal(size=400)
    assert analysis.parameter_share(runs, "y", draws) < 0.03
