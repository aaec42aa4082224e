"""Forecasts: replay to an origin then draw; the attacker's rates; policies paired on seeds; bad input refused.

Everything runs on the tiny scenario and the invented fixture `tests/fixtures/attacks_small.csv`
(reports from 2025-07-20 to 2025-09-03), so the whole file takes a few seconds.
"""

import copy
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w

from experiments.calibration.attacker_rates import attacker_rates
from experiments.calibration.forecast import forecast
from experiments.cli import main
from model import AirCampaign, ScenarioError, build_scenario
from model.observed import ObservedAttacks

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
START, LAST = date(2025, 7, 19), date(2025, 9, 3)
ORIGIN = date(2025, 8, 2)
SALVOS = {"interval_days": [3, 5], "swarm_size": [100, 200], "swarm_mix": {"drone": 0.6, "decoy": 0.4},
          "missiles": {"ballistic": 3.0}}


def _replaying(tiny: dict, until: date | None, end: date = date(2025, 8, 20)) -> dict:
    raw = copy.deepcopy(tiny)
    raw.update(start=START, end=end)
    raw["attacker"]["mode"] = "replay"
    raw["attacker"]["replay"] = {"file": str(FIXTURE), "salvo_above": 60}
    if until is not None:
        raw["attacker"]["replay"]["until"] = until
    raw["attacker"]["salvo"] = copy.deepcopy(SALVOS)
    return raw


def test_replay_then_draw_equals_replay_up_to_the_origin(tiny):
    pure = AirCampaign(build_scenario(_replaying(tiny, None)), rng=5).run().daily()
    ahead = AirCampaign(build_scenario(_replaying(tiny, ORIGIN)), rng=5).run().daily()
    replayed = (ORIGIN - START).days + 1
    pd.testing.assert_frame_equal(pure.iloc[:replayed], ahead.iloc[:replayed])  # every column, day by day
    drawn = ahead.iloc[replayed:]
    assert drawn["salvo"].any() and drawn["launched_ballistic"].sum() > 0  # drawn nights, where replay has none
    assert not pure.iloc[replayed:]["launched_ballistic"].equals(drawn["launched_ballistic"])


def test_drawn_nights_start_from_the_stockpile_given(tiny):
    raw = _replaying(tiny, ORIGIN)
    raw["attacker"]["initial_stockpile"] = {"drone": 1000, "decoy": 0, "cruise": 0, "ballistic": 5}
    raw["attacker"]["production_per_day"] = {}
    daily = AirCampaign(build_scenario(raw), rng=2).run().daily()
    after = pd.to_datetime(daily["date"]) > pd.Timestamp(ORIGIN)
    assert daily.loc[after, "launched_ballistic"].sum() == 5  # 2 a night until the 5 held are gone
    assert daily.loc[after, "launched_decoy"].sum() == 0
    assert daily.loc[~after, "launched_decoy"].sum() > 0  # replay splits decoys off whatever is held


def test_the_first_drawn_salvo_follows_the_last_replayed_one(tiny):
    daily = AirCampaign(build_scenario(_replaying(tiny, ORIGIN)), rng=5).run().daily()
    salvo_days = np.flatnonzero(daily["salvo"].to_numpy())
    replayed = (ORIGIN - START).days
    last = salvo_days[salvo_days <= replayed].max()
    first = salvo_days[salvo_days > replayed].min()
    assert 3 <= first - last <= 5


def _synthetic_observed(nights: int = 4000, seed: int = 1) -> ObservedAttacks:
    """Routine nights NB(100, k=20) drones; salvos every 4-8 nights of 400-700; missiles Poisson by night kind."""
    rng = np.random.default_rng(seed)
    drone = rng.negative_binomial(20, 20 / 120, nights).astype(float)
    kh101 = rng.poisson(0.2, nights).astype(float)
    iskander = rng.poisson(0.5, nights).astype(float)
    day = int(rng.integers(4, 9))
    while day < nights:
        drone[day] = rng.integers(400, 701)
        kh101[day], iskander[day] = rng.poisson(10.0), rng.poisson(6.0)
        day += int(rng.integers(4, 9))
    dates = pd.date_range("2020-01-01", periods=nights, freq="D", name="date")
    columns = {}
    for name, launched in (("drone", drone), ("kh101", kh101), ("iskander_m", iskander), ("other", 0 * drone)):
        columns |= {f"launched_{name}": launched, f"neutralised_{name}": 0 * launched,
                    f"with_outcome_{name}": launched}
    daily = pd.DataFrame(columns, index=dates).assign(real_drones=np.nan)
    return ObservedAttacks(daily, "synthetic", subtypes=["drone", "kh101", "iskander_m", "other"],
                           family_of={"drone": "drone", "kh101": "cruise", "iskander_m": "ballistic",
                                      "other": "other"})


