"""The analytical checks of calibration.md, each on the tiny scenario of conftest.py, changed.

Statistical checks use binomial confidence intervals: an observed share x/N of
N independent trials, each a success with probability q, lies within
z * sqrt(q * (1 - q) / N) of q, with z = 3.29 for 99.9% (two-sided, normal
approximation; every N here is in the thousands). Draws without replacement
(which members of a pool are engaged) vary less than binomial draws, so the
same interval is conservative for them. Seeds are fixed: the tests are
deterministic, the interval only says the chosen seed is not a fluke.
"""

import copy
import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import AirCampaign, build_scenario

Z = 3.29  # two-sided 99.9% normal quantile
SEED = 20250101
PLENTY = 10**6


def within_ci(successes: int, trials: int, q: float) -> bool:
    """True if successes/trials is within the 99.9% binomial interval around q."""
    half_width = Z * math.sqrt(q * (1.0 - q) / trials)
    return abs(successes / trials - q) <= half_width


def ci_message(successes, trials, q) -> str:
    return (f"{successes}/{trials} = {successes / trials:.4f}, expected {q:.4f} "
            f"+- {Z * math.sqrt(q * (1 - q) / trials):.4f}")


def set_days(raw: dict, days: int) -> None:
    raw["end"] = raw["start"] + timedelta(days=days - 1)


def unbounded_patriot(raw: dict, p: float, shots: int, mode: str = "salvo", threat: str = "ballistic") -> None:
    """The tiny scenario's Patriot with channels, launcher rounds and stock that never bind.

    `threat` is the family it fights ("ballistic": at the city, terminally; "cruise": along the route,
    PAC-3 MSE first); channels are a count per wave (`engagement_hours = 0`).
    """
    raw["attacker"]["initial_stockpile"][threat] = PLENTY
    raw["batteries"][0]["magazine"] = {"pac3_mse": PLENTY}
    raw["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {threat: p}}},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": PLENTY}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {threat: shots},
                                                  "preference": {threat: ["pac3_mse", "gem_t"]},
                                                  "mode": mode, "ballistic_reserve": 0}},
    }


def run(raw: dict, seed: int = SEED):
    campaign = AirCampaign(build_scenario(raw), rng=seed).run()
    return campaign, campaign.daily()


# ---------------------------------------------------------------- a. salvo arithmetic
@pytest.mark.parametrize("shots", [1, 2, 3])
def test_salvo_leak_is_one_minus_p_to_the_n(tiny, shots):
    p = 0.6
    unbounded_patriot(tiny, p, shots)
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 100.0}
    set_days(tiny, 40)
    _, daily = run(tiny)
    targets = int(daily["launched_ballistic"].sum())
    assert targets == 4000
    leaked = int(daily["leaked_ballistic"].sum())
    assert within_ci(leaked, targets, (1 - p) ** shots), ci_message(leaked, targets, (1 - p) ** shots)
    # capacity never binds: every target is engaged with exactly n rounds, night by night
    np.testing.assert_array_equal(daily["fired_pac3_mse"], shots * daily["launched_ballistic"])
    assert daily["fired_gem_t"].sum() == 0
    np.testing.assert_array_equal(daily["shot_down_ballistic"] + daily["leaked_ballistic"],
                                  daily["launched_ballistic"])


