"""Rules that once broke with every test still passing: each test here fails if its rule is broken again.

Each was found by a hand mutation (issue 14): common random numbers across
design points, the replication seeds' spawn key, the launcher-rounds cap, the
intelligence-pause factor on a struck battery's own fire, and the rounds lost
with destroyed batteries in the interceptor books.
"""

from datetime import timedelta

import numpy as np
import pytest

from agents.seeds import night_seeds
from experiments.sweep.design import replication_seed
from model import AirCampaign, build_scenario
from model.books import check_books, interceptor_imbalance
from model.errors import ScenarioError

PLENTY = 10**6


def set_days(raw: dict, days: int) -> None:
    raw["end"] = raw["start"] + timedelta(days=days - 1)


def patriot_at(raw: dict, threat: str, p: float, shots: int = 1, mode: str = "salvo", channels: int = PLENTY,
               launcher_rounds: int = PLENTY, battery_type: dict | None = None, doctrine: dict | None = None) -> None:
    """The tiny scenario's Patriots fire PAC-3 MSE only, at `threat` only, with kill probability `p`: `shots` a
    target in `mode`, stock without limit, `channels` a wave, `launcher_rounds` PAC-3 MSE ready a night;
    `battery_type` and `doctrine` add keys to theirs."""
    for battery in raw["batteries"]:
        battery["magazine"] = {"pac3_mse": PLENTY}
    raw["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {threat: p}}},
        "battery_types": {"patriot": {"channels_per_wave": channels, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": launcher_rounds, "gem_t": 0},
                                      **(battery_type or {})}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {threat: shots},
                                                  "preference": {threat: ["pac3_mse"]},
                                                  "mode": mode, "ballistic_reserve": 0, **(doctrine or {})}},
    }


def patriot_that_never_binds(raw: dict, p: float, shots: int = 1, launcher_rounds: int = PLENTY) -> None:
    """The tiny scenario's Patriot at ballistic missiles only, with nothing but `launcher_rounds` to bind it."""
    patriot_at(raw, "ballistic", p, shots=shots, launcher_rounds=launcher_rounds)


def every_night(raw: dict, threat: str, mean: float) -> None:
    """The attacker launches `mean` `threat` a night on average, from a stockpile that never runs out; no
    supplier, so the books hold only what the batteries start with."""
    raw["attacker"]["initial_stockpile"][threat] = PLENTY
    raw["attacker"]["routine"]["mean"] = {threat: mean}
    raw["suppliers"] = []


def run(raw: dict, seed: int):
    campaign = AirCampaign(build_scenario(raw), rng=seed).run()
    return campaign, campaign.daily()


# ---------------------------------------------------------------- a. common random numbers across design points
@pytest.mark.parametrize("swarms", [([50, 60], [50, 400]), ([0, 0], [300, 300])], ids=["range", "size"])
def test_design_points_whose_salvos_differ_share_the_kill_draws(tiny, swarms):
    """Two design points at the same replication seed differ only in their salvos' swarms (drones and decoys,
    which the Patriot leaves alone), every two to five nights. The salvo calendar and every night's kill draws
    are seeded independently of what the attacker drew, so the salvos come on the same nights and the two
    ballistic missiles of every night, routine or salvo, are shot down on exactly the same nights at both
    points (common random numbers)."""
    patriot_that_never_binds(tiny, p=0.5)
    days = 90
    set_days(tiny, days)
    tiny["attacker"]["initial_stockpile"].update(drone=PLENTY, decoy=PLENTY, ballistic=PLENTY)
    salvo = {"interval_days": [2, 5], "swarm_mix": {"drone": 0.6, "decoy": 0.4}, "missiles": {"ballistic": 2.0},
             "dispersion": 0.0}
    tiny["attacker"]["salvo"] = {**salvo, "swarm_size": swarms[0]}
    other = {**tiny, "attacker": {**tiny["attacker"], "salvo": {**salvo, "swarm_size": swarms[1]}}}
    seed = replication_seed(2025, 3)
    _, first = run(tiny, seed)
    _, second = run(other, seed)
    gaps = set(np.diff(np.flatnonzero(first["salvo"])).tolist())
    assert gaps <= {2, 3, 4, 5} and len(gaps) > 1  # the calendar draws its intervals
    np.testing.assert_array_equal(first["salvo"], second["salvo"])
    assert (first["launched_drone"] != second["launched_drone"]).any()  # the salvos' draws differ
    np.testing.assert_array_equal(first["launched_ballistic"], 2)
    np.testing.assert_array_equal(second["launched_ballistic"], 2)
    shot_down = first["shot_down_ballistic"].to_numpy()
    assert 0 < shot_down.sum() < 2 * days  # the draws decide something
    np.testing.assert_array_equal(shot_down, second["shot_down_ballistic"])


