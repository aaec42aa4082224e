"""Bad scenario files give one clear ScenarioError naming the file, the key and the value.

Each bad scenario is written as a TOML file in `tmp_path` (mostly a file that
`extends = "baseline-2025"` and changes one thing) and read with
`load_scenario`, so the file name in the message is checked too. Loading must
never write anything: every load here also checks the directory is unchanged.
"""

import re
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from model import AirCampaign, ScenarioError, builtin_scenarios, load_scenario
from model.timeline.aid import Pause, SupplierRamp, SupplierRate
from model.timeline.attack import AttackerRamp, AttackerRate
from model.timeline.forces import ForceChange, ForceRamp, KillProbabilityChange, NewBattery

BASE = 'extends = "baseline-2025"\n'
SMALL = """\
name = "small"
start = 2025-01-01
end = 2025-01-31

[grid]
width = 10
height = 10
launch_areas = [[9, 5]]

[[sites]]
name = "City"
cell = [1, 5]
value = 1.0

[[batteries]]
type = "patriot"
cell = [1, 5]

[attacker]
initial_stockpile = { drone = 1000, ballistic = 100 }
production_per_day = {}

[attacker.routine]
mean = { ballistic = 2.0 }
dispersion = 0.0

[attacker.salvo]
interval_days = [1000, 1000]
swarm_size = [0, 0]
swarm_mix = { drone = 1.0 }

[attacker.waves]
drone = [1.0]

[[suppliers]]
name = "us"
products = { pac3_mse = 1.0 }
lead_time_days = 3
ship_every_days = 1
"""
"""A whole small scenario file, without `extends`: the tiny scenario of conftest.py as TOML."""


def listing(directory: Path) -> dict[str, tuple[int, int]]:
    """Every file under `directory` with its size and modification time."""
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*"))}


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def load_bad(path: Path, *patterns: str) -> ScenarioError:
    """Load `path`, expecting one ScenarioError whose message matches every pattern; nothing written."""
    before = listing(path.parent)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert listing(path.parent) == before, "loading a scenario wrote to its directory"
    error = info.value
    message = str(error)
    assert len(error.problems) == 1, f"expected one problem, got {error.problems}"
    assert "\n" not in message, f"expected a one-line message, got:\n{message}"
    assert re.search(re.escape(path.name), message), message
    for pattern in patterns:
        assert re.search(pattern, message), f"{pattern!r} not in {message!r}"
    return error


def problem(error: ScenarioError) -> tuple[str, object, str]:
    (only,) = error.problems
    return only


# ---------------------------------------------------------------- unknown keys and wrong types

def test_unknown_top_level_key(tmp_path):
    path = write(tmp_path, BASE + 'colour = "red"\n')
    error = load_bad(path, r"colour = 'red'", "[Ee]xtra")
    assert problem(error)[:2] == ("colour", "red")


def test_unknown_key_in_attacker_salvo(tmp_path):
    path = write(tmp_path, BASE + "[attacker.salvo]\nintreval_days = [5, 10]\n")
    error = load_bad(path, re.escape("attacker.salvo.intreval_days = [5, 10]"))
    assert problem(error)[:2] == ("attacker.salvo.intreval_days", [5, 10])


def test_unknown_key_in_a_catalog_table(tmp_path):
    path = write(tmp_path, BASE + "[catalog.battery_types.patriot]\nrange = 3.0\n")
    error = load_bad(path, re.escape("catalog.battery_types.patriot.range = 3.0"))
    assert problem(error)[0] == "catalog.battery_types.patriot.range"


def test_site_value_given_as_a_string(tmp_path):
    path = write(tmp_path, BASE + '[[sites]]\nname = "Kyiv"\ncell = [11, 12]\nvalue = "ten"\n')
    error = load_bad(path, re.escape("sites[0].value = 'ten'"), "number")
    assert problem(error)[:2] == ("sites[0].value", "ten")


def test_channels_per_wave_not_a_whole_number(tmp_path):
    path = write(tmp_path, BASE + "[catalog.battery_types.patriot]\nchannels_per_wave = 2.5\n")
    error = load_bad(path, re.escape("catalog.battery_types.patriot.channels_per_wave = 2.5"), "integer")
    assert problem(error)[:2] == ("catalog.battery_types.patriot.channels_per_wave", 2.5)


