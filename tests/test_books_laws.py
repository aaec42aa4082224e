"""`model.books.check_books` sees every broken law: books that balance pass, and each kind of corruption is named.

The run: the tiny scenario with a Patriot struck (and destroyed) on salvo
nights, a supplier whose shipments are in transit at the end, and a second
battery arriving from the timeline, so every term of the books is non-zero.
"""

import numpy as np
import pytest

from model import AirCampaign, build_scenario
from model.books import INTERCEPTOR_SINKS, check_books, interceptor_imbalance


@pytest.fixture
def campaign(tiny):
    tiny["attacker"]["salvo"] = {"interval_days": [5, 5], "swarm_size": [0, 0], "swarm_mix": {"drone": 1.0}}
    tiny["attacker"]["battery_strikes"] = {"types": ["patriot"], "missiles": 4, "destroy_probability": 1.0}
    tiny["attacker"]["initial_stockpile"]["ballistic"] = 1000
    tiny["catalog"] = {"interceptors": {"pac3_mse": {"kill_probability": {"ballistic": 0.3}}}}
    tiny["timeline"] = [{"event": "battery", "date": tiny["start"].replace(day=10), "type": "patriot",
                         "cell": [1, 5]}]
    campaign = AirCampaign(build_scenario(tiny), rng=11).run()
    ledger = campaign.ledger
    for name in ("fired", "dispatched", "delivered", "added_with_batteries", "lost_with_batteries", "stock"):
        assert ledger[name].sum() > 0, name
    assert any(s.shipments for s in campaign.suppliers.values())
    return campaign


def test_balanced_books_break_no_law(campaign):
    assert check_books(campaign) == []
    assert not interceptor_imbalance(campaign).any()


def test_each_sink_is_needed(campaign):
    """Leave any one term out of the interceptor books and they no longer balance."""
    for left_out in INTERCEPTOR_SINKS:
        sinks = tuple(name for name in INTERCEPTOR_SINKS if name != left_out)
        assert interceptor_imbalance(campaign, sinks).any(), left_out


def last_day_with(campaign, name: str) -> int:
    return int(np.flatnonzero(campaign.ledger[name].any(axis=1))[-1])


def ballistic(campaign) -> int:
    return int(np.flatnonzero(campaign.air_defence.is_ballistic)[0])


def more_launched(campaign):
    campaign.books.night[3, 0, ballistic(campaign)] += 1


def fewer_launched(campaign):
    campaign.books.night[3, 0, ballistic(campaign)] -= 1


def a_fired_round_forgotten(campaign):
    campaign.books.fired[last_day_with(campaign, "fired"), 0] -= 1


def batteries_hold_less_than_the_books(campaign):
    row = int(np.argmax(campaign.batteries.stock[:, 0]))
    campaign.batteries.stock[row, 0] -= 1


def a_dispatch_without_a_shipment(campaign):
    campaign.books.logistics[-1, 2] -= 1


def a_supplier_short_of_its_books(campaign):
    campaign.logistics[1, 0, 0] -= 1


def a_shipment_shrinks_on_the_way(campaign):
    supplier = next(s for s in campaign.suppliers.values() if s.shipments)
    shipment = next(iter(supplier.shipments))
    shipment.rounds[int(np.argmax(shipment.rounds))] -= 1


def ew_at_a_ballistic_missile(campaign):
    night = campaign.books.night[3]
    night[3, ballistic(campaign)] -= 1  # a leaker counted as lost to EW instead
    night[2, ballistic(campaign)] += 1


def a_round_fired_from_nowhere(campaign):
    campaign.books.fired[last_day_with(campaign, "fired"), 0] += 1


def a_round_lost_from_nowhere(campaign):
    campaign.books.lost[last_day_with(campaign, "lost_with_batteries"), 0] += 1


def stock_that_vanished(campaign):
    campaign.books.stock[-1] -= 1


def stock_without_a_source(campaign):
    campaign.books.stock[-1] += 1


def batteries_hold_other_than_the_books(campaign):
    campaign.batteries.stock[0, 0] += 1


def in_transit_without_a_dispatch(campaign):
    campaign.books.logistics[-1, 2] += 1


def a_supplier_out_of_balance(campaign):
    campaign.logistics[1, 0, 0] += 1


def a_shipment_grows_on_the_way(campaign):
    supplier = next(s for s in campaign.suppliers.values() if s.shipments)
    next(iter(supplier.shipments)).rounds[0] += 1


def a_negative_held_book(campaign):
    campaign.books.logistics[0, 3, 0] -= 1
    campaign.books.logistics[0, 2, 0] += 1


def a_negative_stockpile(campaign):
    campaign.attacker.stockpile[0] = -1


def a_negative_battery_stock(campaign):
    campaign.batteries.stock[0, 0] = -1


