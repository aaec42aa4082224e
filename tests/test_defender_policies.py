"""Defender policies and timeline options: each changes what it claims to change, and nothing else.

Allocation rules for deliveries, conserve mode, intelligence-sharing pauses,
production ramps, procurement, battery relocation, and every one of them as a
sweep factor. Campaign checks run on the tiny scenario of conftest.py, changed;
days are counted from its start (day 0 = 2025-01-01). `run(k)` ends with day
k - 1 done, and the state then is the state of day k - 1's raid: day k's
timeline events have not acted yet.

Statistical checks use the 99.9% binomial interval of test_closed_form.py.
"""

import copy
import math
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents import DefenderBattery
from agents.allocation import ALLOCATION_RULES
from experiments.sweep.design import SweepPlan
from experiments.sweep.spec import parse_spec
from model import AirCampaign, ScenarioError, build_scenario
from model.timeline import ramp_steps

proportional, lowest_stock_first, by_site_value = (ALLOCATION_RULES[name].share for name in
                                                   ("proportional", "lowest_stock_first", "by_site_value"))
SEED = 20250301
PLENTY = 10**6
Z = 3.29  # two-sided 99.9% normal quantile


def run(raw: dict, seed: int = SEED, days: int | None = None):
    campaign = AirCampaign(build_scenario(raw), rng=seed).run(days)
    return campaign, campaign.daily()


def day(raw: dict, k: int) -> date:
    """The date of day `k` of scenario data `raw`."""
    return raw["start"] + timedelta(days=k)


def within_ci(successes: int, trials: int, q: float) -> bool:
    return abs(successes / trials - q) <= Z * math.sqrt(q * (1.0 - q) / trials)


def problem_keys(error: ScenarioError) -> list[str]:
    return [key for key, _, _ in error.problems]


def quiet(raw: dict) -> None:
    """No launches at all: stocks move only by deliveries and arrivals."""
    raw["attacker"]["routine"]["mean"] = {}


def sure_kill_patriot(raw: dict, *, channels: int = PLENTY, p: float = 1.0, engage=("ballistic",)) -> None:
    """The Patriot with one round a target, kill probability p, no reserve, and channels and rounds as given.

    `engagement_hours = 0`: one engagement per channel per wave (the channel counts below are per wave).
    """
    raw["batteries"][0]["magazine"] = {"pac3_mse": PLENTY, "gem_t": 0}
    raw["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"drone": p, "ballistic": p}}},
        "battery_types": {"patriot": {"channels_per_wave": channels, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": PLENTY}}},
        "doctrines": {"patriot_keep_off_drones": {"engage": list(engage), "ballistic_reserve": 0,
                                                  "shots_per_target": {"ballistic": 1, "drone": 1}}},
    }


# ================================================================ allocation
fleets = st.integers(1, 7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 60), min_size=n, max_size=n),                        # launcher capacity
    st.lists(st.integers(0, 80), min_size=n, max_size=n),                        # stock
    st.lists(st.sampled_from([0.0, 1.0, 2.5, 4.0, 10.0]), min_size=n, max_size=n)))  # covered value


@settings(max_examples=300, deadline=None, derandomize=True)
@given(fleet=fleets, rounds=st.integers(0, 400), rule=st.sampled_from(sorted(ALLOCATION_RULES)),
       with_values=st.booleans())
def test_every_rule_hands_out_exactly_the_rounds_delivered(fleet, rounds, rule, with_values):
    capacity, stock, value = (np.array(x) for x in fleet)
    share = ALLOCATION_RULES[rule].share(rounds, capacity, stock, value if with_values else None)
    assert share.shape == capacity.shape
    assert share.dtype.kind == "i"
    assert (share >= 0).all()
    assert int(share.sum()) == rounds


@settings(max_examples=300, deadline=None, derandomize=True)
@given(fleet=fleets, rounds=st.integers(0, 400))
def test_lowest_stock_first_never_leaves_a_battery_empty_while_another_holds_more(fleet, rounds):
    """Water filling, in whole rounds: a battery was handed its last round only while no other battery
    stood lower than it then. So a battery left empty means every round went, one each, to a battery
    that was empty too; and as long as there are at least as many rounds as empty batteries, none is
    left empty. (In whole rounds "nobody above the fair share while one is empty" cannot hold literally:
    one round for two empty batteries puts one above the share; this is the exact form.)"""
    capacity, stock, _ = (np.array(x) for x in fleet)
    share = lowest_stock_first(rounds, capacity, stock)
    after = stock + share
    fill = after / capacity
    for j in np.flatnonzero(share):
        assert ((after[j] - 1) / capacity[j] <= fill + 1e-12).all(), (j, after, capacity)
    got = share > 0
    if (after == 0).any():
        assert (share[got] == 1).all() and (stock[got] == 0).all()
        fair = after.sum() / capacity.sum()
        assert not (got & (after - 1 > fair * capacity)).any()
    if rounds >= int((stock == 0).sum()):
        assert (after > 0).all()


def test_lowest_stock_first_by_hand_and_where_proportional_differs():
    # fills 0 and 0.5: two rounds to the first, a tie at 0.5 goes to the first listed, then the second
    np.testing.assert_array_equal(lowest_stock_first(4, np.array([4, 4]), np.array([0, 2])), [3, 1])
    # a full battery gets nothing while another is empty; `proportional` ignores stock and splits evenly
    capacity, stock = np.array([1, 1]), np.array([0, 50])
    np.testing.assert_array_equal(lowest_stock_first(10, capacity, stock), [10, 0])
    np.testing.assert_array_equal(proportional(10, capacity, stock), [5, 5])
    np.testing.assert_array_equal(lowest_stock_first(0, capacity, stock), [0, 0])


@pytest.mark.parametrize(("rounds", "value", "expected"), [
    (10, [3.0, 1.0, 1.0], [6, 2, 2]),
    (7, [2.0, 1.0], [5, 2]),            # 4.67 and 2.33: the larger remainder gets the odd round
    (9, [0.0, 2.0, 1.0], [0, 6, 3]),    # a battery covering nothing gets nothing
    (8, [3.0, 1.0, 4.0, 0.0], [3, 1, 4, 0]),
])
def test_by_site_value_shares_in_proportion_to_covered_value(rounds, value, expected):
    capacity = np.full(len(value), 48)
    stock = np.arange(len(value)) * 10  # stock plays no part
    share = by_site_value(rounds, capacity, stock, np.array(value))
    np.testing.assert_array_equal(share, expected)


def test_by_site_value_falls_back_to_capacity_when_no_battery_covers_value():
    capacity, stock = np.array([48, 8, 24]), np.array([0, 5, 30])
    expected = [6, 1, 3]  # 10 rounds over capacities 48 : 8 : 24
    np.testing.assert_array_equal(proportional(10, capacity, stock), expected)
    np.testing.assert_array_equal(by_site_value(10, capacity, stock, np.zeros(3)), expected)
    np.testing.assert_array_equal(by_site_value(10, capacity, stock, None), expected)


def four_patriots(raw: dict) -> None:
    """Two sites, four Patriots: one on each site's route, one on both, one on neither.

    Routes run from (9, 5) to A (1, 5) along y = 5 and to B (1, 1). Radius 1.5:
    the battery at (1, 5) is 3.6 cells off B's route, the one at (1, 1) 4 off A's;
    (5, 4) is 1 off A's and 0.9 off B's; (5, 9) is 4 off both.
    """
    raw["sites"] = [{"name": "A", "cell": [1, 5], "value": 3.0}, {"name": "B", "cell": [1, 1], "value": 1.0}]
    raw["batteries"] = [{"type": "patriot", "cell": cell} for cell in ([1, 5], [1, 1], [5, 4], [5, 9])]
    raw["suppliers"][0].update(products={"pac3_mse": 8.0}, lead_time_days=3, ship_every_days=1)
    quiet(raw)


COVERED = [3.0, 1.0, 4.0, 0.0]


def test_covered_value_is_the_value_of_the_sites_each_battery_covers(tiny):
    four_patriots(tiny)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    np.testing.assert_array_equal(campaign.covered_value, COVERED)


@pytest.mark.parametrize(("rule", "per_delivery"), [
    ("proportional", [2, 2, 2, 2]),
    ("by_site_value", [3, 1, 4, 0]),
    ("lowest_stock_first", [2, 2, 2, 2]),  # all start alike, so need shares evenly
    ("equal", [2, 2, 2, 2]),
])
def test_a_suppliers_allocation_rule_decides_which_battery_gets_the_rounds(tiny, rule, per_delivery):
    four_patriots(tiny)
    tiny["suppliers"][0]["allocation"] = rule
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    pac3 = campaign.air_defence.interceptor_names.index("pac3_mse")
    initial = campaign.batteries.stock[:4, pac3].copy()
    campaign.run(3)
    np.testing.assert_array_equal(campaign.batteries.stock[:4, pac3], initial)  # nothing landed yet
    campaign.run(1)  # day 3: the first shipment (8 rounds) lands
    np.testing.assert_array_equal(campaign.batteries.stock[:4, pac3] - initial, per_delivery)
    campaign.run(17)  # to day 20: 18 deliveries of 8, each shared the same way
    np.testing.assert_array_equal(campaign.batteries.stock[:4, pac3] - initial, 18 * np.array(per_delivery))
    assert campaign.daily()["delivered_pac3_mse"].sum() == 18 * 8