def test_design_points_whose_battery_strikes_differ_share_the_salvo_nights(tiny):
    """A Patriot that cannot hit (p = 0), struck by one missile on each salvo night (every two to five): at one
    point a missile never destroys it, at the other the first one does, so the two points' strikes make
    different draws from then on. The salvo calendar draws from its own stream: the salvos still come on the
    same nights."""
    patriot_that_never_binds(tiny, p=0.0)
    set_days(tiny, 90)
    tiny["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {}
    tiny["attacker"]["salvo"] = {"interval_days": [2, 5], "swarm_size": [0, 0], "swarm_mix": {"drone": 1.0}}
    strikes = {"types": ["patriot"], "missiles": 1}
    tiny["attacker"]["battery_strikes"] = {**strikes, "destroy_probability": 0.0}
    other = {**tiny, "attacker": {**tiny["attacker"], "battery_strikes": {**strikes, "destroy_probability": 1.0}}}
    seed = replication_seed(2025, 5)
    _, first = run(tiny, seed)
    _, second = run(other, seed)
    assert second["launched_ballistic"].sum() == 1  # destroyed by the first: no battery left to strike
    np.testing.assert_array_equal(first["launched_ballistic"], first["salvo"])
    assert len(set(np.diff(np.flatnonzero(first["salvo"])).tolist())) > 1
    np.testing.assert_array_equal(first["salvo"], second["salvo"])


# ---------------------------------------------------------------- b. replication seeds, as documented
def documented_seed(root_seed: int, replication: int) -> int:
    """README: replication r runs with `SeedSequence(root_seed, spawn_key=(r,))`; here reached as numpy's own
    r-th child of the root sequence (whose spawn key is (r,)), its first 64-bit word cut to 63 bits."""
    child = np.random.SeedSequence(root_seed).spawn(replication + 1)[replication]
    assert child.spawn_key == (replication,)
    return int(child.generate_state(1, np.uint64)[0]) >> 1


@pytest.mark.parametrize("root_seed", [0, 1, 2025, 2**40 + 7])
def test_replication_seeds_are_the_documented_spawned_sequences(root_seed):
    assert [replication_seed(root_seed, r) for r in range(20)] == [documented_seed(root_seed, r) for r in range(20)]


def test_neighbouring_roots_and_replications_never_share_a_seed():
    """`SeedSequence(root + r)` would give root 1, replication 0 the seed of root 0, replication 1."""
    assert replication_seed(1, 0) != replication_seed(0, 1)
    seeds = {replication_seed(root, r) for root in range(10) for r in range(10)}
    assert len(seeds) == 100


def test_night_seeds_are_distinct_draws_over_the_whole_32_bits():
    """numba's `np.random.seed` takes 32 bits: the nights' seeds span them, and a year's are all different."""
    seeds = night_seeds(np.random.default_rng(7), 365)
    assert seeds.shape == (365,) and seeds.dtype == np.int64
    assert 0 <= seeds.min() and seeds.max() < 2**32 and seeds.max() >= 2**31
    assert len(set(seeds.tolist())) == 365


@pytest.mark.parametrize(("nights", "kept", "chunk"), [(365, 30, None), (200_000, 30, None), (1000, 7, 64)])
def test_night_seeds_kept_for_a_few_nights_leave_the_generator_where_all_of_them_would(nights, kept, chunk):
    """Only `kept` seeds are held, but the generator moves past all `nights` of them, in chunks (None: the
    default, what a campaign uses): the kept seeds are the first of the whole draw, and every later draw of
    the run is the one the whole run makes."""
    whole, sized = np.random.default_rng(11), np.random.default_rng(11)
    everything = whole.integers(2**32, size=nights)
    seeds = night_seeds(sized, nights, kept) if chunk is None else night_seeds(sized, nights, kept, chunk)
    np.testing.assert_array_equal(seeds, everything[:kept])
    assert sized.bit_generator.state == whole.bit_generator.state


# ---------------------------------------------------------------- c. the launcher-rounds cap
@pytest.mark.parametrize(("launcher", "shots"), [(3, 1), (5, 2), (1, 2)])
def test_a_battery_fires_no_more_in_a_night_than_its_launchers_hold(tiny, launcher, shots):
    """Ten missiles a night, every one engaged while rounds are ready, each with `shots` rounds that always
    kill: a salvo is `shots` rounds, or all that is ready if fewer, so a night's fire is the whole salvos its
    launchers hold, and exactly that many missiles die (5 ready, 2 shots: two salvos, the fifth round kept)."""
    patriot_that_never_binds(tiny, p=1.0, shots=shots, launcher_rounds=launcher)
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 10.0}
    tiny["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    set_days(tiny, 10)
    _, daily = run(tiny, seed=1)
    salvo = min(shots, launcher)
    engaged = launcher // salvo
    np.testing.assert_array_equal(daily["launched_ballistic"], 10)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], engaged * salvo)
    np.testing.assert_array_equal(daily["shot_down_ballistic"], engaged)
    np.testing.assert_array_equal(daily["leaked_ballistic"], 10 - engaged)


