"""Backtests: the scores against hand-computed values, the fit strategies, and bad input refused.

The end-to-end cases run the tiny scenario on the invented fixture `tests/fixtures/attacks_small.csv`
(reports from 2025-07-20 to 2025-09-03).
"""

import copy
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w

from experiments.calibration.backtest import FITS, backtest
from experiments.calibration.forecast_scores import band, crps, observable, score_months, summarise
from experiments.calibration.spec import CalibrationSpec
from experiments.cli import main
from experiments.sweep.spec import Factor

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
START, ORIGIN = date(2025, 7, 19), date(2025, 7, 31)
HUGE = 10**9
"""An observed count so large that the binomial noise (sd below 2e-5) is invisible at the tolerances used."""


def test_crps_of_a_known_ensemble():
    # E|X - y| - E|X - X'| / 2 over the ensemble {0.2, 0.4, 0.9} at y = 0.5: 0.8/3 - 2.8/9/2 = 1/9
    assert crps(0.5, np.array([0.2, 0.4, 0.9])) == pytest.approx(1 / 9)
    assert crps(0.3, np.array([0.3, 0.3])) == pytest.approx(0.0)


def test_observable_adds_binomial_noise_of_the_observed_count():
    rng = np.random.default_rng(0)
    assert set(observable(np.array([0.0, 1.0]), 20, rng)) == {0.0, 1.0}  # no noise at the ends
    draws = observable(np.array([0.5]), 100, rng, draws=20_000)
    assert draws.std() == pytest.approx(0.05, rel=0.05)  # sqrt(0.25 / 100)
    assert band(draws) == pytest.approx((0.42, 0.58), abs=0.011)  # 0.5 -/+ 1.645 x 0.05


@pytest.fixture
def hand_scored():
    """Two months of drones: reported 0.5 (30 days) and 0.8 (10 days); runs 0.4/0.6, then 0.6/0.6."""
    observed = pd.DataFrame({"month": ["2025-08", "2025-09"], "class": ["drone", "drone"],
                             "with_outcome": [HUGE, HUGE], "neutralised": [0, 0], "share": [0.5, 0.8],
                             "days": [30, 10]})
    simulated = pd.DataFrame({"replication": [0, 1, 0, 1], "month": ["2025-08", "2025-08", "2025-09", "2025-09"],
                              "class": ["drone"] * 4, "launched": [100] * 4, "neutralised": [40, 60, 60, 60]})
    naive = {"pooled": {"drone": 0.7}, "last_month": {"drone": 0.5}}
    months = score_months(observed, simulated, naive, np.random.default_rng(1))
    return months, summarise(months, ["model", "pooled", "last_month"]).iloc[0]


def test_mae_is_weighted_by_days(hand_scored):
    months, scores = hand_scored
    assert months["model"].tolist() == pytest.approx([0.5, 0.6])  # pooled over runs
    assert scores["model_mae"] == pytest.approx((30 * 0.0 + 10 * 0.2) / 40)
    assert scores["pooled_mae"] == pytest.approx((30 * 0.2 + 10 * 0.1) / 40)
    assert scores["last_month_mae"] == pytest.approx((30 * 0.0 + 10 * 0.3) / 40)
    assert scores["skill_mae"] == pytest.approx(1 - 0.05 / 0.075, abs=1e-6)  # against the better naive


def test_coverage_of_the_90_percent_band(hand_scored):
    months, scores = hand_scored
    assert months["model_covered"].tolist() == [1.0, 0.0]  # 0.5 inside [0.4, 0.6]; 0.8 outside [0.6, 0.6]
    assert scores["model_coverage"] == pytest.approx(30 / 40)
    assert scores["pooled_coverage"] == 0.0
    assert scores["last_month_coverage"] == pytest.approx(30 / 40)