# ---------------------------------------------------------------- b. shoot-look-shoot
def test_shoot_look_shoot_leaks_like_a_two_round_salvo_for_fewer_rounds(tiny):
    """s = 2: a target leaks if both looks miss, (1-p)^2; it takes a second round only if the
    first missed, so rounds per target are 1 + Bernoulli(1-p): mean 1 + (1-p). (Cruise missiles:
    a ballistic missile gets one terminal window, see the next test.)"""
    p = 0.6
    unbounded_patriot(tiny, p, 2, mode="shoot-look-shoot", threat="cruise")
    tiny["attacker"]["routine"]["mean"] = {"cruise": 100.0}
    set_days(tiny, 40)
    _, daily = run(tiny)
    targets = int(daily["launched_cruise"].sum())
    leaked = int(daily["leaked_cruise"].sum())
    assert within_ci(leaked, targets, (1 - p) ** 2), ci_message(leaked, targets, (1 - p) ** 2)
    second_rounds = int(daily["fired_pac3_mse"].sum()) - targets  # targets that needed a second look
    assert within_ci(second_rounds, targets, 1 - p), ci_message(second_rounds, targets, 1 - p)
    # never more than s rounds a target, never fewer than one
    assert (daily["fired_pac3_mse"] >= daily["launched_cruise"]).all()
    assert (daily["fired_pac3_mse"] <= 2 * daily["launched_cruise"]).all()


def test_a_ballistic_missile_gets_one_salvo_even_under_a_shoot_look_shoot_doctrine(tiny):
    """The terminal window has no time to look: s rounds ripple-fired at every missile, (1-p)^s leaks."""
    p = 0.6
    unbounded_patriot(tiny, p, 2, mode="shoot-look-shoot")
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 100.0}
    set_days(tiny, 40)
    _, daily = run(tiny)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], 2 * daily["launched_ballistic"])
    targets, leaked = int(daily["launched_ballistic"].sum()), int(daily["leaked_ballistic"].sum())
    assert within_ci(leaked, targets, (1 - p) ** 2), ci_message(leaked, targets, (1 - p) ** 2)


# ---------------------------------------------------------------- c. layers multiply
@pytest.mark.parametrize("listed", ["forward first", "city first"])
def test_two_layers_multiply_leak_chances(tiny, listed):
    """A forward battery firing only PAC-3 MSE (p1) and one at the city firing only GEM-T (p2),
    one round a target each: a missile leaks with (1-p1)(1-p2). Threats meet the forward battery
    first, whichever order the scenario lists them in."""
    p1, p2 = 0.7, 0.5
    unbounded_patriot(tiny, p1, 1, threat="cruise")
    tiny["catalog"]["interceptors"]["gem_t"] = {"kill_probability": {"cruise": p2}}
    tiny["batteries"] = [
        {"type": "patriot", "cell": [6, 5], "name": "forward", "magazine": {"pac3_mse": PLENTY}},
        {"type": "patriot", "cell": [1, 5], "name": "city", "magazine": {"gem_t": PLENTY}},
    ]
    if listed == "city first":
        tiny["batteries"].reverse()
    tiny["suppliers"] = []  # deliveries of PAC-3 MSE would arm the city battery with a second type
    tiny["attacker"]["routine"]["mean"] = {"cruise": 100.0}
    set_days(tiny, 40)
    _, daily = run(tiny)
    targets = int(daily["launched_cruise"].sum())
    reached_second = int(daily["fired_gem_t"].sum())  # one GEM-T per survivor of the first layer
    leaked = int(daily["leaked_cruise"].sum())
    assert int(daily["fired_pac3_mse"].sum()) == targets  # the first layer sees every missile
    assert within_ci(reached_second, targets, 1 - p1), ci_message(reached_second, targets, 1 - p1)
    assert within_ci(leaked, reached_second, 1 - p2), ci_message(leaked, reached_second, 1 - p2)
    q = (1 - p1) * (1 - p2)
    assert within_ci(leaked, targets, q), ci_message(leaked, targets, q)


# ---------------------------------------------------------------- d. saturation
@pytest.mark.parametrize("threats", [2, 5, 6, 9, 20])
def test_saturation_leaks_what_exceeds_the_channels(tiny, threats):
    """Hughes: with sure kills and ample rounds, leakers = max(0, T - k), every night exactly."""
    channels = 5
    unbounded_patriot(tiny, 1.0, 1)
    tiny["catalog"]["battery_types"]["patriot"]["channels_per_wave"] = channels
    tiny["attacker"]["routine"]["mean"] = {"ballistic": float(threats)}
    _, daily = run(tiny)
    assert (daily["launched_ballistic"] == threats).all()
    assert (daily["leaked_ballistic"] == max(0, threats - channels)).all()
    assert (daily["fired_pac3_mse"] == min(threats, channels)).all()
    assert (daily["shot_down_ballistic"] == min(threats, channels)).all()


