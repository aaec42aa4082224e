"""Replay mode: the attacker launches exactly the observed nights, whatever its stockpile or launch tables."""

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import AirCampaign, ScenarioError, build_scenario, load_scenario
from model.observed import load_observed

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
START, END = date(2025, 7, 19), date(2025, 8, 3)  # the fixture's reports fall on 07-20 .. 08-02
HEADER = FIXTURE.read_text().splitlines()[0].split(",")


def _replay(raw: dict, file, start=START, end=END, **replay) -> dict:
    raw.update(start=start, end=end)
    raw["attacker"]["mode"] = "replay"
    raw["attacker"]["replay"] = {"file": str(file), **replay}
    return raw


def _observed(start=START, end=END, file=FIXTURE) -> pd.DataFrame:
    launches = load_observed(file).launches(start, end)
    return pd.DataFrame(launches[:, :3], columns=["drone", "cruise", "ballistic"])


def _synthetic(path: Path, days: int, drones: int) -> Path:
    """One national Shahed row a night, `drones` each."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        for d in range(days):
            day = START + timedelta(days=d)
            writer.writerow({"time_start": f"{day - timedelta(days=1)} 20:00", "time_end": f"{day} 07:00",
                             "model": "Shahed-136/131", "launched": drones, "destroyed": drones // 2,
                             "not_reach_goal": 0, "source": f"kpszsu/posts/synthetic{d}"})
    return path


def test_replay_launches_the_observed_counts_every_day(tiny):
    scenario = build_scenario(_replay(tiny, FIXTURE))
    daily = AirCampaign(scenario, rng=3).run().daily()
    observed = _observed()
    assert len(daily) == len(observed) == (END - START).days + 1
    assert daily["launched_drone"].sum() > 0 and daily["launched_decoy"].sum() > 0
    np.testing.assert_array_equal(daily["launched_drone"] + daily["launched_decoy"], observed["drone"])
    np.testing.assert_array_equal(daily["launched_cruise"], observed["cruise"])
    np.testing.assert_array_equal(daily["launched_ballistic"], observed["ballistic"])
    # by hand: 07-20 100 drones, 10 cruise, 4 ballistic; 07-21 the split row's 6 cruise and 4 ballistic
    assert daily.loc[1, ["launched_cruise", "launched_ballistic"]].tolist() == [10, 4]
    assert (daily.loc[1, "launched_drone"] + daily.loc[1, "launched_decoy"]) == 100
    assert daily.loc[2, ["launched_cruise", "launched_ballistic"]].tolist() == [6, 4]
    assert daily.loc[[0, 3], ["launched_drone", "launched_decoy", "launched_cruise", "launched_ballistic"]
                     ].to_numpy().sum() == 0  # 07-19 and 07-22: no report, nothing launched
    assert not daily["salvo"].any()
    # everything launched is accounted for: shot down, lost to EW or leaked
    for cls in ("drone", "decoy", "cruise", "ballistic"):
        np.testing.assert_array_equal(
            daily[f"shot_down_{cls}"] + daily[f"lost_to_ew_{cls}"] + daily[f"leaked_{cls}"], daily[f"launched_{cls}"])


def test_replay_ignores_stockpile_production_and_launch_tables(tiny):
    tiny["attacker"]["initial_stockpile"] = {"drone": 0, "decoy": 0, "cruise": 0, "ballistic": 0}
    tiny["attacker"]["production_per_day"] = {}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 50.0}  # would launch 50 a night if drawn
    tiny["attacker"]["salvo"]["interval_days"] = [1, 1]  # a salvo every night if drawn
    daily = AirCampaign(build_scenario(_replay(tiny, FIXTURE)), rng=4).run().daily()
    observed = _observed()
    np.testing.assert_array_equal(daily["launched_drone"] + daily["launched_decoy"], observed["drone"])
    np.testing.assert_array_equal(daily["launched_ballistic"], observed["ballistic"])
    assert daily["launched_ballistic"].sum() == 4 + 4 + 2 + 6
    assert not daily["salvo"].any()


def test_replay_is_deterministic_for_a_seed(tiny):
    scenario = build_scenario(_replay(tiny, FIXTURE))
    first = AirCampaign(scenario, rng=11).run().daily()
    again = AirCampaign(scenario, rng=11).run().daily()
    pd.testing.assert_frame_equal(first, again)
    other = AirCampaign(scenario, rng=12).run().daily()
    np.testing.assert_array_equal(other["launched_drone"] + other["launched_decoy"],
                                  first["launched_drone"] + first["launched_decoy"])
    assert not first["launched_decoy"].equals(other["launched_decoy"])  # the decoy split is drawn per run


@pytest.mark.parametrize("share", [0.38, 0.7])
def test_decoy_share_splits_the_observed_drones(tiny, tmp_path, share):
    data = _synthetic(tmp_path / "drones.csv", days=30, drones=1000)
    daily = AirCampaign(build_scenario(_replay(tiny, data, end=START + timedelta(days=29), decoy_share=share)),
                        rng=5).run().daily()
    assert ((daily["launched_drone"] + daily["launched_decoy"]) == 1000).all()
    decoys = daily["launched_decoy"].sum() / 30_000
    # binomial: sd of the share over 30,000 drones is at most 0.003; 0.02 is over 6 sd
    assert decoys == pytest.approx(share, abs=0.02)
    nightly = daily["launched_decoy"] / 1000
    assert nightly.std() > 0  # drawn night by night, not a fixed split


def test_zero_decoy_share_gives_no_decoys(tiny):
    daily = AirCampaign(build_scenario(_replay(tiny, FIXTURE, decoy_share=0.0)), rng=6).run().daily()
    assert daily["launched_decoy"].sum() == 0
    np.testing.assert_array_equal(daily["launched_drone"], _observed()["drone"])


def test_include_regional_replays_the_regional_rows_too(tiny):
    daily = AirCampaign(build_scenario(_replay(tiny, FIXTURE, include_regional=True)), rng=7).run().daily()
    drones = daily["launched_drone"] + daily["launched_decoy"]
    national = _observed()["drone"]
    # regional Shahed rows: 20 on 07-20 (day 1), 40 on 07-24 (day 5), 30 on 08-01 (day 13)
    assert (drones - national).tolist() == [0, 20, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 30, 0, 0]


def _scenario_file(folder: Path, replay_file: str, start=START, end=END) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "replayed.toml"
    path.write_text(f'extends = "baseline-2025"\nname = "replayed"\nstart = {start}\nend = {end}\n\n'
                    f'[attacker]\nmode = "replay"\ninitial_stockpile = {{ drone = 0, decoy = 0, cruise = 0, '
                    f'ballistic = 0 }}\n\n[attacker.replay]\nfile = "{replay_file}"\ndecoy_share = 0.38\n')
    return path


def test_relative_replay_file_is_resolved_against_the_scenario_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE, data / "attacks.csv")
    path = _scenario_file(tmp_path / "scenarios", "../data/attacks.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not relative to the working folder
    scenario = load_scenario(path)
    assert Path(scenario.attacker.replay.file) == (data / "attacks.csv").resolve()
    daily = AirCampaign(scenario, rng=8).run().daily()
    observed = _observed()
    np.testing.assert_array_equal(daily["launched_drone"] + daily["launched_decoy"], observed["drone"])
    np.testing.assert_array_equal(daily["launched_cruise"], observed["cruise"])
    np.testing.assert_array_equal(daily["launched_ballistic"], observed["ballistic"])
    assert not daily["salvo"].any()


def test_absolute_replay_file_in_a_scenario_extending_baseline(tmp_path):
    scenario = load_scenario(_scenario_file(tmp_path, str(FIXTURE.resolve())))
    daily = AirCampaign(scenario, rng=9).run().daily()
    np.testing.assert_array_equal(daily["launched_ballistic"], _observed()["ballistic"])
    assert daily["launched_cruise"].sum() == 10 + 6 + 12 + 2 + 8


def test_replay_mode_without_a_replay_table_is_refused(tiny):
    tiny["attacker"]["mode"] = "replay"
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert [key for key, _, _ in caught.value.problems] == ["attacker.replay"]
    assert "attacker.replay" in str(caught.value)


def test_replay_mode_without_a_replay_table_in_a_file_is_refused(tmp_path):
    path = tmp_path / "no-table.toml"
    path.write_text('extends = "baseline-2025"\n[attacker]\nmode = "replay"\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value) and "attacker.replay" in str(caught.value)


def test_missing_replay_file_is_refused_when_building(tiny, tmp_path):
    missing = tmp_path / "absent.csv"
    with pytest.raises(ScenarioError) as caught:
        build_scenario(_replay(tiny, missing))
    assert caught.value.source == str(missing)  # the file at fault, not the scenario
    assert str(caught.value) == f"{missing}: file = '{missing}': no such attack-data file"


def test_missing_replay_file_is_refused_when_loading(tmp_path):
    path = _scenario_file(tmp_path, "absent.csv")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'absent.csv'}: ") and str(path) not in message


def test_malformed_replay_file_is_refused_with_row_and_column(tiny, tmp_path):
    lines = FIXTURE.read_text().splitlines()
    lines[4] = lines[4].replace(",4.0,1.0,", ",-4.0,1.0,")  # line 5, the Iskander-M row
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ScenarioError) as caught:
        build_scenario(_replay(tiny, bad))
    message = str(caught.value)
    assert message.startswith(f"{bad}: row 5, column launched = '-4.0': ")
