"""The outcomes the reports lean on: value protected, days to empty, leakers that count."""

import math

import numpy as np
import pytest

from model import AirCampaign, build_scenario, load_scenario


@pytest.fixture(scope="module")
def year():
    campaign = AirCampaign(load_scenario("historical-2025"), rng=11).run()
    return campaign, campaign.daily(), campaign.summary()


def test_undefended_damage_is_what_every_launched_threat_would_do(tiny):
    # one site of value 3: undefended damage is launched x damage per class, every night, before any fire
    tiny["sites"][0]["value"] = 3.0
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 2.0, "drone": 5.0}
    campaign = AirCampaign(build_scenario(tiny), rng=1).run()
    daily = campaign.daily()
    damage = {name: threat.damage for name, threat in campaign.config.catalog.threats.items()}
    expected = sum(daily[f"launched_{name}"] * per for name, per in damage.items())
    assert np.allclose(daily["damage_undefended_at_City"], expected)
    assert np.allclose(daily["value_protected"], 3.0 * (expected - daily["damage_at_City"]))
    summary = campaign.summary()
    assert summary["value_weighted_damage_undefended"] == pytest.approx(3.0 * expected.sum())


def test_with_nothing_stopped_no_value_is_protected(tiny):
    tiny["batteries"] = []
    campaign = AirCampaign(build_scenario(tiny), rng=2).run()
    summary = campaign.summary()
    assert summary["value_protected"] == 0.0
    assert summary["value_weighted_damage"] == summary["value_weighted_damage_undefended"] > 0


def test_protected_value_is_never_negative_and_adds_up(year):
    _, daily, summary = year
    assert (daily["value_protected"] >= 0).all()
    assert summary["value_protected"] == pytest.approx(daily["value_protected"].sum())
    assert summary["value_weighted_damage_undefended"] == pytest.approx(
        summary["value_weighted_damage"] + summary["value_protected"])


def test_days_to_empty_is_the_first_day_ending_with_none_left(year):
    campaign, daily, summary = year
    for name in campaign.air_defence.interceptor_names:
        empty = np.flatnonzero(daily[f"stock_{name}"].to_numpy() == 0)
        found = summary[f"days_to_empty_{name}"]
        if len(empty):
            assert found == empty[0] and daily[f"stock_{name}"].iloc[:found].gt(0).all()
        else:
            assert math.isnan(found)


def test_a_stock_that_never_runs_out_has_no_day_to_empty(tiny):
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 0.0}
    summary = AirCampaign(build_scenario(tiny), rng=3).run().summary()
    assert math.isnan(summary["days_to_empty_pac3_mse"])


def test_leaked_threats_leave_out_classes_that_do_no_damage(year):
    campaign, _, summary = year
    threats = campaign.config.catalog.threats
    counted = sum(summary[f"leaked_{name}"] for name, threat in threats.items() if threat.damage > 0)
    assert summary["leaked_threats"] == counted
    assert summary["leaked_decoy"] > 0 and summary["leaked_threats"] < sum(
        summary[f"leaked_{name}"] for name in threats)