def test_channels_reset_every_wave(tiny):
    """T = 12 missiles split at random over two waves (shares [0.5, 0.5]), k = 4 channels a wave,
    sure kills: a night shoots down min(T1, k) + min(T2, k), between k and 2k, and 2k when both
    waves have at least k (most nights); one wave's channels would cap it at k."""
    channels = 4
    unbounded_patriot(tiny, 1.0, 1)
    tiny["catalog"]["battery_types"]["patriot"]["channels_per_wave"] = channels
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 12.0}
    tiny["attacker"]["waves"] = {c: [0.5, 0.5] for c in ("drone", "decoy", "cruise", "ballistic")}  # families too
    _, daily = run(tiny)
    assert (daily["shot_down_ballistic"] <= 2 * channels).all()
    assert (daily["shot_down_ballistic"] >= channels).all()
    assert (daily["leaked_ballistic"] >= 12 - 2 * channels).all()
    assert (daily["shot_down_ballistic"] == 2 * channels).any()


# ---------------------------------------------------------------- e. stock depletion
def reference_depletion(stock, per_night, rate, lead, days, pause=None):
    """The rule, night by night. The supplier ships `rate` rounds on every day t (event at t + 0.5)
    and a shipment lands `lead` days later, before the raid of day t + lead; so before the raid
    of day t the battery has received rate * max(0, t - lead + 1) rounds. A pause [A, B) keeps
    what lands on days A..B-1 at the depot and sends it out before the raid of day B.
    Each night fires min(d, stock) rounds, each a sure kill; the rest leak.
    """
    leaked, stocks, held = [], [], 0
    for t in range(days):
        landing = rate if t >= lead else 0
        if pause is not None and pause[0] <= t < pause[1]:
            held, landing = held + landing, 0
        elif pause is not None and t == pause[1]:
            landing, held = landing + held, 0
        stock += landing
        fire = min(per_night, stock)
        stock -= fire
        leaked.append(per_night - fire)
        stocks.append(stock)
    return np.array(leaked), np.array(stocks)


def first_leak_day(stock, per_night, rate, lead) -> int:
    """Closed form: before night t >= lead - 1 the battery holds S + r(t - L + 1) - d t; a missile
    first leaks when that is below d, i.e. on the first t > (S - d - r(L - 1)) / (d - r):
        t* = floor((S - d - r(L - 1)) / (d - r)) + 1.
    Compared with S / (d - r) ("the stock lasts S/(d-r) days"): t* is earlier by
    (d + r(L - 1)) / (d - r) at most, plus rounding, because the night that finds fewer than
    d rounds already leaks and the first L days bring nothing."""
    return math.floor((stock - per_night - rate * (lead - 1)) / (per_night - rate)) + 1