def test_crps_of_model_and_naive_ensembles(hand_scored):
    _, scores = hand_scored
    # model: half at 0.4, half at 0.6 around 0.5: 0.1 - 0.2/2/2 = 0.05; then all at 0.6 against 0.8: 0.2
    assert scores["model_crps"] == pytest.approx((30 * 0.05 + 10 * 0.2) / 40, abs=1e-3)
    assert scores["pooled_crps"] == pytest.approx((30 * 0.2 + 10 * 0.1) / 40, abs=1e-3)  # a point: |p - y|
    assert scores["last_month_crps"] == pytest.approx((30 * 0.0 + 10 * 0.3) / 40, abs=1e-3)
    assert scores["skill_crps"] == pytest.approx(1 - 0.0875 / 0.075, abs=1e-2)


@pytest.fixture
def scenario_file(tiny, tmp_path) -> Path:
    raw = copy.deepcopy(tiny)
    raw.update(start=START, end=date(2025, 8, 31))
    raw["sites"][0]["cell"] = raw["batteries"][0]["cell"] = [4, 5]  # within S-300 range of the launch area
    raw["attacker"]["salvo"] = {"interval_days": [3, 5], "swarm_size": [100, 200],
                                "swarm_mix": {"drone": 0.6, "decoy": 0.4}, "missiles": {"ballistic": 3.0}}
    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(raw))
    return path


def test_backtest_with_the_scenario_as_it_is(scenario_file):
    result = backtest(FIXTURE, [ORIGIN], 40, scenario=scenario_file, replications=3, workers=1, progress=False)
    assert set(result.months["month"]) == {"2025-08", "2025-09"}
    assert (result.months.groupby("month")["days"].first() == pd.Series({"2025-08": 31, "2025-09": 9})).all()
    assert set(result.scores["origin"]) == {str(ORIGIN), "all"}
    drone = result.scores[(result.scores["origin"] == "all") & (result.scores["class"] == "drone")].iloc[0]
    for column in ("model_mae", "pooled_mae", "last_month_mae", "model_coverage", "model_crps", "skill_mae"):
        assert np.isfinite(drone[column]), column
    assert result.figure(ORIGIN).axes


def test_point_fit_writes_the_calibrated_scenario_it_forecasts_with(scenario_file, tmp_path):
    kill = Factor(name="pk", path="catalog.interceptors.pac3_mse.kill_probability.ballistic", range=[0.1, 0.9])
    spec = CalibrationSpec(name="tiny", scenario=str(scenario_file), replications=1, root_seed=3,
                           optimiser={"maxiter": 1, "popsize": 2}, parameters=[kill])
    result = backtest(FIXTURE, [ORIGIN], 20, scenario=scenario_file, fit="point", out=tmp_path / "bt",
                      replications=2, workers=1, progress=False, fit_options={"spec": spec, "profile_points": 2})
    written = Path(result.scenarios[ORIGIN])
    assert written == tmp_path / "bt" / f"calibrated-{ORIGIN}.toml" and written.is_file()
    assert "pac3_mse" in written.read_text()
    assert set(FITS) == {"none", "point", "abc"}


def test_backtest_cli_prints_scores_and_writes_csv_and_figures(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["backtest", str(FIXTURE), "--origins", f"{ORIGIN}", "--days", "40", "--scenario",
                 str(scenario_file), "--replications", "2", "--workers", "1", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "skill MAE" in printed and "ballistic" in printed
    scores = pd.read_csv(out / "backtest.csv")
    assert {"model_mae", "pooled_crps", "last_month_coverage", "skill_crps"} <= set(scores.columns)
    assert (out / "backtest-months.csv").is_file() and (out / f"backtest-{ORIGIN}.png").is_file()


@pytest.mark.parametrize("args, says", [
    (["--origins", "2025-10-31"], "outside the data"),
    (["--origins", "2025-07-31,2025-06-30"], "outside the data"),
    (["--origins", "2025-09-03"], "outside the data"),  # the last report: nothing after it to score
    (["--origins", "end of July"], "--origins"),
    (["--origins", "2025-07-31", "--days", "0"], "--days 0"),
])
def test_bad_input_gives_one_line_and_writes_nothing(scenario_file, tmp_path, capsys, args, says):
    out = tmp_path / "out"
    code = main(["backtest", str(FIXTURE), "--scenario", str(scenario_file), "--replications", "1",
                 "--workers", "1", "--out", str(out), *args])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1 and says in error, error
    assert not out.exists()