# ---------------------------------------------------------------- d. an intelligence pause on a struck battery
def struck_patriot(raw: dict, kill_factor: float | None) -> dict:
    """The tiny Patriot, sure to kill (p = 1, one round), struck by one ballistic missile on every salvo night
    (every third; nothing else flies, nothing is delivered) that destroys it if it gets through; an
    intelligence pause from the first day multiplies its kill probability by `kill_factor` (None: no pause)."""
    patriot_that_never_binds(raw, p=1.0)
    raw["attacker"]["routine"]["mean"] = {}
    raw["attacker"]["salvo"] = {"interval_days": [3, 3], "swarm_size": [0, 0], "swarm_mix": {"drone": 1.0}}
    raw["attacker"]["battery_strikes"] = {"types": ["patriot"], "missiles": 1, "destroy_probability": 1.0}
    raw["suppliers"] = []
    set_days(raw, 30)
    if kill_factor is not None:
        raw["timeline"] = [{"event": "intel_pause", "start": raw["start"], "kill_factor": kill_factor}]
    return raw


def test_a_struck_battery_with_full_warning_kills_every_missile_at_it(tiny):
    campaign, daily = run(struck_patriot(tiny, None), seed=4)
    strikes = int(daily["launched_ballistic"].sum())
    assert strikes == daily["salvo"].sum() >= 8
    assert daily["shot_down_ballistic"].sum() == strikes and daily["fired_pac3_mse"].sum() == strikes
    assert daily["lost_with_batteries_pac3_mse"].sum() == 0


def test_a_struck_battery_without_warning_cannot_hit_and_is_destroyed_by_the_first_missile(tiny):
    """Kill factor 0: the kill probability is 0, so no round is fired; the first missile destroys the battery,
    its whole magazine is lost with it, and no Patriot is left to strike."""
    campaign, daily = run(struck_patriot(tiny, 0.0), seed=4)
    first = int(np.flatnonzero(daily["salvo"])[0])
    assert daily["fired_pac3_mse"].sum() == 0 and daily["shot_down_ballistic"].sum() == 0
    np.testing.assert_array_equal(np.flatnonzero(daily["launched_ballistic"]), [first])
    assert daily["lost_with_batteries_pac3_mse"].iloc[first] == PLENTY
    assert daily["stock_pac3_mse"].iloc[first:].eq(0).all()


def test_a_struck_battery_under_a_half_warning_kills_about_half(tiny):
    """Kill factor 0.5 of p = 1: each missile at it dies with probability 0.5, and the first to get through
    destroys it; the number of strikes it survives is geometric, so over many seeds the share killed is 0.5."""
    killed = struck = 0
    for seed in range(60):
        raw = struck_patriot({**tiny, "batteries": [dict(tiny["batteries"][0])]}, 0.5)
        _, daily = run(raw, seed)
        killed += int(daily["shot_down_ballistic"].sum())
        struck += int(daily["launched_ballistic"].sum())
    # each strike is a Bernoulli(0.5); 99.9% interval
    assert abs(killed / struck - 0.5) <= 3.29 * np.sqrt(0.25 / struck), (killed, struck)


