"""Attacker policies and adaptation: strategies, targeting rules, learning from outcomes, and sweeps over them.

- Whatever the options, the attacker never flies more than it had that morning plus that day's production.
- `stockpile_and_salvo` holds the swarm classes back on routine nights and a salvo launches
  `salvo_stockpile_share` of the drone and decoy stockpile.
- Targeting: `spread` weighs every site alike, `value` by value**concentration, `thinnest` divides by
  (1 + batteries covering the route) and re-aims when batteries arrive.
- Adaptation moves the mix toward what gets through, from outcomes only (Laplace's rule over a window).
- Every new option can be set from a sweep spec.
"""

import copy
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.sweep.design import SweepPlan
from experiments.sweep.spec import parse_spec
from model import AirCampaign, build_scenario, load_scenario, scenario_data
from model.geometry import route_weights

BASELINE, _ = scenario_data("baseline-2025")
CATALOG = load_scenario("baseline-2025").catalog
CLASSES = list(CATALOG.threats)
"""The catalog's classes, in its order: the attacker's and the ledger's columns."""
DRONE, DECOY = CLASSES.index("drone"), CLASSES.index("decoy")
CRUISE, BALLISTIC = (CLASSES.index(CATALOG.families[f].default) for f in ("cruise", "ballistic"))
"""The classes the family keys of a table of counts stand for (`cruise = 2` flies 2 `cruise_other`)."""
SWARM = [DRONE, DECOY]
MISSILES = [k for k, t in enumerate(CATALOG.threats.values()) if t.family in ("cruise", "ballistic")]
"""What the attacker's adaptation shares out: every class of the cruise and ballistic families."""


def short_baseline(end: date = date(2025, 2, 28), **attacker) -> dict:
    """The baseline scenario's data, ending on `end`, with attacker keys replaced by `attacker`."""
    raw = copy.deepcopy(BASELINE)
    raw["end"] = end
    raw["attacker"].update(copy.deepcopy(attacker))
    return raw


def watch_stockpile(campaign: AirCampaign) -> dict[str, np.ndarray]:
    """Run to the end a day at a time, checking each night against what the attacker had and made.

    Production is recomputed from the params (fractions carry over), so the attacker's own books are
    not trusted. Returns (days, classes) arrays: `before` (stock at the end of the previous day),
    `made` (that day's whole munitions), `launched`, `after`; and `salvo` (days,).
    """
    attacker = campaign.attacker
    assert attacker.class_names == CLASSES
    rate = np.array([campaign.config.attacker.production_per_day.get(c, 0.0) for c in CLASSES])
    accrued = np.zeros(len(CLASSES))
    days = {"before": [], "made": [], "launched": [], "after": []}
    for day in range(campaign.horizon):
        before = attacker.stockpile.copy()
        accrued += rate
        made = np.floor(accrued)
        accrued -= made
        campaign.run(1)
        launched, after = attacker.launched.copy(), attacker.stockpile.copy()
        assert (launched >= 0).all(), (day, launched)
        assert (launched <= before + made).all(), (day, launched, before, made)
        assert (after >= 0).all(), (day, after)
        np.testing.assert_array_equal(after, before + made - launched, err_msg=f"day {day}")
        for key, value in zip(days, (before, made, launched, after), strict=True):
            days[key].append(value)
    watched = {key: np.array(rows) for key, rows in days.items()}
    daily = campaign.daily()
    np.testing.assert_array_equal(daily[[f"launched_{c}" for c in CLASSES]].to_numpy(), watched["launched"])
    watched["salvo"] = daily["salvo"].to_numpy(dtype=bool)
    return watched


# ---------------------------------------------------------------- never more than it has

SCARCE = {"drone": 100, "decoy": 40, "cruise": 5, "ballistic": 2}  # family keys: 5 cruise_other, 2 ballistic_other
ADAPTATIONS = {"fixed": None, "adaptive": {"window_days": 5, "strength": 2.0, "max_decoy_share": 0.7}}


