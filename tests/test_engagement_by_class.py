"""How each class meets the defence: terminal engagement of ballistic missiles, ranges, preference by
class, shots by site, and capacity that follows how long a raid lasts. Closed forms on the tiny scenario.

Binomial checks use the 99.9% interval of tests/test_closed_form.py.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_closed_form import PLENTY, SEED, ci_message, run, set_days, unbounded_patriot, within_ci

from model import AirCampaign, ScenarioError, build_scenario
from model.raid import wave_capacity


def three_patriots_at_the_city(raw: dict) -> None:
    """The tiny scenario's city with three Patriots on it, each able to take every missile alone."""
    raw["batteries"] = [{"type": "patriot", "cell": [1, 5], "name": f"P{k}", "magazine": {"pac3_mse": PLENTY}}
                        for k in range(3)]
    raw["suppliers"] = []


# ---------------------------------------------------------------- ballistic: one terminal engagement
@pytest.mark.parametrize("shots", [1, 2])
def test_a_ballistic_missile_at_a_site_covered_by_three_patriots_meets_one_engagement(tiny, shots):
    """Three co-located batteries share the missiles out; none fires at a missile another engaged.
    So rounds fired = shots x missiles and the leak rate is (1-p)^shots, not (1-p)^(3 shots)."""
    p = 0.5
    unbounded_patriot(tiny, p, shots)
    three_patriots_at_the_city(tiny)
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 100.0}
    set_days(tiny, 40)
    campaign, daily = run(tiny)
    assert campaign.air_defence.terminal.shape[1] == 3  # all three defend the city
    targets, leaked = int(daily["launched_ballistic"].sum()), int(daily["leaked_ballistic"].sum())
    np.testing.assert_array_equal(daily["fired_pac3_mse"], shots * daily["launched_ballistic"])
    q = (1 - p) ** shots
    assert within_ci(leaked, targets, q), ci_message(leaked, targets, q)
    assert not within_ci(leaked, targets, (1 - p) ** (3 * shots))


def test_co_located_batteries_share_the_missiles_when_one_cannot_take_them_all(tiny):
    """Each Patriot engages at most 4 missiles a wave; 10 missiles a night at three Patriots: all 10 engaged,
    4 + 4 + 2, each once."""
    unbounded_patriot(tiny, 1.0, 1)
    three_patriots_at_the_city(tiny)
    tiny["catalog"]["battery_types"]["patriot"]["channels_per_wave"] = 4
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 10.0}
    _, daily = run(tiny)
    assert (daily["fired_pac3_mse"] == 10).all()
    assert (daily["leaked_ballistic"] == 0).all()


def test_a_patriot_under_the_route_but_away_from_the_target_never_engages_a_ballistic_missile(tiny):
    """The Dnipro Patriot does not engage missiles flying to Lviv: a battery the route crosses, whose
    footprint does not hold the target, fires at the cruise missiles on the route and at no ballistic one."""
    unbounded_patriot(tiny, 0.9, 1)
    tiny["batteries"] = [{"type": "patriot", "cell": [5, 5], "name": "under the route",
                          "magazine": {"pac3_mse": PLENTY, "gem_t": PLENTY}}]
    tiny["attacker"]["initial_stockpile"]["cruise"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 20.0, "cruise": 20.0}
    tiny["catalog"]["interceptors"]["gem_t"] = {"kill_probability": {"cruise": 0.9}}
    campaign, daily = run(tiny)
    assert (campaign.air_defence.terminal < 0).all()  # it defends no site
    assert (campaign.air_defence.layers >= 0).any()  # but the route crosses it
    assert daily["shot_down_ballistic"].sum() == 0
    np.testing.assert_array_equal(daily["leaked_ballistic"], daily["launched_ballistic"])
    assert daily["shot_down_cruise"].sum() > 0


def test_ew_never_touches_a_ballistic_missile(tiny):
    """An EW unit on the route that takes 90% of drones: every ballistic missile gets through (a share of a
    ballistic class is refused by the scenario; `tests/test_raid_kernel.py` gives the kernel one anyway)."""
    tiny["batteries"] = [{"type": "ew", "cell": [5, 5]}]
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 50.0, "drone": 50.0}
    tiny["attacker"]["initial_stockpile"].update(ballistic=PLENTY, drone=PLENTY)
    tiny["catalog"] = {"battery_types": {"ew": {"ew_share": {"drone": 0.9}}}}
    _, daily = run(tiny)
    assert daily["lost_to_ew_drone"].sum() > 0
    assert daily["lost_to_ew_ballistic"].sum() == 0
    assert (daily["leaked_ballistic"] == 50).all()


