"""Aid pauses: held deliveries, resumption, overlapping pauses and drawn pause processes.

The tiny scenario (conftest.py) gets a second supplier, "eu", shipping GEM-T to
the same Patriot battery. "us" ships 1 PAC-3 MSE every day with a 3-day lead
time, so from day 3 on one round lands every day: while "us" is paused each
landing waits at the depot, one more round a day.
"""

import copy
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import AirCampaign, build_scenario

SEED = 7
A, B = 8, 15  # the pause: first day paused, day deliveries resume
EU_COLUMNS = ["dispatched_gem_t", "delivered_gem_t", "in_transit_gem_t", "held_gem_t", "flowing_eu"]


@pytest.fixture
def two_suppliers(tiny) -> dict:
    tiny["suppliers"].append({"name": "eu", "products": {"gem_t": 1.0}, "lead_time_days": 2,
                              "ship_every_days": 1})
    return tiny


def pause(raw: dict, first: int, resume: int | None, supplier: str = "us") -> dict:
    """A pause event from day `first` (paused) to day `resume` (deliveries resume), by day index."""
    event = {"event": "pause", "supplier": supplier, "start": raw["start"] + timedelta(days=first)}
    if resume is not None:
        event["end"] = raw["start"] + timedelta(days=resume)
    return event


def run(raw: dict, seed: int = SEED):
    campaign = AirCampaign(build_scenario(raw), rng=seed).run()
    return campaign, campaign.daily()


def paused_days(daily) -> np.ndarray:
    return np.flatnonzero(~daily["flowing_us"].to_numpy())


# ---------------------------------------------------------------- one pause
@pytest.fixture
def paused(two_suppliers):
    raw = copy.deepcopy(two_suppliers)  # the fixture's dict stays without a pause
    raw["timeline"] = [pause(raw, A, B)]
    return run(raw)[1]


def test_nothing_is_delivered_while_paused(paused):
    delivered = paused["delivered_pac3_mse"].to_numpy()
    assert (delivered[A:B] == 0).all()
    assert (delivered[3:A] == 1).all()  # one round a day lands and goes out before the pause


def test_held_rounds_pile_up_while_paused(paused):
    held = paused["held_pac3_mse"].to_numpy()
    assert (held[:A] == 0).all()
    assert held[A] > 0
    assert (np.diff(held[A:B]) > 0).all()
    np.testing.assert_array_equal(held[A:B], np.arange(1, B - A + 1))  # one landing a day


def test_held_rounds_go_out_on_the_day_of_resumption(paused):
    delivered = paused["delivered_pac3_mse"].to_numpy()
    held = paused["held_pac3_mse"].to_numpy()
    assert delivered[B] >= held[B - 1] > 0
    assert delivered[B] == held[B - 1] + 1  # the depot and that day's own landing
    assert (held[B:] == 0).all()
    assert (delivered[B + 1:] == 1).all()


def test_flowing_is_false_exactly_on_paused_days(paused):
    np.testing.assert_array_equal(paused_days(paused), np.arange(A, B))
    assert paused["flowing_eu"].all()


def test_the_pause_leaves_the_other_supplier_alone(two_suppliers, paused):
    _, unpaused = run(two_suppliers)
    pd.testing.assert_frame_equal(paused[EU_COLUMNS], unpaused[EU_COLUMNS])
    assert unpaused["delivered_gem_t"].sum() > 0
    # and the pause did change the paused supplier's deliveries
    assert not paused["delivered_pac3_mse"].equals(unpaused["delivered_pac3_mse"])
    assert paused["delivered_pac3_mse"].sum() == unpaused["delivered_pac3_mse"].sum()


def test_the_pause_is_on_the_campaign_timeline(two_suppliers):
    two_suppliers["timeline"] = [pause(two_suppliers, A, B)]
    campaign, _ = run(two_suppliers)
    assert sorted((a.day, a.description) for a in campaign.timeline) == [(A, "pause us"), (B, "resume us")]


def test_a_pause_without_end_holds_everything_to_the_end(two_suppliers):
    two_suppliers["timeline"] = [pause(two_suppliers, A, None)]
    campaign, daily = run(two_suppliers)
    np.testing.assert_array_equal(paused_days(daily), np.arange(A, campaign.horizon))
    assert daily["delivered_pac3_mse"][A:].sum() == 0
    assert daily["held_pac3_mse"].iloc[-1] == campaign.horizon - A  # every landing from day A on


# ---------------------------------------------------------------- overlapping pauses
@pytest.mark.parametrize("order", ["chronological", "reversed"])
@pytest.mark.parametrize(("first", "second", "paused_span"), [
    ((5, 15), (10, 20), (5, 20)),   # overlapping
    ((5, 20), (8, 12), (5, 20)),    # one inside the other
    ((5, 12), (5, 18), (5, 18)),    # same start
])
def test_overlapping_pauses_last_until_the_last_one_ends(two_suppliers, order, first, second, paused_span):
    events = [pause(two_suppliers, *first), pause(two_suppliers, *second)]
    two_suppliers["timeline"] = events if order == "chronological" else events[::-1]
    _, daily = run(two_suppliers)
    lo, hi = paused_span
    np.testing.assert_array_equal(paused_days(daily), np.arange(lo, hi))
    delivered = daily["delivered_pac3_mse"].to_numpy()
    held = daily["held_pac3_mse"].to_numpy()
    assert (delivered[lo:hi] == 0).all()
    np.testing.assert_array_equal(held[lo:hi], np.arange(1, hi - lo + 1))
    assert delivered[hi] == held[hi - 1] + 1
    assert held[hi] == 0