@pytest.mark.parametrize("adaptation", list(ADAPTATIONS))
@pytest.mark.parametrize("targeting", ["value", "spread", "thinnest"])
@pytest.mark.parametrize("strategy", ["steady", "stockpile_and_salvo"])
def test_attacker_never_spends_more_than_it_has(strategy, targeting, adaptation):
    raw = short_baseline(strategy=strategy, targeting=targeting, adaptation=ADAPTATIONS[adaptation],
                         salvo_stockpile_share=0.9, initial_stockpile=SCARCE)
    watched = watch_stockpile(AirCampaign(build_scenario(raw), rng=5))
    assert watched["launched"].sum() > 0
    assert watched["salvo"].any()
    # the stockpile binds: some class that flew runs dry on some night, so the caps are exercised
    # (a subtype the scarce stockpile leaves at 0 and that never flew would read 0 without any cap)
    assert ((watched["after"] == 0) & (watched["launched"] > 0)).any()


class_or_family_keys = st.lists(st.sampled_from(CLASSES + list(CATALOG.families)), unique=True)
"""Keys of a table of counts: classes, and families standing for their default class (added to it)."""


@st.composite
def attacker_options(draw) -> dict:
    """Attacker keys for a short baseline: any strategy, targeting and adaptation, stockpiles that run out."""
    adaptation = draw(st.one_of(st.none(), st.fixed_dictionaries({
        "window_days": st.integers(1, 20), "strength": st.floats(0.0, 5.0),
        "max_decoy_share": st.floats(0.0, 1.0)})))
    return {
        "strategy": draw(st.sampled_from(["steady", "stockpile_and_salvo"])),
        "salvo_stockpile_share": draw(st.floats(0.0, 1.0)),
        "targeting": draw(st.sampled_from(["value", "spread", "thinnest"])),
        "concentration": draw(st.floats(0.0, 3.0)),
        "adaptation": adaptation,
        "initial_stockpile": {c: draw(st.integers(0, 300)) for c in draw(class_or_family_keys)},
        "production_per_day": {c: draw(st.floats(0.0, 120.0)) for c in draw(class_or_family_keys)},
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=attacker_options(), seed=st.integers(0, 2**32 - 1))
def test_no_combination_of_options_overspends(options, seed):
    raw = short_baseline(end=date(2025, 2, 9), **options)
    scenario = build_scenario(raw)
    for table in ("initial_stockpile", "production_per_day"):  # a family key adds to its default class
        resolved: dict = {}
        for key, value in options[table].items():
            name = CATALOG.families[key].default if key in CATALOG.families else key
            resolved[name] = resolved.get(name, 0) + value
        assert getattr(scenario.attacker, table) == pytest.approx(resolved), table
    watch_stockpile(AirCampaign(scenario, rng=seed))


# ---------------------------------------------------------------- stockpile and salvo

@pytest.mark.parametrize("share", [0.3, 0.75, 1.0])
def test_stockpile_and_salvo_holds_the_swarm_back_and_salvoes_a_share_of_it(share):
    raw = short_baseline(end=date(2025, 3, 31), strategy="stockpile_and_salvo", salvo_stockpile_share=share)
    watched = watch_stockpile(AirCampaign(build_scenario(raw), rng=11))
    launched, salvo = watched["launched"], watched["salvo"]
    assert 5 <= salvo.sum() < len(salvo) - 30
    # routine nights: no drones or decoys, but missiles still fly
    assert (launched[~salvo][:, SWARM] == 0).all()
    assert launched[~salvo][:, MISSILES].sum() > 0
    # salvo nights: int(share x the drone and decoy stockpile held that morning), unless a class runs short
    held = (watched["before"] + watched["made"])[salvo][:, SWARM]
    swarm = launched[salvo][:, SWARM]
    exact = 0
    for night_held, night_swarm in zip(held, swarm, strict=True):
        wanted = int(night_held.sum() * share)
        assert (night_swarm <= night_held).all()
        if (night_swarm < night_held).all():  # no class was capped at its stockpile
            assert night_swarm.sum() == wanted, (night_held, night_swarm)
            exact += 1
        else:
            assert night_swarm.sum() <= wanted
        if share == 1.0:  # the whole stockpile is asked for: a class the draw over-asks is emptied
            assert (night_swarm == night_held).any()
    assert exact >= 1 or share == 1.0
    # the split follows the swarm mix: drones are about 62% of what a salvo launches
    assert swarm[:, 0].sum() / swarm.sum() == pytest.approx(0.62, abs=0.05 if share < 1 else 0.2)