# ---------------------------------------------------------------- range
def two_sites(raw: dict) -> None:
    """A near site (100 km from the launch area) and a far one (400 km), of equal value, no defence."""
    raw["sites"] = [{"name": "Far", "cell": [1, 5], "value": 1.0}, {"name": "Near", "cell": [7, 5], "value": 1.0}]
    raw["batteries"] = []
    raw["suppliers"] = []


def test_a_class_out_of_range_never_flies_that_route(tiny):
    """s300 reaches 300 km: every one of them goes to the near site; drones (2,500 km) go to both."""
    two_sites(tiny)
    tiny["attacker"]["initial_stockpile"].update(s300=PLENTY, drone=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"s300": 30.0, "drone": 30.0}
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    names = campaign.air_defence.class_names
    far = campaign.route_site == 0
    assert not campaign.route_open[far, names.index("s300")].any()
    for _ in range(20):
        campaign.step()
        assert campaign.night_launched[far].sum() <= campaign.attacker.launched[names.index("drone")]
    daily = campaign.daily()
    assert (daily["launched_s300"] == 30).all()
    per_leaker = build_scenario(tiny).catalog.threats
    assert (daily["damage_undefended_at_Near"] >= 30 * per_leaker["s300"].damage).all()
    assert daily["damage_undefended_at_Far"].sum() < (daily["launched_drone"].sum() * per_leaker["drone"].damage)
    assert daily["damage_undefended_at_Far"].sum() > 0  # drones do reach it


def test_launching_a_class_that_reaches_no_site_is_refused_with_its_range(tiny):
    tiny["attacker"]["routine"]["mean"] = {"kh31": 3.0}  # 250 km; the city is 400 km away
    with pytest.raises(ScenarioError, match=r"catalog\.threats\.kh31\.range_km = 250\.0: launched by the "
                                            r"attacker but reaches no site; the nearest is 400 km away"):
        build_scenario(tiny)


# ---------------------------------------------------------------- preference and shots by site
def test_gem_t_goes_to_cruise_missiles_and_pac3_to_ballistic_ones(tiny):
    """patriot_keep_off_drones: GEM-T first at cruise, PAC-3 MSE first at ballistic (the catalog's preference)."""
    tiny["batteries"][0]["magazine"] = {"pac3_mse": PLENTY, "gem_t": PLENTY}
    tiny["attacker"]["initial_stockpile"].update(cruise=PLENTY, ballistic=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"cruise": 3.0}
    tiny["suppliers"] = []
    _, cruise_only = run(tiny)
    assert cruise_only["fired_pac3_mse"].sum() == 0 and cruise_only["fired_gem_t"].sum() > 0
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 3.0}
    _, ballistic_only = run(tiny)
    assert ballistic_only["fired_gem_t"].sum() == 0 and ballistic_only["fired_pac3_mse"].sum() > 0


def test_site_shots_fire_two_rounds_at_the_capital_and_one_elsewhere(tiny):
    unbounded_patriot(tiny, 0.5, 1)
    tiny["sites"] = [{"name": "Capital", "cell": [1, 5], "value": 1.0}, {"name": "Town", "cell": [1, 7], "value": 1.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [1, 5], "magazine": {"pac3_mse": PLENTY}},
                         {"type": "patriot", "cell": [1, 7], "magazine": {"pac3_mse": PLENTY}}]
    tiny["catalog"]["doctrines"]["patriot_keep_off_drones"]["site_shots"] = {"Capital": {"ballistic": 2}}
    tiny["suppliers"] = []
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 40.0}
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    at_capital = campaign.route_site == 0
    fired = []
    for _ in range(10):
        campaign.step()
        fired.append(int(campaign.daily()["fired_pac3_mse"].iloc[-1]))
        night = campaign.night_launched
        assert fired[-1] == 2 * night[at_capital].sum() + night[~at_capital].sum()


# ---------------------------------------------------------------- capacity over a night
@settings(max_examples=60, deadline=None, derandomize=True)
@given(small=st.integers(0, 2_000), extra=st.integers(0, 2_000), channels=st.integers(0, 20),
       hours=st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0]))
def test_capacity_over_a_longer_raid_is_never_lower(small, extra, channels, hours):
    """More threats in a wave make it last longer: what a battery can engage never falls, and follows
    channels x max(1, wave hours / engagement hours), the wave lasting n / 60 hours within [1, 8]."""
    out = np.zeros((1, 1), dtype=np.int64)
    capacity = []
    for n in (small, small + extra):
        raid = np.zeros((1, 1, 1), dtype=np.int64)
        raid[0, 0, 0] = n
        wave_capacity(raid, np.array([channels]), np.array([hours]), 60.0, 1.0, 8.0, out)
        capacity.append(int(out[0, 0]))
        wave_hours = min(max(n / 60.0, 1.0), 8.0)
        expected = channels * (max(1.0, wave_hours / hours) if hours > 0 else 1.0)
        assert capacity[-1] == int(np.floor(expected + 0.5))
    assert capacity[1] >= capacity[0]