@pytest.mark.parametrize("kill_factor", [0.0, 0.5])
def test_an_intelligence_pause_scales_every_kill_probability_of_the_night(tiny, kill_factor):
    """Twenty missiles a night at a Patriot with p = 0.8, one round each, under a pause with `kill_factor` for
    the whole campaign: each dies with 0.8 * kill_factor, and every one is still engaged."""
    patriot_that_never_binds(tiny, p=0.8)
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 20.0}
    tiny["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    tiny["timeline"] = [{"event": "intel_pause", "start": tiny["start"], "kill_factor": kill_factor}]
    set_days(tiny, 50)
    _, daily = run(tiny, seed=6)
    targets = int(daily["launched_ballistic"].sum())
    assert targets == 1000 and int(daily["fired_pac3_mse"].sum()) == targets
    q = 0.8 * kill_factor
    killed = int(daily["shot_down_ballistic"].sum())
    assert abs(killed / targets - q) <= 3.29 * np.sqrt(q * (1 - q) / targets), (killed, q)


# ---------------------------------------------------------------- e. rounds lost with destroyed batteries
def test_rounds_lost_with_destroyed_batteries_close_the_interceptor_books(tiny):
    """A battery destroyed holding rounds: the books balance with the rounds lost with it, and only with them."""
    campaign, daily = run(struck_patriot(tiny, 0.0), seed=4)
    assert daily["lost_with_batteries_pac3_mse"].sum() == PLENTY
    assert not interceptor_imbalance(campaign).any()
    without_losses = interceptor_imbalance(campaign, sinks=("fired", "stock", "in_transit", "held"))
    first = int(np.flatnonzero(daily["salvo"])[0])
    pac3 = campaign.air_defence.interceptor_names.index("pac3_mse")
    assert (without_losses[first:, pac3] == PLENTY).all() and not without_losses[:first].any()




# ---------------------------------------------------------------- which members of a small pool are engaged
def small_pool(raw: dict, counts: dict[str, int], channels: int, nights: int) -> None:
    """A mobile fire group at the city with `channels` sure-kill engagements a night against `counts` of drones
    and the decoys that pass for them (one pool) every night; `decoy_b` is a second kind of decoy."""
    raw["batteries"] = [{"type": "mobile_fire_group", "cell": [1, 5], "magazine": {"mfg_burst": PLENTY}}]
    raw["attacker"]["initial_stockpile"].update({name: PLENTY for name in counts})
    raw["attacker"]["routine"]["mean"] = {name: float(n) for name, n in counts.items()}
    raw["attacker"]["salvo"]["interval_days"] = [10**4, 10**4]  # no salvo night
    raw["attacker"]["waves"]["decoy_b"] = [1.0]
    raw["suppliers"] = []
    raw["catalog"] = {
        "threats": {"decoy_b": {"damage": 0.0, "cost_usd": 5000.0, "mimics": "drone"}},
        "interceptors": {"mfg_burst": {"kill_probability": {"drone": 1.0, "decoy": 1.0, "decoy_b": 1.0}}},
        "battery_types": {"mobile_fire_group": {"channels_per_wave": channels, "engagement_hours": 0.0,
                                                "launcher_rounds": {"mfg_burst": PLENTY},
                                                "doctrine": "drones_one_shot"}},
        "doctrines": {"drones_one_shot": {"engage": ["drone"], "shots_per_target": {"drone": 1}, "mode": "salvo"}},
    }
    set_days(raw, nights)


@pytest.mark.parametrize(("counts", "channels"), [
    ({"drone": 1, "decoy": 1}, 1), ({"drone": 3, "decoy": 3}, 3), ({"drone": 1, "decoy": 4}, 2),
    ({"drone": 1, "decoy": 1, "decoy_b": 1}, 1), ({"drone": 2, "decoy": 1, "decoy_b": 2}, 2),
    ({"drone": 4, "decoy": 1, "decoy_b": 3}, 3)],
    ids=["1+1", "3+3", "1+4", "1+1+1", "2+1+2", "4+1+3"])  # 4+1+3: a first member picked from more than twice
def test_the_engaged_members_of_a_small_pool_are_drawn_without_replacement(tiny, counts, channels):
    """`channels` of the pool's n threats are engaged, each subset equally likely (hypergeometric): a class of
    m in the pool has mean channels * m / n engaged a night and variance
    channels * (m / n) * (1 - m / n) * (n - channels) / (n - 1); over 2000 nights both are within 99.9%
    bounds (the variance by its normal approximation, excess kurtosis at most 2 here)."""
    nights = 2000
    small_pool(tiny, counts, channels, nights)
    _, daily = run(tiny, seed=12)
    engaged = {name: daily[f"shot_down_{name}"].to_numpy() for name in counts}
    np.testing.assert_array_equal(sum(engaged.values()), channels)
    n = sum(counts.values())
    for name, m in counts.items():
        mean = channels * m / n
        variance = channels * (m / n) * (1 - m / n) * (n - channels) / (n - 1)
        per_night = engaged[name]
        assert abs(per_night.mean() - mean) <= 3.29 * np.sqrt(variance / nights), (name, per_night.mean(), mean)
        assert abs(per_night.var() - variance) <= 3.29 * variance * np.sqrt(4 / nights), (name, per_night.var())


# ---------------------------------------------------------------- a single target, and a round type that cannot hit
def test_shoot_look_shoot_at_a_lone_target_fires_one_round_then_one_more_if_it_missed(tiny):
    """One cruise missile a night, two looks at p = 0.5: one round, and a second only after a miss; it leaks
    only if both miss. Every night: 1 or 2 rounds, 2 exactly when the first missed."""
    patriot_at(tiny, "cruise", p=0.5, shots=2, mode="shoot-look-shoot")
    every_night(tiny, "cruise", 1.0)
    set_days(tiny, 400)
    _, daily = run(tiny, seed=8)
    fired, leaked = daily["fired_pac3_mse"].to_numpy(), daily["leaked_cruise"].to_numpy()
    np.testing.assert_array_equal(daily["launched_cruise"], 1)
    assert set(fired.tolist()) == {1, 2}
    assert (leaked[fired == 1] == 0).all()  # one round was enough: it hit
    second = int((fired == 2).sum())
    assert abs(second / 400 - 0.5) <= 3.29 * np.sqrt(0.25 / 400)
    assert abs(leaked.sum() / second - 0.5) <= 3.29 * np.sqrt(0.25 / second)  # the second look hits half


def test_a_round_type_that_cannot_hit_a_class_is_passed_over_for_the_next(tiny):
    """GEM-T first in the order at ballistic missiles, but it cannot hit them (p = 0): PAC-3 MSE (p = 1) takes
    every one, and not one GEM-T is fired."""
    tiny["batteries"][0]["magazine"] = {"pac3_mse": PLENTY, "gem_t": PLENTY}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 5.0}
    tiny["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    tiny["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"ballistic": 1.0}},
                         "gem_t": {"kill_probability": {"ballistic": 0.0}}},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": PLENTY}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {"ballistic": 1},
                                                  "preference": {"ballistic": ["gem_t", "pac3_mse"]},
                                                  "mode": "salvo", "ballistic_reserve": 0}},
    }
    set_days(tiny, 10)
    _, daily = run(tiny, seed=2)
    assert daily["fired_gem_t"].sum() == 0
    np.testing.assert_array_equal(daily["shot_down_ballistic"], 5)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], 5)