def test_rate_fit_recovers_known_rates():
    observed = _synthetic_observed()
    rates = attacker_rates(observed, date(2020, 1, 1), date(2020, 1, 1) + timedelta(3999), salvo_above=250)
    assert rates["attacker.routine.mean"]["drone"] == pytest.approx(100, rel=0.02)
    assert rates["attacker.routine.mean"]["kh101"] == pytest.approx(0.2, abs=0.03)
    assert rates["attacker.routine.mean"]["iskander_m"] == pytest.approx(0.5, abs=0.05)
    assert rates["attacker.routine.dispersion"] == pytest.approx(20, rel=0.3)
    low, high = rates["attacker.salvo.interval_days"]
    assert abs(low - 4) <= 1 and abs(high - 8) <= 1
    low, high = rates["attacker.salvo.swarm_size"]
    assert abs(low - 400) <= 20 and abs(high - 700) <= 20
    assert rates["attacker.salvo.missiles"]["kh101"] == pytest.approx(10, rel=0.05)
    assert rates["attacker.salvo.missiles"]["iskander_m"] == pytest.approx(6, rel=0.05)
    assert rates["attacker.salvo.swarm_mix"] == {"drone": 1.0}
    # production is the mean launches a day: routine nights plus a salvo every 6 nights
    expected = (5 / 6) * 100 + (1 / 6) * 550
    assert rates["attacker.production_per_day"]["drone"] == pytest.approx(expected, rel=0.03)


def test_rate_fit_splits_decoys_as_replay_does():
    observed = _synthetic_observed(nights=600)
    end = date(2020, 1, 1) + timedelta(599)
    plain = attacker_rates(observed, date(2020, 1, 1), end)
    split = attacker_rates(observed, date(2020, 1, 1), end, decoy_share=0.4, decoy=("decoy", "drone"))
    routine = plain["attacker.routine.mean"]["drone"]
    assert split["attacker.routine.mean"]["drone"] == pytest.approx(0.6 * routine, abs=1e-3)
    assert split["attacker.routine.mean"]["decoy"] == pytest.approx(0.4 * routine, abs=1e-3)
    assert split["attacker.salvo.swarm_mix"] == pytest.approx({"drone": 0.6, "decoy": 0.4})
    assert split["attacker.salvo.swarm_size"] == plain["attacker.salvo.swarm_size"]  # salvos by the whole swarm


@pytest.fixture
def scenario_file(tiny, tmp_path) -> Path:
    raw = copy.deepcopy(tiny)
    raw.update(start=START, end=date(2025, 8, 31))
    raw["sites"][0]["cell"] = raw["batteries"][0]["cell"] = [4, 5]  # 250 km from the launch area: S-300s reach it
    raw["attacker"]["salvo"] = copy.deepcopy(SALVOS)
    path = tmp_path / "tiny.toml"
    path.write_text(tomli_w.dumps(raw))
    return path


