"""Calibration recovers parameters from data the model itself made; validation and the CLI's refusals.

The synthetic data: one national row a night per class (100 Shahed-type, 5 Kalibr, 4 Iskander-M), March to
May 2025, whose `destroyed` is the neutralised count of one replay run of a known scenario (mobile fire
group kill probability against drones 0.6, PAC-3 against ballistic missiles 0.4). The known scenario extends
baseline-2025 with Patriot magazines large enough never to run dry, so the ballistic share depends on the
PAC-3 kill probability all period long (with baseline's magazines PAC-3 runs out within a month at 3-4
ballistic missiles a night, and the share stops depending on it).

Why these two parameters: in this model the monthly drone share moves only about 3 points over the range of
`ew_share` (0.896 at 0, 0.909 at 0.3, 0.922 at 0.6; mean of 4 runs), so +-0.1 of it is under half a point,
the sampling noise of one month's 3,000 drones: it cannot be recovered to +-0.1 from such data. The mobile
fire groups' kill probability moves the share about 14 points (0.80 at 0.2, 0.94 at 0.8).

Tolerance, chosen after watching the fit (replications 2, maxiter 10, popsize 5): over data made with seeds
1 to 10 the largest misses were 0.08 for mfg_kill_drone and 0.12 for pac3_kill_ballistic (0.10 and 0.12 on
two seeds, under 0.07 on the other eight): 120-124 ballistic missiles a month carry +-4 points of noise in
the share, in the data and in the runs. The test uses data seed 1 (the first tried: misses 0.08 and 0.03)
and asserts +-0.12; the monthly-share errors at the fit stayed under 0.01 (drone), 0.04 (cruise) and 0.07
(ballistic) on every seed. With maxiter 6 and popsize 4 the optimiser stopped short of the optimum on one
seed in six (mfg 0.80), so it runs a little longer here; the whole file takes about 10 s.
"""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from experiments.calibration import (
    CalibrationSpec,
    calibrate,
    calibrated_scenario_text,
    monthly_counts,
    objective_for,
    replay_data,
    validate,
    validation_figure,
)
from experiments.cli import main
from experiments.design import with_values
from experiments.spec import Factor
from model import AirCampaign, build_scenario, load_scenario, scenario_data
from model.observed import load_observed

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
HEADER = FIXTURE.read_text().splitlines()[0].split(",")
START, END = date(2025, 3, 1), date(2025, 5, 31)
PERIOD = (START, END)
NIGHTLY = {"Shahed-136/131": 100, "Kalibr": 5, "Iskander-M": 4}
PATHS = {
    "mfg_kill_drone": ["catalog.interceptors.mfg_burst.kill_probability.drone",
                       "catalog.interceptors.mfg_burst.kill_probability.decoy"],
    "pac3_kill_ballistic": ["catalog.interceptors.pac3_mse.kill_probability.ballistic"],
}
TRUTH = {"mfg_kill_drone": 0.6, "pac3_kill_ballistic": 0.4}
RANGES = {"mfg_kill_drone": [0.1, 0.9], "pac3_kill_ballistic": [0.1, 0.95]}
TOLERANCE = 0.12
DATA_SEED = 1

BASE = """extends = "baseline-2025"
name = "calibration-test"
[catalog.battery_types.patriot]
magazine = { pac3_mse = 600, gem_t = 0 }
"""


