"""Bad scenario files, sweep specs, calibration files, attack data and mappings, fed through the command line.

Each case is one mistake a user could make. Every one must end with exit status 2 and ONE line on stderr
naming the file at fault, the key and the value, no traceback, and nothing written anywhere under `tmp_path`
(its listing is compared before and after). Where a broken check would go on to take gigabytes (a long
horizon, a huge design), what comes after the check is replaced by a function that fails the test instead.
"""

import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from experiments.cli import campaigns, main
from experiments.sweep.design import design_table
from experiments.sweep.spec import SpecError, parse_spec
from model import AirCampaign, build_scenario, load_scenario, scenario_data
from model.errors import ScenarioError
from model.limits import MAX_DAYS, MAX_RUNS
from model.observed import load_observed
from model.weapon_mapping import read_mapping

BASE = 'extends = "baseline-2025"\n'
FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
HEADER = FIXTURE.read_text().splitlines()[0]
REAL = Path("/work/shared/data/air-attacks/missile_attacks_daily_2022-2025.csv")
BUILTIN_MAPPING = Path(str(resources.files("model") / "data" / "weapon_classes.toml"))
NOT_UTF8 = b'name = "caf\xe9"\n'  # Latin-1, as an old editor saves it


def listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under `root`, with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def refused(tmp_path: Path, capsys, argv: list[str]) -> str:
    """Run the command; it must exit 2 with one line on stderr, no traceback, and write nothing. The line."""
    capsys.readouterr()
    before = listing(tmp_path)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert listing(tmp_path) == before
    return err.removeprefix("attrition: error: ").rstrip("\n")


def write(tmp_path: Path, name: str, text: str | bytes | None) -> Path:
    """`text` into tmp_path/name; None makes a folder of that name instead (a folder given as a file)."""
    path = tmp_path / name
    if text is None:
        path.mkdir()
    else:
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def never(*args, **kwargs):
    raise AssertionError("reached past the check that should have refused the input")


# ---------------------------------------------------------------- scenario files, through `attrition run`


@pytest.mark.parametrize(("text", "expected"), [
    # a value that pydantic's bounds let through, then numpy refuses inside the run: now refused by its key
    ('[[pause_processes]]\nsupplier = "us-pac3"\nmean_interval_days = 30\nmean_duration_days = inf\n',
     "pause_processes[0].mean_duration_days = inf: Input should be a finite number"),
    ('[[pause_processes]]\nsupplier = "us-pac3"\nmean_interval_days = inf\nmean_duration_days = 30\n',
     "pause_processes[0].mean_interval_days = inf: Input should be a finite number"),
    ('[[add.sites]]\nname = "Lviv-2"\ncell = [2, 10]\nvalue = nan\n', "].value = nan: Input should be a finite number"),
    # two sites of one name would share one damage_at_ column: an added one is refused as it is added,
    # two in a list written whole by the consistency check (below)
    ('[[add.sites]]\nname = "Kyiv"\ncell = [12, 12]\nvalue = 2.0\n',
     "add.sites[0].name = 'Kyiv': the sites already have an entry of this name (write [[replace.sites]] to change it)"),
    ('[[add.batteries]]\ntype = "patriot"\ncell = [11, 12]\nname = "P-1"\n'
     '[[add.batteries]]\ntype = "patriot"\ncell = [11, 12]\nname = "P-1"\n',
     "add.batteries[1].name = 'P-1': the batteries already have an entry of this name"),
    # a date is shown as the file writes it, not as datetime.date(...)
    ('[[add.timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = 2025-05-01\nend = 2025-04-01\n',
     "].end = 2025-04-01: "),
])
def test_a_bad_scenario_value_is_named_by_file_key_and_value(tmp_path, capsys, text, expected):
    path = write(tmp_path, "bad.toml", BASE + text)
    line = refused(tmp_path, capsys, ["run", str(path), "--out", str(tmp_path / "out")])
    assert line.startswith(f"{path}: ") and expected in line
    assert "datetime.date" not in line