def test_by_site_value_sends_more_to_batteries_covering_more_value_than_proportional(tiny):
    received = {}
    for rule in ("proportional", "by_site_value"):
        raw = copy.deepcopy(tiny)
        four_patriots(raw)
        raw["suppliers"][0]["allocation"] = rule
        campaign = AirCampaign(build_scenario(raw), rng=SEED)
        initial = campaign.batteries.stock[:4].copy()
        campaign.run(4)
        received[rule] = (campaign.batteries.stock[:4] - initial).sum(axis=1)
    by_value, even = received["by_site_value"], received["proportional"]
    assert by_value.sum() == even.sum() == 8
    assert by_value[2] > even[2] and by_value[0] > even[0]  # the batteries covering 4 and 3
    assert by_value[3] < even[3] and by_value[1] < even[1]  # those covering 0 and 1


# ================================================================ conserve mode
def conserve_doctrine(raw: dict, conserve_below: int | None, engage=("ballistic", "cruise", "drone"),
                      conserve_engage=("ballistic",)) -> None:
    doctrine = {"engage": list(engage), "ballistic_reserve": 0, "conserve_engage": list(conserve_engage)}
    if conserve_below is not None:
        doctrine["conserve_below"] = conserve_below
    raw.setdefault("catalog", {}).setdefault("doctrines", {})["patriot_keep_off_drones"] = doctrine


def drones_only(raw: dict, per_night: float = 20.0) -> None:
    raw["attacker"]["initial_stockpile"]["drone"] = PLENTY
    raw["attacker"]["routine"]["mean"] = {"drone": per_night}


def test_a_conserving_patriot_never_fires_at_drones(tiny):
    drones_only(tiny)
    conserve_doctrine(tiny, conserve_below=PLENTY)
    campaign, daily = run(tiny)
    assert campaign.batteries.conserving[0]
    assert (daily["launched_drone"] == 20).all()
    assert daily["fired_pac3_mse"].sum() == 0 and daily["fired_gem_t"].sum() == 0
    assert daily["shot_down_drone"].sum() == 0
    np.testing.assert_array_equal(daily["leaked_drone"], daily["launched_drone"])  # no EW in the tiny scenario
    assert daily["delivered_pac3_mse"].sum() > 0  # the rounds it is given are kept
    assert (np.diff(daily["stock_pac3_mse"]) >= 0).all()


@pytest.mark.parametrize("conserve_below", [0, None])
def test_a_patriot_with_rounds_and_no_conserving_fires_at_drones(tiny, conserve_below):
    drones_only(tiny)
    conserve_doctrine(tiny, conserve_below=conserve_below)
    campaign, daily = run(tiny)
    assert not campaign.batteries.conserving[0]
    assert daily["fired_pac3_mse"].sum() > 0
    assert daily["shot_down_drone"].sum() > 0
    assert daily["leaked_drone"].sum() < daily["launched_drone"].sum()


def test_a_conserving_patriot_still_fires_at_ballistic_missiles(tiny):
    drones_only(tiny)
    tiny["attacker"]["routine"]["mean"]["ballistic"] = 1.0  # 2 rounds a night: deliveries keep up
    conserve_doctrine(tiny, conserve_below=PLENTY)
    _, daily = run(tiny)
    assert daily["shot_down_drone"].sum() == 0
    assert daily["shot_down_ballistic"].sum() > 0
    # two rounds per ballistic missile (the catalog's doctrine) while the PAC-3 lasts, none for anything else
    fired = (daily["fired_pac3_mse"] + daily["fired_gem_t"]).to_numpy()
    np.testing.assert_array_equal(fired[:25], 2 * daily["launched_ballistic"][:25])
    assert (fired <= 2 * daily["launched_ballistic"]).all()


def conserve_reference(stock: int, threshold: int, drones: int, days: int):
    """Night by night: one ballistic missile (engaged first) and `drones` drones, one sure-kill round each;
    drones are engaged only on nights that start with more than `threshold` rounds."""
    shot_drones, stocks = [], []
    for _ in range(days):
        conserving = stock <= threshold
        ballistic = min(1, stock)
        stock -= ballistic
        fired = 0 if conserving else min(drones, stock)
        stock -= fired
        shot_drones.append(fired)
        stocks.append(stock)
    return np.array(shot_drones), np.array(stocks)


@pytest.mark.parametrize(("stock", "threshold", "drones"), [
    (60, 20, 7), (40, 0, 5), (33, 32, 4), (25, 30, 3), (50, 9, 9)])
def test_drones_stop_being_engaged_the_night_the_stock_falls_to_the_threshold(tiny, stock, threshold, drones):
    """S rounds, threshold T, d drones and 1 ballistic missile a night, no resupply, sure kills: the night
    that starts with S - t(d + 1) <= T rounds is the first without drone engagements:
    t* = ceil((S - T) / (d + 1)) (0 when S <= T)."""
    sure_kill_patriot(tiny, engage=("ballistic", "drone"))
    tiny["batteries"][0]["magazine"] = {"pac3_mse": stock, "gem_t": 0}
    tiny["catalog"]["doctrines"]["patriot_keep_off_drones"].update(conserve_below=threshold,
                                                                   conserve_engage=["ballistic"])
    tiny["attacker"]["initial_stockpile"].update(drone=PLENTY, ballistic=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"drone": float(drones), "ballistic": 1.0}
    tiny["suppliers"] = []
    _, daily = run(tiny)
    expected_drones, expected_stock = conserve_reference(stock, threshold, drones, 31)
    np.testing.assert_array_equal(daily["shot_down_drone"], expected_drones)
    np.testing.assert_array_equal(daily["stock_pac3_mse"], expected_stock)
    switch = max(math.ceil((stock - threshold) / (drones + 1)), 0)
    assert (daily["shot_down_drone"][:switch] > 0).all()
    assert (daily["shot_down_drone"][switch:] == 0).all()
    start_of_night = np.concatenate([[stock], daily["stock_pac3_mse"].to_numpy()[:-1]])
    assert switch == int(np.flatnonzero(start_of_night <= threshold)[0])
    # ballistic missiles are engaged as long as a round is left
    np.testing.assert_array_equal(daily["shot_down_ballistic"], (start_of_night > 0).astype(int))


def test_the_class_a_doctrine_engages_first_gets_the_last_rounds(tiny):
    """4 rounds, sure kills, `engage = [ballistic, drone]`, 1 ballistic missile and 5 drones: the missile is
    engaged first (1 round), then 3 drones."""
    sure_kill_patriot(tiny, engage=("ballistic", "drone"))
    tiny["batteries"][0]["magazine"] = {"pac3_mse": 4, "gem_t": 0}
    tiny["attacker"]["routine"]["mean"] = {"drone": 5.0, "ballistic": 1.0}
    tiny["suppliers"] = []
    _, daily = run(tiny, days=1)
    assert (daily["shot_down_ballistic"][0], daily["shot_down_drone"][0]) == (1, 3)


def test_a_threshold_never_reached_changes_nothing(tiny):
    drones_only(tiny, 1.0)
    conserve_doctrine(tiny, conserve_below=None)
    _, never = run(tiny)
    conserve_doctrine(tiny, conserve_below=5)  # the battery holds 40 and more all month
    _, unreached = run(tiny)
    assert (never["stock_pac3_mse"] + never["stock_gem_t"]).min() > 5
    assert never["shot_down_drone"].sum() > 0
    pd.testing.assert_frame_equal(never, unreached)


def test_an_unknown_class_to_conserve_for_is_named(tiny):
    conserve_doctrine(tiny, conserve_below=10, conserve_engage=("ballistic", "helicopter"))
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == ["catalog.doctrines.patriot_keep_off_drones.conserve_engage[1]"]
    assert "helicopter" in str(caught.value)


# ================================================================ intelligence-sharing pauses
def intel_pause(raw: dict, first: int, resume: int | None, kill_factor: float = 1.0,
                channel_factor: float = 1.0, **extra) -> dict:
    event = {"event": "intel_pause", "start": day(raw, first), "kill_factor": kill_factor,
             "channel_factor": channel_factor, **extra}
    if resume is not None:
        event["end"] = day(raw, resume)
    return event


