"""A seed fixes a run: same seed, same table, however the days are stepped; the end is the end."""

import numpy as np
import pandas as pd
import pytest

from model import AirCampaign, load_scenario

SCENARIOS = ("baseline-2025", "historical-2025")


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario(request):
    return load_scenario(request.param)


@pytest.fixture(scope="module")
def full_year(scenario):
    """The whole year in one run() call, seed 11."""
    return AirCampaign(scenario, rng=11).run().daily()


def test_same_seed_same_table(scenario, full_year):
    again = AirCampaign(scenario, rng=11).run().daily()
    pd.testing.assert_frame_equal(again, full_year)


def test_same_seed_same_summary_and_state(scenario):
    first, second = (AirCampaign(scenario, rng=11).run() for _ in range(2))
    assert first.summary() == pytest.approx(second.summary(), nan_ok=True)
    np.testing.assert_array_equal(first.batteries.stock, second.batteries.stock)
    np.testing.assert_array_equal(first.attacker.stockpile, second.attacker.stockpile)


def test_different_seeds_differ(scenario, full_year):
    other = AirCampaign(scenario, rng=12).run().daily()
    assert not other.equals(full_year)
    # launches, kills and leakers all differ, not just one column
    for column in ("launched_drone", "shot_down_drone", "leaked_drone", "salvo"):
        assert not other[column].equals(full_year[column]), column


def test_run_in_two_calls_equals_run_in_one(scenario, full_year):
    campaign = AirCampaign(scenario, rng=11)
    campaign.run(days=100)
    assert campaign.days_done == 100
    pd.testing.assert_frame_equal(campaign.daily(), full_year.iloc[:100])
    campaign.run(days=265)
    assert campaign.days_done == 365
    pd.testing.assert_frame_equal(campaign.daily(), full_year)


def test_stepping_day_by_day_equals_run(scenario, full_year):
    campaign = AirCampaign(scenario, rng=11)
    for _ in range(365):
        campaign.step()
    pd.testing.assert_frame_equal(campaign.daily(), full_year)


def test_run_with_no_days_left_is_a_no_op(scenario, full_year):
    campaign = AirCampaign(scenario, rng=11).run()
    assert campaign.run(days=0) is campaign
    assert campaign.run() is campaign
    pd.testing.assert_frame_equal(campaign.daily(), full_year)


def test_running_past_the_horizon_raises(scenario, full_year):
    campaign = AirCampaign(scenario, rng=11)
    with pytest.raises(ValueError, match=r"between 0 and the 365 days left, not 366"):
        campaign.run(days=366)
    with pytest.raises(ValueError, match="not -1"):
        campaign.run(days=-1)
    campaign.run(days=300)
    with pytest.raises(ValueError, match=r"65 days left, not 66"):
        campaign.run(days=66)
    # the refused calls changed nothing: the run goes on as if they had not been made
    assert campaign.days_done == 300
    campaign.run()
    pd.testing.assert_frame_equal(campaign.daily(), full_year)


def test_stepping_after_the_end_raises(scenario):
    campaign = AirCampaign(scenario, rng=11).run()
    with pytest.raises(RuntimeError, match="ended on 2025-12-31"):
        campaign.step()
    assert campaign.days_done == 365
    assert len(campaign.daily()) == 365
