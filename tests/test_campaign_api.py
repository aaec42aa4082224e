"""The campaign's public API: loading, the daily table, the summary, the 2025 timeline, GC."""

import gc
import math
import shutil
import weakref
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import agents
from model import AirCampaign, ScenarioError, builtin_scenarios, load_scenario

SCENARIO_DIR = Path(str(resources.files("model") / "data" / "scenarios"))


@pytest.fixture(scope="module")
def historical():
    """historical-2025 run to the end, seed 3: (campaign, daily table)."""
    campaign = AirCampaign(load_scenario("historical-2025"), rng=3).run()
    return campaign, campaign.daily()


# ---------------------------------------------------------------- loading
def test_builtin_scenarios_are_listed_and_load_by_name():
    names = builtin_scenarios()
    assert {"baseline-2025", "historical-2025"} <= set(names)
    for name in names:
        assert load_scenario(name).name == name


def test_load_by_path_equals_load_by_name():
    path = SCENARIO_DIR / "baseline-2025.toml"
    assert path.is_file()
    by_name = load_scenario("baseline-2025")
    assert load_scenario(path) == by_name
    assert load_scenario(str(path)) == by_name


def test_a_copied_scenario_file_loads_like_the_builtin(tmp_path):
    """historical-2025 extends baseline-2025 by name: a copy elsewhere still finds its parent."""
    copy = tmp_path / "my-historical.toml"
    shutil.copy(SCENARIO_DIR / "historical-2025.toml", copy)
    loaded = load_scenario(copy)
    assert loaded == load_scenario("historical-2025")
    assert len(loaded.timeline) > 0
    daily = AirCampaign(loaded, rng=1).run(5).daily()
    pd.testing.assert_frame_equal(daily, AirCampaign(load_scenario("historical-2025"), rng=1).run(5).daily())


def test_unknown_names_and_paths_are_errors_that_name_them(tmp_path):
    with pytest.raises(ScenarioError, match="no-such-scenario"):
        load_scenario("no-such-scenario")
    with pytest.raises(ScenarioError, match="missing.toml"):
        load_scenario(tmp_path / "missing.toml")


# ---------------------------------------------------------------- the daily table
def test_daily_has_one_dated_row_per_day_run():
    scenario = load_scenario("baseline-2025")
    campaign = AirCampaign(scenario, rng=1)
    assert len(campaign.daily()) == 0
    campaign.run(10)
    daily = campaign.daily()
    assert len(daily) == 10
    assert daily["date"].iloc[0] == pd.Timestamp(scenario.start) == pd.Timestamp("2025-01-01")
    np.testing.assert_array_equal(daily["date"], pd.date_range(scenario.start, periods=10, freq="D"))
    np.testing.assert_array_equal(daily["day"], np.arange(10))
    campaign.run(5)
    assert campaign.daily()["date"].iloc[-1] == pd.Timestamp("2025-01-15")


def test_a_full_run_ends_on_the_end_date(historical):
    campaign, daily = historical
    assert len(daily) == campaign.horizon == 365
    assert daily["date"].iloc[-1] == pd.Timestamp(campaign.config.end)
    assert campaign.date == campaign.config.end


def test_daily_columns_cover_every_class_type_site_and_supplier(historical):
    campaign, daily = historical
    classes = campaign.air_defence.class_names
    types = campaign.air_defence.interceptor_names
    families = list(campaign.config.catalog.families)
    assert classes == list(campaign.config.catalog.threats)
    assert types == list(campaign.config.catalog.interceptors)
    assert families == ["cruise", "ballistic"] and not set(families) & set(classes)
    expected = (
        [f"{book}_{c}" for book in ("launched", "shot_down", "lost_to_ew", "neutralised", "leaked")
         for c in classes + families]
        + [f"{book}_{t}" for book in ("fired", "stock", "dispatched", "delivered", "in_transit", "held",
                                       "added_with_batteries") for t in types]
        + [f"damage_at_{s.name}" for s in campaign.config.sites]
        + [f"flowing_{s.name}" for s in campaign.config.suppliers]
        + ["damage", "value_weighted_damage", "salvo", "ballistic_capable_left", "attacker_spend_usd",
           "defender_spend_usd"])
    assert set(expected) <= set(daily.columns)
    assert daily["salvo"].dtype == bool and daily["salvo"].any() and not daily["salvo"].all()