def ballistic_nights(raw: dict, per_night: float) -> None:
    raw["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    raw["attacker"]["routine"]["mean"] = {"ballistic": per_night}
    raw["suppliers"] = []


def intel_days(daily) -> np.ndarray:
    return np.flatnonzero(~daily["intel_shared"].to_numpy())


AFFECTED_BY_KILLS = {"shot_down_ballistic", "leaked_ballistic", "neutralised_ballistic",  # family totals
                     "shot_down_ballistic_other", "leaked_ballistic_other", "neutralised_ballistic_other",  # the class
                     "damage", "damage_at_City", "value_weighted_damage", "value_protected", "intel_shared"}


@pytest.mark.parametrize("p", [1.0, 0.8])
def test_an_intel_pause_multiplies_kill_probability_on_its_days_only(tiny, p):
    """100 ballistic missiles a night, one round each, kill probability p; kill_factor 0.5 from day 10
    to day 20: 1,000 missiles at p/2. Every other day is the run without the pause, draw for draw."""
    sure_kill_patriot(tiny, p=p)
    ballistic_nights(tiny, 100.0)
    _, plain = run(tiny)
    tiny["timeline"] = [intel_pause(tiny, 10, 20, kill_factor=0.5)]
    _, paused = run(tiny)
    during = slice(10, 20)
    launched = int(paused["launched_ballistic"][during].sum())
    shot = int(paused["shot_down_ballistic"][during].sum())
    assert launched == 1000
    assert within_ci(shot, launched, p / 2), f"{shot}/{launched}, expected {p / 2}"
    assert within_ci(int(plain["shot_down_ballistic"][during].sum()), launched, p)
    outside = np.r_[0:10, 20:31]
    pd.testing.assert_frame_equal(paused.iloc[outside], plain.iloc[outside])  # after it: as before
    changed = {c for c in paused.columns if not paused[c][during].equals(plain[c][during])}
    assert changed <= AFFECTED_BY_KILLS and "shot_down_ballistic" in changed
    np.testing.assert_array_equal(paused["fired_pac3_mse"], plain["fired_pac3_mse"])  # one round a target


@pytest.mark.parametrize(("factor", "channels_left"), [(0.5, 4), (0.25, 2), (0.3, 2), (0.6, 5), (0.0, 0)])
def test_an_intel_pause_scales_fire_channels_rounded(tiny, factor, channels_left):
    """8 channels, 20 missiles a night, sure kills: 8 shot down a night, round(8 * factor) while paused."""
    sure_kill_patriot(tiny, channels=8)
    ballistic_nights(tiny, 20.0)
    tiny["timeline"] = [intel_pause(tiny, 7, 15, channel_factor=factor)]
    _, daily = run(tiny)
    expected = np.full(31, 8)
    expected[7:15] = channels_left
    np.testing.assert_array_equal(daily["shot_down_ballistic"], expected)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], expected)
    np.testing.assert_array_equal(daily["leaked_ballistic"], 20 - expected)


@pytest.mark.parametrize(("missiles", "hours"), [(20, 1.0), (150, 2.5), (600, 8.0)])
def test_an_intel_pause_scales_the_channels_that_engage_again_while_a_wave_passes(tiny, missiles, hours):
    """With `engagement_hours` 0.5 a wave of n threats lasting h = clip(n / 60, 1, 8) hours meets
    round(channels * h / 0.5) engagements: 8 channels, and round(8 * 0.3) = 2 while paused."""
    sure_kill_patriot(tiny, channels=8)
    tiny["catalog"]["battery_types"]["patriot"]["engagement_hours"] = 0.5
    ballistic_nights(tiny, float(missiles))
    tiny["timeline"] = [intel_pause(tiny, 7, 15, channel_factor=0.3)]
    _, daily = run(tiny)
    assert hours == min(max(missiles / 60, 1.0), 8.0)
    expected = np.full(31, math.floor(8 * hours / 0.5 + 0.5))
    expected[7:15] = math.floor(2 * hours / 0.5 + 0.5)
    np.testing.assert_array_equal(daily["launched_ballistic"], missiles)
    np.testing.assert_array_equal(daily["shot_down_ballistic"], expected)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], expected)


@pytest.mark.parametrize("how", ["end", "days", "open"])
def test_intel_shared_is_false_exactly_on_the_pause_days(tiny, how):
    resume = {"end": 19, "days": None, "open": None}[how]
    extra = {"days": 9} if how == "days" else {}
    tiny["timeline"] = [intel_pause(tiny, 10, resume, kill_factor=0.5, **extra)]
    campaign, daily = run(tiny)
    last = {"end": 19, "days": 19, "open": 31}[how]
    np.testing.assert_array_equal(intel_days(daily), np.arange(10, last))
    assert daily["intel_shared"].dtype == bool
    descriptions = [(a.day, a.description) for a in campaign.timeline]
    assert (10, "intelligence sharing stops") in descriptions
    assert ((19, "intelligence sharing resumes") in descriptions) == (how != "open")


def test_without_an_intel_pause_intel_is_always_shared(tiny):
    _, daily = run(tiny)
    assert daily["intel_shared"].all()


def test_overlapping_intel_pauses_multiply(tiny):
    """Pauses on days 5-14 (kill 0.5, channels 0.5) and 10-19 (kill 0.8, channels 0.5), 8 channels."""
    sure_kill_patriot(tiny, channels=8)
    ballistic_nights(tiny, 20.0)
    tiny["timeline"] = [intel_pause(tiny, 10, 20, kill_factor=0.8, channel_factor=0.5),
                        intel_pause(tiny, 5, 15, kill_factor=0.5, channel_factor=0.5)]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    kill, channels = [], []
    for _ in range(campaign.horizon):
        campaign.run(1)
        kill.append(float(campaign.batteries.effectiveness[0]))
        channels.append(int(campaign.batteries.channels[0]))
    expected_kill = np.ones(31)
    expected_kill[5:15] *= 0.5
    expected_kill[10:20] *= 0.8
    np.testing.assert_allclose(kill, expected_kill)
    expected_channels = np.full(31, 8)
    expected_channels[5:10] = expected_channels[15:20] = 4
    expected_channels[10:15] = 2
    np.testing.assert_array_equal(channels, expected_channels)
    daily = campaign.daily()
    np.testing.assert_array_equal(intel_days(daily), np.arange(5, 20))
    assert (daily["shot_down_ballistic"] <= expected_channels).all()
    np.testing.assert_array_equal(daily["fired_pac3_mse"], expected_channels)  # every channel busy


@pytest.mark.parametrize(("event", "key"), [({"end": date(2025, 1, 5)}, "timeline[0].end"),
                                            ({"end": date(2025, 1, 20), "days": 5}, "timeline[0].days")])
def test_a_bad_intel_pause_is_named(tiny, event, key):
    tiny["timeline"] = [{"event": "intel_pause", "start": date(2025, 1, 10), **event}]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == [key]


def test_an_intel_pause_begun_before_the_start_is_in_force_from_the_first_night(tiny):
    tiny["timeline"] = [{"event": "intel_pause", "start": date(2024, 12, 20), "end": date(2025, 1, 6)}]
    daily = AirCampaign(build_scenario(tiny), rng=1).run().daily()
    np.testing.assert_array_equal(intel_days(daily), np.arange(0, 5))  # resumes on 6 January, day 5


def test_an_intel_pause_after_the_end_is_allowed_and_never_comes(tiny):
    """A timeline date past the scenario's end is allowed (a sweep may move it there): it never acts."""
    tiny["timeline"] = [intel_pause(tiny, 40, 45, kill_factor=0.5)]
    _, daily = run(tiny)
    assert daily["intel_shared"].all()
    pd.testing.assert_frame_equal(daily, run({**tiny, "timeline": []})[1])


# ================================================================ ramps
def test_ramp_steps_by_hand():
    assert ramp_steps(10, 31, 1.0, 4.0, 7) == [(10, 1.0), (17, 2.0), (24, 3.0), (31, 4.0)]
    assert ramp_steps(0, 10, 0.0, 10.0, 3) == [(0, 0.0), (3, 3.0), (6, 6.0), (9, 9.0), (10, 10.0)]
    assert ramp_steps(4, 16, 8.0, 2.0, 4) == [(4, 8.0), (8, 6.0), (12, 4.0), (16, 2.0)]  # down as well as up
    assert ramp_steps(5, 5, 1.0, 3.0, 7) == [(5, 3.0)]
    assert ramp_steps(5, 6, 1.0, 3.0, 7) == [(5, 1.0), (6, 3.0)]


def piecewise(before: float, steps: list[tuple[int, float]], days: int) -> np.ndarray:
    rate = np.full(days, before)
    for start, value in steps:
        rate[start:] = value
    return rate


RAMP_STEPS = [(4, 2.0), (8, 4.0), (12, 6.0), (16, 8.0)]  # from 2/day on day 4 to 8/day on day 16, every 4 days


def test_an_attacker_ramp_sets_production_in_a_straight_line(tiny):
    """No stockpile and routine nights wanting more than is made: each night flies that day's production."""
    tiny["attacker"]["initial_stockpile"]["ballistic"] = 0
    tiny["attacker"]["production_per_day"] = {"ballistic": 1.0}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 100.0}
    tiny["timeline"] = [{"event": "attacker_ramp", "threat": "ballistic", "start": day(tiny, 4), "end": day(tiny, 16),
                         "from_per_day": 2.0, "to_per_day": 8.0, "step_days": 4}]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    # a family in a count table or a rate event stands for its default class
    assert [(a.day, a.description) for a in campaign.timeline] == [
        (d, f"attacker ramps to {r:.2f} ballistic_other/day") for d, r in RAMP_STEPS]
    classes = campaign.air_defence.class_names
    ballistic = classes.index("ballistic_other")
    production = []
    for _ in range(campaign.horizon):
        campaign.run(1)
        production.append(campaign.attacker.production[ballistic])
    expected = piecewise(1.0, RAMP_STEPS, 31)
    np.testing.assert_array_equal(production, expected)
    np.testing.assert_array_equal(campaign.daily()["launched_ballistic"], expected)
    assert (campaign.attacker.production[np.arange(len(classes)) != ballistic] == 0).all()  # others untouched