def test_date_given_as_a_string(tmp_path):
    path = write(tmp_path, BASE + 'end = "2025-06-30"\n')
    error = load_bad(path, re.escape("end = '2025-06-30'"))
    assert problem(error)[:2] == ("end", "2025-06-30")


# ---------------------------------------------------------------- probabilities and stocks

def test_kill_probability_above_one(tmp_path):
    path = write(tmp_path, BASE + "[catalog.interceptors.pac3_mse.kill_probability]\nballistic = 1.2\n")
    error = load_bad(path, re.escape("catalog.interceptors.pac3_mse.kill_probability.ballistic = 1.2"),
                     "less than or equal to 1")
    assert problem(error)[:2] == ("catalog.interceptors.pac3_mse.kill_probability.ballistic", 1.2)


def test_ew_share_below_zero(tmp_path):
    path = write(tmp_path, BASE + "[catalog.battery_types.ew.ew_share]\ndrone = -0.1\n")
    error = load_bad(path, re.escape("catalog.battery_types.ew.ew_share.drone = -0.1"),
                     "greater than or equal to 0")
    assert problem(error)[:2] == ("catalog.battery_types.ew.ew_share.drone", -0.1)


@pytest.mark.parametrize("key", ["ballistic", "iskander_m"])
def test_an_ew_share_of_ballistic_missiles_is_refused_not_ignored(tmp_path, key):
    """EW acts on air-breathing classes only (model/raid.py): a share of a ballistic class or family would
    silently do nothing, so it is refused."""
    path = write(tmp_path, BASE + f"[catalog.battery_types.ew.ew_share]\ndrone = 0.4\n{key} = 0.9\n")
    error = load_bad(path, re.escape(f"catalog.battery_types.ew.ew_share.{key} = 0.9"), "not jammed")
    assert problem(error)[:2] == (f"catalog.battery_types.ew.ew_share.{key}", 0.9)


def test_theatre_share_above_one(tmp_path):
    text = BASE + '[[suppliers]]\nname = "us-pac3"\nproducts = { pac3_mse = 1.7 }\ntheatre_share = 2\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("suppliers[0].theatre_share = 2"), "less than or equal to 1")
    assert problem(error)[:2] == ("suppliers[0].theatre_share", 2)


def test_swarm_mix_share_above_one(tmp_path):
    path = write(tmp_path, BASE + "[attacker.salvo.swarm_mix]\ndecoy = 1.5\n")
    error = load_bad(path, re.escape("attacker.salvo.swarm_mix.decoy = 1.5"))
    assert problem(error)[:2] == ("attacker.salvo.swarm_mix.decoy", 1.5)


def test_negative_initial_stockpile(tmp_path):
    path = write(tmp_path, BASE + "[attacker.initial_stockpile]\ndrone = -5\n")
    error = load_bad(path, re.escape("attacker.initial_stockpile.drone = -5"), "greater than or equal to 0")
    assert problem(error)[:2] == ("attacker.initial_stockpile.drone", -5)


def test_negative_battery_magazine(tmp_path):
    text = BASE + '[[batteries]]\ntype = "patriot"\ncell = [11, 12]\nmagazine = { pac3_mse = -1, gem_t = 8 }\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("batteries[0].magazine.pac3_mse = -1"), "greater than or equal to 0")
    assert problem(error)[:2] == ("batteries[0].magazine.pac3_mse", -1)


def test_negative_magazine_in_catalog(tmp_path):
    path = write(tmp_path, BASE + "[catalog.battery_types.gun.magazine]\ngun_burst = -300\n")
    error = load_bad(path, re.escape("catalog.battery_types.gun.magazine.gun_burst = -300"))
    assert problem(error)[:2] == ("catalog.battery_types.gun.magazine.gun_burst", -300)


# ---------------------------------------------------------------- references to nothing

