"""The raid kernel's own contract, called directly on one night of a built campaign's defence.

A campaign keeps only batteries in the fight on its routes, so some rules of
`model/raid.py` are never tested through a campaign: its docstring says only
batteries whose status is `READY` fire or jam, whatever the routes say. Each
test here builds the tiny scenario, changes the defence the kernel reads, and
resolves one raid of its own.
"""

from datetime import timedelta

import numpy as np
import pytest

from agents import BatteryStatus
from model import AirCampaign, build_scenario
from model.raid_records import RaidOutcome

PLENTY = 10**6
NOT_READY = [BatteryStatus.WAITING, BatteryStatus.MOVING, BatteryStatus.DESTROYED]
FLIES = {"cruise": "kh101", "ballistic": "iskander_m", "drone": "drone"}
"""The catalog class a raid of each family is made of (the kernel counts classes, not families)."""


def two_batteries_at_city(raw: dict, threat: str, ew_share: float = 0.0) -> dict:
    """Two Patriots on City that kill every `threat` (p = 1, one round, stock and channels without limit), and
    an EW unit there whose share of drones is `ew_share`."""
    raw["batteries"] = [{"type": "patriot", "cell": [1, 5], "magazine": {"pac3_mse": PLENTY}} for _ in range(2)]
    raw["batteries"].append({"type": "ew", "cell": [1, 5]})
    raw["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {threat: 1.0}}},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": 0}},
                          "ew": {"ew_share": {"drone": ew_share}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {threat: 1}, "preference": {threat: ["pac3_mse"]},
                                                  "engage": [threat], "mode": "salvo", "ballistic_reserve": 0}},
    }
    return raw


def one_night(raw: dict, threat: str, count: int, status: dict[int, BatteryStatus], seed: int = 1,
              ew_share: float | None = None, also: dict[str, int] | None = None):
    """Resolve `count` of `threat`'s class on the one route, after setting batteries' `status` by row behind
    the routes' back (the layers and terminal defenders stay as they were built) and, given `ew_share`, every
    EW unit's share of every class; `also` flies more families with it. Returns the outcome and the class
    index of `threat`'s."""
    campaign = AirCampaign(build_scenario(raw), rng=seed)
    defence = campaign.air_defence
    names = list(campaign.config.catalog.threats)
    for row, value in status.items():
        defence.batteries.status[row] = value
    if ew_share is not None:
        defence.batteries.ew_share[defence.batteries.is_ew] = ew_share
    raid = np.zeros((len(defence.route_site), len(names), 1), dtype=np.int64)
    c = names.index(FLIES[threat])
    raid[0, c, 0] = count
    for other, n in (also or {}).items():
        raid[0, names.index(FLIES[other]), 0] = n
    outcome = RaidOutcome(*(np.zeros(n, dtype=dtype) for n, dtype in
                            [(len(names), np.int64)] * 3 + [(len(defence.interceptor_names), np.int64),
                                                            (len(campaign.config.sites), np.float64)]))
    defence.resolve(raid, seed, outcome)
    return outcome, c


def test_the_routes_hold_both_batteries(tiny):
    """What the other tests rely on: both Patriots are on the route and defend City."""
    campaign = AirCampaign(build_scenario(two_batteries_at_city(tiny, "cruise")), rng=1)
    defence = campaign.air_defence
    assert {0, 1} <= set(defence.layers[0].tolist()) and {0, 1} <= set(defence.terminal[0].tolist())


@pytest.mark.parametrize("threat", ["cruise", "ballistic"])
@pytest.mark.parametrize("status", NOT_READY, ids=[s.name for s in NOT_READY])
def test_a_battery_not_ready_never_fires_even_on_the_routes(tiny, threat, status):
    """Both Patriots out of the fight: all ten get through and no round is fired."""
    outcome, c = one_night(two_batteries_at_city(tiny, threat), threat, 10, {0: status, 1: status})
    assert outcome.fired.sum() == 0 and outcome.shot_down.sum() == 0
    assert outcome.leaked[c] == 10


@pytest.mark.parametrize("threat", ["cruise", "ballistic"])
@pytest.mark.parametrize("status", NOT_READY, ids=[s.name for s in NOT_READY])
def test_the_battery_after_one_not_ready_still_fires(tiny, threat, status):
    """The first Patriot out of the fight, the second in it: the second kills all ten with ten rounds."""
    outcome, c = one_night(two_batteries_at_city(tiny, threat), threat, 10, {0: status})
    assert outcome.shot_down[c] == 10 and outcome.fired.sum() == 10 and outcome.leaked.sum() == 0