# ---------------------------------------------------------------- conserve mode guards its sites only
@pytest.mark.parametrize("threat", ["cruise", "ballistic"])
def test_a_conserving_battery_fires_only_at_threats_to_the_sites_it_guards(tiny, threat):
    """A Patriot that is always conserving (below its threshold from the start) and guards only City, on the
    way to both City and Town and defending both: every threat to City dies (p = 1), every one to Town gets
    through untouched."""
    tiny["sites"] = [{"name": "City", "cell": [1, 5], "value": 1.0}, {"name": "Town", "cell": [1, 3], "value": 1.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [2, 4]}]
    patriot_at(tiny, threat, p=1.0, battery_type={"radius": 3.0, "terminal_radius": 3.0},
               doctrine={"engage": [threat], "conserve_below": 10 * PLENTY, "conserve_engage": [threat],
                         "conserve_sites": ["City"]})
    every_night(tiny, threat, 20.0)
    set_days(tiny, 20)
    _, daily = run(tiny, seed=3)
    assert daily["damage_at_City"].sum() == 0
    assert daily["damage_at_Town"].sum() > 0
    # what got through is exactly what flew at Town: nothing at Town was engaged
    np.testing.assert_array_equal(daily["fired_pac3_mse"], daily[f"shot_down_{threat}"])
    assert 0 < daily[f"leaked_{threat}"].sum() < daily[f"launched_{threat}"].sum()