def test_stockpiled_salvos_are_larger_than_steady_ones_with_the_same_production():
    raw = short_baseline(end=date(2025, 3, 31))
    salvos = {}
    for strategy in ("steady", "stockpile_and_salvo"):
        raw["attacker"]["strategy"] = strategy
        daily = AirCampaign(build_scenario(raw), rng=11).run().daily()
        on_salvo = daily.loc[daily["salvo"], ["launched_drone", "launched_decoy"]].sum(axis=1)
        assert len(on_salvo) >= 5
        salvos[strategy] = on_salvo.to_numpy()
    assert salvos["steady"].max() <= sum(raw["attacker"]["salvo"]["swarm_size"][1:])  # at most 700 a salvo
    assert salvos["stockpile_and_salvo"].min() > salvos["steady"].max()
    assert salvos["stockpile_and_salvo"].mean() > 2 * salvos["steady"].mean()


def test_stockpile_and_salvo_holds_every_swarm_class_back_even_when_adapting(tiny):
    attacker = tiny["attacker"]
    attacker.update(strategy="stockpile_and_salvo", adaptation={"window_days": 7},
                    initial_stockpile={"drone": 1000, "decoy": 0, "cruise": 100, "ballistic": 100})
    attacker["routine"]["mean"] = {"drone": 5.0, "cruise": 2.0, "ballistic": 2.0}
    attacker["salvo"].update(interval_days=[5, 5], swarm_mix={"drone": 0.8, "cruise": 0.2})
    daily = AirCampaign(build_scenario(tiny), rng=1).run().daily()
    routine = daily.loc[~daily["salvo"]]
    assert routine["launched_ballistic"].sum() > 0
    assert routine["launched_drone"].sum() == 0
    assert routine["launched_cruise"].sum() == 0  # cruise rides in the swarm, so it waits for the salvo


# ---------------------------------------------------------------- targeting

def in_range(campaign: AirCampaign) -> np.ndarray:
    """(classes, routes): whether each class reaches each route's site, by hand from `range_km` and `cell_km`."""
    km = np.hypot(*(campaign.route_target - campaign.route_origin).T) * campaign.config.grid.cell_km
    ranges = np.array([np.inf if t.range_km is None else t.range_km
                       for t in campaign.config.catalog.threats.values()])
    return km[None, :] <= ranges[:, None] + 1e-9


def aimed(campaign: AirCampaign, site_weight, defenders=None) -> np.ndarray:
    """(classes, routes) by hand: each site's weight split evenly over the launch areas from which the class
    reaches it, divided by 1 + the defenders on the route (`thinnest`), each row summing to 1 (0: none)."""
    reach = in_range(campaign)
    rows = np.zeros(reach.shape)
    for c in range(reach.shape[0]):
        for r, site in enumerate(campaign.route_site):
            if reach[c, r]:
                areas = sum(bool(reach[c, q]) for q, other in enumerate(campaign.route_site) if other == site)
                rows[c, r] = site_weight[site] / areas / (1.0 + (defenders[r] if defenders is not None else 0.0))
    total = rows.sum(axis=1, keepdims=True)
    return np.divide(rows, total, out=np.zeros_like(rows), where=total > 0)


def site_shares(campaign: AirCampaign, threat: str = "drone") -> np.ndarray:
    """The attacker's share of one class's raids on each site (its row of route weights summed by site)."""
    weights = campaign.attacker.route_weights[CLASSES.index(threat)]
    assert weights.sum() == pytest.approx(1.0)
    return np.bincount(campaign.route_site, weights, minlength=len(campaign.sites))


def without_reach(raw: dict) -> dict:
    """The scenario with routine nights aimed like salvos (no preference for near targets)."""
    raw["attacker"]["routine"]["reach_km"] = None
    return raw