@pytest.mark.parametrize("status", NOT_READY, ids=[s.name for s in NOT_READY])
def test_an_ew_unit_not_ready_jams_nothing(tiny, status):
    """EW that would take every drone (share 1), out of the fight, with both Patriots out too: every drone
    gets through, none is lost to EW."""
    raw = two_batteries_at_city(tiny, "drone", ew_share=1.0)
    outcome, c = one_night(raw, "drone", 10, {0: status, 1: status, 2: status})
    assert outcome.lost_to_ew.sum() == 0 and outcome.leaked[c] == 10


def test_ew_never_jams_a_ballistic_missile_even_given_a_share_of_it(tiny):
    """A share of a ballistic class is refused by the scenario; given one behind its back, the kernel still
    jams none: with both Patriots out of the fight and an EW unit that takes every class, the ten drones are
    lost to it and the ten missiles beside them all get through."""
    raw = two_batteries_at_city(tiny, "ballistic")
    outcome, c = one_night(raw, "ballistic", 10, {0: BatteryStatus.MOVING, 1: BatteryStatus.MOVING},
                           ew_share=1.0, also={"drone": 10})
    assert outcome.lost_to_ew.sum() == 10 and outcome.lost_to_ew[c] == 0
    assert outcome.leaked[c] == 10 and outcome.leaked.sum() == 10


def test_every_battery_has_channels_of_its_own_even_when_there_are_more_batteries_than_round_types(tiny):
    """Twenty one-channel Patriots on City (more batteries than the catalog has round types) against twenty
    cruise missiles, p = 1: each battery engages one, and all twenty die."""
    raw = two_batteries_at_city(tiny, "cruise")
    raw["batteries"] = [dict(raw["batteries"][0]) for _ in range(20)]
    raw["catalog"]["battery_types"]["patriot"]["channels_per_wave"] = 1
    campaign = AirCampaign(build_scenario(raw), rng=1)
    assert len(campaign.air_defence.interceptor_names) < 20
    outcome, c = one_night(raw, "cruise", 20, {})
    assert outcome.shot_down[c] == 20 and outcome.fired.sum() == 20 and outcome.leaked.sum() == 0


def test_ready_rounds_spent_on_ballistic_missiles_leave_none_for_cruise_missiles(tiny):
    """A Patriot with three PAC-3 MSE ready, p = 1 at both, against three ballistic and three cruise missiles:
    the terminal engagements come first and take all three rounds; every cruise missile gets through."""
    raw = two_batteries_at_city(tiny, "ballistic")
    raw["batteries"] = raw["batteries"][:1]
    raw["catalog"]["interceptors"]["pac3_mse"]["kill_probability"]["cruise"] = 1.0
    raw["catalog"]["doctrines"]["patriot_keep_off_drones"].update(
        engage=["cruise", "ballistic"], shots_per_target={"ballistic": 1, "cruise": 1},
        preference={"ballistic": ["pac3_mse"], "cruise": ["pac3_mse"]})
    raw["catalog"]["battery_types"]["patriot"]["launcher_rounds"]["pac3_mse"] = 3
    outcome, c = one_night(raw, "ballistic", 3, {}, also={"cruise": 3})
    assert outcome.shot_down[c] == 3 and outcome.fired.sum() == 3
    assert outcome.leaked.sum() == 3 and outcome.leaked[c] == 0


# ---------------------------------------------------------------- whole salvos, the next round type, every route
def patriot_with(raw: dict, threat: str, ready: dict[str, int], shots: int, p: dict[str, float]) -> dict:
    """One Patriot on City at `threat`, `shots` a target in salvos, reaching for PAC-3 MSE then GEM-T with kill
    probabilities `p`, `ready` rounds of each on its launchers (stock without limit), channels without limit."""
    raw["batteries"] = [{"type": "patriot", "cell": [1, 5], "magazine": {"pac3_mse": PLENTY, "gem_t": PLENTY}}]
    raw["catalog"] = {
        "interceptors": {name: {"kill_probability": {threat: value}} for name, value in p.items()},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0,
                                      "launcher_rounds": ready}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {threat: shots}, "engage": [threat],
                                                  "preference": {threat: ["pac3_mse", "gem_t"]},
                                                  "mode": "salvo", "ballistic_reserve": 0}},
    }
    return raw


