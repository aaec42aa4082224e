"""Conservation laws of a whole year, on the built-in 2025 scenarios.

Nothing is created or lost between the books: every threat launched is
neutralised or leaks, every interceptor is in stock, in transit, held at a
depot or fired, and the attacker never flies more than it had and made.
"""

from datetime import date

import numpy as np
import pytest

from agents.attacker import Attacker
from model import AirCampaign, build_scenario, load_scenario
from model.books import check_books
from model.timeline import ramp_steps
from model.timeline.attack import AttackerRamp, AttackerRate

SCENARIOS = ("baseline-2025", "historical-2025")
SEEDS = (1, 2)


@pytest.fixture(scope="module", params=[(name, seed) for name in SCENARIOS for seed in SEEDS],
                ids=lambda p: f"{p[0]}-seed{p[1]}")
def year(request):
    """A finished year: (campaign, its daily table)."""
    name, seed = request.param
    campaign = AirCampaign(load_scenario(name), rng=seed).run()
    return campaign, campaign.daily()


def block(daily, name, labels):
    """The (days, labels) array of columns `name_<label>`."""
    return daily[[f"{name}_{label}" for label in labels]].to_numpy()


def test_a_year_has_one_row_per_day(year):
    campaign, daily = year
    assert len(daily) == campaign.horizon == 365
    assert campaign.days_done == campaign.horizon


def test_every_threat_is_neutralised_or_leaks(year):
    campaign, daily = year
    classes = campaign.air_defence.class_names
    launched = block(daily, "launched", classes)
    neutralised = block(daily, "neutralised", classes)
    assert launched.sum() > 0
    np.testing.assert_array_equal(launched, neutralised + block(daily, "leaked", classes))
    np.testing.assert_array_equal(neutralised,
                                  block(daily, "shot_down", classes) + block(daily, "lost_to_ew", classes))
    for name in ("launched", "shot_down", "lost_to_ew", "leaked"):
        assert (block(daily, name, classes) >= 0).all(), name


def test_family_totals_are_the_sums_of_their_classes_and_balance_too(year):
    campaign, daily = year
    threats = campaign.config.catalog.threats
    for family in ("cruise", "ballistic"):
        members = [name for name, threat in threats.items() if threat.family == family]
        assert len(members) > 1 and family not in threats
        for name in ("launched", "shot_down", "lost_to_ew", "neutralised", "leaked"):
            np.testing.assert_array_equal(daily[f"{name}_{family}"], block(daily, name, members).sum(axis=1))
        np.testing.assert_array_equal(daily[f"launched_{family}"],
                                      daily[f"neutralised_{family}"] + daily[f"leaked_{family}"])
        assert daily[f"launched_{family}"].sum() > 0
    ballistic = [name for name, threat in threats.items() if threat.ballistic]
    assert block(daily, "lost_to_ew", ballistic).sum() == 0  # EW does not affect ballistic missiles


def test_interceptors_are_conserved_by_type_every_day(year):
    campaign, daily = year
    types = campaign.air_defence.interceptor_names
    initial = campaign.initial_stock
    assert initial.shape == (len(types),)
    came_in = (initial + block(daily, "dispatched", types).cumsum(axis=0)
               + block(daily, "added_with_batteries", types).cumsum(axis=0))
    accounted = (block(daily, "fired", types).cumsum(axis=0) + block(daily, "stock", types)
                 + block(daily, "in_transit", types) + block(daily, "held", types)
                 + block(daily, "lost_with_batteries", types).cumsum(axis=0))
    np.testing.assert_array_equal(came_in, accounted)
    assert block(daily, "fired", types).sum() > 0
    assert block(daily, "dispatched", types).sum() > 0


def test_stock_moves_only_by_deliveries_arrivals_and_fire(year):
    campaign, daily = year
    types = campaign.air_defence.interceptor_names
    stock = block(daily, "stock", types)
    expected = (campaign.initial_stock + block(daily, "delivered", types).cumsum(axis=0)
                + block(daily, "added_with_batteries", types).cumsum(axis=0)
                - block(daily, "fired", types).cumsum(axis=0))
    np.testing.assert_array_equal(stock, expected)


def test_supplier_books_balance(year):
    """dispatched = in transit + held + delivered, at the end of every day."""
    campaign, daily = year
    types = campaign.air_defence.interceptor_names
    np.testing.assert_array_equal(
        block(daily, "dispatched", types).cumsum(axis=0),
        block(daily, "delivered", types).cumsum(axis=0) + block(daily, "in_transit", types)
        + block(daily, "held", types))
    for name in ("dispatched", "delivered", "in_transit", "held", "added_with_batteries", "fired"):
        assert (block(daily, name, types) >= 0).all(), name


