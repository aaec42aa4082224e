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
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from synthetic_reports import FIXTURE, HEADER, PATHS, RANGES, TRUTH, synthetic_reports

from experiments.calibration.loss import objective_for
from experiments.calibration.point_fit import calibrate, calibrated_scenario_text
from experiments.calibration.replay import replay_data
from experiments.calibration.shares import mean_absolute_errors, month_days, monthly_counts, observed_shares
from experiments.calibration.spec import CalibrationSpec
from experiments.calibration.validation import validate, validation_figure
from experiments.cli import main
from experiments.sweep.design import replication_seed
from experiments.sweep.spec import Factor
from model import AirCampaign, build_scenario, load_scenario, scenario_data
from model.observed import load_observed

START, END = date(2025, 3, 1), date(2025, 5, 31)
PERIOD = (START, END)
TOLERANCE = 0.12
DATA_SEED = 1

BASE = """extends = "baseline-2025"
name = "calibration-test"
[catalog.battery_types.patriot]
magazine = { pac3_mse = 600, gem_t = 0 }
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Base and true scenario files, and the reports a run of the true scenario would have made."""
    made = synthetic_reports(tmp_path_factory.mktemp("calibration"), BASE, START, END, seed=DATA_SEED)
    folder = made["folder"]
    true_scenario = folder / "true.toml"
    true_scenario.write_text(
        f'extends = "base.toml"\nname = "calibration-truth"\n'
        f"[catalog.interceptors.mfg_burst.kill_probability]\ndrone = {TRUTH['mfg_kill_drone']}\n"
        f"decoy = {TRUTH['mfg_kill_drone']}\n"
        f"[catalog.interceptors.pac3_mse.kill_probability]\nballistic = {TRUTH['pac3_kill_ballistic']}\n")
    return {**made, "true": true_scenario}


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
    # the family key `ballistic` reaches every ballistic class the catalog does not name itself (s300 keeps its own)
    for name in ("iskander_m", "kinzhal", "ballistic_other"):
        assert interceptors["pac3_mse"].kill_probability[name] == pytest.approx(
            fitted.values["pac3_kill_ballistic"], abs=5e-4)
    assert interceptors["pac3_mse"].kill_probability["s300"] == load_scenario(
        "baseline-2025").catalog.interceptors["pac3_mse"].kill_probability["s300"]
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
        validate(synthetic["data"], synthetic["true"], (date(2025, 12, 1), date(2025, 12, 31)), replications=1,
                 progress=False)


def test_validate_refuses_a_period_before_the_scenario_starts(synthetic):
    with pytest.raises(ValueError, match=r"--period starts on 2024-01-01, before the scenario's start \(2025-01-01\)"):
        validate(synthetic["data"], synthetic["true"], (date(2024, 1, 1), date(2024, 1, 31)), replications=1,
                 progress=False)


def test_a_later_period_carries_the_state_from_the_scenario_start(synthetic):
    """April-May, scored from a run that started on 1 January: the same April and May as in the March-May run
    (the same run: same start, end and seeds), and the note says how the run was carried."""
    later = (date(2025, 4, 1), END)
    alone = validate(synthetic["data"], synthetic["true"], later, replications=2, progress=False)
    whole = validate(synthetic["data"], synthetic["true"], PERIOD, replications=2, progress=False)
    assert set(alone.table["month"]) == {"2025-04", "2025-05"}
    same = whole.table[whole.table["month"] != "2025-03"].reset_index(drop=True)
    np.testing.assert_allclose(alone.table["simulated"], same["simulated"])
    assert any("carries its stocks, force and pauses to 2025-04-01" in c for c in alone.caveats)
    assert any("carries its stocks" in c for c in whole.caveats)  # March starts after baseline's 1 January


# ---------------------------------------------------------------- the command line