def test_a_round_type_left_out_of_the_order_for_a_class_is_never_fired_at_it(tiny):
    """A Patriot that also carries interceptor drones (the catalog's last round type), which could kill
    ballistic missiles, but whose order at them is PAC-3 MSE only: when its two ready PAC-3 MSE are spent, the
    rest get through, and no interceptor drone is fired."""
    patriot_that_never_binds(tiny, p=1.0, launcher_rounds=2)
    tiny["batteries"][0]["magazine"] = {"pac3_mse": PLENTY, "interceptor_drone": PLENTY}
    tiny["catalog"]["battery_types"]["patriot"]["interceptors"] = ["pac3_mse", "gem_t", "interceptor_drone"]
    tiny["catalog"]["battery_types"]["patriot"]["launcher_rounds"]["interceptor_drone"] = PLENTY
    tiny["catalog"]["interceptors"]["interceptor_drone"] = {"kill_probability": {"ballistic": 1.0}}
    tiny["attacker"]["routine"]["mean"] = {"ballistic": 5.0}
    tiny["attacker"]["initial_stockpile"]["ballistic"] = PLENTY
    set_days(tiny, 5)
    campaign, daily = run(tiny, seed=1)
    assert campaign.air_defence.interceptor_names[-1] == "interceptor_drone"
    assert daily["fired_interceptor_drone"].sum() == 0
    np.testing.assert_array_equal(daily["shot_down_ballistic"], 2)


def test_a_decoy_of_a_ballistic_missile_that_does_not_fly_is_never_engaged(tiny):
    """A catalog with a (non-ballistic) decoy that passes for Iskander-M, none launched: the terminal salvos go
    to the missiles that fly, one round each, and nothing is fired at a decoy that is not there."""
    patriot_that_never_binds(tiny, p=1.0)
    tiny["catalog"]["threats"] = {"iskander_decoy": {"damage": 0.0, "cost_usd": 1000.0, "mimics": "iskander_m"}}
    tiny["attacker"]["waves"]["iskander_decoy"] = [1.0]
    tiny["attacker"]["routine"]["mean"] = {"iskander_m": 3.0}
    tiny["attacker"]["initial_stockpile"]["iskander_m"] = PLENTY
    set_days(tiny, 5)
    campaign, daily = run(tiny, seed=1)
    np.testing.assert_array_equal(daily["launched_iskander_m"], 3)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], 3)
    np.testing.assert_array_equal(daily["shot_down_iskander_m"], 3)
    assert daily["shot_down_iskander_decoy"].sum() == 0 and daily["leaked_iskander_decoy"].sum() == 0
    assert check_books(campaign) == []


def test_a_battery_behind_a_conserving_one_still_fires(tiny):
    """Cruise missiles to Town meet a conserving Patriot that guards only City, then a SAM at Town that kills
    every one (p = 1): the Patriot lets them pass, the SAM does not, and Town takes no damage."""
    tiny["sites"] = [{"name": "City", "cell": [1, 5], "value": 1.0}, {"name": "Town", "cell": [1, 3], "value": 1.0}]
    tiny["batteries"] = [{"type": "patriot", "cell": [5, 4], "magazine": {"pac3_mse": PLENTY}},
                         {"type": "medium_sam", "cell": [1, 3], "magazine": {"aim120": PLENTY}}]
    tiny["attacker"]["initial_stockpile"]["cruise"] = PLENTY
    tiny["attacker"]["routine"]["mean"] = {"cruise": 20.0}
    tiny["suppliers"] = []
    tiny["catalog"] = {
        "interceptors": {"pac3_mse": {"kill_probability": {"cruise": 1.0}},
                         "aim120": {"kill_probability": {"cruise": 1.0}}},
        "battery_types": {"patriot": {"channels_per_wave": PLENTY, "engagement_hours": 0.0, "radius": 3.0,
                                      "launcher_rounds": {"pac3_mse": PLENTY, "gem_t": 0}},
                          "medium_sam": {"channels_per_wave": PLENTY, "engagement_hours": 0.0, "radius": 0.5,
                                         "launcher_rounds": {"aim120": PLENTY}}},
        "doctrines": {"patriot_keep_off_drones": {"shots_per_target": {"cruise": 1},
                                                  "preference": {"cruise": ["pac3_mse"]}, "engage": ["cruise"],
                                                  "mode": "salvo", "ballistic_reserve": 0,
                                                  "conserve_below": 10 * PLENTY, "conserve_engage": ["cruise"],
                                                  "conserve_sites": ["City"]},
                      "sam_standard": {"engage": ["cruise"], "shots_per_target": {"cruise": 1}}},
    }
    set_days(tiny, 10)
    _, daily = run(tiny, seed=3)
    assert daily["leaked_cruise"].sum() == 0 and daily["damage_at_Town"].sum() == 0
    assert daily["fired_aim120"].sum() > 0 and daily["fired_pac3_mse"].sum() > 0