def test_battery_type_missing_from_catalog(tmp_path):
    path = write(tmp_path, BASE + '[[batteries]]\ntype = "thaad"\ncell = [11, 12]\n')
    error = load_bad(path, re.escape("batteries[0].type = 'thaad'"), "unknown battery type", "patriot")
    assert problem(error)[:2] == ("batteries[0].type", "thaad")


def test_battery_type_missing_from_catalog_in_timeline(tmp_path):
    text = BASE + '[[timeline]]\nevent = "battery"\ndate = 2025-11-01\ntype = "samp_t"\ncell = [20, 11]\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("timeline[0].type = 'samp_t'"), "unknown battery type")
    assert problem(error)[:2] == ("timeline[0].type", "samp_t")


def test_battery_doctrine_missing(tmp_path):
    text = BASE + '[[batteries]]\ntype = "patriot"\ncell = [11, 12]\ndoctrine = "fire_at_will"\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("batteries[0].doctrine = 'fire_at_will'"), "unknown doctrine",
                     "patriot_all_targets")
    assert problem(error)[:2] == ("batteries[0].doctrine", "fire_at_will")


def test_battery_type_doctrine_missing(tmp_path):
    path = write(tmp_path, BASE + '[catalog.battery_types.gun]\ndoctrine = "fire_at_will"\n')
    error = load_bad(path, re.escape("catalog.battery_types.gun.doctrine = 'fire_at_will'"), "unknown doctrine")
    assert problem(error)[:2] == ("catalog.battery_types.gun.doctrine", "fire_at_will")


def test_unknown_supplier_in_pause(tmp_path):
    text = BASE + '[[timeline]]\nevent = "pause"\nsupplier = "us-thaad"\nstart = 2025-03-03\nend = 2025-03-11\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("timeline[0].supplier = 'us-thaad'"), "unknown supplier", "us-pac3")
    assert problem(error)[:2] == ("timeline[0].supplier", "us-thaad")


# ---------------------------------------------------------------- the calendar

def test_pause_ends_before_it_starts(tmp_path):
    text = BASE + '[[timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = 2025-03-11\nend = 2025-03-03\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("timeline[0].end = 2025-03-03"), "before it starts",
                     "2025-03-11")
    assert problem(error)[0] == "timeline[0].end"


AFTER_THE_END = [
    'event = "pause"\nsupplier = "us-pac3"\nstart = 2026-02-01\nend = 2026-02-10\n',
    'event = "battery"\ndate = 2026-01-15\ntype = "patriot"\ncell = [20, 11]\n',
    'event = "supplier_rate"\ndate = 2026-06-01\nsupplier = "us-pac3"\ninterceptor = "pac3_mse"\nper_day = 9.0\n',
    'event = "intel_pause"\nstart = 2026-03-01\ndays = 8\nkill_factor = 0.1\n',
    'event = "kill_probability"\ndate = 2026-01-02\ninterceptor = "pac3_mse"\nthreat = "ballistic"\nvalue = 0.0\n',
]


@pytest.mark.parametrize("event", AFTER_THE_END, ids=lambda e: e.split('"')[1])
def test_an_event_after_the_scenarios_end_loads_and_never_comes(tmp_path, event):
    """Timeline dates past the end are allowed (a sweep may move an event out of the run): nothing happens."""
    ends = BASE + 'name = "short"\nend = 2025-01-20\n'
    path = write(tmp_path, ends + "[[timeline]]\n" + event, "late.toml")
    before = listing(tmp_path)
    late, plain = load_scenario(path), load_scenario(write(tmp_path, ends, "plain.toml"))
    assert listing(tmp_path) == {**before, "plain.toml": listing(tmp_path)["plain.toml"]}
    (event,) = late.timeline
    assert late.day_of(getattr(event, "date", None) or event.start) >= late.horizon
    with_event = AirCampaign(late, rng=5).run().daily()
    without = AirCampaign(plain, rng=5).run().daily()
    assert with_event.equals(without)


def test_an_open_pause_that_began_before_the_start_holds_deliveries_from_the_first_day(tmp_path):
    """Entries dated before the start act before the first night: the state they made already holds."""
    text = BASE + '[[timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = 2024-12-01\n'
    daily = AirCampaign(load_scenario(write(tmp_path, text)), rng=1).run(40).daily()
    assert not daily["flowing_us-pac3"].any()
    assert daily["delivered_pac3_mse"].sum() == 0 and daily["held_pac3_mse"].iloc[-1] > 0