def test_spread_targeting_gives_every_site_the_same_share():
    campaign = AirCampaign(build_scenario(without_reach(short_baseline(targeting="spread", concentration=2.0))),
                           rng=1)
    n_sites = len(campaign.sites)
    assert n_sites == 10 and len(set(campaign.site_values)) > 1
    assert in_range(campaign)[DRONE].all() and not in_range(campaign).all()  # s300, kh31, ... reach only some
    np.testing.assert_allclose(site_shares(campaign), 1.0 / n_sites)
    np.testing.assert_allclose(campaign.attacker.route_weights, aimed(campaign, np.ones(n_sites)))
    for c in range(len(CLASSES)):  # every class shares its raids evenly over the sites it reaches
        shares = site_shares(campaign, CLASSES[c])
        reached = shares > 0
        np.testing.assert_allclose(shares[reached], 1.0 / reached.sum())


def test_value_targeting_weights_sites_by_value_to_the_concentration():
    campaign = AirCampaign(build_scenario(without_reach(short_baseline(targeting="value", concentration=2.0))),
                           rng=1)
    values = campaign.site_values
    by_value = route_weights(campaign.route_site, values, 2.0)
    np.testing.assert_allclose(campaign.attacker.route_weights[DRONE], by_value)  # drones reach every route
    np.testing.assert_allclose(campaign.attacker.route_weights, aimed(campaign, values**2))
    np.testing.assert_allclose(site_shares(campaign), values**2 / (values**2).sum())
    assert site_shares(campaign)[0] == pytest.approx(100 / 267)  # Kyiv: 10**2 over the sum of squared values


def two_sites(tiny, targeting: str, arrival: date | None = None) -> dict:
    """Sites A (value 1) and B (value 3), two launch areas, two Patriots on B only; optionally one more on A.

    The routes run 427, 531, 427 and 403 km: kh59 (450 km) and iskander_k (500 km) miss the second
    (from [9, 9] to A), s300 and kh31 reach none.
    """
    tiny["grid"]["launch_areas"] = [[9, 5], [9, 9]]
    tiny["sites"] = [{"name": "A", "cell": [1, 2], "value": 1.0}, {"name": "B", "cell": [1, 8], "value": 3.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [1, 8]}, {"type": "patriot", "cell": [1, 8]}]
    tiny["attacker"].update(targeting=targeting, concentration=2.0)
    if arrival is not None:
        tiny["timeline"] = [{"event": "battery", "date": arrival, "type": "patriot", "cell": [1, 2]}]
    return tiny


def test_thinnest_targeting_divides_value_by_the_batteries_covering_each_route(tiny):
    campaign = AirCampaign(build_scenario(two_sites(tiny, "thinnest")), rng=1)
    np.testing.assert_array_equal(campaign.route_site, [0, 0, 1, 1])
    np.testing.assert_array_equal((campaign.air_defence.layers >= 0).sum(axis=1), [0, 0, 2, 2])
    np.testing.assert_array_equal(in_range(campaign)[CLASSES.index("kh59")], [True, False, True, True])
    # by hand: A 1**2 / 10 / 2 per route / (1 + 0) = 0.05; B 3**2 / 10 / 2 per route / (1 + 2) = 0.15
    a, b = 0.1 / 2 / 1, 0.9 / 2 / 3
    np.testing.assert_allclose(campaign.attacker.route_weights[DRONE], np.array([a, a, b, b]) / (2 * a + 2 * b))
    # kh59 reaches A from one launch area only, which takes A's whole weight
    np.testing.assert_allclose(campaign.attacker.route_weights[CLASSES.index("kh59")],
                               np.array([2 * a, 0, b, b]) / (2 * a + 2 * b))
    np.testing.assert_allclose(campaign.attacker.route_weights, aimed(campaign, [1.0, 9.0], [0, 0, 2, 2]))
    np.testing.assert_allclose(site_shares(campaign), [0.25, 0.75])


def test_thinnest_targeting_re_aims_when_a_battery_arrives(tiny):
    campaign = AirCampaign(build_scenario(two_sites(tiny, "thinnest", arrival=date(2025, 1, 11))), rng=1)
    campaign.run(10)
    np.testing.assert_allclose(site_shares(campaign), [0.25, 0.75])
    before = campaign.attacker.route_weights.copy()
    campaign.run(1)  # the battery arrives before the raid of day 10 and covers site A: 0.05 / 2 against 0.15
    np.testing.assert_array_equal((campaign.air_defence.layers >= 0).sum(axis=1), [1, 1, 2, 2])
    after = campaign.attacker.route_weights
    assert not np.allclose(before, after)
    np.testing.assert_allclose(site_shares(campaign), [1 / 7, 6 / 7])
    np.testing.assert_allclose(after[DRONE], np.array([0.025, 0.025, 0.15, 0.15]) / 0.35)
    np.testing.assert_allclose(after, aimed(campaign, [1.0, 9.0], [1, 1, 2, 2]))