def depletion_setup(raw: dict, stock: int, per_night: int, rate: int, lead: int) -> None:
    """One Patriot with S rounds, d ballistic missiles a night, r rounds a day after L days; p = 1, one shot."""
    raw["batteries"][0]["magazine"] = {"pac3_mse": stock}
    raw["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    raw["attacker"]["routine"]["mean"] = {"ballistic": float(per_night)}
    raw["suppliers"][0].update(products={"pac3_mse": float(rate)}, lead_time_days=lead, ship_every_days=1)
    raw["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"ballistic": 1.0}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {"ballistic": 1}}},
    }


@pytest.mark.parametrize(("stock", "per_night", "rate", "lead"),
                         [(60, 4, 1, 3), (100, 6, 2, 1), (45, 3, 1, 0), (80, 9, 4, 2)])
def test_stock_runs_out_after_s_over_d_minus_r_nights(tiny, stock, per_night, rate, lead):
    depletion_setup(tiny, stock, per_night, rate, lead)
    set_days(tiny, 40)
    _, daily = run(tiny)
    leaked = daily["leaked_ballistic"].to_numpy()
    expected_day = first_leak_day(stock, per_night, rate, lead)
    assert 0 < expected_day < 35
    assert abs(expected_day - stock / (per_night - rate)) <= 2
    assert int(np.flatnonzero(leaked)[0]) == expected_day
    expected_leaked, expected_stock = reference_depletion(stock, per_night, rate, lead, 40)
    np.testing.assert_array_equal(leaked, expected_leaked)
    np.testing.assert_array_equal(daily["stock_pac3_mse"], expected_stock)
    # once empty, each night fires what arrived that day and d - r leak
    assert (leaked[expected_day + 1:] == per_night - rate).all()


def test_a_pause_removes_r_times_p_from_what_arrives_before_exhaustion(tiny):
    """S = 100, d = 6, r = 2, L = 1, and the supplier paused on days 18..29.

    Without the pause the first leaker comes on night t* = floor(94 / 4) + 1 = 24. With it,
    the battery holds S + r(18 - L) - 18d = 26 rounds before night 18 and nothing more lands
    until day 30: nights 18-21 fire 6 each (26 -> 2) and night 22 leaks, two nights earlier.
    The 12 paused days keep r * 12 = 24 rounds at the depot; they all arrive on day 30.
    """
    stock, per_night, rate, lead = 100, 6, 2, 1
    depletion_setup(tiny, stock, per_night, rate, lead)
    start = tiny["start"]
    tiny["timeline"] = [{"event": "pause", "supplier": "us", "start": start + timedelta(days=18),
                         "end": start + timedelta(days=30)}]
    _, daily = run(tiny)
    leaked = daily["leaked_ballistic"].to_numpy()
    expected_leaked, _ = reference_depletion(stock, per_night, rate, lead, 31, pause=(18, 30))
    np.testing.assert_array_equal(leaked, expected_leaked)
    assert first_leak_day(stock, per_night, rate, lead) == 24
    assert int(np.flatnonzero(leaked)[0]) == 22
    assert (daily["delivered_pac3_mse"][18:30] == 0).all()
    assert daily["delivered_pac3_mse"][30] == rate * 13  # 12 held days and day 30's own


# ---------------------------------------------------------------- f. the ballistic reserve
@pytest.mark.parametrize("reserve", [0, 10, 25, 39])
def test_cruise_raids_never_dig_into_the_ballistic_reserve(tiny, reserve):
    tiny["attacker"]["initial_stockpile"]["cruise"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"cruise": 7.0}
    tiny["attacker"]["waves"] = {c: [0.5, 0.5] for c in ("drone", "decoy", "cruise", "ballistic")}
    tiny["batteries"][0]["magazine"] = {"pac3_mse": 32, "gem_t": 8}  # both ballistic-capable
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {
        "engage": ["ballistic", "cruise"], "ballistic_reserve": reserve}}}
    campaign, daily = run(tiny)
    initial = int(campaign.initial_stock.sum())
    assert initial == 40
    left = daily["ballistic_capable_left"].to_numpy()
    np.testing.assert_array_equal(left, daily["stock_pac3_mse"] + daily["stock_gem_t"])
    assert (left >= reserve).all()
    assert left.min() == reserve  # the reserve binds: the battery fires down to it, and no further
    assert (daily["fired_pac3_mse"] + daily["fired_gem_t"]).sum() > initial - reserve  # and fires deliveries
    assert (daily["shot_down_cruise"] > 0).any()