def test_a_pause_over_before_the_start_changes_nothing(tmp_path):
    text = BASE + '[[timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = 2024-11-01\nend = 2024-11-20\n'
    paused = AirCampaign(load_scenario(write(tmp_path, text)), rng=1).run(60).daily()
    plain = AirCampaign(load_scenario(write(tmp_path, BASE + "timeline = []\n", "plain.toml")), rng=1).run(60)
    assert paused.equals(plain.daily())


def test_a_battery_dated_before_the_start_is_there_on_the_first_night(tmp_path):
    text = BASE + '[[timeline]]\nevent = "battery"\ndate = 2024-12-15\ntype = "patriot"\ncell = [20, 11]\n'
    campaign = AirCampaign(load_scenario(write(tmp_path, text)), rng=1)
    before = int(campaign.batteries.active.sum())
    campaign.run(1)
    assert int(campaign.batteries.active.sum()) == before + 1


@pytest.mark.parametrize(("event", "check"), [
    ('event = "force"\ndate = 2024-12-31\ntype = "ew"\new_factor = 0.5\n', "ew"),
    ('event = "force_ramp"\ntype = "mobile_fire_group"\nquantity = "capacity"\nstart = 2024-06-01\n'
     "end = 2024-12-01\nfrom_factor = 1.0\nto_factor = 2.0\n", "capacity"),
    ('event = "kill_probability"\ndate = 2024-09-01\ninterceptor = "pac3_mse"\nthreat = "iskander_m"\n'
     "value = 0.25\n", "kill"),
    ('event = "supplier_rate"\ndate = 2024-06-01\nsupplier = "us-pac3"\ninterceptor = "pac3_mse"\nper_day = 2.0\n',
     "rate"),
])
def test_force_and_kill_probability_entries_before_the_start_hold_from_the_first_night(tmp_path, event, check):
    campaign = AirCampaign(load_scenario(write(tmp_path, BASE + "[[timeline]]\n" + event)), rng=1)
    defence, batteries = campaign.air_defence, campaign.batteries
    catalog = campaign.config.catalog
    campaign.run(1)
    rows = batteries.rows_of({"ew": "ew", "capacity": "mobile_fire_group"}.get(check, "patriot"))
    if check == "ew":
        np.testing.assert_allclose(batteries.ew_share[rows, defence.class_names.index("drone")],
                                   0.5 * catalog.battery_types["ew"].ew_share["drone"])
    elif check == "capacity":
        assert (batteries.channels[rows] == 2 * catalog.battery_types["mobile_fire_group"].channels_per_wave).all()
    elif check == "kill":
        i, c = defence.interceptor_names.index("pac3_mse"), defence.class_names.index("iskander_m")
        assert defence.kill_probability[i, c] == 0.25
    else:
        assert campaign.suppliers["us-pac3"].rate[defence.interceptor_names.index("pac3_mse")] == 2.0


def test_end_before_start(tmp_path):
    path = write(tmp_path, BASE + "end = 2024-12-31\n")
    error = load_bad(path, re.escape("end = 2024-12-31"), "before", "2025-01-01")
    assert problem(error)[:2] == ("end", date(2024, 12, 31))


# ---------------------------------------------------------------- off the grid

def test_site_off_the_grid(tmp_path):
    """Added to the baseline's sites (a list of only this one would leave the short-range classes no target)."""
    path = write(tmp_path, BASE + '[[add.sites]]\nname = "Kyiv West"\ncell = [11, 18]\nvalue = 10.0\n')
    error = load_bad(path, re.escape("add.sites[0].cell = [11, 18]"), "off the 26x18 grid")
    assert problem(error)[:2] == ("add.sites[0].cell", [11, 18])  # as the file wrote it, not sites[10]