@pytest.mark.parametrize(("table", "entry"), [
    ("sites", {"name": "Kyiv", "cell": [12, 12], "value": 2.0}),
    ("suppliers", {"name": "us-pac3", "products": {"pac3_mse": 1.0}, "lead_time_days": 30, "ship_every_days": 30}),
])
def test_two_entries_of_one_name_in_a_list_written_whole_are_refused(table, entry):
    raw, source = scenario_data("baseline-2025")
    raw[table] = [*raw[table], entry]
    with pytest.raises(ScenarioError) as caught:
        build_scenario(raw, source)
    first = next(k for k, e in enumerate(raw[table]) if e["name"] == entry["name"])
    assert str(caught.value).splitlines()[0] == (
        f"{source}: {table}[{len(raw[table]) - 1}].name = {entry['name']!r}: a second {table[:-1]} of this name "
        f"(the first is at {table}[{first}].name); {table[:-1]} names must be unique")


def test_a_horizon_beyond_the_limit_is_refused_before_any_memory_is_taken(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, "long.toml", BASE + "end = 9999-12-31\n")
    monkeypatch.setattr(campaigns, "AirCampaign", never)
    line = refused(tmp_path, capsys, ["run", str(path), "--out", str(tmp_path / "out")])
    days = (pd.Timestamp("9999-12-31") - pd.Timestamp(load_scenario("baseline-2025").start)).days + 1
    assert line == (f"{path}: end = 9999-12-31: {days:,} days from the start 2025-01-01, above the limit of "
                    f"{MAX_DAYS:,} days (100 years) a run may take; pass --allow-large to run them anyway, "
                    "or fewer with --days")


def test_days_beyond_the_limit_are_refused(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, "long.toml", BASE + "end = 9999-12-31\n")
    monkeypatch.setattr(campaigns, "AirCampaign", never)
    line = refused(tmp_path, capsys, ["run", str(path), "--days", str(MAX_DAYS + 1), "--out", str(tmp_path / "o")])
    assert line == (f"--days {MAX_DAYS + 1}: above the limit of {MAX_DAYS:,} days (100 years) a run may take; "
                    "pass --allow-large to run them anyway")


def test_days_beyond_a_short_scenario_name_its_horizon_not_the_size_limit(tmp_path, capsys, monkeypatch):
    """`--allow-large` would not help, so the refusal does not suggest it."""
    monkeypatch.setattr(campaigns, "AirCampaign", never)
    scenario = load_scenario("baseline-2025")
    line = refused(tmp_path, capsys, ["run", "baseline-2025", "--days", str(MAX_DAYS + 1), "--out",
                                      str(tmp_path / "o")])
    assert line == (f"--days {MAX_DAYS + 1}: {scenario.name} runs {scenario.horizon} days; give at most that")


def replay_file(tmp_path: Path, end: str) -> Path:
    return write(tmp_path, f"replay-{end}.toml", BASE + f'start = 2025-07-20\nend = {end}\n[attacker]\n'
                 f'mode = "replay"\n[attacker.replay]\nfile = "{FIXTURE}"\ndecoy_share = 0.38\n')


@pytest.mark.parametrize("days", [10, 60])  # fewer nights than the reports hold, and more
def test_a_replay_sized_for_its_days_makes_the_draws_of_the_whole_run(tmp_path, days):
    scenario = load_scenario(replay_file(tmp_path, "2025-12-31"))
    whole = AirCampaign(scenario, rng=5).run().daily().iloc[:days]
    sized = AirCampaign(scenario, rng=5, days=days).run(days).daily()
    pd.testing.assert_frame_equal(whole, sized)
    assert sized["launched_drone"].sum() > 0  # the reports do replay


def test_a_few_days_of_a_replay_ending_in_9999_take_memory_for_those_days_only(tmp_path):
    campaign = AirCampaign(load_scenario(replay_file(tmp_path, "9999-12-31")), rng=5, days=20).run()
    assert campaign.daily().shape[0] == 20 and campaign.ledger["stock"].shape[0] == 20


def test_a_few_days_of_a_long_scenario_take_memory_for_those_days_only(tmp_path, capsys):
    path = write(tmp_path, "long.toml", BASE + "end = 9999-12-31\n")
    assert main(["run", str(path), "--days", "5", "--out", str(tmp_path / "out")]) == 0
    assert len((tmp_path / "out" / "daily.csv").read_text().splitlines()) == 1 + 5
    campaign = AirCampaign(load_scenario(path), rng=1, days=5)
    assert campaign.ledger["stock"].shape[0] == 5 and campaign.capacity == 5


@pytest.mark.parametrize("name", ["baseline-2025", "historical-2025", "long-pause"])
def test_a_campaign_sized_for_its_days_makes_the_draws_of_the_whole_run(name):
    scenario = load_scenario(name)
    whole = AirCampaign(scenario, rng=7).run(30).daily()
    sized = AirCampaign(scenario, rng=7, days=30).run(30).daily()
    pd.testing.assert_frame_equal(whole, sized)