def test_a_battery_below_its_reserve_never_fires_at_cruise_missiles(tiny):
    tiny["attacker"]["initial_stockpile"]["cruise"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"cruise": 7.0}
    tiny["suppliers"] = []
    tiny["batteries"][0]["magazine"] = {"pac3_mse": 32, "gem_t": 8}
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {"ballistic_reserve": 41}}}
    _, daily = run(tiny)
    assert daily["fired_pac3_mse"].sum() + daily["fired_gem_t"].sum() == 0
    assert (daily["leaked_cruise"] == 7).all()


def test_the_reserve_is_spent_on_ballistic_missiles(tiny):
    """The reserve is kept for ballistic missiles, not from them: with 3 ballistic (2 rounds each,
    engaged first) and 7 cruise missiles a night and no resupply, the battery ends empty."""
    tiny["attacker"]["initial_stockpile"].update(cruise=PLENTY, ballistic=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"cruise": 7.0, "ballistic": 3.0}
    tiny["suppliers"] = []
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {"ballistic_reserve": 10}}}
    _, daily = run(tiny)
    assert daily["ballistic_capable_left"].min() < 10
    assert daily["ballistic_capable_left"].iloc[-1] == 0


# ---------------------------------------------------------------- g. decoys
def decoy_scenario(raw: dict, drones: float, decoys: float) -> None:
    """A mobile fire group at the city, one sure-kill burst per target, fewer channels than threats."""
    raw["batteries"] = [{"type": "mobile_fire_group", "cell": [1, 5], "magazine": {"mfg_burst": PLENTY}}]
    raw["sites"][0]["value"] = 2.5
    raw["attacker"]["initial_stockpile"].update(drone=PLENTY, decoy=PLENTY)
    raw["attacker"]["routine"]["mean"] = {"drone": drones, "decoy": decoys}
    raw["suppliers"] = []
    raw["catalog"] = {
        "interceptors": {"mfg_burst": {"kill_probability": {"drone": 1.0, "decoy": 1.0}}},
        "battery_types": {"mobile_fire_group": {"channels_per_wave": 40, "engagement_hours": 0.0,
                                                "launcher_rounds": {"mfg_burst": 1000},
                                                "doctrine": "drones_one_shot"}},
        "doctrines": {"drones_one_shot": {"engage": ["drone"], "shots_per_target": {"drone": 1},
                                          "mode": "salvo"}},
    }


def test_decoys_are_engaged_as_often_as_the_drones_they_pass_for(tiny):
    """60 drones and 40 decoys a night, 40 channels: a sure kill per engagement, so shot down =
    engaged, and decoys take their pool share, 0.4, of the engagements."""
    decoy_scenario(tiny, 60.0, 40.0)
    set_days(tiny, 61)
    _, daily = run(tiny)
    engaged = int(daily["shot_down_drone"].sum() + daily["shot_down_decoy"].sum())
    assert engaged == 40 * 61  # every channel busy every night
    assert int(daily["fired_mfg_burst"].sum()) == engaged
    decoys_engaged = int(daily["shot_down_decoy"].sum())
    assert within_ci(decoys_engaged, engaged, 0.4), ci_message(decoys_engaged, engaged, 0.4)


def test_a_doctrine_without_drones_ignores_decoys_too(tiny):
    decoy_scenario(tiny, 60.0, 40.0)
    tiny["catalog"]["doctrines"]["drones_one_shot"]["engage"] = ["cruise"]
    _, daily = run(tiny)
    assert daily["fired_mfg_burst"].sum() == 0
    assert daily["leaked_decoy"].sum() == 40 * 31


def test_damage_is_leakers_times_catalog_damage_and_decoys_do_none(tiny):
    decoy_scenario(tiny, 60.0, 40.0)
    scenario = build_scenario(tiny)
    campaign = AirCampaign(scenario, rng=SEED).run()
    daily = campaign.daily()
    classes = campaign.air_defence.class_names
    per_leaker = np.array([scenario.catalog.threats[c].damage for c in classes])
    assert per_leaker[classes.index("decoy")] == 0.0
    assert per_leaker[classes.index("drone")] > 0.0
    leaked = daily[[f"leaked_{c}" for c in classes]].to_numpy()
    assert daily["leaked_decoy"].sum() > 0 and daily["leaked_drone"].sum() > 0
    np.testing.assert_allclose(daily["damage"], leaked @ per_leaker)
    np.testing.assert_allclose(daily["damage_at_City"], daily["damage"])
    np.testing.assert_allclose(daily["value_weighted_damage"], 2.5 * daily["damage"])
    np.testing.assert_allclose(daily["damage"], daily["leaked_drone"] * scenario.catalog.threats["drone"].damage)