def test_battery_off_the_grid(tmp_path):
    path = write(tmp_path, BASE + '[[batteries]]\ntype = "patriot"\ncell = [26, 3]\n')
    error = load_bad(path, re.escape("batteries[0].cell = [26, 3]"), "off the 26x18 grid")
    assert problem(error)[:2] == ("batteries[0].cell", [26, 3])


def test_new_battery_off_the_grid(tmp_path):
    text = BASE + '[[timeline]]\nevent = "battery"\ndate = 2025-11-01\ntype = "patriot"\ncell = [40, 40]\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("timeline[0].cell = [40, 40]"), "off the")
    assert problem(error)[:2] == ("timeline[0].cell", [40, 40])


def test_launch_area_off_the_grid(tmp_path):
    """With the baseline's own launch areas kept: the short-range classes still reach a site from them."""
    path = write(tmp_path, BASE + "[grid]\nlaunch_areas = [[19, 17], [25, 11], [25, 4], [14, 0], [30, 11]]\n")
    error = load_bad(path, re.escape("grid.launch_areas[4] = [30, 11]"), "off the 26x18 grid")
    assert problem(error)[:2] == ("grid.launch_areas[4]", [30, 11])


def test_a_class_launched_beyond_its_range_is_named(tmp_path):
    """Only the north-east launch area: Kh-31P (250 km) and S-300 (300 km) reach no site from there."""
    path = write(tmp_path, BASE + "[grid]\nlaunch_areas = [[19, 17]]\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [key for key, _, _ in info.value.problems] == ["catalog.threats.kh31.range_km",
                                                           "catalog.threats.s300.range_km"]
    assert re.search(re.escape(f"{path.name}: catalog.threats.kh31.range_km = 250.0: ") + ".*reaches no site",
                     str(info.value))


def test_negative_cell(tmp_path):
    path = write(tmp_path, BASE + '[[batteries]]\ntype = "patriot"\ncell = [-1, 3]\n')
    error = load_bad(path, re.escape("batteries[0].cell[0] = -1"))
    assert problem(error)[:2] == ("batteries[0].cell[0]", -1)


def test_timeline_key_path_is_the_files_key_path(tmp_path):
    """Regression: pydantic's union tag used to leak into the path (`timeline[0].pause.start`)."""
    text = BASE + '[[timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = "2025-03-01"\n'
    path = write(tmp_path, text)
    error = load_bad(path, re.escape("timeline[0].start = '2025-03-01'"))
    assert problem(error)[:2] == ("timeline[0].start", "2025-03-01")


# ---------------------------------------------------------------- attacker shares and ranges

def test_waves_do_not_sum_to_one(tmp_path):
    path = write(tmp_path, BASE + "[attacker.waves]\ndrone = [0.5, 0.4, 0.0]\n")
    error = load_bad(path, re.escape("attacker.waves.drone = [0.5, 0.4, 0.0]"), "sum to 1", "0.9")
    assert problem(error)[:2] == ("attacker.waves.drone", [0.5, 0.4, 0.0])


def test_waves_of_different_lengths(tmp_path):
    path = write(tmp_path, BASE + "[attacker.waves]\ncruise = [0.5, 0.5]\n")
    error = load_bad(path, re.escape("attacker.waves.cruise = [0.5, 0.5]"), "same number of waves")
    assert problem(error)[:2] == ("attacker.waves.cruise", [0.5, 0.5])


def test_empty_waves_table(tmp_path):
    path = write(tmp_path, SMALL.replace("[attacker.waves]\ndrone = [1.0]\n", "[attacker.waves]\n"))
    error = load_bad(path, r"attacker\.waves = ", "at least 1")
    assert problem(error)[0] == "attacker.waves"


def test_salvo_interval_written_backwards(tmp_path):
    path = write(tmp_path, BASE + "[attacker.salvo]\ninterval_days = [10, 5]\n")
    error = load_bad(path, re.escape("attacker.salvo.interval_days = [10, 5]"), "backwards")
    assert problem(error)[:2] == ("attacker.salvo.interval_days", [10, 5])


def test_swarm_mix_does_not_sum_to_one(tmp_path):
    path = write(tmp_path, BASE + "[attacker.salvo.swarm_mix]\ndrone = 0.5\n")
    error = load_bad(path, r"attacker\.salvo\.swarm_mix\b", "sum to 1")
    assert problem(error)[0] == "attacker.salvo.swarm_mix"