def test_a_supplier_ramp_sets_its_rate_in_a_straight_line(tiny):
    """"us" ships every day, 3 days in transit: each day dispatches that day's rate, delivered 3 days on."""
    quiet(tiny)
    tiny["suppliers"].append({"name": "eu", "products": {"gem_t": 1.0}, "ship_every_days": 1})
    tiny["timeline"] = [{"event": "supplier_ramp", "supplier": "us", "interceptor": "pac3_mse",
                         "start": day(tiny, 4), "end": day(tiny, 16), "from_per_day": 2.0, "to_per_day": 8.0,
                         "step_days": 4}]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    pac3 = campaign.air_defence.interceptor_names.index("pac3_mse")
    rates = []
    for _ in range(campaign.horizon):
        campaign.run(1)
        rates.append(campaign.suppliers["us"].rate[pac3])
    expected = piecewise(1.0, RAMP_STEPS, 31)
    np.testing.assert_array_equal(rates, expected)
    daily = campaign.daily()
    np.testing.assert_array_equal(daily["dispatched_pac3_mse"], expected)
    np.testing.assert_array_equal(daily["delivered_pac3_mse"][3:], expected[:-3])
    assert (daily["dispatched_gem_t"] == 1).all()  # the other supplier is not ramped
    np.testing.assert_array_equal(campaign.suppliers["eu"].rate, [0, 1, 0, 0, 0, 0])


@pytest.mark.parametrize("kind", ["supplier_ramp", "attacker_ramp"])
def test_a_ramp_that_ends_before_it_starts_is_named(tiny, kind):
    who = {"supplier": "us", "interceptor": "pac3_mse"} if kind == "supplier_ramp" else {"threat": "ballistic"}
    tiny["timeline"] = [{"event": kind, **who, "start": day(tiny, 10), "end": day(tiny, 5),
                         "from_per_day": 1.0, "to_per_day": 2.0}]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == ["timeline[0].end"]


# ================================================================ procurement
def procurement(raw: dict, on: int, lead: int, **bought) -> dict:
    return {"event": "procurement", "date": day(raw, on), "supplier": "us", "lead_time_days": lead, **bought}


def idle_supplier(raw: dict) -> None:
    raw["suppliers"][0]["products"] = {"pac3_mse": 0.0}


def test_procured_interceptors_land_after_the_lead_time(tiny):
    quiet(tiny)
    idle_supplier(tiny)
    tiny["timeline"] = [procurement(tiny, 5, 4, interceptors={"pac3_mse": 20, "gem_t": 3})]
    campaign, daily = run(tiny)
    stock = daily["stock_pac3_mse"].to_numpy()
    np.testing.assert_array_equal(stock, np.where(np.arange(31) >= 9, 52, 32))
    np.testing.assert_array_equal(daily["stock_gem_t"], np.where(np.arange(31) >= 9, 11, 8))
    np.testing.assert_array_equal(daily["dispatched_pac3_mse"], np.where(np.arange(31) == 5, 20, 0))
    np.testing.assert_array_equal(daily["in_transit_pac3_mse"], np.where((np.arange(31) >= 5) & (np.arange(31) < 9),
                                                                         20, 0))
    np.testing.assert_array_equal(daily["delivered_pac3_mse"], np.where(np.arange(31) == 9, 20, 0))
    assert [(a.day, a.description) for a in campaign.timeline] == [(5, "the defender buys from us")]


@pytest.mark.parametrize(("budget", "rounds"), [(50_000_000.0, 12), (48_000_000.0, 12), (3_999_999.0, 0),
                                                (4_000_000.0, 1)])
def test_a_budget_buys_whole_rounds_at_catalog_cost(tiny, budget, rounds):
    quiet(tiny)
    idle_supplier(tiny)
    tiny["timeline"] = [procurement(tiny, 2, 0, budget_usd=budget, budget_interceptor="pac3_mse",
                                    interceptors={"pac3_mse": 1}, payer="Germany")]
    campaign, daily = run(tiny)
    assert build_scenario(tiny).catalog.interceptors["pac3_mse"].cost_usd == 4_000_000
    assert daily["dispatched_pac3_mse"].sum() == rounds + 1
    assert daily["delivered_pac3_mse"][2] == rounds + 1  # no lead time: lands the same day
    assert daily["stock_pac3_mse"].iloc[-1] == 32 + rounds + 1
    assert daily["dispatched_gem_t"].sum() == 0
    assert campaign.timeline[0].description == "Germany buys from us"


def test_a_supplier_pause_holds_procured_rounds_at_the_depot(tiny):
    quiet(tiny)
    idle_supplier(tiny)
    tiny["timeline"] = [procurement(tiny, 5, 4, interceptors={"pac3_mse": 20}),
                        {"event": "pause", "supplier": "us", "start": day(tiny, 7), "end": day(tiny, 12)}]
    _, daily = run(tiny)
    days = np.arange(31)
    np.testing.assert_array_equal(daily["held_pac3_mse"], np.where((days >= 9) & (days < 12), 20, 0))
    np.testing.assert_array_equal(daily["delivered_pac3_mse"], np.where(days == 12, 20, 0))
    np.testing.assert_array_equal(daily["stock_pac3_mse"], np.where(days >= 12, 52, 32))


def test_procured_batteries_arrive_after_the_lead_time_with_their_magazines(tiny):
    quiet(tiny)
    idle_supplier(tiny)
    tiny["timeline"] = [procurement(tiny, 5, 6, batteries=[
        {"type": "patriot", "cell": [2, 5], "magazine": {"pac3_mse": 10}, "name": "bought"},
        {"type": "medium_sam", "cell": [3, 5]}])]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    assert campaign.batteries.count == 3  # rows kept for both from the start, inactive
    active = []
    for _ in range(campaign.horizon):
        campaign.run(1)
        active.append(campaign.batteries.active[:3].copy())
    active = np.array(active)
    assert active[:, 0].all()
    np.testing.assert_array_equal(active[:, 1], np.arange(31) >= 11)
    np.testing.assert_array_equal(active[:, 2], np.arange(31) >= 11)
    daily = campaign.daily()
    added = np.arange(31) == 11
    np.testing.assert_array_equal(daily["added_with_batteries_pac3_mse"], np.where(added, 10, 0))
    np.testing.assert_array_equal(daily["added_with_batteries_gem_t"], 0)  # the given magazine replaces the type's
    np.testing.assert_array_equal(daily["added_with_batteries_aim120"], np.where(added, 36, 0))
    np.testing.assert_array_equal(daily["stock_pac3_mse"], np.where(np.arange(31) >= 11, 42, 32))
    names = sorted(b.name for b in campaign.agents_by_type[DefenderBattery])
    assert names == ["bought", "medium_sam-new-3", "patriot-1"]
    assert sorted((a.day, a.description) for a in campaign.timeline) == [
        (5, "the defender buys from us"), (11, "medium_sam bought by the defender"),
        (11, "patriot bought by the defender")]
    assert daily["dispatched_pac3_mse"].sum() == 0  # batteries only: no rounds shipped


def test_interceptors_are_conserved_every_day_with_procurement(tiny):
    tiny["attacker"]["initial_stockpile"].update(drone=PLENTY, ballistic=PLENTY, cruise=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 4.0, "cruise": 3.0, "drone": 30.0}
    tiny["attacker"]["routine"]["dispersion"] = 2.0
    tiny["suppliers"].append({"name": "eu", "products": {"gem_t": 0.5, "aim120": 2.0}, "lead_time_days": 2,
                              "ship_every_days": 3})
    tiny["timeline"] = [
        procurement(tiny, 3, 5, interceptors={"pac3_mse": 15, "gem_t": 4}, budget_usd=20_000_000.0,
                    budget_interceptor="gem_t", batteries=[{"type": "medium_sam", "cell": [4, 5]}]),
        {**procurement(tiny, 12, 2, budget_usd=9_000_000.0, budget_interceptor="aim120"), "supplier": "eu"},
        {"event": "pause", "supplier": "us", "start": day(tiny, 6), "end": day(tiny, 14)},
        {"event": "battery", "type": "patriot", "cell": [5, 5], "date": day(tiny, 9)},
    ]
    campaign, daily = run(tiny)
    types = campaign.air_defence.interceptor_names

    def block(name):
        return daily[[f"{name}_{t}" for t in types]].to_numpy()

    came_in = campaign.initial_stock + block("dispatched").cumsum(axis=0) + block("added_with_batteries").cumsum(0)
    accounted = block("fired").cumsum(axis=0) + block("stock") + block("in_transit") + block("held")
    np.testing.assert_array_equal(came_in, accounted)
    assert block("held").sum() > 0 and block("fired").sum() > 0 and block("added_with_batteries").sum() > 0
    assert daily["dispatched_aim120"][12] == 2 * 3 + 18  # eu's shipment that day and 9M / 500k
    np.testing.assert_array_equal(campaign.batteries.stock.sum(axis=0), block("stock")[-1])