def test_value_targeting_does_not_follow_arriving_batteries(tiny):
    campaign = AirCampaign(build_scenario(two_sites(tiny, "value", arrival=date(2025, 1, 11))), rng=1)
    before = campaign.attacker.route_weights.copy()
    np.testing.assert_allclose(site_shares(campaign), [0.1, 0.9])
    campaign.run()
    assert campaign.batteries.active.sum() == 3
    np.testing.assert_array_equal(campaign.attacker.route_weights, before)


def test_targeting_changes_where_threats_go_not_how_many_are_launched():
    plenty = {c: 10**7 for c in CLASSES}
    launched, by_site = {}, {}
    for targeting in ("value", "spread"):
        campaign = AirCampaign(build_scenario(short_baseline(targeting=targeting, initial_stockpile=plenty)), rng=1)
        by_site[targeting] = np.zeros(len(campaign.sites))
        for _ in range(campaign.horizon):
            campaign.run(1)
            by_site[targeting] += np.bincount(campaign.route_site, campaign.night_launched,
                                              minlength=len(campaign.sites))
        launched[targeting] = campaign.daily()[[f"launched_{c}" for c in CLASSES]].to_numpy()
    assert not np.array_equal(by_site["value"], by_site["spread"])  # where they go does change
    np.testing.assert_array_equal(launched["value"], launched["spread"])


# ---------------------------------------------------------------- adaptation

PLANNED_ROUTINE = {"cruise": 2.0, "ballistic": 2.0}  # family keys: cruise_other and ballistic_other
PLANNED_SALVO = {"cruise": 6.0, "ballistic": 2.0}


def vector(**by_class) -> np.ndarray:
    """A vector over the catalog's classes from `drone=0.7`-style keywords, 0 elsewhere."""
    out = np.zeros(len(CLASSES))
    for name, value in by_class.items():
        out[CLASSES.index(name)] = value
    return out


def adaptive(tiny, adaptation: dict | None = None, **attacker) -> AirCampaign:
    """A tiny campaign whose attacker plans cruise_other and ballistic_other missiles, a 70/30 drone/decoy swarm."""
    params = tiny["attacker"]
    params["initial_stockpile"] = {"drone": 1000, "decoy": 1000, "cruise": 100, "ballistic": 100}
    params["routine"]["mean"] = dict(PLANNED_ROUTINE)
    params["salvo"].update(swarm_mix={"drone": 0.7, "decoy": 0.3}, missiles=dict(PLANNED_SALVO))
    params["adaptation"] = {"window_days": 14, "strength": 1.0, "max_decoy_share": 0.8, **(adaptation or {})}
    params.update(attacker)
    return AirCampaign(build_scenario(tiny), rng=2)


def outcome(**launched_and_leaked) -> tuple[np.ndarray, np.ndarray]:
    """Launched and leaked by class from `cruise_other=(100, 10)`-style keywords."""
    launched, leaked = np.zeros(len(CLASSES)), np.zeros(len(CLASSES))
    for name, (fired, through) in launched_and_leaked.items():
        launched[CLASSES.index(name)], leaked[CLASSES.index(name)] = fired, through
    return launched, leaked


@pytest.mark.parametrize("strength", [0.5, 1.0, 3.0])
def test_the_missile_mix_moves_toward_the_class_that_leaks_more(tiny, strength):
    attacker = adaptive(tiny, {"strength": strength}).attacker
    attacker.observe(*outcome(cruise_other=(100, 10), ballistic_other=(100, 90)))
    np.testing.assert_allclose(attacker.leak_rates()[[CRUISE, BALLISTIC]], [11 / 102, 91 / 102])
    attacker.adapt()
    pull = np.array([11 / 102, 91 / 102]) ** strength
    for planned, current in ((PLANNED_ROUTINE, attacker.routine_mean), (PLANNED_SALVO, attacker.salvo_missiles)):
        plan = np.array([planned["cruise"], planned["ballistic"]])
        missiles = current[[CRUISE, BALLISTIC]]
        assert missiles.sum() == pytest.approx(plan.sum())  # the planned missile total is kept
        assert missiles[1] > plan[1] and missiles[0] < plan[0]
        np.testing.assert_allclose(missiles, pull * plan / (pull * plan).sum() * plan.sum())
        assert current[MISSILES].sum() == pytest.approx(plan.sum())  # the other subtypes, planned at 0, stay 0
    assert attacker.routine_mean[SWARM].sum() == 0