def test_a_big_night_is_not_saturated_by_construction(tiny):
    """Sure kills, one mobile fire group: a wave of 120 drones (2 h) and one of 360 (6 h) meet 2 h and 6 h of
    fire, so the same share of each is shot down; the old fixed channels per wave would halve it."""
    tiny["batteries"] = [{"type": "mobile_fire_group", "cell": [1, 5], "magazine": {"mfg_burst": PLENTY}}]
    tiny["suppliers"] = []
    tiny["attacker"]["initial_stockpile"]["drone"] = PLENTY
    tiny["catalog"] = {
        "interceptors": {"mfg_burst": {"kill_probability": {"drone": 1.0}}},
        "battery_types": {"mobile_fire_group": {"channels_per_wave": 5, "engagement_hours": 0.25,
                                                "launcher_rounds": {"mfg_burst": PLENTY},
                                                "doctrine": "drones_one_shot"}},
        "doctrines": {"drones_one_shot": {"engage": ["drone"], "shots_per_target": {"drone": 1}, "mode": "salvo"}},
    }
    shares = {}
    for drones in (120.0, 360.0):
        tiny["attacker"]["routine"]["mean"] = {"drone": drones}
        _, daily = run(tiny)
        assert (daily["shot_down_drone"] == 5 * 4 * drones / 60).all()  # 5 channels x 4 an hour x hours
        shares[drones] = float(daily["shot_down_drone"].sum() / daily["launched_drone"].sum())
    assert shares[120.0] == pytest.approx(shares[360.0])


# ---------------------------------------------------------------- resupply by need and threat
def test_by_threat_sends_rounds_to_the_battery_under_attack(tiny):
    """Two Patriots, ballistic missiles at one site only: after the first night every PAC-3 MSE round goes to
    the battery defending it (the other has seen no threat), and the theatre total is conserved."""
    tiny["sites"] = [{"name": "Hit", "cell": [1, 5], "value": 1.0}, {"name": "Quiet", "cell": [1, 8], "value": 0.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [1, 5], "name": "at Hit", "magazine": {"pac3_mse": 10}},
                         {"type": "patriot", "cell": [1, 8], "name": "at Quiet", "magazine": {"pac3_mse": 10}}]
    tiny["suppliers"][0].update(allocation="by_threat", products={"pac3_mse": 4.0}, lead_time_days=2)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED).run()
    daily = campaign.daily()
    stock = campaign.batteries.stock
    assert stock[1, campaign.air_defence.interceptor_names.index("pac3_mse")] == 10  # never fired, never fed
    assert daily["delivered_pac3_mse"].sum() > 0
    assert campaign.coverage.threat_seen[1].sum() == 0 and campaign.coverage.threat_seen[0].sum() > 0
    assert int(daily["stock_pac3_mse"].iloc[-1]) == 20 + int(daily["delivered_pac3_mse"].sum()) \
        - int(daily["fired_pac3_mse"].sum())


# ---------------------------------------------------------------- routine nights near, salvos deep
def test_routine_nights_favour_near_targets_by_exp_minus_length_over_reach(tiny):
    """Near (100 km) and far (400 km) sites of equal value: with reach 200 km, routine nights put
    e^-0.5 / (e^-0.5 + e^-2) of their raids on the near site; salvos without a reach split them evenly."""
    two_sites(tiny)
    tiny["attacker"]["routine"]["reach_km"] = 200.0
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    drone = campaign.air_defence.class_names.index("drone")
    near = campaign.route_site == 1
    expected = np.exp(-0.5) / (np.exp(-0.5) + np.exp(-2.0))
    assert campaign.attacker.route_weights[drone, near].sum() == pytest.approx(expected)
    assert campaign.attacker.salvo_route_weights[drone, near].sum() == pytest.approx(0.5)


def test_replayed_nights_above_the_threshold_are_salvos(tiny, tmp_path):
    """The fixture's nights of 100, 50, 80, 120, 90, 200 and 70 Shahed-type drones: above 95, three are salvos."""
    from test_replay import FIXTURE, _replay

    raw = _replay(tiny, FIXTURE, salvo_above=95)
    daily = AirCampaign(build_scenario(raw), rng=SEED).run().daily()
    drones = daily["launched_drone"] + daily["launched_decoy"]
    np.testing.assert_array_equal(daily["salvo"], drones > 95)
    assert daily["salvo"].sum() == 3