def test_three_overlapping_pauses_last_until_the_last_one_ends(two_suppliers):
    """Each resume ends one pause of those in force (a count, not a halving: 3 -> 2 -> 1 -> 0)."""
    two_suppliers["timeline"] = [pause(two_suppliers, 5, 20), pause(two_suppliers, 6, 15), pause(two_suppliers, 7, 12)]
    _, daily = run(two_suppliers)
    np.testing.assert_array_equal(paused_days(daily), np.arange(5, 20))
    assert (daily["delivered_pac3_mse"][5:20] == 0).all()


def test_back_to_back_pauses_deliver_nothing_on_the_day_between(two_suppliers):
    two_suppliers["timeline"] = [pause(two_suppliers, 5, 10), pause(two_suppliers, 10, 15)]
    _, in_date_order = run(two_suppliers)
    two_suppliers["timeline"] = two_suppliers["timeline"][::-1]
    _, reversed_order = run(two_suppliers)
    for daily in (reversed_order, in_date_order):
        np.testing.assert_array_equal(paused_days(daily), np.arange(5, 15))
        assert (daily["delivered_pac3_mse"][5:15] == 0).all()
    pd.testing.assert_frame_equal(in_date_order, reversed_order)


# ---------------------------------------------------------------- drawn pauses
PROCESS = {"supplier": "us", "mean_interval_days": 6.0, "mean_duration_days": 3.0}


def drawn(campaign) -> list[tuple[int, str]]:
    return [(a.day, a.description) for a in campaign.timeline]


def test_drawn_pauses_follow_the_seed(two_suppliers):
    two_suppliers["pause_processes"] = [PROCESS]
    runs = {seed: run(two_suppliers, seed) for seed in (1, 2)}
    again, again_daily = run(two_suppliers, 1)
    assert drawn(again) == drawn(runs[1][0])
    pd.testing.assert_frame_equal(again_daily, runs[1][1])
    assert drawn(runs[1][0]) != drawn(runs[2][0])
    assert not runs[1][1]["flowing_us"].equals(runs[2][1]["flowing_us"])
    for campaign, daily in runs.values():
        assert len(drawn(campaign)) > 0
        assert not daily["flowing_us"].all()
        assert daily["flowing_eu"].all()  # no process for "eu"


def test_drawn_pauses_stop_the_supplier_on_the_days_drawn(two_suppliers):
    two_suppliers["pause_processes"] = [PROCESS]
    for seed in (1, 2, 3):
        campaign, daily = run(two_suppliers, seed)
        starts = [a.day for a in campaign.timeline if a.description.startswith("drawn pause")]
        ends = [a.day for a in campaign.timeline if a.description.startswith("end of drawn pause")]
        expected = np.zeros(campaign.horizon, dtype=bool)
        for k, start in enumerate(starts):
            end = ends[k] if k < len(ends) else campaign.horizon
            assert end > start
            expected[start:end] = True
        np.testing.assert_array_equal(~daily["flowing_us"].to_numpy(), expected, err_msg=f"seed {seed}")


def test_nothing_is_delivered_on_a_drawn_paused_day(two_suppliers):
    two_suppliers["pause_processes"] = [{**PROCESS, "mean_interval_days": 2.0}]
    for seed in (1, 2, 3):
        _, daily = run(two_suppliers, seed)
        on_paused_days = daily.loc[~daily["flowing_us"], "delivered_pac3_mse"]
        assert (on_paused_days == 0).all(), f"seed {seed}: {on_paused_days[on_paused_days > 0].to_dict()}"


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, 29), length=st.integers(1, 12))
def test_any_pause_window_holds_and_then_releases(two_suppliers, first, length):
    """For any pause [A, B) inside the month: paused exactly on A..B-1, nothing delivered then,
    and on day B (if in the month) the depot goes out and empties."""
    raw = copy.deepcopy(two_suppliers)
    horizon = 31
    resume = min(first + length, horizon - 1)
    raw["timeline"] = [pause(raw, first, resume)]
    _, daily = run(raw)
    np.testing.assert_array_equal(paused_days(daily), np.arange(first, resume))
    delivered = daily["delivered_pac3_mse"].to_numpy()
    held = daily["held_pac3_mse"].to_numpy()
    assert (delivered[first:resume] == 0).all()
    landings = np.arange(horizon) >= 3  # one round lands a day from day 3
    np.testing.assert_array_equal(held[first:resume], landings[first:resume].cumsum())
    assert delivered[resume] == held[resume - 1] + landings[resume]
    assert (held[resume:] == 0).all()
    assert delivered.sum() + held[-1] + daily["in_transit_pac3_mse"].iloc[-1] == horizon