def test_the_mix_is_shared_over_every_subtype_of_both_families(tiny):
    """Every class of the cruise and ballistic families is a missile: shares move between subtypes too."""
    planned = {"kh101": 2.0, "kalibr": 2.0, "iskander_m": 1.0, "kinzhal": 1.0}
    attacker = adaptive(tiny, routine={"mean": planned, "dispersion": 0.0}).attacker
    attacker.observe(*outcome(kh101=(100, 10), kalibr=(100, 50), iskander_m=(20, 18), kinzhal=(20, 2)))
    attacker.adapt()
    plan = vector(**planned)
    weight = vector(kh101=11 / 102, kalibr=51 / 102, iskander_m=19 / 22, kinzhal=3 / 22) * plan
    np.testing.assert_allclose(attacker.routine_mean, weight / weight.sum() * plan.sum())
    assert attacker.routine_mean[CLASSES.index("kalibr")] > 2.0 > attacker.routine_mean[CLASSES.index("kh101")]


def test_a_stronger_pull_shifts_the_mix_further(tiny):
    shares = []
    for strength in (0.0, 1.0, 3.0):
        attacker = adaptive(copy.deepcopy(tiny), {"strength": strength}).attacker
        attacker.observe(*outcome(cruise_other=(100, 10), ballistic_other=(100, 90)))
        attacker.adapt()
        shares.append(attacker.routine_mean[BALLISTIC] / attacker.routine_mean[[CRUISE, BALLISTIC]].sum())
    assert shares[0] == pytest.approx(0.5)  # strength 0: the plan as it was
    assert shares[0] < shares[1] < shares[2]


def test_the_next_night_launches_the_adapted_mix(tiny):
    """launch() adapts before drawing: after a night of leaking ballistic missiles, they replace cruise."""
    campaign = adaptive(tiny)  # routine dispersion 0: a night launches the rounded means
    attacker = campaign.attacker
    attacker.launch()
    np.testing.assert_array_equal(attacker.launched, vector(cruise_other=2, ballistic_other=2))
    attacker.observe(*outcome(cruise_other=(100, 10), ballistic_other=(100, 90)))
    attacker.launch()
    assert attacker.routine_mean[BALLISTIC] == pytest.approx(4 * 91 / 102)
    np.testing.assert_array_equal(attacker.launched, vector(ballistic_other=4))


@pytest.mark.parametrize(("drones", "expected"), [((100, 5), 0.3 * (1 + (96 / 102 - 0.5))),
                                                   ((100, 95), 0.3 * (1 + (6 / 102 - 0.5))),
                                                   ((0, 0), 0.3)])
def test_the_decoy_share_grows_as_drones_are_stopped(tiny, drones, expected):
    attacker = adaptive(tiny).attacker
    attacker.observe(*outcome(drone=drones))
    attacker.adapt()
    np.testing.assert_allclose(attacker.swarm_mix, vector(drone=1 - expected, decoy=expected))
    if drones[0] == 0:
        assert attacker.leak_rates()[DRONE] == 0.5  # nothing launched: read as a coin flip


@pytest.mark.parametrize("cap", [0.4, 0.8])
def test_the_decoy_share_is_capped(tiny, cap):
    attacker = adaptive(tiny, {"strength": 5.0, "max_decoy_share": cap}).attacker
    attacker.observe(*outcome(drone=(1000, 0)))  # 0.3 * (1 + 5 * 0.4995) would be over 1
    attacker.adapt()
    np.testing.assert_allclose(attacker.swarm_mix, vector(drone=1 - cap, decoy=cap))