@pytest.mark.parametrize(("corrupt", "law"), [
    (more_launched, "launched != neutralised + leaked"),
    (fewer_launched, "launched != neutralised + leaked"),
    (a_fired_round_forgotten, "interceptors not conserved"),
    (a_fired_round_forgotten, "stock moved other than by deliveries, arrivals, fire and losses"),
    (batteries_hold_less_than_the_books, "the books' stock is not the batteries'"),
    (a_dispatch_without_a_shipment, "dispatched != in transit + held + delivered"),
    (a_supplier_short_of_its_books, "a supplier's dispatched != in transit + held + delivered"),
    (a_shipment_shrinks_on_the_way, "us's in transit is not its shipments' rounds"),
    (ew_at_a_ballistic_missile, "EW stopped a ballistic missile"),
    (a_round_fired_from_nowhere, "interceptors not conserved"),
    (a_round_fired_from_nowhere, "stock moved other than by deliveries, arrivals, fire and losses"),
    (a_round_lost_from_nowhere, "interceptors not conserved"),
    (stock_without_a_source, "interceptors not conserved"),
    (stock_that_vanished, "interceptors not conserved"),
    (stock_without_a_source, "the books' stock is not the batteries'"),
    (batteries_hold_other_than_the_books, "the books' stock is not the batteries'"),
    (in_transit_without_a_dispatch, "dispatched != in transit + held + delivered"),
    (a_supplier_out_of_balance, "a supplier's dispatched != in transit + held + delivered"),
    (a_shipment_grows_on_the_way, "us's in transit is not its shipments' rounds"),
    (a_negative_held_book, "held negative"),
    (a_negative_stockpile, "the attacker's stockpile is negative"),
    (a_negative_battery_stock, "a battery's stock is negative"),
], ids=lambda value: getattr(value, "__name__", None) or value.split(" ")[0])
def test_a_broken_law_is_named(campaign, corrupt, law):
    corrupt(campaign)
    assert law in check_books(campaign)


@pytest.mark.parametrize("off_by", [1, -1])
def test_a_family_total_that_is_not_its_classes_sum_is_named(campaign, monkeypatch, off_by):
    """Family totals are computed from their classes; a ledger that got them wrong, either way, would be caught."""
    totals = campaign.ledger.totals

    def wrong(name):
        return {family: total + off_by for family, total in totals(name).items()}

    monkeypatch.setattr(campaign.ledger, "totals", wrong)
    problems = check_books(campaign)
    assert "launched_ballistic is not its classes' sum" in problems
    assert "leaked_cruise is not its classes' sum" in problems


@pytest.mark.parametrize("off_by", [1, -1])
def test_neutralised_that_is_not_shot_down_plus_lost_to_ew_is_named(campaign, off_by):
    """`neutralised` is derived from its terms; a derivation off either way would be caught."""
    classes = campaign.air_defence.class_names
    campaign.ledger.derive("neutralised", classes, lambda b: b["shot_down"] + b["lost_to_ew"] + off_by)
    assert "neutralised != shot down + lost to EW" in check_books(campaign)


def test_the_derived_columns_are_what_their_names_say(campaign):
    """Damage, value-weighted damage, value protected, ballistic-capable stock and spend, from the blocks."""
    daily, config = campaign.daily(), campaign.config
    sites = [s.name for s in config.sites]
    values = np.array([s.value for s in config.sites])
    damage_at = daily[[f"damage_at_{s}" for s in sites]].to_numpy()
    undefended = daily[[f"damage_undefended_at_{s}" for s in sites]].to_numpy()
    types, classes = campaign.air_defence.interceptor_names, campaign.air_defence.class_names
    stock, fired = daily[[f"stock_{t}" for t in types]].to_numpy(), daily[[f"fired_{t}" for t in types]].to_numpy()
    launched = daily[[f"launched_{c}" for c in classes]].to_numpy()
    capable = [config.catalog.interceptors[t].ballistic_capable for t in types]
    np.testing.assert_allclose(daily["damage"], damage_at.sum(axis=1))
    np.testing.assert_allclose(daily["value_weighted_damage"], damage_at @ values)
    np.testing.assert_allclose(daily["value_protected"], (undefended - damage_at) @ values)
    np.testing.assert_array_equal(daily["ballistic_capable_left"], stock[:, capable].sum(axis=1))
    np.testing.assert_allclose(daily["attacker_spend_usd"],
                               launched @ [config.catalog.threats[c].cost_usd for c in classes])
    np.testing.assert_allclose(daily["defender_spend_usd"],
                               fired @ [config.catalog.interceptors[t].cost_usd for t in types])
    assert daily["value_protected"].sum() != 0 and daily["damage"].sum() > 0



def test_the_supplier_law_balances_with_rounds_held_at_the_end(tiny):
    """A pause that outlasts the campaign leaves rounds held at the depot, beside rounds delivered and in transit:
    the supplier's law must add all three. An `|` for a `+` passes when one of them is zero, or when their bits do
    not overlap (30 rounds dispatched, not 31 = 0b11111: 6 + 3 delivered and in transit share a bit with 21 held)."""
    tiny["end"] = tiny["start"].replace(day=30)
    tiny["timeline"] = [{"event": "pause", "supplier": "us", "start": tiny["start"].replace(day=10)}]
    campaign = AirCampaign(build_scenario(tiny), rng=3).run()
    dispatched, delivered, in_transit, held = (campaign.logistics[k].sum() for k in range(4))  # LOGISTICS_BOOKS
    assert min(in_transit, held, delivered) > 0
    assert dispatched == in_transit + held + delivered
    assert check_books(campaign) == []