def _write_reports(path: Path, destroyed: dict[str, list[int]] | None = None) -> Path:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        for d in range((END - START).days + 1):
            day = START + timedelta(days=d)
            for k, (model, launched) in enumerate(NIGHTLY.items()):
                writer.writerow({"time_start": f"{day - timedelta(days=1)} 19:00", "time_end": f"{day} 07:00",
                                 "model": model, "launched": launched,
                                 "destroyed": "" if destroyed is None else destroyed[model][d],
                                 "not_reach_goal": 0, "source": f"kpszsu/posts/synthetic-{d}-{k}"})
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Base and true scenario files, and the reports a run of the true scenario would have made."""
    folder = tmp_path_factory.mktemp("calibration")
    base = folder / "base.toml"
    base.write_text(BASE)
    launches = _write_reports(folder / "launches.csv")  # destroyed unknown: only to drive the truth run
    raw, source = scenario_data(base)
    truth_raw = with_values(replay_data(raw, launches, START, END), PATHS, TRUTH)
    daily = AirCampaign(build_scenario(truth_raw, source), rng=DATA_SEED).run().daily()
    destroyed = {"Shahed-136/131": (daily["neutralised_drone"] + daily["neutralised_decoy"]).tolist(),
                 "Kalibr": daily["neutralised_cruise"].tolist(),
                 "Iskander-M": daily["neutralised_ballistic"].tolist()}
    data = _write_reports(folder / "reports.csv", destroyed)
    true_scenario = folder / "true.toml"
    true_scenario.write_text(
        f'extends = "base.toml"\nname = "calibration-truth"\n'
        f"[catalog.interceptors.mfg_burst.kill_probability]\ndrone = {TRUTH['mfg_kill_drone']}\n"
        f"decoy = {TRUTH['mfg_kill_drone']}\n"
        f"[catalog.interceptors.pac3_mse.kill_probability]\nballistic = {TRUTH['pac3_kill_ballistic']}\n")
    return {"folder": folder, "base": base, "data": data, "true": true_scenario, "daily": daily}


def _spec(base: Path) -> CalibrationSpec:
    return CalibrationSpec(
        name="recovery", scenario=str(base), replications=2, root_seed=11,
        targets={"drone": 0.01, "ballistic": 0.05},  # cruise is not fitted: it only adds noise to the loss
        optimiser={"maxiter": 10, "popsize": 5},
        parameters=[Factor(name=name, path=paths, range=RANGES[name]) for name, paths in PATHS.items()])


@pytest.fixture(scope="module")
def fitted(synthetic):
    return calibrate(synthetic["data"], PERIOD, _spec(synthetic["base"]), workers=1, progress=False,
                     profile_points=5)


def test_synthetic_data_is_what_the_model_made(synthetic):
    daily = synthetic["daily"]
    assert len(daily) == 92
    assert ((daily["launched_drone"] + daily["launched_decoy"]) == 100).all()
    assert (daily["launched_ballistic"] == 4).all() and (daily["launched_cruise"] == 5).all()
    observed = load_observed(synthetic["data"]).period(START, END)
    assert (observed["neutralised_drone"].to_numpy() == daily["neutralised_drone"] + daily["neutralised_decoy"]).all()
    assert (observed["neutralised_ballistic"].to_numpy() == daily["neutralised_ballistic"]).all()
    assert (observed["with_outcome_cruise"] == 5).all()
    counts = monthly_counts(AirCampaign(load_scenario(synthetic["true"]), rng=DATA_SEED).run(31))
    assert set(counts["class"]) == {"drone", "cruise", "ballistic"}


def test_calibration_recovers_the_true_parameters(fitted):
    for name, truth in TRUTH.items():
        assert fitted.values[name] == pytest.approx(truth, abs=TOLERANCE), (name, fitted.values)
    assert fitted.errors["drone"] < 0.01  # mean absolute error of the monthly share
    assert fitted.errors["ballistic"] < 0.08
    assert fitted.errors["cruise"] < 0.05  # not fitted, but the model is the truth for it too
    assert fitted.period == PERIOD
    assert fitted.evaluations == 10 * (10 + 1) + 2 * 5  # population x (generations + 1), then the profile
    assert fitted.seconds > 0


def test_calibration_table_has_one_row_per_parameter(fitted):
    table = fitted.table()
    assert table["parameter"].tolist() == list(PATHS)
    assert table["value"].tolist() == [fitted.values[name] for name in PATHS]
    assert table["range"].tolist() == ["0.1 to 0.9", "0.1 to 0.95"]
    assert set(table["pinned down"]) <= {"yes", "no"}
    profile = fitted.profile
    assert len(profile) == 2 * 5 and set(profile["parameter"]) == set(PATHS)


def test_fitted_values_beat_values_far_from_the_truth(synthetic, fitted):
    objective = objective_for(_spec(synthetic["base"]), synthetic["data"], PERIOD)
    best = objective([fitted.values[name] for name in PATHS])
    assert best == pytest.approx(fitted.loss)  # same seeds every evaluation: a deterministic loss
    assert objective([0.15, TRUTH["pac3_kill_ballistic"]]) > best + 1
    assert objective([TRUTH["mfg_kill_drone"], 0.9]) > best


def test_calibrated_scenario_round_trips(fitted, tmp_path):
    text = calibrated_scenario_text(fitted)
    assert text.startswith("# Calibrated by `attrition calibrate`")
    path = tmp_path / "calibrated.toml"
    path.write_text(text)
    scenario = load_scenario(path)
    interceptors = scenario.catalog.interceptors
    # written to 3 decimals: the fit's noise is far larger than 0.0005
    assert interceptors["mfg_burst"].kill_probability["drone"] == pytest.approx(fitted.values["mfg_kill_drone"],
                                                                                 abs=5e-4)
    assert interceptors["mfg_burst"].kill_probability["decoy"] == interceptors["mfg_burst"].kill_probability["drone"]
    assert interceptors["pac3_mse"].kill_probability["ballistic"] == pytest.approx(
        fitted.values["pac3_kill_ballistic"], abs=5e-4)
    # the rest comes from the base scenario: its Patriot magazines, baseline's sites
    assert scenario.catalog.battery_types["patriot"].magazine["pac3_mse"] == 600
    assert len(scenario.sites) == len(load_scenario("baseline-2025").sites)


def test_validate_with_the_true_scenario(synthetic):
    result = validate(synthetic["data"], synthetic["true"], PERIOD, replications=5, progress=False)
    table = result.table
    assert result.replications == 5
    assert len(table) == 3 * 3  # three months, three classes
    assert set(table["class"]) == {"drone", "cruise", "ballistic"}
    assert (table["sim_q05"] <= table["sim_q50"]).all() and (table["sim_q50"] <= table["sim_q95"]).all()
    assert table["error"].tolist() == pytest.approx((table["simulated"] - table["observed"]).tolist())
    assert result.errors["drone"] < 0.01
    assert result.errors["cruise"] < 0.06
    assert result.errors["ballistic"] < 0.06
    monthly = table[table["class"] == "ballistic"]["observed_launched"].tolist()
    assert monthly == [31 * 4, 30 * 4, 31 * 4]
    figure = validation_figure(result, "synthetic")
    try:
        assert len(figure.axes) == 3
        for ax, cls in zip(figure.axes, ("drone", "cruise", "ballistic"), strict=True):
            assert ax.get_title().startswith(f"{cls}:")
            assert "mean absolute error" in ax.get_title()
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)


def test_validate_refuses_a_period_without_outcomes(synthetic):
    with pytest.raises(ValueError, match="no reports with known outcomes"):
        validate(synthetic["data"], synthetic["true"], (date(2024, 1, 1), date(2024, 1, 31)), replications=1,
                 progress=False)


# ---------------------------------------------------------------- the command line


def test_calibrate_refuses_an_existing_out_without_force(tmp_path, capsys):
    out = tmp_path / "calibrated.toml"
    out.write_text("# someone else's scenario\n")
    code = main(["calibrate", str(FIXTURE), "--period", "2025-07-19:2025-08-03", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err
    assert out.read_text() == "# someone else's scenario\n"


def test_validate_with_a_bad_period_exits_2(tmp_path, capsys):
    out = tmp_path / "validation"
    code = main(["validate", str(FIXTURE), "--scenario", "baseline-2025", "--period", "2025-08-03:2025-07-19",
                 "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("attrition: error: --period '2025-08-03:2025-07-19'") and "ends before it starts" in err
    assert main(["validate", str(FIXTURE), "--scenario", "baseline-2025", "--period", "July", "--out",
                 str(out)]) == 2
    assert "START:END" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("command", ["validate", "calibrate"])
def test_malformed_data_file_exits_2_naming_row_and_column(tmp_path, capsys, command):
    lines = FIXTURE.read_text().splitlines()
    lines[7] = lines[7].replace("2025-07-21 05:00", "2025-07-21 5 o'clock")  # line 8's time_end
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / ("validation" if command == "validate" else "calibrated.toml")
    extra = ["--scenario", "baseline-2025"] if command == "validate" else ["--workers", "1"]
    code = main([command, str(bad), "--period", "2025-07-19:2025-08-03", "--out", str(out), *extra])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("attrition: error:") == 1
    assert str(bad) in err and "row 8, column time_end" in err and "5 o'clock" in err
    assert not out.exists()


def test_missing_data_file_exits_2(tmp_path, capsys):
    out = tmp_path / "validation"
    code = main(["validate", str(tmp_path / "absent.csv"), "--scenario", "baseline-2025", "--period",
                 "2025-07-19:2025-08-03", "--out", str(out)])
    assert code == 2
    assert "no such attack-data file" in capsys.readouterr().err
    assert not out.exists()