def fights(tiny, adaptation: dict | None) -> tuple[dict[str, np.ndarray], list[dict[str, np.ndarray]]]:
    """A month of salvos and routine nights against a Patriot, with or without adaptation.

    Returns the planned mixes and the mixes after every night.
    """
    tiny["attacker"]["salvo"].update(interval_days=[3, 5], swarm_size=[20, 60])
    tiny["attacker"]["routine"]["dispersion"] = 2.0
    campaign = adaptive(tiny, adaptation, initial_stockpile={c: 5000 for c in CLASSES})
    if adaptation is None:
        tiny["attacker"]["adaptation"] = None
        campaign = AirCampaign(build_scenario(tiny), rng=2)
    attacker = campaign.attacker
    assert (attacker.params.adaptation is None) == (adaptation is None)

    def mixes() -> dict[str, np.ndarray]:
        return {"routine": attacker.routine_mean.copy(), "salvo": attacker.salvo_missiles.copy(),
                "swarm": attacker.swarm_mix.copy()}

    planned, nights = mixes(), []
    for _ in range(campaign.horizon):
        campaign.run(1)
        nights.append(mixes())
    daily = campaign.daily()
    assert daily["salvo"].sum() >= 5
    assert daily["launched_ballistic"].sum() > 0 and daily["launched_cruise"].sum() > 0
    if adaptation is None:  # outcomes to learn from: some ballistic missiles leak, some cruise missiles are stopped
        # (an adapting attacker moves off the class that leaks less, here ballistic, met at the impact point by
        # the Patriot's PAC-3 rounds, until the few it still flies may all be stopped)
        assert daily["leaked_ballistic"].sum() > 0
        assert daily["leaked_cruise"].sum() < daily["launched_cruise"].sum()
    return planned, nights


def test_without_adaptation_the_mix_never_changes(tiny):
    planned, nights = fights(copy.deepcopy(tiny), None)
    for night in nights:
        for key, mix in night.items():
            np.testing.assert_array_equal(mix, planned[key])
    # the same month with adaptation does move the mix: the test above could fail
    planned, nights = fights(copy.deepcopy(tiny), {"window_days": 7, "strength": 2.0})
    for key in planned:
        assert any(not np.allclose(night[key], planned[key]) for night in nights), key


def test_leak_rates_use_laplaces_rule_over_the_window_only(tiny):
    attacker = adaptive(tiny, {"window_days": 3}).attacker
    np.testing.assert_array_equal(attacker.leak_rates(), 0.5)  # nothing seen yet
    leaks = [10, 10, 10, 0, 0, 0, 7]
    for night, leaked in enumerate(leaks):
        attacker.launch()  # the model's order: a night's launch, then what came of it
        attacker.observe(*outcome(cruise_other=(10, leaked), ballistic_other=(4, 4)))
        remembered = leaks[max(night - 2, 0):night + 1]
        rates = attacker.leak_rates()
        assert rates[CRUISE] == pytest.approx((sum(remembered) + 1) / (10 * len(remembered) + 2)), night
        assert rates[BALLISTIC] == pytest.approx((4 * len(remembered) + 1) / (4 * len(remembered) + 2))
        assert rates[DRONE] == rates[DECOY] == 0.5
    assert attacker.leak_rates()[CRUISE] == pytest.approx(8 / 32)  # the 10s of the first nights are forgotten


class Blind:
    """Stands in for the defence: any look at it fails the test."""

    def __getattr__(self, name):
        raise AssertionError(f"the attacker looked at the defence's {name}")


def test_adaptation_sees_outcomes_not_the_defenders_stock(tiny, monkeypatch):
    results = []
    for look in ("normal", "absurd stock", "no defence"):
        campaign = adaptive(copy.deepcopy(tiny), {"strength": 2.0})
        if look == "absurd stock":
            monkeypatch.setattr(campaign.batteries, "stock", np.full_like(campaign.batteries.stock, 10**9))
        elif look == "no defence":
            monkeypatch.setattr(campaign, "air_defence", Blind())
            monkeypatch.setattr(campaign, "batteries", Blind())
        attacker = campaign.attacker
        attacker.observe(*outcome(drone=(200, 20), cruise_other=(30, 3), ballistic_other=(10, 6)))
        attacker.adapt()
        results.append((attacker.leak_rates(), attacker.routine_mean.copy(), attacker.salvo_missiles.copy(),
                        attacker.swarm_mix.copy()))
    assert results[0][1][BALLISTIC] > PLANNED_ROUTINE["ballistic"]
    for other in results[1:]:
        for mine, theirs in zip(results[0], other, strict=True):
            np.testing.assert_array_equal(mine, theirs)