def test_decoy_leakers_alone_do_no_damage(tiny):
    decoy_scenario(tiny, 0.0, 80.0)
    _, daily = run(tiny)
    assert daily["leaked_decoy"].sum() > 0
    assert daily["damage"].sum() == 0.0
    assert daily["value_weighted_damage"].sum() == 0.0


# ---------------------------------------------------------------- h. EW
def test_ew_alone_loses_its_share_of_drones_and_fires_nothing(tiny):
    q = 0.3
    tiny["batteries"] = [{"type": "ew", "cell": [5, 5]}]
    tiny["attacker"]["initial_stockpile"].update(drone=PLENTY, cruise=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"drone": 200.0, "cruise": 5.0}
    tiny["catalog"] = {"battery_types": {"ew": {"ew_share": {"drone": q}}}}
    campaign, daily = run(tiny)
    drones = int(daily["launched_drone"].sum())
    lost = int(daily["lost_to_ew_drone"].sum())
    assert drones == 200 * 31
    assert within_ci(lost, drones, q), ci_message(lost, drones, q)
    types = campaign.air_defence.interceptor_names
    assert daily[[f"fired_{t}" for t in types]].to_numpy().sum() == 0
    assert daily["shot_down_drone"].sum() == 0
    assert daily["lost_to_ew_cruise"].sum() == 0  # the catalog's EW touches drones and decoys only
    assert (daily["leaked_cruise"] == 5).all()
    np.testing.assert_array_equal(daily["leaked_drone"], daily["launched_drone"] - daily["lost_to_ew_drone"])


def test_ew_off_the_route_does_nothing(tiny):
    tiny["batteries"] = [{"type": "ew", "cell": [5, 0]}]  # radius 2: the route runs along y = 5
    tiny["attacker"]["initial_stockpile"]["drone"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"drone": 200.0}
    _, daily = run(tiny)
    assert daily["lost_to_ew_drone"].sum() == 0
    assert daily["leaked_drone"].sum() == 200 * 31


def test_day_arithmetic_of_the_tiny_scenario(tiny):
    """The helpers above count days from the start: check that the fixture is what they assume."""
    assert tiny["start"] == date(2025, 1, 1)
    set_days(tiny, 40)
    assert build_scenario(tiny).horizon == 40


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stock=st.integers(0, 120), per_night=st.integers(1, 9), rate=st.integers(0, 8), lead=st.integers(0, 6))
def test_depletion_follows_the_rule_for_any_stock_use_and_resupply(tiny, stock, per_night, rate, lead):
    """Any S, d <= channels, r, L: the nightly leakers and stocks follow the rule of
    `reference_depletion`, and when d > r and the stock runs out after deliveries began,
    the first leaker comes on night t* of `first_leak_day`."""
    raw = copy.deepcopy(tiny)
    depletion_setup(raw, stock, per_night, rate, lead)
    _, daily = run(raw)
    expected_leaked, expected_stock = reference_depletion(stock, per_night, rate, lead, 31)
    np.testing.assert_array_equal(daily["leaked_ballistic"], expected_leaked)
    np.testing.assert_array_equal(daily["stock_pac3_mse"], expected_stock)
    if per_night > rate:
        t_star = first_leak_day(stock, per_night, rate, lead)
        if lead - 1 <= t_star < 31:
            assert int(np.flatnonzero(expected_leaked)[0]) == t_star