def test_a_salvo_is_fired_whole_and_each_takes_one_channel(tiny):
    """Five PAC-3 MSE ready, two a target, three channels, ten missiles: two PAC-3 salvos (four rounds; the
    fifth round stays), then one GEM-T salvo on the channel left."""
    raw = patriot_with(tiny, "cruise", {"pac3_mse": 5, "gem_t": PLENTY}, 2, {"pac3_mse": 1.0, "gem_t": 1.0})
    raw["catalog"]["battery_types"]["patriot"]["channels_per_wave"] = 3
    outcome, c = one_night(raw, "cruise", 10, {})
    assert outcome.fired.tolist()[:2] == [4, 2] and outcome.shot_down[c] == 3 and outcome.leaked[c] == 7


def test_a_route_without_ballistic_missiles_does_not_end_the_terminal_engagements(tiny):
    """Two sites, the far one worth more (its route comes first); S-300 missiles reach only the near one, where
    a Patriot kills every one (p = 1). The far route has no ballistic missile, and the near one is still
    engaged: none gets through."""
    tiny["sites"] = [{"name": "Far", "cell": [1, 5], "value": 10.0}, {"name": "Near", "cell": [7, 5], "value": 1.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [7, 5], "magazine": {"pac3_mse": PLENTY}}]
    tiny["attacker"]["initial_stockpile"].update(s300=PLENTY, drone=PLENTY)
    tiny["attacker"]["routine"]["mean"] = {"s300": 10.0, "drone": 30.0}
    tiny["suppliers"] = []
    tiny["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"s300": 1.0}}},  # the catalog names s300 itself
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": 0}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {"ballistic": 1}, "engage": ["ballistic"],
                                                  "preference": {"ballistic": ["pac3_mse"]}, "mode": "salvo",
                                                  "ballistic_reserve": 0}},
    }
    tiny["end"] = tiny["start"]
    campaign = AirCampaign(build_scenario(tiny), rng=3).run()
    daily = campaign.daily()
    route_sites = campaign.air_defence.route_site[campaign.air_defence.route_order]
    assert [campaign.config.sites[s].name for s in route_sites][0] == "Far"
    assert int(daily["launched_ballistic"].iloc[0]) == 10 and int(daily["damage_at_Far"].iloc[0]) > 0
    assert int(daily["shot_down_ballistic"].iloc[0]) == 10 and int(daily["leaked_ballistic"].iloc[0]) == 0


def test_a_battery_behind_an_ew_unit_still_fires(tiny):
    """An EW unit forward on the route that takes half the drones, then a Patriot at the city that kills every
    drone left (p = 1): none gets through, and the EW unit's share is lost to it."""
    tiny["batteries"] = [{"type": "ew", "cell": [6, 5]},
                         {"type": "patriot", "cell": [1, 5], "magazine": {"pac3_mse": PLENTY}}]
    tiny["attacker"]["initial_stockpile"]["drone"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"drone": 40.0}
    tiny["suppliers"] = []
    tiny["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"drone": 1.0}}},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0, "radius": 0.5,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": 0}},
                          "ew": {"ew_share": {"drone": 0.5}, "radius": 1.0}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {"drone": 1}, "engage": ["drone"],
                                                  "preference": {"drone": ["pac3_mse"]}, "mode": "salvo",
                                                  "ballistic_reserve": 0}},
    }
    campaign = AirCampaign(build_scenario(tiny), rng=3).run()
    daily = campaign.daily()
    assert list(campaign.air_defence.layers[0][:2]) == [0, 1]  # the EW unit first
    assert daily["lost_to_ew_drone"].sum() > 0 and daily["leaked_drone"].sum() == 0
    np.testing.assert_array_equal(daily["shot_down_drone"] + daily["lost_to_ew_drone"], 40)


def test_ew_takes_its_share_of_a_lone_drone(tiny):
    """One drone a night against an EW unit that takes half: over 400 nights about half are lost to it
    (99.9% binomial bounds), none of them shot down."""
    nights = 400
    tiny["batteries"] = [{"type": "ew", "cell": [1, 5]}]
    tiny["attacker"]["routine"]["mean"] = {"drone": 1.0}
    tiny["catalog"] = {"battery_types": {"ew": {"ew_share": {"drone": 0.5}}}}
    tiny["end"] = tiny["start"] + timedelta(days=nights - 1)
    daily = AirCampaign(build_scenario(tiny), rng=4).run().daily()
    np.testing.assert_array_equal(daily["launched_drone"], 1)
    lost = int(daily["lost_to_ew_drone"].sum())
    assert abs(lost / nights - 0.5) <= 3.29 * np.sqrt(0.25 / nights), lost
