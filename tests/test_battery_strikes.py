"""Strikes on batteries: missiles from the ballistic stockpile at batteries, which defend themselves."""

import numpy as np
import pytest

from agents import BatteryStatus, DefenderBattery
from model import AirCampaign, ScenarioError, build_scenario, scenario_data


def strikes_scenario(**rule):
    raw, source = scenario_data("baseline-2025")
    raw["end"] = raw["start"].replace(month=4, day=30)
    raw["attacker"]["battery_strikes"] = {"types": ["patriot", "medium_sam"], "missiles": 3,
                                          "destroy_probability": 1.0, **rule}
    return build_scenario(raw, source)


def books(daily, types, name):
    return daily[[f"{name}_{t}" for t in types]].to_numpy()


def test_strikes_destroy_batteries_and_their_rounds_are_accounted_for():
    campaign = AirCampaign(strikes_scenario(), rng=3).run()
    daily, types = campaign.daily(), campaign.air_defence.interceptor_names
    destroyed = [b for b in campaign.agents_by_type[DefenderBattery] if b.destroyed]
    assert destroyed, "no battery was destroyed with destroy_probability 1"
    for battery in destroyed:
        assert not campaign.batteries.active[battery.index] and battery.magazine.sum() == 0
        assert battery.type_name in ("patriot", "medium_sam")
    came_in = (campaign.initial_stock + books(daily, types, "dispatched").cumsum(axis=0)
               + books(daily, types, "added_with_batteries").cumsum(axis=0))
    accounted = (books(daily, types, "fired").cumsum(axis=0) + books(daily, types, "stock")
                 + books(daily, types, "in_transit") + books(daily, types, "held")
                 + books(daily, types, "lost_with_batteries").cumsum(axis=0))
    np.testing.assert_array_equal(came_in, accounted)
    assert books(daily, types, "lost_with_batteries").sum() > 0


def test_strike_missiles_come_out_of_the_stockpile_and_are_counted_as_launched():
    campaign = AirCampaign(strikes_scenario(destroy_probability=0.0), rng=5)
    classes = campaign.air_defence.class_names
    ballistic = np.flatnonzero(campaign.air_defence.is_ballistic)  # the strikes' missiles: of these classes
    assert len(ballistic) > 1 and {classes[k] for k in ballistic} == {
        c for c, t in campaign.config.catalog.threats.items() if t.family == "ballistic"}
    strike_nights = 0
    while campaign.days_done < campaign.horizon:
        before = campaign.attacker.stockpile.copy()
        campaign.step()
        d = campaign.days_done - 1
        produced = campaign.attacker.produced
        launched = campaign.ledger["launched"][d]
        np.testing.assert_array_equal(campaign.attacker.stockpile, before + produced - launched)  # every class
        assert (campaign.attacker.stockpile >= 0).all()
        raid = campaign.attacker.launched
        if campaign.ledger["salvo"][d, 0]:
            strike_nights += 1
            # the night's raid plus three strikes, out of the ballistic classes
            assert launched[ballistic].sum() >= raid[ballistic].sum() + 3
            np.testing.assert_array_equal(np.delete(launched, ballistic), np.delete(raid, ballistic))
        else:
            np.testing.assert_array_equal(launched, raid)
    assert strike_nights > 0
    assert not any(b.destroyed for b in campaign.agents_by_type[DefenderBattery])
    daily = campaign.daily()
    for labels in (classes, ["cruise", "ballistic"]):  # per class, and so per family
        np.testing.assert_array_equal(daily[[f"launched_{c}" for c in labels]].to_numpy(),
                                      daily[[f"neutralised_{c}" for c in labels]].to_numpy()
                                      + daily[[f"leaked_{c}" for c in labels]].to_numpy())
    np.testing.assert_array_equal(daily["launched_ballistic"],
                                  daily[[f"launched_{classes[k]}" for k in ballistic]].sum(axis=1))


def test_a_strike_takes_one_missile_of_the_ballistic_class_held_most_until_none_is_left():
    campaign = AirCampaign(strikes_scenario(), rng=1)
    attacker = campaign.attacker
    ballistic = np.flatnonzero(campaign.air_defence.is_ballistic)
    held = np.zeros_like(attacker.stockpile)
    held[ballistic[:2]] = [1, 2]  # the second class held most, then a tie (the first listed), then none
    attacker.stockpile[:] = held
    spent = [attacker.spend_missile(ballistic) for _ in range(4)]
    assert spent == [ballistic[1], ballistic[0], ballistic[1], None]
    assert (attacker.stockpile == 0).all()


def test_a_destroyed_battery_takes_no_deliveries_and_never_fires_again():
    campaign = AirCampaign(strikes_scenario(), rng=3)
    while not any(b.destroyed for b in campaign.agents_by_type[DefenderBattery]):
        campaign.step()
    battery = next(b for b in campaign.agents_by_type[DefenderBattery] if b.destroyed)
    campaign.run(30)
    assert battery.status is BatteryStatus.DESTROYED and not battery.in_fight and not battery.moving
    assert battery.magazine.sum() == 0 and not campaign.batteries.active[battery.index]
    for interceptor in range(len(campaign.air_defence.interceptor_names)):
        rows, _ = campaign.batteries_firing(interceptor)
        assert battery.index not in rows


def test_an_unknown_battery_type_is_named():
    raw, source = scenario_data("baseline-2025")
    raw["attacker"]["battery_strikes"] = {"types": ["patriott"]}
    with pytest.raises(ScenarioError, match=r"attacker\.battery_strikes\.types\[0\]"):
        build_scenario(raw, source)