def test_a_procurement_that_names_nothing_to_buy_is_named(tiny):
    tiny["timeline"] = [procurement(tiny, 5, 4, note="empty order")]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == ["timeline[0]"]
    assert "names nothing to buy" in str(caught.value)


def test_a_zero_budget_is_a_valid_sweep_level_that_buys_nothing(tiny):
    tiny["timeline"] = [procurement(tiny, 5, 4, budget_usd=0.0, budget_interceptor="pac3_mse")]
    campaign = AirCampaign(build_scenario(tiny), rng=1).run()
    assert campaign.daily()["dispatched_pac3_mse"].sum() == AirCampaign(
        build_scenario({**tiny, "timeline": []}), rng=1).run().daily()["dispatched_pac3_mse"].sum()


def test_a_budget_without_an_interceptor_is_named(tiny):
    tiny["timeline"] = [procurement(tiny, 5, 4, budget_usd=1e7)]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == ["timeline[0].budget_interceptor"]


# ================================================================ relocation
SITE_B = [5, 9]


def relocation_scenario(raw: dict, relocation: dict | None) -> None:
    """Site A (1, 5) with the Patriot, site B (5, 9) undefended; 4 ballistic missiles a night, sure kills at A.

    Routes run from (9, 5): to A along y = 5, to B diagonally. The Patriot at A is 5.7 cells
    off B's route, and a Patriot at B 4 cells off A's (radius 1.5): each covers only its own site.
    """
    sure_kill_patriot(raw, channels=PLENTY)
    raw["batteries"][0]["magazine"] = {"pac3_mse": 500, "gem_t": 0}
    raw["sites"] = [{"name": "A", "cell": [1, 5], "value": 1.0}, {"name": "B", "cell": SITE_B, "value": 2.0}]
    ballistic_nights(raw, 4.0)
    raw["suppliers"] = [{"name": "us", "products": {"pac3_mse": 1.0}, "ship_every_days": 1}]
    if relocation is not None:
        raw["relocation"] = relocation


RELOCATION = {"types": ["patriot"], "every_days": 5, "window_days": 5, "move_days": 3}


def day_by_day(campaign, days: int):
    """(active, stock row, position, covered value, layers) of battery row 0 during each day's raid."""
    seen = []
    for _ in range(days):
        campaign.run(1)
        batteries = campaign.batteries
        seen.append((bool(batteries.active[0]), batteries.stock[0].copy(), batteries.position(0),
                     float(campaign.covered_value[0]), campaign.air_defence.layers.copy()))
    return seen


def test_a_relocating_battery_is_out_of_the_fight_on_the_way_and_ends_at_the_most_damaged_site(tiny):
    """Days 0-4 nothing leaks at A and B is hit; on day 5 the Patriot leaves A, arriving on day 8."""
    relocation_scenario(tiny, RELOCATION)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    battery = campaign.agents_by_type[DefenderBattery][0]
    np.testing.assert_array_equal(campaign.covered_value, [1.0])
    seen = day_by_day(campaign, 5)
    daily = campaign.daily()
    assert daily["damage_at_A"].sum() == 0 and daily["damage_at_B"].sum() > 0
    assert all(s[0] for s in seen) and all(s[2] == (1, 5) for s in seen)
    seen += day_by_day(campaign, 3)  # days 5, 6, 7: on the way
    assert battery.moving  # it arrives with day 8's events
    daily = campaign.daily()
    for k in (5, 6, 7):
        active, stock, position, covered, layers = seen[k]
        assert not active
        np.testing.assert_array_equal(stock, seen[4][1])  # the magazine row does not change
        assert position == (1, 5)
        assert covered == 0.0
        assert (layers < 0).all()
    assert (daily["fired_pac3_mse"][5:8] == 0).all()
    np.testing.assert_array_equal(daily["leaked_ballistic"][5:8], daily["launched_ballistic"][5:8])
    seen += day_by_day(campaign, 1)  # day 8: set up at B
    active, _, position, covered, layers = seen[8]
    assert active and position == tuple(SITE_B)
    assert battery.cell.coordinate == tuple(SITE_B)
    assert covered == 2.0
    np.testing.assert_array_equal(layers[:, 0] >= 0, [False, True])  # covers B's route, not A's
    np.testing.assert_array_equal(campaign.covered_value, [2.0])


def test_a_moving_battery_is_flagged_between_leaving_and_arriving(tiny):
    relocation_scenario(tiny, RELOCATION)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    battery = campaign.agents_by_type[DefenderBattery][0]
    moving = []
    for _ in range(10):
        campaign.run(1)
        moving.append(battery.moving)
    # the state after day k's raid and before day k + 1's events
    assert moving == [False] * 5 + [True] * 3 + [False] * 2


@pytest.mark.parametrize("relocation", [None, {**RELOCATION, "types": ["gun"]}])
def test_without_relocation_of_its_type_no_battery_ever_moves(tiny, relocation):
    relocation_scenario(tiny, relocation)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    seen = day_by_day(campaign, campaign.horizon)
    assert all(s[0] and s[2] == (1, 5) and s[3] == 1.0 for s in seen)
    daily = campaign.daily()
    assert daily["damage_at_B"].sum() > 0  # there was reason to move
    assert daily["damage_at_A"].sum() == 0  # the Patriot stays on A all month


def test_relocation_changes_nothing_before_the_first_move(tiny):
    relocation_scenario(tiny, None)
    _, still = run(tiny)
    relocation_scenario(tiny, RELOCATION)
    _, moved = run(tiny)
    pd.testing.assert_frame_equal(still.iloc[:5], moved.iloc[:5])
    assert not still.iloc[5:].equals(moved.iloc[5:])


def test_rounds_held_while_the_only_battery_moves_go_out_when_it_arrives(tiny):
    relocation_scenario(tiny, RELOCATION)
    campaign, daily = run(tiny, days=12)
    held = daily["held_pac3_mse"].to_numpy()
    assert (held[5:8] == [1, 2, 3]).all()  # one round a day lands, and no active battery takes it
    assert daily["flowing_us"].all()
    assert held[8] == 0, f"held after arrival: {held[8:]}"


def test_an_unknown_type_to_relocate_is_named(tiny):
    tiny["relocation"] = {"types": ["patriot", "s400"]}
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == ["relocation.types[1]"]


# ================================================================ surge
FAR = [8, 1]


def surge_scenario(raw: dict, **surge) -> None:
    """The relocation scenario with a second Patriot far from both sites, and one timeline entry: a surge to B."""
    relocation_scenario(raw, None)
    raw["batteries"].append({**raw["batteries"][0], "cell": FAR, "name": "far"})
    raw["timeline"] = [{"event": "surge", "type": "patriot", "site": "B", "start": day(raw, 5), "days": 10,
                        "move_days": 2, **surge}]


def whereabouts(campaign, battery, days: int) -> list[tuple[bool, tuple]]:
    """(on the move, cell) of `battery` after each of the next `days` days' raids."""
    seen = []
    for _ in range(days):
        campaign.run(1)
        seen.append((battery.moving, tuple(battery.cell.coordinate)))
    return seen


def test_a_surge_sends_the_nearest_battery_for_its_days_and_brings_it_back(tiny):
    """Day 5 the Patriot on A (nearer B than the far one) leaves; it fights at B from day 7, leaves on day 15,
    and is home from day 17; the far Patriot never moves."""
    surge_scenario(tiny)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    near, far = campaign.agents_by_type[DefenderBattery]
    seen = whereabouts(campaign, near, 20)
    a, b = (1, 5), tuple(SITE_B)
    assert seen == [(False, a)] * 5 + [(True, a)] * 2 + [(False, b)] * 8 + [(True, b)] * 2 + [(False, a)] * 3
    assert not far.moving and tuple(far.cell.coordinate) == tuple(FAR)
    daily = campaign.daily()
    assert daily["damage_at_B"].iloc[:5].sum() > 0  # undefended before the surge
    assert daily["damage_at_B"].iloc[7:15].sum() == 0  # sure kills while the Patriot is there
    assert daily["damage_at_A"].iloc[7:15].sum() > 0  # and A pays for it
    assert (daily["fired_pac3_mse"].iloc[5:7] == 0).all()  # on the way, neither fires (the far one covers neither)


def test_a_surge_without_an_end_is_a_permanent_move(tiny):
    surge_scenario(tiny, days=None)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    near, _ = campaign.agents_by_type[DefenderBattery]
    seen = whereabouts(campaign, near, campaign.horizon)
    assert seen[-1] == (False, tuple(SITE_B)) and sum(moving for moving, _ in seen) == 2


def test_a_surge_of_more_batteries_than_are_in_the_fight_sends_those_there_are(tiny):
    surge_scenario(tiny, batteries=5)
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    campaign.run(8)
    assert {tuple(b.cell.coordinate) for b in campaign.agents_by_type[DefenderBattery]} == {tuple(SITE_B)}


