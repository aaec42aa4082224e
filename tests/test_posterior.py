"""The posterior: ABC-SMC recovers known parameters, resumes to the same particles, and its ensemble is used.

Synthetic data as in test_calibration: 100 Shahed-type drones, 5 Kalibr and 4 Iskander-M a night, March and
April 2025, whose outcomes are one replay run of a known scenario (mobile fire groups' kill probability against
drones 0.6, PAC-3 MSE's against ballistic missiles 0.4, magazines too deep to run dry). The scenario starts on
1 March, so a run is 61 nights (about 30 ms) and a fit of 30 particles over 4 generations takes seconds.
"""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from synthetic_reports import FIXTURE, PATHS, RANGES, TRUTH, synthetic_reports

from experiments.calibration.posterior import FitError, fit_posterior
from experiments.calibration.spec import CalibrationSpec
from experiments.calibration.validation import validate
from experiments.cli import main
from experiments.sweep.ensemble import Ensemble, EnsembleError, read_ensemble, scenario_ensemble, systematic_resample
from experiments.sweep.spec import Factor
from model import load_scenario, scenario_data

START, END = date(2025, 3, 1), date(2025, 4, 30)
PERIOD = (START, END)
BASE = """extends = "baseline-2025"
name = "posterior-test"
start = 2025-03-01
end = 2025-04-30
[catalog.battery_types.patriot]
magazine = { pac3_mse = 600, gem_t = 0 }
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return synthetic_reports(tmp_path_factory.mktemp("posterior"), BASE, START, END, seed=1)


def _spec(base: Path, population: int = 20, generations: int = 4) -> CalibrationSpec:
    return CalibrationSpec(
        name="posterior-recovery", scenario=str(base), root_seed=5,
        targets={"drone": 0.01, "ballistic": 0.05},
        abc={"population": population, "generations": generations, "predictive": 0},
        parameters=[Factor(name=name, path=paths, range=RANGES[name]) for name, paths in PATHS.items()])


@pytest.fixture(scope="module")
def fitted(synthetic, tmp_path_factory):
    out = tmp_path_factory.mktemp("fit") / "posterior"
    return fit_posterior(synthetic["data"], PERIOD, _spec(synthetic["base"]), out=out, workers=1, progress=False)


def test_posterior_covers_the_true_values_and_pins_down_what_the_data_can(fitted):
    table = fitted.table().set_index("parameter")
    for name, truth in TRUTH.items():
        assert table.loc[name, "q05"] <= truth <= table.loc[name, "q95"], (name, table.loc[name].to_dict())
    # 6,000 drones a month pin the drone kill probability; 120 ballistic missiles a month narrow PAC-3's
    assert table.loc["mfg_kill_drone", "interval_vs_prior"] < 0.5
    assert table.loc["mfg_kill_drone", "verdict"] == "pinned down"
    assert table.loc["pac3_kill_ballistic", "interval_vs_prior"] < 1.0
    assert len(fitted.particles) == 20
    assert fitted.particles["weight"].sum() == pytest.approx(1.0)
    tolerance = fitted.generations["tolerance"].to_numpy()
    assert len(tolerance) == 4 and (np.diff(tolerance) <= 0).all()  # each generation at most the last's median


def test_the_ensemble_is_written_by_scenario_path_and_the_scenario_names_it(fitted):
    ensemble = read_ensemble(fitted.ensemble_path)
    assert ensemble.paths == [*PATHS["mfg_kill_drone"], *PATHS["pac3_kill_ballistic"]]
    drone, decoy = ensemble.table[PATHS["mfg_kill_drone"][0]], ensemble.table[PATHS["mfg_kill_drone"][1]]
    assert (drone == decoy).all()  # one parameter, two paths
    scenario = load_scenario(fitted.scenario_path)
    assert Path(scenario.ensemble) == fitted.ensemble_path.resolve()
    medians = fitted.medians()
    assert scenario.catalog.interceptors["mfg_burst"].kill_probability["drone"] == pytest.approx(
        medians["mfg_kill_drone"], abs=5e-4)
    text = fitted.scenario_path.read_text()
    assert "Pinned down by these data: mfg_kill_drone" in text
    for name in ("posterior.csv", "pairs.csv", "generations.csv", "marginals.png", "pairs.png"):
        assert (fitted.path / name).stat().st_size > 0


def test_a_stopped_fit_continues_to_the_same_posterior(synthetic, fitted, tmp_path):
    spec = _spec(synthetic["base"])
    out = tmp_path / "resumed"
    first = fit_posterior(synthetic["data"], PERIOD, spec.model_copy(update={"abc": spec.abc.model_copy(
        update={"generations": 2})}), out=out, workers=2, progress=False)
    assert len(first.generations) == 2
    resumed = fit_posterior(synthetic["data"], PERIOD, spec, out=out, workers=2, progress=False)
    assert len(resumed.generations) == 4
    # two processes, stopped after two generations and continued: the particles of one straight serial fit
    pd.testing.assert_frame_equal(resumed.particles, fitted.particles)
    pd.testing.assert_frame_equal(resumed.generations, fitted.generations)
    again = fit_posterior(synthetic["data"], PERIOD, spec, out=out, workers=1, progress=False)
    pd.testing.assert_frame_equal(again.particles, fitted.particles)  # a finished fit only re-writes its outputs


def test_a_dask_cluster_gives_the_same_posterior(synthetic, tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = _spec(synthetic["base"], population=12, generations=2)
    here = fit_posterior(synthetic["data"], PERIOD, spec, out=tmp_path / "here", workers=1, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        there = fit_posterior(synthetic["data"], PERIOD, spec, out=tmp_path / "dask",
                              scheduler=cluster.scheduler_address, progress=False)
    pd.testing.assert_frame_equal(here.particles, there.particles)


def test_a_folder_of_another_fit_or_of_other_files_is_refused(synthetic, fitted, tmp_path):
    other = _spec(synthetic["base"], population=12, generations=2)
    with pytest.raises(FitError, match="holds another fit"):
        fit_posterior(synthetic["data"], PERIOD, other, out=fitted.path, workers=1, progress=False)
    assert len(pd.read_parquet(fitted.ensemble_path)) == 20  # untouched
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    with pytest.raises(FitError, match="not a fit's and not empty"):
        fit_posterior(synthetic["data"], PERIOD, other, out=mine, workers=1, progress=False)
    assert (mine / "notes.txt").read_text() == "keep" and len(list(mine.iterdir())) == 1


def test_a_marginalised_parameter_is_drawn_from_its_prior_and_kept_with_the_particle_it_ran_in(synthetic, tmp_path):
    spec = _spec(synthetic["base"])
    spec = spec.model_copy(update={"abc": spec.abc.model_copy(update={"marginalise": ["pac3_kill_ballistic"]})})
    result = fit_posterior(synthetic["data"], PERIOD, spec, out=tmp_path / "marginal", workers=1, progress=False)
    table = result.table().set_index("parameter")
    # the inferred parameter still recovers its truth with the other integrated out
    assert table.loc["mfg_kill_drone", "q05"] <= TRUTH["mfg_kill_drone"] <= table.loc["mfg_kill_drone", "q95"]
    assert table.loc["mfg_kill_drone", "verdict"] == "pinned down"
    assert table["marginalised"].to_dict() == {"mfg_kill_drone": False, "pac3_kill_ballistic": True}
    # each particle keeps the draw it ran with: distinct values, inside the range, written to the ensemble
    drawn = result.particles["pac3_kill_ballistic"]
    assert drawn.nunique() == len(drawn) and drawn.between(*RANGES["pac3_kill_ballistic"]).all()
    ensemble = read_ensemble(result.ensemble_path)
    assert np.allclose(np.sort(ensemble.table[PATHS["pac3_kill_ballistic"][0]]), np.sort(drawn))
    # a rerun from the same seed draws the same values (the draws come from the candidate's seed)
    again = fit_posterior(synthetic["data"], PERIOD, spec, out=tmp_path / "again", workers=2, progress=False)
    pd.testing.assert_frame_equal(again.particles, result.particles)
    assert "marginalised, not inferred): pac3_kill_ballistic" in result.scenario_path.read_text()


@pytest.mark.parametrize(("names", "problem"), [(["pac3_kill"], "no such parameter"),
                                                (list(PATHS), "leaves no parameter to infer")])
def test_marginalising_an_unknown_or_every_parameter_is_refused(tmp_path, names, problem):
    from experiments.calibration.spec import load_calibration_spec
    from experiments.sweep.spec import SpecError

    lines = ['name = "m"', 'scenario = "historical-2025"', "[abc]", f"marginalise = {names!r}".replace("'", '"')]
    for name, paths in PATHS.items():
        lines += ["[[parameters]]", f'name = "{name}"', f'path = "{paths[0]}"', f"range = {RANGES[name]}"]
    (tmp_path / "m.toml").write_text("\n".join(lines) + "\n")
    with pytest.raises(SpecError, match=problem):
        load_calibration_spec(tmp_path / "m.toml")


def test_weights_worth_under_a_tenth_of_the_particles_are_reported_degenerate(fitted):
    even = fitted.particles.assign(weight=1 / len(fitted.particles))
    assert fitted.__class__(**{**vars(fitted), "particles": even}).effective_size == pytest.approx(len(even))
    assert not fitted.__class__(**{**vars(fitted), "particles": even}).degenerate
    assert fitted.__class__(**{**vars(fitted), "particles": even}).weights_warning() is None
    spiked = even.assign(weight=[1.0] + [1e-6] * (len(even) - 1))
    assert fitted.__class__(**{**vars(fitted), "particles": spiked}).degenerate
    assert "effective size 1 of 20" in fitted.__class__(**{**vars(fitted), "particles": spiked}).weights_warning()


# ---------------------------------------------------------------- ensembles


def _ensemble(weights, values=None) -> Ensemble:
    weights = np.asarray(weights, float)
    values = np.arange(len(weights), dtype=float) if values is None else values
    return Ensemble(pd.DataFrame({"catalog.interceptors.gem_t.kill_probability.cruise": values, "weight": weights}))


def test_systematic_resampling_gives_each_particle_its_share_of_the_draws():
    counts = np.bincount(systematic_resample(np.array([0.5, 0.25, 0.125, 0.125]), 8), minlength=4)
    assert counts.tolist() == [4, 2, 1, 1]
    counts = np.bincount(systematic_resample(np.array([1, 2, 3, 4], float), 1000), minlength=4)
    assert (np.abs(counts - np.array([100, 200, 300, 400])) <= 1).all()


def test_draw_r_is_fixed_by_the_file_and_wraps_around():
    ensemble = _ensemble([1, 1, 1, 1, 0])
    order = [ensemble.particle(r) for r in range(5)]
    assert sorted(order) != [0, 1, 2, 3, 4] or 4 not in order  # a particle of weight 0 is never drawn
    assert 4 not in order
    assert [ensemble.particle(r) for r in range(5, 10)] == order
    assert [_ensemble([1, 1, 1, 1, 0]).particle(r) for r in range(5)] == order  # same file, same order
    assert ensemble.draw(0) == {"catalog.interceptors.gem_t.kill_probability.cruise": float(order[0])}


def test_an_ensemble_column_that_is_no_scenario_path_is_refused_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    pd.DataFrame({"catalog.interceptors.gem_t.kill_chance.cruise": [0.5], "weight": [1.0]}).to_parquet(bad)
    raw, source = scenario_data("baseline-2025")
    with pytest.raises(EnsembleError, match="no such path"):
        scenario_ensemble(raw, source, bad)
    out = tmp_path / "validation"
    code = main(["validate", str(FIXTURE), "--scenario", "baseline-2025", "--period", "2025-07-19:2025-08-03",
                 "--ensemble", str(bad), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("attrition: error:") == 1
    assert "catalog.interceptors.gem_t.kill_chance.cruise" in err and str(bad) in err
    assert not out.exists()


@pytest.mark.parametrize("table, problem", [
    (pd.DataFrame({"catalog.grid.cell_km": [1.0]}), "no `weight` column"),
    (pd.DataFrame({"catalog.grid.cell_km": [1.0], "weight": [-1.0]}), "non-negative"),
    (pd.DataFrame({"catalog.grid.cell_km": ["far"], "weight": [1.0]}), "must be numbers"),
    (pd.DataFrame({"weight": [1.0]}), "no parameter columns"),
])
def test_malformed_ensembles_are_refused(tmp_path, table, problem):
    path = tmp_path / "e.parquet"
    table.to_parquet(path)
    with pytest.raises(EnsembleError, match=problem):
        read_ensemble(path)


def test_a_file_that_is_not_parquet_is_refused(tmp_path):
    path = tmp_path / "e.parquet"
    path.write_text("month,share\n")
    with pytest.raises(EnsembleError, match="not a Parquet table"):
        read_ensemble(path)
    with pytest.raises(EnsembleError, match="no such ensemble file"):
        read_ensemble(tmp_path / "absent.parquet")


def test_validation_over_the_posterior_shows_three_nested_bands(synthetic, fitted):
    result = validate(synthetic["data"], fitted.scenario_path, PERIOD, replications=12, progress=False)
    assert result.ensemble == 20
    table = result.table
    assert table[["sim_q05", "par_q05", "obs_q05"]].notna().all().all()
    # parameter draws widen the nights-only band on the whole; observation noise widens it further
    nights = (table["sim_q95"] - table["sim_q05"]).mean()
    parameters = (table["par_q95"] - table["par_q05"]).mean()
    observed = (table["obs_q95"] - table["obs_q05"]).mean()
    assert nights < parameters < observed
    coverage = result.coverage()
    assert set(coverage) == {"drone", "cruise", "ballistic"} and all(0 <= v <= 1 for v in coverage.values())
    assert coverage["drone"] == 1.0  # the model made these data: its band holds them
    assert any("draw r of the posterior ensemble" in c for c in result.caveats)
    point = validate(synthetic["data"], fitted.scenario_path, PERIOD, replications=12, progress=False,
                     ensemble="none")
    assert point.ensemble is None and point.table["par_q05"].isna().all()
    pd.testing.assert_series_equal(point.table["sim_q05"], table["sim_q05"])  # the same nights-only runs


# ---------------------------------------------------------------- simulation-based calibration


def test_recovery_fits_synthetic_data_from_known_values_and_counts_coverage(synthetic, tmp_path):
    from experiments.calibration.recovery import recover, synthetic_truths

    spec = _spec(synthetic["base"], population=16, generations=3)
    truths = synthetic_truths(spec, 2)
    assert truths == synthetic_truths(spec, 2) and truths[0] != truths[1]  # seeded, and distinct
    for truth in truths:
        for name, (low, high) in RANGES.items():
            assert low <= truth[name] <= high
    result = recover(synthetic["data"], PERIOD, spec, datasets=2, out=tmp_path / "sbc", workers=1, progress=False)
    table = result.table
    assert len(table) == 2 * len(PATHS)
    assert table["truth"].tolist() == [truths[k][name] for k in range(2) for name in PATHS]
    inside = (table["q05"] <= table["truth"]) & (table["truth"] <= table["q95"])
    assert (table["covered"] == inside).all()
    summary = result.summary().set_index("parameter")
    assert summary.loc["mfg_kill_drone", "coverage"] == table[table["parameter"] == "mfg_kill_drone"]["covered"].mean()
    assert summary.loc["mfg_kill_drone", "identifiable"]
    assert (tmp_path / "sbc" / "coverage.csv").is_file() and (tmp_path / "sbc" / "dataset-001" / "abc.db").is_file()


def test_a_fit_interrupted_in_a_generation_resumes_to_the_same_posterior(synthetic, fitted, tmp_path, monkeypatch):
    import experiments.calibration.sampler as sampler

    real, calls = sampler.simulate_candidates, []

    def interrupted(blob, seeds):
        calls.append(len(seeds))
        if sum(calls) > 90:  # in the third generation: Ctrl-C
            raise KeyboardInterrupt
        return real(blob, seeds)

    monkeypatch.setattr(sampler, "simulate_candidates", interrupted)
    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        fit_posterior(synthetic["data"], PERIOD, _spec(synthetic["base"]), out=out, workers=1, progress=False)
    monkeypatch.setattr(sampler, "simulate_candidates", real)
    resumed = fit_posterior(synthetic["data"], PERIOD, _spec(synthetic["base"]), out=out, workers=1,
                            progress=False)
    pd.testing.assert_frame_equal(resumed.particles, fitted.particles)