def _policy(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return path


PAUSE = '[[add.timeline]]\nevent = "pause"\nsupplier = "us"\nstart = 2025-08-03\ndays = 30\n'


def test_policies_pair_on_the_same_seeds(scenario_file, tmp_path):
    same = _policy(tmp_path, "same", 'description = "changes nothing that runs"\n')
    pause = _policy(tmp_path, "pause", PAUSE)
    result = forecast(FIXTURE, scenario_file, 20, [same, pause], replications=3, origin=ORIGIN, workers=1,
                      progress=False)
    assert result.policies == ["tiny", "same", "pause"]
    runs = result.runs.set_index(["policy", "replication", "day"]).sort_index()
    pd.testing.assert_frame_equal(runs.loc["tiny"], runs.loc["same"])  # same seed, same nights, same runs
    assert not runs.loc["tiny"]["stock_pac3_mse"].equals(runs.loc["pause"]["stock_pac3_mse"])
    first, second = (runs.loc[("tiny", r)]["leaked_ballistic"] for r in (0, 1))
    assert not first.equals(second)  # replications differ
    table = result.horizon_table().set_index(["policy", "measure"])
    assert (table.loc["same", "diff_median"] == 0).all()
    assert table.loc[("pause", "stock_pac3_mse"), "diff_median"] < 0  # no deliveries while paused


def test_forecast_starts_at_the_origin_and_counts_from_it(scenario_file):
    result = forecast(FIXTURE, scenario_file, 10, replications=2, workers=1, progress=False)
    assert result.origin == LAST  # default: the last report
    days = result.runs[result.runs["replication"] == 0]
    assert days["day"].tolist() == list(range(11))
    assert pd.Timestamp(days["date"].iloc[0]) == pd.Timestamp(LAST)
    assert (days.iloc[0][["leaked_drone", "leaked_cruise", "leaked_ballistic", "damage",
                          "nights_without_ballistic_defence"]] == 0).all()
    assert days["leaked_ballistic"].is_monotonic_increasing
    fans = result.fans()
    assert {"q05", "q25", "q50", "q75", "q95"} <= set(fans.columns)
    assert (fans["q05"] <= fans["q95"]).all()
    figure = result.figure()
    assert len(figure.axes) == 2 + 3 + 2  # ballistic-capable stocks, three families, damage, nights
    assert any("extends it" in note or "goes on to" in note for note in result.notes)


def test_example_policy_is_a_valid_overlay_on_the_calibrated_scenario():
    from experiments.calibration.policy_overlays import apply_policy, read_policy
    from model import scenario_data

    path = Path(__file__).resolve().parents[1] / "experiments" / "policies" / "us-pac3-pause-90.toml"
    raw, source = scenario_data("calibrated-2025")
    merged = apply_policy(raw, read_policy(path), str(path))
    scenario = build_scenario({**merged, "end": date(2026, 3, 31)}, str(path))
    pause = scenario.timeline[-1]
    assert (pause.supplier, pause.start, pause.resumes) == ("us-pac3", date(2026, 1, 1), date(2026, 4, 1))


@pytest.mark.parametrize("args, says", [
    (["--days", "0"], "--days 0"),
    (["--days", "-5"], "--days -5"),
    (["--days", "10", "--origin", "2025-10-01"], "outside the data"),
    (["--days", "10", "--origin", "2025-07-01"], "outside the data"),
    (["--days", "10", "--origin", "1st of July"], "--origin"),
])
def test_bad_options_give_one_line_and_write_nothing(scenario_file, tmp_path, capsys, args, says):
    out = tmp_path / "out"
    code = main(["forecast", str(FIXTURE), "--scenario", str(scenario_file), "--replications", "1",
                 "--workers", "1", "--out", str(out), *args])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1 and says in error, error
    assert not out.exists()


@pytest.mark.parametrize("text, says", [
    (None, "no such policy file"),
    ("this is = not toml [", "not valid TOML"),
    ('name = "sweep"\nreplications = 4\n[[factors]]\nname = "x"\n', "not a valid policy"),
    ('[[add.timeline]]\nevent = "pause"\nsupplier = "nobody"\nstart = 2025-08-03\n', "not a valid policy"),
    ('extends = "baseline-2025"\n', "cannot set"),
])
def test_a_policy_that_is_not_a_scenario_is_refused_naming_the_file(scenario_file, tmp_path, capsys, text, says):
    policy = tmp_path / "policy.toml"
    if text is not None:
        policy.write_text(text)
    out = tmp_path / "out"
    code = main(["forecast", str(FIXTURE), "--scenario", str(scenario_file), "--days", "5", "--policy",
                 str(policy), "--replications", "1", "--workers", "1", "--out", str(out)])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1, error
    assert str(policy) in error and says in error, error
    assert not out.exists()


def test_forecast_cli_prints_the_horizon_and_writes_its_files(scenario_file, tmp_path, capsys):
    out = tmp_path / "out"
    pause = _policy(tmp_path, "pause", PAUSE)
    code = main(["forecast", str(FIXTURE), "--scenario", str(scenario_file), "--days", "7", "--policy", str(pause),
                 "--replications", "2", "--workers", "1", "--origin", str(ORIGIN), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "at the horizon, 2025-08-09" in printed and "stock_pac3_mse" in printed and "pause" in printed
    fans = pd.read_csv(out / "forecast.csv")
    assert set(fans["policy"]) == {"tiny", "pause"} and fans["day"].max() == 7
    assert (out / "forecast.png").stat().st_size > 0


def test_a_missing_scenario_is_refused_in_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["forecast", str(FIXTURE), "--scenario", str(tmp_path / "absent.toml"), "--days", "5",
                 "--out", str(out)])
    assert code == 2 and "no such scenario file" in capsys.readouterr().err
    assert not out.exists()


def test_until_is_refused_outside_replay_mode(tiny):
    tiny["attacker"]["replay"] = {"file": str(FIXTURE), "until": ORIGIN}  # drawn mode: nothing replays
    with pytest.raises(ScenarioError):
        build_scenario(tiny)