def test_a_surge_changes_nothing_before_it_starts(tiny):
    surge_scenario(tiny)
    _, surged = run(tiny)
    tiny["timeline"] = []
    _, still = run(tiny)
    pd.testing.assert_frame_equal(still.iloc[:5], surged.iloc[:5])
    assert not still.iloc[5:].equals(surged.iloc[5:])


@pytest.mark.parametrize(("surge", "key", "why"), [
    ({"site": "Odesa"}, "timeline[0].site", "unknown site; known: A, B"),
    ({"type": "thaad"}, "timeline[0].type", "unknown battery type"),
    ({"days": 2}, "timeline[0].days", "ends before its batteries arrive"),
    ({"end": date(2025, 1, 20)}, "timeline[0].days", "an end or a length in days, not both"),
])
def test_a_bad_surge_is_named_at_its_key(tiny, surge, key, why):
    surge_scenario(tiny, **surge)
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    assert problem_keys(caught.value) == [key]
    assert why in str(caught.value)


# ================================================================ every option is a sweep factor
POLICY_SCENARIO = """\
extends = "baseline-2025"
name = "policies"

[relocation]
types = ["patriot", "medium_sam"]
every_days = 14
window_days = 14
move_days = 3
moves = 1

[attacker.adaptation]
window_days = 14
strength = 1.0

[catalog.doctrines.patriot_keep_off_drones]
conserve_below = 10

[[timeline]]
event = "intel_pause"
start = 2025-03-05
days = 8
kill_factor = 0.8
channel_factor = 1.0

[[timeline]]
event = "supplier_ramp"
supplier = "us-pac3"
interceptor = "pac3_mse"
start = 2025-02-01
end = 2025-10-01
from_per_day = 1.7
to_per_day = 2.5

[[timeline]]
event = "attacker_ramp"
threat = "drone"
start = 2025-01-15
end = 2025-09-15
from_per_day = 95.0
to_per_day = 150.0

[[timeline]]
event = "procurement"
date = 2025-06-01
supplier = "us-pac3"
interceptors = { pac3_mse = 30 }
budget_usd = 100_000_000.0
budget_interceptor = "pac3_mse"
lead_time_days = 60
batteries = [{ type = "patriot", cell = [11, 12] }]
"""


def _get(scenario, path: str):
    node = scenario
    for part in path.replace("]", "").replace("[", ".").split("."):
        node = node[int(part)] if part.isdigit() else (node[part] if isinstance(node, dict) else getattr(node, part))
    return node


BASELINE_FACTORS = [
    ("catalog.doctrines.patriot_keep_off_drones.conserve_below", [0, 24]),
    ("catalog.doctrines.patriot_keep_off_drones.conserve_engage", [["ballistic"], ["ballistic", "cruise"]]),
    ("suppliers[0].allocation", ["proportional", "by_site_value"]),
    ("suppliers[2].allocation", ["lowest_stock_first", "by_site_value"]),
    ("attacker.targeting", ["spread", "thinnest"]),
    ("attacker.strategy", ["steady", "stockpile_and_salvo"]),
    ("attacker.salvo_stockpile_share", [0.3, 0.7]),
    ("attacker.adaptation", [{"window_days": 7}, {"window_days": 21, "strength": 2.0}]),
    ("relocation", [{"types": ["patriot"]}, {"types": ["medium_sam"], "move_days": 5}]),
]

POLICY_FACTORS = [
    ("relocation.types", [["patriot"], ["patriot", "gun"]]),
    ("relocation.every_days", [7, 21]),
    ("relocation.window_days", [7, 28]),
    ("relocation.move_days", [0, 5]),
    ("relocation.moves", [1, 3]),
    ("attacker.adaptation.strength", [0.5, 2.0]),
    ("attacker.adaptation.max_decoy_share", [0.5, 0.9]),
    ("catalog.doctrines.patriot_keep_off_drones.conserve_below", [5, 40]),
    ("timeline[0].kill_factor", [0.5, 0.9]),
    ("timeline[0].channel_factor", [0.5, 1.0]),
    ("timeline[0].days", [7, 30]),
    ("timeline[0].start", [date(2025, 3, 1), date(2025, 7, 1)]),
    ("timeline[1].to_per_day", [2.0, 4.0]),
    ("timeline[1].step_days", [7, 30]),
    ("timeline[1].end", [date(2025, 6, 1), date(2025, 12, 1)]),
    ("timeline[2].from_per_day", [50.0, 95.0]),
    ("timeline[2].to_per_day", [100.0, 200.0]),
    ("timeline[3].lead_time_days", [30, 90]),
    ("timeline[3].budget_usd", [0.0, 200_000_000.0]),
    ("timeline[3].interceptors.pac3_mse", [0, 60]),
    ("timeline[3].batteries", [[], [{"type": "patriot", "cell": [17, 7]}]]),
    ("timeline[3].date", [date(2025, 4, 1), date(2025, 8, 1)]),
]


def plan_for(path: str, values: list, scenario: str = "baseline-2025", base_dir: str = "") -> SweepPlan:
    spec = parse_spec({"name": "policy", "scenario": scenario, "replications": 1, "root_seed": 1,
                       "factors": [{"name": "option", "kind": "lever", "path": path, "values": values}]},
                      base_dir=base_dir)
    return SweepPlan(spec)


def assert_values_reach_the_scenario(plan: SweepPlan, path: str, values: list) -> None:
    """Each level is in the built scenario; a list of threat families arrives as the families' classes."""
    assert plan.design["option"].tolist() == values
    for value in values:
        scenario = build_scenario(plan.scenario_data({"option": value}))
        got = _get(scenario, path)
        if path.endswith("engage"):
            threats = scenario.catalog.threats
            value = [c for name in value for c in ([name] if name in threats else
                                                  [c for c, t in threats.items() if t.family == name])]
        if hasattr(got, "model_dump"):
            got = {k: v for k, v in got.model_dump().items() if k in value}
        elif isinstance(got, list) and got and hasattr(got[0], "model_dump"):
            got = [{k: v for k, v in g.model_dump().items() if k in w} for g, w in zip(got, value, strict=True)]
        assert got == value, (path, got, value)


@pytest.mark.parametrize(("path", "values"), BASELINE_FACTORS, ids=[p for p, _ in BASELINE_FACTORS])
def test_every_policy_option_is_a_factor_on_the_baseline(path, values):
    plan = plan_for(path, values)
    assert_values_reach_the_scenario(plan, path, values)


@pytest.fixture(scope="module")
def policy_scenario(tmp_path_factory):
    folder = tmp_path_factory.mktemp("policies")
    (folder / "policies.toml").write_text(POLICY_SCENARIO)
    return folder


@pytest.mark.parametrize(("path", "values"), POLICY_FACTORS, ids=[p for p, _ in POLICY_FACTORS])
def test_every_policy_option_is_a_factor_where_the_scenario_sets_it(policy_scenario, path, values):
    plan = plan_for(path, values, scenario="policies.toml", base_dir=str(policy_scenario))
    assert_values_reach_the_scenario(plan, path, values)


def test_the_policy_scenario_runs_with_every_option_on(policy_scenario):
    """The scenario the sweep tests vary: it builds, schedules each option, and its books balance."""
    plan = plan_for("relocation.move_days", [3, 4], scenario="policies.toml", base_dir=str(policy_scenario))
    raw = plan.scenario_data({"option": 3})
    campaign, daily = run(raw, seed=3)
    descriptions = {a.description for a in campaign.timeline}
    assert {"intelligence sharing stops", "intelligence sharing resumes", "the defender buys from us-pac3",
            "patriot bought by the defender"} <= descriptions
    assert any(d.startswith("us-pac3 ramps to") for d in descriptions)
    assert any(d.startswith("attacker ramps to") for d in descriptions)
    assert not daily["intel_shared"].all()
    assert daily["added_with_batteries_pac3_mse"].sum() == 32
    assert daily["dispatched_pac3_mse"][campaign.config.day_of(date(2025, 6, 1))] >= 30 + 25
    types = campaign.air_defence.interceptor_names
    came_in = (campaign.initial_stock + daily[[f"dispatched_{t}" for t in types]].to_numpy().cumsum(axis=0)
               + daily[[f"added_with_batteries_{t}" for t in types]].to_numpy().cumsum(axis=0))
    accounted = sum(daily[[f"{b}_{t}" for t in types]].to_numpy() for b in ("stock", "in_transit", "held"))
    accounted = accounted + daily[[f"fired_{t}" for t in types]].to_numpy().cumsum(axis=0)
    np.testing.assert_array_equal(came_in, accounted)


# ================================================================ conserve mode: only threats to named sites
def two_sites(tiny, conserve_sites):
    tiny["sites"].append({"name": "Town", "cell": [1, 4], "value": 1.0})
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 6.0}
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {
        "conserve_below": 10**6, "conserve_engage": ["ballistic"], "conserve_sites": conserve_sites}}}
    return AirCampaign(build_scenario(tiny), rng=4)