@pytest.mark.parametrize(("content", "why"), [
    (None, "a folder, not a scenario file"),
    (NOT_UTF8, "not UTF-8 text (byte 11: b'\\xe9'); save it as UTF-8"),
    ("", "empty; a scenario file cannot be empty"),
    ("# a scenario, to be written\n", "holds no keys (only comments): a scenario file cannot be empty"),
])
def test_an_unreadable_scenario_file_is_named(tmp_path, capsys, content, why):
    path = write(tmp_path, "scenario.toml", content)
    line = refused(tmp_path, capsys, ["run", str(path), "--out", str(tmp_path / "out")])
    assert line == f"{path}: file = '{path}': {why}"


# ---------------------------------------------------------------- sweep specs, through `attrition sweep`


def spec_text(design: str = "", factors: str = "", replications: int = 2, scenario: str = "baseline-2025") -> str:
    factors = factors or '[[factors]]\nname = "v"\npath = "sites[0].value"\nvalues = [1.0, 2.0]\n'
    return (f'name = "s"\nscenario = "{scenario}"\nreplications = {replications}\nroot_seed = 1\n'
            f"{design}{factors}")


def _factorial(count: int, levels: int) -> str:
    values = ", ".join(f"{v}.0" for v in range(1, levels + 1))
    return "".join(f'[[factors]]\nname = "f{k}"\npath = "sites[{k}].value"\nvalues = [{values}]\n'
                   for k in range(count))


def _ranges(count: int) -> str:
    return "".join(f'[[factors]]\nname = "f{k}"\npath = "sites[{k}].value"\nrange = [1.0, 2.0]\n'
                   for k in range(count))


@pytest.mark.parametrize(("text", "points", "replications"), [
    (spec_text(factors=_factorial(5, 11), replications=1), 11**5, 1),  # 161,051 points
    (spec_text(factors=_factorial(7, 10), replications=1), 10**7, 1),  # ten million
    (spec_text(replications=10_000_000), 2, 10_000_000),
    (spec_text('[design]\nkind = "latin_hypercube"\nsamples = 10000000\n', _ranges(2), 1), 10_000_000, 1),
    (spec_text('[design]\nkind = "sobol"\nsamples = 50000\n', _ranges(1), 1), 50_000 * 3, 1),
    (spec_text('[design]\nkind = "morris"\nsamples = 30000\n', _ranges(3), 1), 30_000 * 4, 1),
    (spec_text('[design]\nkind = "halton"\nsamples = 400\n', _ranges(1), 300), 400, 300),
])
def test_a_sweep_beyond_the_limit_is_refused_before_its_design_is_built(tmp_path, capsys, monkeypatch, text, points,
                                                                        replications):
    path = write(tmp_path, "big.toml", text)
    monkeypatch.setattr("experiments.sweep.runner.run_sweep", never)
    monkeypatch.setattr("experiments.sweep.design.design_table", never)
    line = refused(tmp_path, capsys, ["sweep", str(path), "--out", str(tmp_path / "out")])
    runs = points * replications
    assert line == (f"{path}: design points x replications = {runs}: {points:,} design points x {replications:,} "
                    f"replications, above the limit of {MAX_RUNS:,} runs a sweep may hold; pass --allow-large "
                    "to run them anyway")


def test_allow_large_lifts_the_run_limit():
    raw = tomllib.loads(spec_text(replications=MAX_RUNS))  # 2 points: twice the limit
    with pytest.raises(SpecError, match="above the limit"):
        parse_spec(raw, "big.toml")
    assert parse_spec(raw, "big.toml", allow_large=True).replications == MAX_RUNS


@pytest.mark.parametrize(("design", "factors", "points"), [
    ("", _factorial(2, 3), 9),
    ('[design]\nkind = "latin_hypercube"\nsamples = 7\n', _ranges(2), 7),
    ('[design]\nkind = "halton"\nsamples = 5\n', _ranges(3), 5),
    ('[design]\nkind = "sobol"\nsamples = 4\n', _ranges(2), 4 * (2 + 2)),
    ('[design]\nkind = "morris"\nsamples = 3\n', _ranges(2), 3 * (2 + 1)),
])
def test_the_counted_size_of_a_design_is_the_size_of_the_built_one(design, factors, points):
    spec = parse_spec(tomllib.loads(spec_text(design, factors)), "s.toml")
    assert spec.design.sampler.size(spec) == len(design_table(spec)) == points