def test_stock_is_never_negative(year):
    campaign, daily = year
    assert (block(daily, "stock", campaign.air_defence.interceptor_names) >= 0).all()
    assert (campaign.batteries.stock >= 0).all()
    assert (daily["ballistic_capable_left"] >= 0).all()


def cumulative_production(scenario, classes) -> np.ndarray:
    """Most the attacker can have made by the end of each day: (days, classes), from its params.

    Production is added before each night's launch; `attacker_rate` timeline events
    change a class's rate from their day on, `attacker_ramp` events in straight-line steps.
    """
    rates = np.tile([scenario.attacker.production_per_day.get(c, 0.0) for c in classes],
                    (scenario.horizon, 1))
    changes = []
    for event in scenario.timeline:
        if isinstance(event, AttackerRate):
            changes.append((scenario.day_of(event.date), event.threat, event.per_day))
        elif isinstance(event, AttackerRamp):
            changes += [(d, event.threat, r) for d, r in ramp_steps(scenario.day_of(event.start),
                                                                    scenario.day_of(event.end), event.from_per_day,
                                                                    event.to_per_day, event.step_days)]
    for start, threat, per_day in sorted(changes, key=lambda change: change[0]):
        rates[start:, classes.index(threat)] = per_day
    return rates.cumsum(axis=0)


def test_attacker_never_launches_more_than_it_has(year):
    campaign, daily = year
    scenario = campaign.config
    classes = campaign.air_defence.class_names
    initial = np.array([scenario.attacker.initial_stockpile.get(c, 0) for c in classes])
    available = initial + cumulative_production(scenario, classes)
    launched = block(daily, "launched", classes).cumsum(axis=0)
    # production accrues in floating point; a millionth of a munition is rounding, not a munition
    assert (launched <= available + 1e-6).all()
    # what is left is what was had and made, less what flew, less the fraction of a munition in the works
    leftover = campaign.attacker.stockpile
    assert campaign.agents_by_type[Attacker][0] is campaign.attacker
    assert (leftover >= 0).all()
    in_the_works = available[-1] - launched[-1] - leftover
    assert ((in_the_works > -1e-6) & (in_the_works < 1 + 1e-6)).all(), in_the_works


def test_launches_stop_at_the_stockpile_and_then_follow_production(tiny):
    """When the stockpile binds, the attacker flies exactly what it has: min(wanted, left + made)."""
    tiny["attacker"]["initial_stockpile"]["ballistic"] = 7
    tiny["attacker"]["production_per_day"] = {"ballistic": 0.5}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 3.0}
    campaign = AirCampaign(build_scenario(tiny), rng=3).run()
    launched = campaign.daily()["launched_ballistic"].to_numpy()
    left, made, expected = 7, 0.0, []
    for _ in range(campaign.horizon):
        made += 0.5
        whole = int(np.floor(made))
        made -= whole
        left += whole
        expected.append(min(3, left))
        left -= expected[-1]
    np.testing.assert_array_equal(launched, expected)
    assert launched.sum() == 7 + int(0.5 * campaign.horizon)  # every munition made was flown


def test_a_production_change_counts_from_the_night_of_its_day(tiny):
    """An `attacker_rate` event acts before that day's raid: that night's production is the new rate."""
    tiny["attacker"]["initial_stockpile"]["ballistic"] = 0
    tiny["attacker"]["production_per_day"] = {"ballistic": 1.0}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 5.0}
    tiny["timeline"] = [{"event": "attacker_rate", "date": date(2025, 1, 11), "threat": "ballistic",
                         "per_day": 3.0}]
    scenario = build_scenario(tiny)
    # in counts and rate events a family stands for its default class
    assert scenario.timeline[0].threat == "ballistic_other"
    campaign = AirCampaign(scenario, rng=3).run()
    launched = campaign.daily()["launched_ballistic"].to_numpy()
    np.testing.assert_array_equal(launched[:10], 1)
    np.testing.assert_array_equal(launched[10:], 3)
    np.testing.assert_array_equal(campaign.daily()["launched_ballistic_other"], launched)
    classes = campaign.air_defence.class_names
    np.testing.assert_allclose(cumulative_production(scenario, classes)[:, classes.index("ballistic_other")],
                               launched.cumsum())


def test_the_books_keep_every_conservation_law(year):
    """The model's own statement of the laws (`model.books.check_books`), lost rounds and shipments included."""
    campaign, _ = year
    assert check_books(campaign) == []