def nights_by_site(campaign, nights: int = 20):
    """Per night: (launched, stopped) on the routes to each site, by site name."""
    names = [campaign.config.sites[k].name for k in campaign.route_site]
    for _ in range(nights):
        campaign.step()
        stopped = campaign.night_launched - campaign.night_leaked
        yield {name: (int(campaign.night_launched[[n == name for n in names]].sum()),
                      int(stopped[[n == name for n in names]].sum())) for name in set(names)}


def test_a_conserving_battery_guarding_the_capital_lets_threats_to_other_sites_through(tiny):
    nights = list(nights_by_site(two_sites(tiny, ["City"])))
    assert all(night["Town"][1] == 0 for night in nights)  # nothing flying at Town is stopped
    assert sum(night["Town"][0] for night in nights) > 0 and sum(night["City"][1] for night in nights) > 0


def test_without_conserve_sites_the_battery_defends_every_site_it_covers(tiny):
    assert sum(night["Town"][1] for night in nights_by_site(two_sites(tiny, []))) > 0


def test_an_unknown_conserve_site_is_named(tiny):
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {"conserve_below": 5, "conserve_sites": ["Atlantis"]}}}
    with pytest.raises(ScenarioError, match=r"conserve_sites\[0\]"):
        build_scenario(tiny)


# ================================================================ force changes and kill probability changes
PATRIOT_ROUNDS = {"pac3_mse": 48, "gem_t": 8}  # the catalog's launcher rounds


def force_patriot(raw: dict, channels: int = 9) -> None:
    """Sure-kill Patriot with the catalog's 9 channels and launcher rounds, one engagement per channel a wave."""
    sure_kill_patriot(raw, channels=channels)
    raw["catalog"]["battery_types"]["patriot"]["launcher_rounds"] = dict(PATRIOT_ROUNDS)


def day_by_day_force(campaign) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(channels, launcher rounds, EW shares) of every row during each day's raid."""
    channels, rounds, ew = [], [], []
    for _ in range(campaign.horizon):
        campaign.run(1)
        batteries = campaign.batteries
        channels.append(batteries.channels.copy())
        rounds.append(batteries.launcher_rounds.copy())
        ew.append(batteries.ew_share.copy())
    return np.array(channels), np.array(rounds), np.array(ew)


def rows_by_name(campaign) -> dict[str, int]:
    return {b.name: b.index for b in campaign.agents_by_type[DefenderBattery]}


def test_a_force_change_scales_channels_and_launcher_rounds_from_its_day(tiny):
    """capacity_factor 1.7 on day 10: 9 channels -> 15, launcher rounds 48 / 8 -> 82 / 14, for the Patriot in
    place and for one arriving on day 15; a medium SAM keeps its own. 20 missiles a night, sure kills: 9
    shot down a night, 15 from day 10."""
    force_patriot(tiny)
    ballistic_nights(tiny, 20.0)
    tiny["timeline"] = [
        {"event": "force", "date": day(tiny, 10), "type": "patriot", "capacity_factor": 1.7},
        {"event": "battery", "date": day(tiny, 15), "type": "patriot", "cell": [5, 9], "name": "late"},
        {"event": "battery", "date": day(tiny, 3), "type": "medium_sam", "cell": [5, 9], "name": "sam"},
    ]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    names = campaign.air_defence.interceptor_names
    pac3, gem_t = names.index("pac3_mse"), names.index("gem_t")
    channels, rounds, _ = day_by_day_force(campaign)
    rows = rows_by_name(campaign)
    first, late, sam = rows["patriot-1"], rows["late"], rows["sam"]
    after = np.arange(31) >= 10
    np.testing.assert_array_equal(channels[:, first], np.where(after, round(9 * 1.7), 9))
    np.testing.assert_array_equal(rounds[:, first, pac3], np.where(after, round(48 * 1.7), 48))
    np.testing.assert_array_equal(rounds[:, first, gem_t], np.where(after, round(8 * 1.7), 8))
    assert (round(9 * 1.7), round(48 * 1.7), round(8 * 1.7)) == (15, 82, 14)
    arrived = np.arange(31) >= 15
    assert campaign.batteries.active[late]
    np.testing.assert_array_equal(channels[arrived, late], 15)  # arrives with the type's factor
    np.testing.assert_array_equal(rounds[arrived, late][:, [pac3, gem_t]], np.tile([82, 14], (16, 1)))
    np.testing.assert_array_equal(channels[:, sam], 6)  # another type: untouched
    aim120 = names.index("aim120")
    np.testing.assert_array_equal(rounds[:, sam, aim120], 18)
    daily = campaign.daily()
    np.testing.assert_array_equal(daily["shot_down_ballistic"], np.where(after, 15, 9))
    np.testing.assert_array_equal(daily["fired_pac3_mse"], np.where(after, 15, 9))


def test_a_force_change_limits_launcher_rounds_as_it_scales_them(tiny):
    """Launchers, not channels, bound the night: 10 ready PAC-3 MSE a night, 6 from day 12 (factor 0.6)."""
    force_patriot(tiny, channels=PLENTY)
    tiny["catalog"]["battery_types"]["patriot"]["launcher_rounds"] = {"pac3_mse": 10, "gem_t": 0}
    ballistic_nights(tiny, 20.0)
    tiny["timeline"] = [{"event": "force", "date": day(tiny, 12), "type": "patriot", "capacity_factor": 0.6}]
    _, daily = run(tiny)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], np.where(np.arange(31) >= 12, 6, 10))
    np.testing.assert_array_equal(daily["shot_down_ballistic"], daily["fired_pac3_mse"])


def test_a_capacity_ramp_sets_the_factor_in_straight_line_steps(tiny):
    """From 1 on day 4 to 2 on day 16 every 4 days: channels round(9 f), launcher rounds round(48 f), round(8 f)."""
    force_patriot(tiny)
    quiet(tiny)
    tiny["timeline"] = [{"event": "force_ramp", "type": "patriot", "quantity": "capacity", "start": day(tiny, 4),
                         "end": day(tiny, 16), "from_factor": 1.0, "to_factor": 2.0, "step_days": 4}]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    steps = ramp_steps(4, 16, 1.0, 2.0, 4)
    assert [a.day for a in campaign.timeline] == [d for d, _ in steps] == [4, 8, 12, 16]
    channels, rounds, ew = day_by_day_force(campaign)
    factor = piecewise(1.0, steps, 31)
    names = campaign.air_defence.interceptor_names
    np.testing.assert_array_equal(channels[:, 0], [round(9 * f) for f in factor])
    np.testing.assert_array_equal(rounds[:, 0, names.index("pac3_mse")], [round(48 * f) for f in factor])
    np.testing.assert_array_equal(rounds[:, 0, names.index("gem_t")], [round(8 * f) for f in factor])
    assert sorted(set(channels[:, 0])) == [9, 12, 15, 18]
    assert (ew == 0).all()  # a capacity ramp leaves EW alone


@pytest.mark.parametrize("how", ["ramp", "event"])
def test_an_ew_change_scales_the_ew_types_share(tiny, how):
    """EW at (5, 5) on the only route, its catalog share 0.4 of drones and decoys, times the factor from
    1 to 0.5 (a ramp over the month, or one event on day 10); 200 drones a night that the Patriot does not
    engage: the share lost to EW follows, within the 99.9% interval of each period."""
    force_patriot(tiny)
    drones_only(tiny, 200.0)
    tiny["batteries"].append({"type": "ew", "cell": [5, 5]})
    if how == "ramp":
        tiny["timeline"] = [{"event": "force_ramp", "type": "ew", "quantity": "ew", "start": day(tiny, 0),
                             "end": day(tiny, 30), "from_factor": 1.0, "to_factor": 0.5, "step_days": 10}]
        steps = ramp_steps(0, 30, 1.0, 0.5, 10)
    else:
        tiny["timeline"] = [{"event": "force", "date": day(tiny, 10), "type": "ew", "ew_factor": 0.5}]
        steps = [(10, 0.5)]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    channels, _, ew = day_by_day_force(campaign)
    factor = piecewise(1.0, steps, 31)
    classes = campaign.air_defence.class_names
    base = np.array([0.4 if c in ("drone", "decoy") else 0.0 for c in classes])
    np.testing.assert_allclose(ew[:, 1], factor[:, None] * base[None, :])
    assert (ew[:, 0] == 0).all() and (channels[:, 0] == 9).all()  # the Patriot: no EW, capacity untouched
    daily = campaign.daily()
    assert daily["shot_down_drone"].sum() == 0
    for start, end in zip([0] + [d for d, _ in steps], [d for d, _ in steps] + [31], strict=True):
        if end - start < 1:
            continue
        lost = int(daily["lost_to_ew_drone"][start:end].sum())
        flown = int(daily["launched_drone"][start:end].sum())
        assert within_ci(lost, flown, 0.4 * factor[start]), (start, lost, flown, factor[start])