# ---------------------------------------------------------------- the summary
def test_summary_agrees_with_the_daily_table(historical):
    campaign, daily = historical
    summary = campaign.summary()
    catalog = campaign.config.catalog
    assert summary["days"] == 365
    for c in campaign.air_defence.class_names:
        for book in ("launched", "neutralised", "leaked"):
            assert summary[f"{book}_{c}"] == daily[f"{book}_{c}"].sum(), f"{book}_{c}"
        assert summary[f"neutralised_share_{c}"] == pytest.approx(
            daily[f"neutralised_{c}"].sum() / daily[f"launched_{c}"].sum())
        assert summary[f"launched_{c}"] == summary[f"neutralised_{c}"] + summary[f"leaked_{c}"]
    for family in catalog.families:  # family totals: the sums of their classes, in the table and the summary
        of_family = [c for c, t in catalog.threats.items() if t.family == family]
        assert len(of_family) > 1
        for book in ("launched", "shot_down", "lost_to_ew", "neutralised", "leaked"):
            np.testing.assert_array_equal(daily[f"{book}_{family}"],
                                          daily[[f"{book}_{c}" for c in of_family]].sum(axis=1), err_msg=book)
        for book in ("launched", "neutralised", "leaked"):
            assert summary[f"{book}_{family}"] == daily[f"{book}_{family}"].sum() > 0, f"{book}_{family}"
        assert summary[f"launched_{family}"] == summary[f"neutralised_{family}"] + summary[f"leaked_{family}"]
        assert summary[f"neutralised_share_{family}"] == pytest.approx(
            summary[f"neutralised_{family}"] / summary[f"launched_{family}"])
    assert summary["damage"] == pytest.approx(daily["damage"].sum())
    assert summary["damage"] == pytest.approx(
        sum(daily[f"leaked_{c}"].sum() * t.damage for c, t in catalog.threats.items()))
    values = {s.name: s.value for s in campaign.config.sites}
    assert summary["value_weighted_damage"] == pytest.approx(
        sum(daily[f"damage_at_{name}"].sum() * value for name, value in values.items()))
    capable = [name for name, i in catalog.interceptors.items() if i.ballistic_capable]
    no_ballistic = (daily[[f"stock_{t}" for t in capable]].sum(axis=1) == 0).sum()
    assert summary["days_without_ballistic_defence"] == no_ballistic
    for t in campaign.air_defence.interceptor_names:
        assert summary[f"min_stock_{t}"] == daily[f"stock_{t}"].min()
        assert summary[f"fired_{t}"] == daily[f"fired_{t}"].sum()
    attack = sum(daily[f"launched_{c}"].sum() * t.cost_usd for c, t in catalog.threats.items())
    defend = sum(daily[f"fired_{t}"].sum() * i.cost_usd for t, i in catalog.interceptors.items())
    assert summary["attacker_spend_usd"] == pytest.approx(attack)
    assert summary["defender_spend_usd"] == pytest.approx(defend)
    assert summary["cost_exchange_ratio"] == pytest.approx(defend / attack)


def test_summary_of_a_partial_run_covers_the_days_run():
    campaign = AirCampaign(load_scenario("baseline-2025"), rng=2).run(40)
    summary, daily = campaign.summary(), campaign.daily()
    assert summary["days"] == 40
    assert summary["launched_drone"] == daily["launched_drone"].sum() > 0
    assert summary["min_stock_pac3_mse"] == daily["stock_pac3_mse"].min()


def test_summary_before_any_day_has_no_shares():
    summary = AirCampaign(load_scenario("baseline-2025"), rng=2).summary()
    assert summary["days"] == 0
    assert summary["launched_drone"] == 0
    assert math.isnan(summary["neutralised_share_drone"])
    assert summary["launched_cruise"] == 0 and math.isnan(summary["neutralised_share_cruise"])  # a family too
    assert math.isnan(summary["cost_exchange_ratio"])


# ---------------------------------------------------------------- the 2025 timeline
def row_on(daily, day: str) -> pd.Series:
    rows = daily[daily["date"] == pd.Timestamp(day)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_march_pause_stops_us_deliveries(historical):
    _, daily = historical
    assert not row_on(daily, "2025-03-05")["flowing_us-pac3"]
    assert row_on(daily, "2025-03-12")["flowing_us-pac3"]
    march = daily[(daily["date"] >= "2025-03-03") & (daily["date"] < "2025-03-11")]
    assert len(march) == 8 and not march["flowing_us-pac3"].any()
    assert march["flowing_europe-gemt"].all()


def test_germanys_patriots_arrive_with_their_magazines(historical):
    campaign, daily = historical
    types = campaign.air_defence.interceptor_names
    magazine = campaign.config.catalog.battery_types["patriot"].magazine
    added = daily[[f"added_with_batteries_{t}" for t in types]]
    arrival = row_on(daily, "2025-11-01")
    for t in types:
        assert arrival[f"added_with_batteries_{t}"] == 2 * magazine.get(t, 0), t
    assert added.to_numpy().sum() == 2 * sum(magazine.values())  # nothing on any other day
    assert arrival["added_with_batteries_pac3_mse"] > 0


def test_germanys_patriots_join_the_agents_on_their_day():
    campaign = AirCampaign(load_scenario("historical-2025"), rng=3)
    arrival = campaign.config.day_of(date(2025, 11, 1))
    campaign.run(arrival)  # up to and including 31 October
    batteries = campaign.agents_by_type[agents.DefenderBattery]
    before = len(batteries)
    assert before == len(campaign.config.batteries)
    assert "Patriot (Germany) 1" not in {b.name for b in batteries}
    campaign.step()  # 1 November: the batteries arrive before the night's raid
    batteries = campaign.agents_by_type[agents.DefenderBattery]
    assert len(batteries) == before + 2
    names = {b.name: b for b in batteries}
    assert {"Patriot (Germany) 1", "Patriot (Germany) 2"} <= set(names)
    assert list(names["Patriot (Germany) 1"].cell.coordinate) == [20, 11]
    # and they can take deliveries of the rounds they fire
    pac3 = campaign.air_defence.interceptor_names.index("pac3_mse")
    rows, _ = campaign.batteries_firing(pac3)
    assert names["Patriot (Germany) 2"].index in rows


# ---------------------------------------------------------------- garbage collection
def test_a_finished_campaign_is_garbage_collected():
    campaign = AirCampaign(load_scenario("historical-2025"), rng=42)
    campaign.run(10)
    ref = weakref.ref(campaign)
    del campaign
    gc.collect()
    assert ref() is None


def test_a_campaign_run_to_the_end_is_garbage_collected():
    campaign = AirCampaign(load_scenario("historical-2025"), rng=42).run()
    campaign.daily(), campaign.summary()
    ref = weakref.ref(campaign)
    del campaign
    gc.collect()
    assert ref() is None