def test_a_sweep_of_a_scenario_beyond_the_horizon_limit_is_refused(tmp_path, capsys, monkeypatch):
    scenario = write(tmp_path, "long.toml", BASE + "end = 9999-12-31\n")
    path = write(tmp_path, "spec.toml", spec_text(scenario="long.toml"))
    monkeypatch.setattr("experiments.sweep.runner.run_worker", never, raising=False)
    line = refused(tmp_path, capsys, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert line.startswith(f"{path}: design point 0 = {{v = 1.0}}: {scenario}: end = 9999-12-31: ")
    assert f"above the limit of {MAX_DAYS:,} days" in line


@pytest.mark.parametrize(("factors", "expected"), [
    ('[[factors]]\nname = "v"\npath = "sites[0].value"\nvalues = [1.0, inf]\n',
     "factors[0].values[1] = inf: Input should be a finite number"),
    ('[[factors]]\nname = "v"\npath = "sites[0].value"\nrange = [0.0, nan]\n',
     "factors[0].range[1] = nan: Input should be a finite number"),
])
def test_inf_and_nan_in_a_spec_are_refused_by_key(tmp_path, capsys, factors, expected):
    path = write(tmp_path, "spec.toml", spec_text('[design]\nkind = "latin_hypercube"\n', factors))
    line = refused(tmp_path, capsys, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert line == f"{path}: {expected}"


def test_a_spec_missing_a_key_shows_the_key_not_the_whole_spec(tmp_path, capsys):
    path = write(tmp_path, "spec.toml", spec_text().replace('scenario = "baseline-2025"\n', ""))
    line = refused(tmp_path, capsys, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert line == f"{path}: scenario = (missing): Field required"


@pytest.mark.parametrize(("content", "why"), [
    (None, "a folder, not a sweep spec file"),
    (NOT_UTF8, "not UTF-8 text (byte 11: b'\\xe9'); save it as UTF-8"),
    ("\n\n", "empty; a sweep spec file cannot be empty"),
])
def test_an_unreadable_spec_file_is_named(tmp_path, capsys, content, why):
    path = write(tmp_path, "spec.toml", content)
    line = refused(tmp_path, capsys, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert line == f"{path}: file = '{path}': {why}"


@pytest.mark.parametrize(("content", "expected"), [
    (None, "file = '{path}': a folder, not a calibration file"),
    (NOT_UTF8, "file = '{path}': not UTF-8 text (byte 11: b'\\xe9'); save it as UTF-8"),
    ('name = "c"\nscenario = "calibrated-2025"\ntargets = { drone = inf }\n[[parameters]]\nname = "p"\n'
     'path = "sites[0].value"\nrange = [1.0, 2.0]\n', "targets.drone = inf: Input should be a finite number"),
])
def test_a_bad_calibration_file_is_named(tmp_path, capsys, content, expected):
    path = write(tmp_path, "fit.toml", content)
    line = refused(tmp_path, capsys, ["calibrate", str(FIXTURE), "--period", "2025-07-20:2025-08-31", "--spec",
                                      str(path), "--out", str(tmp_path / "out")])
    assert line == f"{path}: " + expected.format(path=path)


# ---------------------------------------------------------------- attack data and mappings, through `validate`


def validate_argv(tmp_path: Path, data: Path, *extra: str) -> list[str]:
    return ["validate", str(data), "--scenario", "calibrated-2025", "--period", "2025-07-20:2025-07-31",
            "--replications", "1", "--out", str(tmp_path / "out"), *extra]


@pytest.mark.parametrize(("content", "why"), [
    (None, "a folder, not an attack-data file"),
    (b"time_start,time_end\n2025-07-20,\xff\xfe\n", "not UTF-8 text (byte 31: b'\\xff'); save it as UTF-8"),
    ("", "empty; an attack-data file cannot be empty"),
])
def test_an_unreadable_attack_data_file_is_named(tmp_path, capsys, content, why):
    path = write(tmp_path, "attacks.csv", content)
    assert refused(tmp_path, capsys, validate_argv(tmp_path, path)) == f"{path}: file = '{path}': {why}"


def test_a_bad_row_is_named_by_the_data_file_not_the_builtin_scenario(tmp_path, capsys):
    lines = FIXTURE.read_text().splitlines()
    lines[4] = lines[4].replace(",4.0,1.0,", ",four,1.0,")  # line 5's launched count
    path = write(tmp_path, "attacks.csv", "\n".join(lines) + "\n")
    line = refused(tmp_path, capsys, validate_argv(tmp_path, path))
    assert line == f"{path}: row 5, column launched = 'four': not a number"
    assert "calibrated-2025" not in line


def test_a_replay_scenarios_bad_data_file_is_named_not_the_scenario(tmp_path, capsys):
    lines = FIXTURE.read_text().splitlines()
    lines[2] = lines[2].replace("2025-07-20 06:00", "2025-07-32")  # line 3's time_end
    data = write(tmp_path, "attacks.csv", "\n".join(lines) + "\n")
    scenario = write(tmp_path, "replay.toml", BASE + 'start = 2025-07-20\nend = 2025-08-31\n[attacker]\n'
                     'mode = "replay"\n[attacker.replay]\nfile = "attacks.csv"\n')
    line = refused(tmp_path, capsys, ["run", str(scenario), "--out", str(tmp_path / "out")])
    assert line == f"{data}: row 3, column time_end = '2025-07-32': not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)"


def builtin_tables() -> dict:
    return tomllib.loads(BUILTIN_MAPPING.read_text())


def test_a_model_the_mapping_does_not_list_is_named_with_its_rows(tmp_path, capsys):
    tables = builtin_tables()
    del tables["unlisted"]  # no catch-all: an unlisted model is refused
    mapping = write(tmp_path, "classes.toml", tomli_w.dumps(tables))
    rows = [HEADER] + [f"2025-07-2{d} 19:00,2025-07-2{d} 23:00,Zeta-9,,,,{n}.0,1.0,,,,,,,,,,,,,,kpszsu/posts/z{d}"
                       for d, n in ((1, 4), (2, 6))]
    data = write(tmp_path, "attacks.csv", "\n".join(rows) + "\n")
    line = refused(tmp_path, capsys, validate_argv(tmp_path, data, "--mapping", str(mapping)))
    assert line == (f"{data}: model = 'Zeta-9': in 2 rows kept, but the weapon mapping {mapping} does not list it; "
                    'add it under [classes] there, or write unlisted = "other" at the mapping\'s top to count '
                    "unlisted models as other")


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: {"unlisted": "otehr", **{k: v for k, v in t.items() if k != "unlisted"}},
     "unlisted = 'otehr': not a subtype of this mapping; its subtypes: drone, kh101"),
    (lambda t: {"unlistd": "other", **{k: v for k, v in t.items() if k != "unlisted"}},
     "table = 'unlistd': unknown table (did you mean unlisted?)"),
    (lambda t: {"subtypes": t["subtypes"], "clases": t["classes"]},
     "table = 'clases': unknown table (did you mean [classes]?)"),
])
def test_a_misspelled_mapping_key_is_refused_by_name(tmp_path, capsys, edit, expected):
    mapping = write(tmp_path, "classes.toml", tomli_w.dumps(edit(builtin_tables())))
    line = refused(tmp_path, capsys, validate_argv(tmp_path, FIXTURE, "--mapping", str(mapping)))
    assert line.startswith(f"{mapping}: {expected}")


@pytest.mark.parametrize(("content", "why"), [
    (None, "a folder, not a mapping file"),
    (NOT_UTF8, "not UTF-8 text (byte 11: b'\\xe9'); save it as UTF-8"),
])
def test_an_unreadable_mapping_is_named(tmp_path, capsys, content, why):
    path = write(tmp_path, "classes.toml", content)
    line = refused(tmp_path, capsys, validate_argv(tmp_path, FIXTURE, "--mapping", str(path)))
    assert line == f"{path}: file = '{path}': {why}"


@pytest.mark.skipif(not REAL.is_file(), reason="the real reports are not on this machine")
def test_the_builtin_mapping_lists_every_model_of_the_real_reports(tmp_path):
    assert read_mapping().unlisted == "other"
    tables = builtin_tables()
    del tables["unlisted"]  # strict: any model it does not list would be refused
    strict = write(tmp_path, "strict.toml", tomli_w.dumps(tables))
    observed = load_observed(REAL, mapping=strict, include_regional=True)
    assert observed.unknown_models == {} and observed.notes["rows of unknown models"] == 0
    pd.testing.assert_frame_equal(load_observed(REAL, mapping=strict).daily, load_observed(REAL).daily)