def test_a_kill_probability_change_names_a_family_or_one_class_from_its_day(tiny):
    """pac3_mse against the cruise family -> 0.3 on day 10 (every cruise class, Kh-22 and Kh-31 too);
    gem_t against kh22 alone -> 0.05 on day 20. Nothing else changes."""
    quiet(tiny)
    tiny["timeline"] = [
        {"event": "kill_probability", "date": day(tiny, 10), "interceptor": "pac3_mse", "threat": "cruise",
         "value": 0.3},
        {"event": "kill_probability", "date": day(tiny, 20), "interceptor": "gem_t", "threat": "kh22",
         "value": 0.05},
    ]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    defence = campaign.air_defence
    classes, names = defence.class_names, defence.interceptor_names
    cruise = [classes.index(c) for c, t in campaign.config.catalog.threats.items() if t.family == "cruise"]
    assert [classes[c] for c in cruise] == ["kh101", "kalibr", "iskander_k", "kh59", "kh22", "kh31",
                                            "cruise_other"]
    pac3, gem_t, kh22 = names.index("pac3_mse"), names.index("gem_t"), classes.index("kh22")
    catalog = defence.kill_probability.copy()
    assert (catalog[pac3, classes.index("kh101")], catalog[pac3, kh22], catalog[gem_t, kh22]) == (0.85, 0.5, 0.3)
    seen = []
    for _ in range(campaign.horizon):
        campaign.run(1)
        seen.append(defence.kill_probability.copy())
    for k, table in enumerate(seen):
        expected = catalog.copy()
        if k >= 10:
            expected[pac3, cruise] = 0.3
        if k >= 20:
            expected[gem_t, kh22] = 0.05
        np.testing.assert_array_equal(table, expected, err_msg=f"day {k}")


def test_a_kill_probability_change_reaches_the_fight(tiny):
    """100 cruise missiles a night (the family's default class), one PAC-3 MSE each: 0.85 killed, 0.3 from
    day 15, within the 99.9% interval."""
    tiny["batteries"][0]["magazine"] = {"pac3_mse": PLENTY, "gem_t": 0}
    tiny["attacker"]["initial_stockpile"]["cruise"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"cruise": 100.0}
    tiny["suppliers"] = []
    tiny["catalog"] = {
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "launcher_rounds": {"pac3_mse": PLENTY}}},
        "doctrines": {"patriot_keep_off_drones": {"engage": ["cruise"], "ballistic_reserve": 0,
                                                  "shots_per_target": {"cruise": 1}}}}
    tiny["timeline"] = [{"event": "kill_probability", "date": day(tiny, 15), "interceptor": "pac3_mse",
                         "threat": "cruise", "value": 0.3}]
    _, daily = run(tiny)
    np.testing.assert_array_equal(daily["launched_cruise_other"], 100)
    for period, q in ((slice(0, 15), 0.85), (slice(15, 31), 0.3)):
        shot = int(daily["shot_down_cruise_other"][period].sum())
        fired = int(daily["fired_pac3_mse"][period].sum())
        assert fired == int(daily["launched_cruise"][period].sum())
        assert within_ci(shot, fired, q), (period, shot, fired, q)


BAD_FORCE = [
    ("force_type", {"event": "force", "date": date(2025, 1, 10), "type": "thaad", "capacity_factor": 2.0},
     "timeline[0].type = 'thaad'", "unknown battery type"),
    ("ramp_type", {"event": "force_ramp", "type": "thaad", "quantity": "ew", "start": date(2025, 1, 2),
                   "end": date(2025, 1, 20), "from_factor": 1.0, "to_factor": 0.5},
     "timeline[0].type = 'thaad'", "unknown battery type"),
    ("kill_interceptor", {"event": "kill_probability", "date": date(2025, 1, 10), "interceptor": "thaad_round",
                          "threat": "ballistic", "value": 0.5},
     "timeline[0].interceptor = 'thaad_round'", "unknown interceptor type"),
    ("kill_threat", {"event": "kill_probability", "date": date(2025, 1, 10), "interceptor": "pac3_mse",
                     "threat": "hypersonic", "value": 0.5},
     "timeline[0].threat = 'hypersonic'", "unknown threat class or family"),
    ("no_factor", {"event": "force", "date": date(2025, 1, 10), "type": "patriot", "note": "more crews"},
     "timeline[0] = 'more crews'", "changes nothing"),
    ("kill_above_one", {"event": "kill_probability", "date": date(2025, 1, 10), "interceptor": "pac3_mse",
                        "threat": "ballistic", "value": 1.5},
     "timeline[0].value = 1.5", "less than or equal to 1"),
]


@pytest.mark.parametrize(("event", "where", "why"), [b[1:] for b in BAD_FORCE], ids=[b[0] for b in BAD_FORCE])
def test_a_bad_force_or_kill_probability_event_is_named_with_file_key_and_value(tiny, event, where, why):
    tiny["timeline"] = [event]
    with pytest.raises(ScenarioError, match="^" + re.escape(f"tiny.toml: {where}: ") + ".*" + re.escape(why)) as caught:
        build_scenario(tiny, "tiny.toml")
    assert len(caught.value.problems) == 1


def test_a_force_event_with_neither_factor_names_the_event_by_its_date(tiny):
    tiny["timeline"] = [{"event": "force", "date": date(2025, 1, 10), "type": "patriot"}]
    with pytest.raises(ScenarioError, match=re.escape("tiny.toml: timeline[0] = 2025-01-10: "
                                                      "changes nothing: give capacity_factor or ew_factor")):
        build_scenario(tiny, "tiny.toml")


def test_a_negative_range_is_named(tiny):
    tiny["catalog"] = {"threats": {"kh101": {"range_km": -100.0}}}
    with pytest.raises(ScenarioError, match=re.escape("tiny.toml: catalog.threats.kh101.range_km = -100.0: ")
                       + ".*greater than 0") as caught:
        build_scenario(tiny, "tiny.toml")
    assert [key for key, _, _ in caught.value.problems] == ["catalog.threats.kh101.range_km"]


def test_a_preference_for_a_round_the_battery_does_not_carry_is_named(tiny):
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {"preference": {
        "ballistic": ["pac3_mse", "gem_t"], "cruise": ["gem_t", "aim120"]}}}}
    with pytest.raises(ScenarioError, match=re.escape(
            "tiny.toml: catalog.doctrines.patriot_keep_off_drones.preference.cruise[1] = 'aim120': ")
            + "patriot batteries do not carry it") as caught:
        build_scenario(tiny, "tiny.toml")
    assert len(caught.value.problems) == 1


def test_a_preference_is_checked_against_every_battery_using_the_doctrine(tiny):
    """A medium SAM placed with the Patriot's doctrine: its aim120 is not in the doctrine's preference."""
    tiny["batteries"].append({"type": "medium_sam", "cell": [3, 5], "doctrine": "patriot_keep_off_drones"})
    with pytest.raises(ScenarioError, match=re.escape(
            "tiny.toml: catalog.doctrines.patriot_keep_off_drones.preference.ballistic[0] = 'pac3_mse': "
            "batteries[1] (medium_sam) do not carry it")):
        build_scenario(tiny, "tiny.toml")


def test_site_shots_for_an_unknown_site_is_named(tiny):
    tiny["catalog"] = {"doctrines": {"patriot_keep_off_drones": {"site_shots": {"Atlantis": {"ballistic": 3}}}}}
    with pytest.raises(ScenarioError, match=re.escape(
            "tiny.toml: catalog.doctrines.patriot_keep_off_drones.site_shots.Atlantis = 'Atlantis': unknown site")):
        build_scenario(tiny, "tiny.toml")


BAD_FORCE_FILE = """\
extends = "baseline-2025"
name = "bad-force"

[[timeline]]
event = "force"
date = 2025-03-01
type = "thaad"
capacity_factor = 2.0
"""


def test_the_cli_refuses_a_bad_force_event_and_writes_nothing(tmp_path, capsys):
    from experiments.cli import main

    path = tmp_path / "bad-force.toml"
    path.write_text(BAD_FORCE_FILE)
    out = tmp_path / "run"
    assert main(["run", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad-force.toml"]
    err = capsys.readouterr().err
    assert f"{path}: timeline[0].type = 'thaad': unknown battery type" in err


def test_an_ew_factor_above_one_never_makes_the_share_exceed_one(tiny):
    """EW share 0.8 doubled on day 10: from then on EW takes every drone that meets it, never more (the
    share is a probability, capped at 1; found by the property test)."""
    force_patriot(tiny)
    drones_only(tiny, 200.0)
    tiny["batteries"].append({"type": "ew", "cell": [5, 5]})
    tiny["catalog"].setdefault("battery_types", {}).setdefault("ew", {})["ew_share"] = {"drone": 0.8, "decoy": 0.8}
    tiny["timeline"] = [{"event": "force", "date": day(tiny, 10), "type": "ew", "ew_factor": 2.0}]
    campaign = AirCampaign(build_scenario(tiny), rng=SEED)
    _, _, ew = day_by_day_force(campaign)
    assert ew[:, 1].max() == 1.0 and ew[:10, 1].max() == 0.8
    daily = campaign.daily()
    late = daily.iloc[10:]
    assert (late["lost_to_ew_drone"] == late["launched_drone"]).all() and late["leaked_drone"].sum() == 0