# ---------------------------------------------------------------- sweeps

ADAPTIVE_SCENARIO = """\
extends = "baseline-2025"
name = "adaptive-short"
end = 2025-01-20

[attacker.adaptation]
window_days = 7
strength = 1.0
max_decoy_share = 0.6
"""


def test_every_attacker_option_is_reachable_from_a_sweep_spec(tmp_path):
    scenario = tmp_path / "adaptive.toml"
    scenario.write_text(ADAPTIVE_SCENARIO)
    factors = [
        {"name": "strategy", "kind": "lever", "path": "attacker.strategy", "values": ["steady", "stockpile_and_salvo"]},
        {"name": "share", "kind": "lever", "path": "attacker.salvo_stockpile_share", "values": [0.2, 0.9]},
        {"name": "targeting", "kind": "lever", "path": "attacker.targeting", "values": ["value", "spread", "thinnest"]},
        {"name": "strength", "path": "attacker.adaptation.strength", "values": [0.0, 2.5]},
    ]
    spec = parse_spec({"name": "policies", "scenario": scenario.name, "replications": 1, "root_seed": 5,
                       "design": {"kind": "full_factorial"}, "factors": factors}, base_dir=str(tmp_path))
    plan = SweepPlan(spec)
    assert len(plan.points) == 2 * 2 * 3 * 2
    seen = set()
    for values in plan.points:
        built = build_scenario(plan.scenario_data(values)).attacker
        assert (built.strategy, built.salvo_stockpile_share, built.targeting) == (
            values["strategy"], values["share"], values["targeting"])
        assert built.adaptation.strength == values["strength"]
        assert (built.adaptation.window_days, built.adaptation.max_decoy_share) == (7, 0.6)  # the file's, kept
        seen.add((built.strategy, built.targeting, built.adaptation.strength))
    assert len(seen) == 12
    # a point's options act in the campaign: spread aims evenly, stockpile_and_salvo holds the swarm back
    point = {"strategy": "stockpile_and_salvo", "share": 0.9, "targeting": "spread", "strength": 2.5}
    campaign = AirCampaign(build_scenario(plan.scenario_data(point)), rng=1)
    salvo_shares = np.bincount(campaign.route_site, campaign.attacker.salvo_route_weights[DRONE],
                               minlength=len(campaign.sites))  # routine nights favour near sites (reach_km)
    np.testing.assert_allclose(salvo_shares, 1.0 / len(campaign.sites))
    daily = campaign.run().daily()
    assert daily.loc[~daily["salvo"], ["launched_drone", "launched_decoy"]].to_numpy().sum() == 0


def test_sampling_designs_reach_the_share_and_the_strength(tmp_path):
    scenario = tmp_path / "adaptive.toml"
    scenario.write_text(ADAPTIVE_SCENARIO)
    factors = [{"name": "share", "path": "attacker.salvo_stockpile_share", "range": [0.1, 0.9]},
               {"name": "strength", "path": "attacker.adaptation.strength", "range": [0.0, 3.0]},
               {"name": "targeting", "path": "attacker.targeting", "values": ["value", "thinnest"]}]
    spec = parse_spec({"name": "policies-lhs", "scenario": scenario.name, "replications": 1, "root_seed": 5,
                       "design": {"kind": "latin_hypercube", "samples": 8}, "factors": factors},
                      base_dir=str(tmp_path))
    plan = SweepPlan(spec)
    shares, strengths = [], []
    for values in plan.points:
        built = build_scenario(plan.scenario_data(values)).attacker
        assert built.salvo_stockpile_share == values["share"] and built.adaptation.strength == values["strength"]
        shares.append(built.salvo_stockpile_share)
        strengths.append(built.adaptation.strength)
    assert len(set(shares)) == len(set(strengths)) == 8
    assert 0.1 <= min(shares) and max(shares) <= 0.9 and 0.0 <= min(strengths) and max(strengths) <= 3.0