def test_shoot_look_shoot_never_fires_more_than_its_launchers_hold(tiny):
    """Three cruise missiles a night, two looks at p = 0.5, four rounds ready: three in the first volley, then
    at most the one left for the survivors; never a fifth round in a night."""
    patriot_at(tiny, "cruise", p=0.5, shots=2, mode="shoot-look-shoot", launcher_rounds=4)
    every_night(tiny, "cruise", 3.0)
    set_days(tiny, 40)
    _, daily = run(tiny, seed=5)
    fired = daily["fired_pac3_mse"].to_numpy()
    assert (fired >= 3).all() and (fired <= 4).all() and (fired == 4).any()


def test_a_supplier_ships_its_theatre_share_of_each_interval_and_by_default_it_lands_that_day(tiny):
    """rate x theatre share x interval, every interval from the first morning; no lead time unless one is given."""
    rate, share, every = 3.0, 0.5, 10
    tiny["suppliers"] = [{"name": "us", "products": {"pac3_mse": rate}, "theatre_share": share,
                          "ship_every_days": every}]
    campaign, _ = run(tiny, seed=3)
    dispatched, delivered = campaign.ledger["dispatched"][:, 0], campaign.ledger["delivered"][:, 0]
    days = campaign.config.horizon
    assert np.flatnonzero(dispatched).tolist() == list(range(0, days, every))
    assert set(dispatched[dispatched > 0]) == {rate * share * every}
    assert np.array_equal(delivered, dispatched)


def test_rounds_no_battery_fires_wait_at_the_depot_and_the_rest_of_the_shipment_still_goes_out(tiny):
    """A shipment of PAC-3 (no Patriot in theatre) and AIM-120 (a medium SAM there): the first waits, the second
    reaches the battery."""
    tiny["batteries"] = [{"type": "medium_sam", "cell": [1, 5]}]
    tiny["suppliers"] = [{"name": "us", "products": {"pac3_mse": 1.0, "aim120": 1.0}, "ship_every_days": 1}]
    campaign, _ = run(tiny, seed=3)
    names = list(campaign.config.catalog.interceptors)
    pac3, aim120 = names.index("pac3_mse"), names.index("aim120")
    assert pac3 < aim120  # the type no battery fires comes first in the shipment
    dispatched, delivered, in_transit, held = campaign.logistics[:, 0]
    assert held[pac3] == dispatched[pac3] > 0 and delivered[pac3] == 0
    assert delivered[aim120] == dispatched[aim120] > 0 and held[aim120] == 0
    assert check_books(campaign) == []


def test_a_supplier_ships_weekly_unless_told_otherwise(tiny):
    tiny["suppliers"] = [{"name": "us", "products": {"pac3_mse": 1.0}}]
    campaign, _ = run(tiny, seed=3)
    dispatched = campaign.ledger["dispatched"][:, 0]
    assert np.flatnonzero(dispatched).tolist() == list(range(0, campaign.config.horizon, 7))


def test_a_supplier_that_makes_nothing_is_refused(tiny):
    tiny["suppliers"] = [{"name": "us", "products": {}}]
    with pytest.raises(ScenarioError, match=r"suppliers\[0\]\.products"):
        build_scenario(tiny)


def test_a_second_battery_engages_what_the_first_could_not(tiny):
    """Two Patriots with one channel each against two cruise missiles a night, kill probability 1: the first
    kills one, the second the other, and nothing leaks (a layer that miscounted what is still in the air would
    stop before the second battery)."""
    tiny["batteries"] = [{"type": "patriot", "cell": [1, 5]} for _ in range(2)]
    patriot_at(tiny, "cruise", p=1.0, channels=1)
    every_night(tiny, "cruise", 2.0)
    _, daily = run(tiny, seed=5)
    np.testing.assert_array_equal(daily["launched_cruise"], 2)
    np.testing.assert_array_equal(daily["fired_pac3_mse"], 2)
    np.testing.assert_array_equal(daily["leaked_cruise"], 0)