def test_battery_type_with_interceptors_but_no_doctrine(tmp_path):
    text = BASE + ('[catalog.battery_types.laser]\nradius = 1.0\ninterceptors = ["aim120"]\n'
                   "launcher_rounds = { aim120 = 6 }\n")
    error = load_bad(write(tmp_path, text), r"catalog\.battery_types\.laser\.doctrine = None", "doctrine")
    assert problem(error)[:2] == ("catalog.battery_types.laser.doctrine", None)


# ---------------------------------------------------------------- files, names and TOML

def test_missing_file_by_path(tmp_path):
    path = tmp_path / "nowhere.toml"
    before = listing(tmp_path)
    with pytest.raises(ScenarioError, match=re.escape(str(path))) as info:
        load_scenario(path)
    assert listing(tmp_path) == before
    assert len(info.value.problems) == 1
    assert re.search("no such scenario file", str(info.value))


def test_unknown_builtin_name_lists_the_builtins():
    with pytest.raises(ScenarioError, match="baseline-2024") as info:
        load_scenario("baseline-2024")
    assert len(info.value.problems) == 1
    for name in builtin_scenarios():
        assert name in str(info.value)


def test_toml_that_does_not_parse(tmp_path):
    path = write(tmp_path, BASE + "[attacker\nconcentration = 1.0\n")
    error = load_bad(path, "not valid TOML")
    assert error.problems[0][1] == path.name


def test_scenario_extending_itself(tmp_path):
    path = write(tmp_path, 'extends = "loop.toml"\nname = "loop"\n', "loop.toml")
    load_bad(path, r"\bextends\b", "loop")


def test_two_scenarios_extending_each_other(tmp_path):
    first = write(tmp_path, 'extends = "second.toml"\n', "first.toml")
    write(tmp_path, 'extends = "first.toml"\n', "second.toml")
    load_bad(first, r"\bextends\b", "loop")


def test_extends_a_relative_path(tmp_path):
    write(tmp_path, BASE + 'name = "parent"\n', "parent.toml")
    child = write(tmp_path, 'extends = "parent.toml"\nname = "child"\nend = 2025-01-31\n', "child.toml")
    before = listing(tmp_path)
    scenario = load_scenario(child)
    assert listing(tmp_path) == before
    assert (scenario.name, scenario.horizon) == ("child", 31)
    assert len(scenario.batteries) == len(load_scenario("baseline-2025").batteries)


@pytest.mark.parametrize("parent", ["baseline-2024", "missing-parent.toml"])
def test_extending_an_unknown_parent_names_the_extending_file(tmp_path, parent):
    """Regression: the error used to name the parent's text as its file, at key `name` or `file`."""
    path = write(tmp_path, f'extends = "{parent}"\nname = "x"\n')
    error = load_bad(path, r"\bextends\b", re.escape(parent))
    assert problem(error)[:2] == ("extends", parent)


def test_extending_an_unknown_builtin_lists_the_builtins(tmp_path):
    path = write(tmp_path, 'extends = "baseline-2024"\nname = "x"\n')
    with pytest.raises(ScenarioError, match="baseline-2024") as info:
        load_scenario(path)
    assert len(info.value.problems) == 1
    for name in builtin_scenarios():
        assert name in str(info.value)


def test_small_full_file_loads(tmp_path):
    path = write(tmp_path, SMALL, "small.toml")
    before = listing(tmp_path)
    scenario = load_scenario(path)
    assert listing(tmp_path) == before
    assert (scenario.name, scenario.horizon, len(scenario.batteries)) == ("small", 31, 1)


def test_valid_file_loads_and_writes_nothing(tmp_path):
    path = write(tmp_path, BASE + 'name = "short"\nend = 2025-02-28\n', "good.toml")
    before = listing(tmp_path)
    scenario = load_scenario(path)
    assert listing(tmp_path) == before == {"good.toml": before["good.toml"]}
    assert scenario.name == "short" and scenario.horizon == 59


