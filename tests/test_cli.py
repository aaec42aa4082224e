"""The `attrition` command: outputs of a run, and nothing written on bad input."""

import json

import pytest

from experiments.cli import main
from experiments.reporting.figures import campaign_figure, pause_periods
from model import AirCampaign, load_scenario
from model.families import headings


def test_run_writes_daily_summary_and_figure(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["run", "historical-2025", "--seed", "3", "--days", "80", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "historical-2025, seed 3: 80 days" in printed
    assert "neutralised share" in printed
    assert sorted(p.name for p in out.iterdir()) == ["campaign.png", "daily.csv", "summary.json"]
    payload = json.loads((out / "summary.json").read_text())
    assert payload["run"]["seed"] == 3 and payload["run"]["scenario"] == "historical-2025"
    assert payload["summary"]["days"] == 80
    daily_lines = (out / "daily.csv").read_text().splitlines()
    assert len(daily_lines) == 81  # header + one row per day
    assert (out / "campaign.png").stat().st_size > 10_000


def test_unknown_scenario_fails_cleanly_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "no-such-scenario", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no-such-scenario" in err and "baseline-2025" in err
    assert not out.exists()


def test_bad_scenario_file_names_file_key_and_value(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "baseline-2025"\n[catalog.interceptors.pac3_mse.kill_probability]\n'
                   "ballistic = 1.4\n")
    out = tmp_path / "never"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err
    assert "catalog.interceptors.pac3_mse.kill_probability.ballistic" in err
    assert "1.4" in err
    assert not out.exists()


def test_another_runs_results_are_not_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "baseline-2025", "--seed", "1", "--days", "5", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["run", "baseline-2025", "--seed", "2", "--days", "5", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # the same run again is allowed and gives the same table; --force overwrites another run
    assert main(["run", "baseline-2025", "--seed", "1", "--days", "5", "--out", str(out)]) == 0
    assert (out / "daily.csv").read_bytes() == before["daily.csv"]
    assert main(["run", "baseline-2025", "--seed", "2", "--days", "5", "--out", str(out), "--force"]) == 0
    assert json.loads((out / "summary.json").read_text())["run"]["seed"] == 2


def test_figure_has_stock_and_leaker_series_and_shaded_pauses():
    scenario = load_scenario("historical-2025")
    daily = AirCampaign(scenario, rng=5).run(days=100).daily()
    fig = campaign_figure(daily, classes=headings(scenario.catalog.threats))
    stock_ax, leak_ax = fig.axes
    assert {line.get_label() for line in stock_ax.lines} == {
        c.removeprefix("stock_") for c in daily.columns if c.startswith("stock_")}
    assert {line.get_label() for line in leak_ax.lines} == {"drone", "decoy", "cruise", "ballistic"}
    assert "stock" in stock_ax.get_ylabel() and "leakers" in leak_ax.get_ylabel()
    periods = pause_periods(daily)
    # the February and March pauses of us-pac3 (historical-2025.toml) fall in the first 100 days
    assert [(s, str(a.date()), str(b.date())) for s, a, b in periods] == [
        ("us-pac3", "2025-02-17", "2025-02-21"),
        ("us-pac3", "2025-03-03", "2025-03-11"),
    ]
    assert len(stock_ax.patches) == len(periods)


@pytest.mark.parametrize("name", ["baseline-2025", "historical-2025", "long-pause"])
def test_scenarios_command_lists_builtins(name, capsys):
    assert main(["scenarios"]) == 0
    assert name in capsys.readouterr().out


def test_a_bug_keeps_its_traceback_while_a_bad_input_gets_one_line(monkeypatch, capsys):
    import experiments.cli as cli
    from experiments.cli import explore
    from model.errors import InputError

    def bug(args):
        raise ValueError("an internal mistake, not the user's")

    monkeypatch.setattr(explore, "scenarios_command", bug)
    with pytest.raises(ValueError, match="internal mistake"):
        cli.main(["scenarios"])

    def bad_input(args):
        raise InputError("--days -1: give 0 or more")

    monkeypatch.setattr(explore, "scenarios_command", bad_input)
    assert cli.main(["scenarios"]) == 2
    assert capsys.readouterr().err.strip() == "attrition: error: --days -1: give 0 or more"