def test_calibrate_refuses_an_existing_out_without_force(tmp_path, capsys):
    out = tmp_path / "calibrated.toml"
    out.write_text("# someone else's scenario\n")
    code = main(["calibrate", str(FIXTURE), "--period", "2025-07-19:2025-08-03", "--method", "point",
                 "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err
    assert out.read_text() == "# someone else's scenario\n"
    code = main(["calibrate", str(FIXTURE), "--period", "2025-07-19:2025-08-03", "--out", str(out)])
    assert code == 2  # the posterior goes into a folder: a file is never replaced by one
    assert "is a file; the posterior goes into a folder" in capsys.readouterr().err
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


# ---------------------------------------------------------------- validation: skill, bands, patterns

ROOT_SEED = 7  # validate's default


def _write_rows(path: Path, rows: list[tuple[date, str, int, int | None]]) -> Path:
    """A national report per (day, weapon model, launched, destroyed or None for an unknown outcome)."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        for k, (day, model, launched, destroyed) in enumerate(rows):
            writer.writerow({"time_start": f"{day - timedelta(days=1)} 19:00", "time_end": f"{day} 07:00",
                             "model": model, "launched": launched, "destroyed": "" if destroyed is None else destroyed,
                             "not_reach_goal": 0, "source": f"kpszsu/posts/hand-{k}"})
    return path


# One night a month, on the 15th: (launched, neutralised) of Shahed-type drones, Kalibr and Iskander-M.
HAND = {2: {"Shahed-136/131": (100, 80), "Kalibr": (10, 6), "Iskander-M": (5, 1)},
        3: {"Shahed-136/131": (100, 90), "Kalibr": (10, 9), "Iskander-M": (5, 2)},
        4: {"Shahed-136/131": (200, 150), "Kalibr": (20, 10), "Iskander-M": (5, 0)},
        5: {"Shahed-136/131": (100, 95), "Kalibr": (10, 7), "Iskander-M": (10, 5)}}
FAMILY = {"Shahed-136/131": "drone", "Kalibr": "cruise", "Iskander-M": "ballistic"}


def _hand_file(path: Path, months=(2, 3, 4, 5)) -> Path:
    return _write_rows(path, [(date(2025, m, 15), model, *HAND[m][model]) for m in months for model in HAND[m]])


def _expected_skill(scored: list[int], days: list[int], reference: list[int], previous: dict[int, int | None]):
    """Per family, from HAND by hand: the constant, last-month and floor errors, day-weighted."""
    out = {}
    for model, cls in FAMILY.items():
        share = {m: HAND[m][model][1] / HAND[m][model][0] for m in HAND}
        pooled = sum(HAND[m][model][1] for m in reference) / sum(HAND[m][model][0] for m in reference)
        weights = dict(zip(scored, days, strict=True))
        total = sum(days)
        constant = sum(weights[m] * abs(share[m] - pooled) for m in scored) / total
        last = [(weights[m], abs(share[m] - share[previous[m]])) for m in scored if previous[m] is not None]
        floor = sum(weights[m] * math.sqrt(2 / math.pi) * math.sqrt(share[m] * (1 - share[m]) / HAND[m][model][0])
                    for m in scored) / total
        out[cls] = {"constant_share": pooled, "constant_mae": constant, "floor": floor,
                    "last_month_mae": sum(w * e for w, e in last) / sum(w for w, _ in last),
                    "last_month_months": len(last)}
    return out


@pytest.fixture(scope="module")
def hand(synthetic):
    folder = synthetic["folder"]
    return {"full": _hand_file(folder / "hand.csv"), "no_february": _hand_file(folder / "hand-3-5.csv", (3, 4, 5))}


MARCH_MAY = (date(2025, 3, 1), date(2025, 5, 31))


def test_naive_guesses_match_the_hand_computed_ones(synthetic, hand):
    result = validate(hand["full"], synthetic["base"], MARCH_MAY, replications=1, progress=False)
    skill = result.skill.set_index("class")
    assert list(skill.index) == ["drone", "cruise", "ballistic"]
    expected = _expected_skill([3, 4, 5], [31, 30, 31], [3, 4, 5], {3: 2, 4: 3, 5: 4})
    for cls, values in expected.items():
        for column, value in values.items():
            assert skill.loc[cls, column] == pytest.approx(value), (cls, column)
        assert skill.loc[cls, "months"] == 3 and skill.loc[cls, "days"] == 92
        assert skill.loc[cls, "first_month_guess"] == "2025-02"
        rows = result.table[result.table["class"] == cls]
        model = (rows["days"] * rows["error"].abs()).sum() / rows["days"].sum()
        assert skill.loc[cls, "model_mae"] == pytest.approx(model) == pytest.approx(result.errors[cls])
    assert result.reference == MARCH_MAY and result.period == MARCH_MAY
    assert result.notes == ["first scored month 2025-03 guessed from 2025-02's share (drone, cruise, ballistic)"]


def test_a_reference_period_sets_the_constant_guess(synthetic, hand):
    february = (date(2025, 2, 1), date(2025, 2, 28))
    result = validate(hand["full"], synthetic["base"], MARCH_MAY, replications=1, progress=False,
                      reference=february)
    expected = _expected_skill([3, 4, 5], [31, 30, 31], [2], {3: 2, 4: 3, 5: 4})
    skill = result.skill.set_index("class")
    for cls, values in expected.items():
        assert skill.loc[cls, "constant_share"] == pytest.approx(values["constant_share"])
        assert skill.loc[cls, "constant_mae"] == pytest.approx(values["constant_mae"])
    assert result.reference == february
    with pytest.raises(ValueError, match="reference period"):
        validate(hand["full"], synthetic["base"], MARCH_MAY, replications=1, progress=False,
                 reference=(date(2024, 1, 1), date(2024, 1, 31)))


def test_last_month_guess_leaves_out_a_first_month_the_data_cannot_guess(synthetic, hand):
    result = validate(hand["no_february"], synthetic["base"], MARCH_MAY, replications=1, progress=False)
    skill = result.skill.set_index("class")
    expected = _expected_skill([3, 4, 5], [31, 30, 31], [3, 4, 5], {3: None, 4: 3, 5: 4})
    for cls, values in expected.items():
        assert skill.loc[cls, "last_month_mae"] == pytest.approx(values["last_month_mae"])
        assert skill.loc[cls, "last_month_months"] == 2
        assert skill.loc[cls, "months"] == 3  # the other guesses and the model keep March
        assert skill.loc[cls, "first_month_guess"] == "left out"
    assert result.notes == ["first scored month 2025-03 left out (no 2025-02 outcomes in the data) "
                            "(drone, cruise, ballistic)"]


def test_partial_months_are_weighted_by_their_days(synthetic, hand):
    period = (date(2025, 3, 10), date(2025, 5, 20))
    assert month_days(*period).to_dict("list") == {"month": ["2025-03", "2025-04", "2025-05"], "days": [22, 30, 20]}
    observed = observed_shares(hand["full"], *period)
    assert observed.groupby("month")["days"].first().tolist() == [22, 30, 20]
    result = validate(hand["full"], synthetic["base"], period, replications=1, progress=False)
    table = result.table
    assert table[table["class"] == "drone"]["days"].tolist() == [22, 30, 20]
    expected = _expected_skill([3, 4, 5], [22, 30, 20], [3, 4, 5], {3: 2, 4: 3, 5: 4})
    skill = result.skill.set_index("class")
    for cls, values in expected.items():
        for column in ("constant_mae", "last_month_mae", "floor"):
            assert skill.loc[cls, column] == pytest.approx(values[column]), (cls, column)
        errors = table[table["class"] == cls]["error"].abs().to_numpy()
        assert skill.loc[cls, "model_mae"] == pytest.approx((errors * [22, 30, 20]).sum() / 72)
        assert skill.loc[cls, "days"] == 72
    # the fit's error weighs months the same way; without days it is the plain mean
    simulated = table.rename(columns={"simulated": "share"})[["month", "class", "share"]]
    weighted = mean_absolute_errors(simulated, observed)
    assert weighted == pytest.approx(result.errors)
    plain = mean_absolute_errors(simulated, observed.drop(columns="days"))
    assert plain["drone"] == pytest.approx(table[table["class"] == "drone"]["error"].abs().mean())


def test_observation_band_holds_the_model_and_is_wider_when_few_outcomes_are_known(synthetic):
    # 300 drones a night, but the outcome is known for only 10 of them: n_obs = 30 in the month
    days = [date(2025, 3, d) for d in (5, 6, 7)]
    rows = [(d, "Shahed-136/131", 290, None) for d in days] + [(d, "Shahed-136/131", 10, 9) for d in days]
    data = _write_rows(synthetic["folder"] / "few-known.csv", rows)
    result = validate(data, synthetic["base"], (date(2025, 3, 1), date(2025, 3, 31)), replications=4,
                      progress=False)
    row = result.table[result.table["class"] == "drone"].iloc[0]
    assert row["with_outcome"] == 30 and row["observed_launched"] == 900
    assert row["obs_q05"] <= row["simulated"] <= row["obs_q95"]
    assert row["obs_q95"] - row["obs_q05"] > 2 * (row["sim_q95"] - row["sim_q05"])
    again = validate(data, synthetic["base"], (date(2025, 3, 1), date(2025, 3, 31)), replications=4,
                     progress=False)
    assert again.table[["obs_q05", "obs_q95"]].equals(result.table[["obs_q05", "obs_q95"]])  # seeded


@pytest.fixture(scope="module")
def validated(synthetic):
    return validate(synthetic["data"], synthetic["true"], PERIOD, replications=3, progress=False)


def test_observation_band_contains_the_pooled_share_and_the_run_band(validated):
    table = validated.table
    assert (table["obs_q05"] <= table["simulated"]).all() and (table["simulated"] <= table["obs_q95"]).all()
    assert (table["obs_q95"] - table["obs_q05"] >= table["sim_q95"] - table["sim_q05"]).all()


def test_ballistic_kills_and_their_correlation(synthetic, validated):
    kills = validated.ballistic_kills
    assert kills["month"].tolist() == ["2025-03", "2025-04", "2025-05"]
    daily = synthetic["daily"]
    truth = daily.groupby(daily["date"].dt.to_period("M").astype(str))["neutralised_ballistic"].sum()
    assert kills["observed"].tolist() == truth.tolist()
    table = validated.table[validated.table["class"] == "ballistic"]
    # every run flies the observed launches, so the mean kills are the pooled share times the launches
    assert kills["simulated"].tolist() == pytest.approx((table["simulated"] * table["observed_launched"]).tolist())
    assert validated.ballistic_correlation == pytest.approx(np.corrcoef(kills["observed"], kills["simulated"])[0, 1])


# Shahed-type launches and neutralised per night, 1-10 March; night 8 has no report, night 10 an extra 30
# launches of unknown outcome (counted in its size, 200, not in its share).
NIGHTS = {1: (50, 40), 2: (80, 60), 3: (150, 120), 4: (250, 225), 5: (350, 300), 6: (450, 420), 7: (700, 650),
          9: (100, 90), 10: (170, 150)}


def test_night_bins_by_hand(synthetic):
    rows = [(date(2025, 3, d), "Shahed-136/131", *NIGHTS[d]) for d in NIGHTS]
    rows.append((date(2025, 3, 10), "Shahed-136/131", 30, None))
    data = _write_rows(synthetic["folder"] / "nights.csv", rows)
    period = (date(2025, 3, 1), date(2025, 3, 10))
    result = validate(data, synthetic["base"], period, replications=2, progress=False)
    bins = result.night_bins
    assert bins["bin"].tolist() == ["up to 100", "100-200", "200-400", "400-600", "over 600"]
    groups = [[1, 2, 9], [3, 10], [4, 5], [6], [7]]
    assert bins["nights"].tolist() == [len(g) for g in groups]
    assert bins["observed_launched"].tolist() == [230, 350, 600, 450, 700]  # night 10: 170 + 30
    observed = [sum(NIGHTS[d][1] for d in g) / sum(NIGHTS[d][0] for d in g) for g in groups]
    assert bins["observed_share"].tolist() == pytest.approx(observed)
    # the simulated side, from the same seeded runs
    base, source = scenario_data(synthetic["base"])
    built = build_scenario(replay_data(base, data, *period), source)
    dailies = [AirCampaign(built, rng=replication_seed(ROOT_SEED, r)).run().daily() for r in range(2)]
    simulated = []
    for g in groups:
        picked = [daily[daily["date"].dt.day.isin(g)] for daily in dailies]
        launched = sum((p["launched_drone"] + p["launched_decoy"]).sum() for p in picked)
        neutralised = sum((p["neutralised_drone"] + p["neutralised_decoy"]).sum() for p in picked)
        assert launched == 2 * sum(NIGHTS[d][0] + (30 if d == 10 else 0) for d in g)  # replay flies the reports
        simulated.append(neutralised / launched)
    assert bins["simulated_share"].tolist() == pytest.approx(simulated)
    assert bins["difference"].tolist() == pytest.approx([s - o for s, o in zip(simulated, observed, strict=True)])


def test_validation_figure_shows_both_bands_and_the_guesses(validated):
    import matplotlib.pyplot as plt

    figure = validation_figure(validated, "synthetic")
    try:
        for ax, cls in zip(figure.axes, ("drone", "cruise", "ballistic"), strict=True):
            title = ax.get_title()
            assert f"{100 * validated.errors[cls]:.1f} pp" in title
            assert "constant share" in title and "last month's" in title
        labels = figure.axes[0].get_legend_handles_labels()[1]
        assert any("run to run" in label for label in labels)
        assert any("binomial noise" in label for label in labels)
    finally:
        plt.close(figure)


def test_validate_cli_prints_skill_and_writes_its_tables(synthetic, tmp_path, capsys):
    out = tmp_path / "validation"
    code = main(["validate", str(synthetic["data"]), "--scenario", str(synthetic["true"]), "--period",
                 "2025-03-01:2025-04-30", "--reference", "2025-03-01:2025-03-31", "--replications", "2",
                 "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "skill: mean absolute error of the monthly share, pp" in printed
    assert "constant share: pooled observed share of 2025-03-01 to 2025-03-31" in printed
    assert "last month's share: first scored month 2025-03 left out" in printed  # the data starts in March
    assert "drone neutralised share by night size" in printed and "Pearson correlation" in printed
    for name in ("validation.csv", "validation.png", "skill.csv", "night_bins.csv"):
        assert (out / name).is_file(), name
    import pandas as pd

    skill = pd.read_csv(out / "skill.csv")
    assert skill["class"].tolist() == ["drone", "cruise", "ballistic"]
    assert {"model_mae", "constant_mae", "last_month_mae", "floor", "months"} <= set(skill.columns)
    assert pd.read_csv(out / "night_bins.csv")["bin"].tolist()[0] == "up to 100"
    assert {"days", "obs_q05", "obs_q95"} <= set(pd.read_csv(out / "validation.csv").columns)


@pytest.mark.parametrize(("option", "value"), [("--replications", "0"), ("--reference", "2025-03")])
def test_validate_cli_refuses_bad_options_in_one_line(synthetic, tmp_path, capsys, option, value):
    out = tmp_path / "validation"
    argv = ["validate", str(synthetic["data"]), "--scenario", str(synthetic["true"]), "--period",
            "2025-03-01:2025-04-30", "--out", str(out), option, value]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"attrition: error: {option} ")
    assert captured.out == ""
    assert not out.exists()