def test_loading_writes_nothing_in_the_package_data():
    data = Path(str(resources.files("model") / "data"))
    before = listing(data)
    for name in builtin_scenarios():
        load_scenario(name)
    assert listing(data) == before


# ---------------------------------------------------------------- the built-in scenarios

def test_the_builtin_scenarios_are_listed_by_name():
    assert builtin_scenarios() == ["baseline-2025", "calibrated-2025", "historical-2025", "long-pause",
                                   "posterior-2025", "production-race"]


@pytest.mark.parametrize("name", builtin_scenarios())
def test_builtin_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.horizon >= 1
    AirCampaign(scenario, rng=0).run(5)


def _builtin_catalog() -> dict:
    with open(Path(str(resources.files("model") / "data" / "catalog.toml")), "rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("name", builtin_scenarios())
def test_builtin_scenario_references_exist_in_the_catalog(name):
    """Every name points at something. In the catalog file a threat key may be a family; in the built
    scenario every family key has been resolved to classes (only timeline events may still name one)."""
    scenario = load_scenario(name)
    for catalog, built in ((scenario.catalog.model_dump(), True), (_builtin_catalog(), False)):
        threats, interceptors = catalog["threats"], catalog["interceptors"]
        types, doctrines = catalog["battery_types"], catalog["doctrines"]
        families = set(catalog.get("families", {}))
        assert {"cruise", "ballistic"} <= families and not families & set(threats)
        kinds = set(threats) if built else set(threats) | families
        for family, table in catalog["families"].items():
            assert threats[table["default"]]["family"] == family
        placements = [*scenario.batteries, *(e for e in scenario.timeline if isinstance(e, NewBattery))]
        for placement in placements:
            assert placement.type in types
            if placement.doctrine is not None:
                assert placement.doctrine in doctrines
            for interceptor in placement.magazine or {}:
                assert interceptor in types[placement.type]["interceptors"]
        for btype in types.values():
            if btype.get("doctrine") is not None:
                assert btype["doctrine"] in doctrines
                for order in doctrines[btype["doctrine"]].get("preference", {}).values():
                    assert set(order) <= set(btype["interceptors"])
            assert set(btype.get("interceptors", [])) <= set(interceptors)
            assert set(btype.get("launcher_rounds", {})) <= set(btype.get("interceptors", []))
            assert set(btype.get("magazine", {})) <= set(btype.get("interceptors", []))
            assert set(btype.get("ew_share", {})) <= kinds
        for doctrine in doctrines.values():
            assert set(doctrine["engage"]) <= kinds
            assert set(doctrine.get("conserve_engage", [])) <= kinds
            assert set(doctrine.get("shots_per_target", {})) <= kinds
            assert set(doctrine.get("preference", {})) <= kinds
            for shots in doctrine.get("site_shots", {}).values():
                assert set(shots) <= kinds
            assert set(doctrine.get("site_shots", {})) <= {site.name for site in scenario.sites}
        for interceptor in interceptors.values():
            assert set(interceptor["kill_probability"]) <= kinds
        for threat in threats.values():
            if threat.get("mimics") is not None:
                assert threat["mimics"] in threats
    a = scenario.attacker
    classes = set(scenario.catalog.threats)
    for table in (a.initial_stockpile, a.production_per_day, a.waves, a.routine.mean,
                  a.salvo.swarm_mix, a.salvo.missiles):
        assert set(table) <= classes
    suppliers = {s.name for s in scenario.suppliers}
    for supplier in scenario.suppliers:
        assert set(supplier.products) <= set(scenario.catalog.interceptors)
    for event in scenario.timeline:
        if isinstance(event, Pause | SupplierRate | SupplierRamp):
            assert event.supplier in suppliers
        if isinstance(event, SupplierRate | SupplierRamp | KillProbabilityChange):
            assert event.interceptor in scenario.catalog.interceptors
        if isinstance(event, AttackerRate | AttackerRamp):
            assert event.threat in classes
        if isinstance(event, KillProbabilityChange):
            assert event.threat in classes | set(scenario.catalog.families)
        if isinstance(event, ForceChange | ForceRamp):
            assert event.type in scenario.catalog.battery_types
