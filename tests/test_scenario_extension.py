"""Extending a scenario without copying it: `[remove]`, `[[replace.<list>]]` and `[[add.<list>]]` by name.

Every operation's result is compared, entry by entry and in order, with the parent's lists as
`load_scenario` gives them; every misuse ends in one ScenarioError line naming the file, the key
and the value (and, on the command line, exit status 2 with nothing written); a list written
plainly that drops the parent's entries gives a notice, on the command line one line on stderr.
"""

import json
import re
import typing
import warnings
from pathlib import Path

import pytest
import tomli_w
from pydantic import BaseModel

from experiments.calibration.policy_overlays import apply_policy
from experiments.cli import main
from model import ScenarioError, builtin_scenarios, load_scenario, scenario_data
from model.extension import NAMED_LISTS, ScenarioNotice
from model.scenario import Scenario

BASE = 'extends = "baseline-2025"\n'
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "add-batteries.toml"
SHOW_NOTICES = pytest.mark.filterwarnings("default::model.extension.ScenarioNotice")


@pytest.fixture(scope="module")
def parent():
    return load_scenario("baseline-2025")


def write(folder: Path, text: str, name: str = "child.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def dumps(entries) -> list[dict]:
    return [entry.model_dump() for entry in entries]


def names(entries) -> list[str | None]:
    return [entry.name for entry in entries]


def refused(path: Path) -> ScenarioError:
    """The error loading `path` raises; loading writes nothing beside it."""
    before = sorted(path.parent.iterdir())
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert sorted(path.parent.iterdir()) == before
    return caught.value


# ---------------------------------------------------------------- each operation, against the parent

def test_add_appends_to_the_parents_lists_in_order(tmp_path, parent):
    path = write(tmp_path, BASE + '[[add.batteries]]\ntype = "patriot"\nname = "P1"\ncell = [13, 12]\n'
                                  '[[add.batteries]]\ntype = "gun"\ncell = [3, 9]\n'
                                  '[[add.suppliers]]\nname = "donor"\nproducts = { gem_t = 0.5 }\n')
    child = load_scenario(path)
    assert len(child.batteries) == len(parent.batteries) + 2
    assert dumps(child.batteries[:-2]) == dumps(parent.batteries)
    assert [(b.type, b.name, b.cell) for b in child.batteries[-2:]] == [("patriot", "P1", [13, 12]),
                                                                        ("gun", None, [3, 9])]
    assert names(child.suppliers) == [*names(parent.suppliers), "donor"]
    assert dumps(child.suppliers[:-1]) == dumps(parent.suppliers)
    assert dumps(child.sites) == dumps(parent.sites) and child.timeline == parent.timeline


def test_remove_drops_the_named_entries_and_keeps_the_order_of_the_rest(tmp_path, parent):
    gun = next(k for k, b in enumerate(parent.batteries) if b.type == "gun")  # unnamed: "gun-<k+1>"
    text = BASE + f'[remove]\nbatteries = ["Patriot Kyiv 2", "gun-{gun + 1}"]\nsites = ["Kremenchuk"]\n'
    child = load_scenario(write(tmp_path, text))
    dropped = {1, gun}
    assert dumps(child.batteries) == [b for k, b in enumerate(dumps(parent.batteries)) if k not in dropped]
    assert names(child.sites) == [s for s in names(parent.sites) if s != "Kremenchuk"]
    assert dumps(child.suppliers) == dumps(parent.suppliers)


def test_replace_puts_the_whole_new_entry_in_the_named_ones_place(tmp_path, parent):
    text = BASE + ('[[replace.batteries]]\nname = "Patriot Dnipro"\ntype = "patriot"\ncell = [17, 8]\n'
                   '[[replace.suppliers]]\nname = "us-pac3"\nproducts = { pac3_mse = 3.0 }\n')
    child = load_scenario(write(tmp_path, text))
    k = names(parent.batteries).index("Patriot Dnipro")
    assert names(child.batteries) == names(parent.batteries)
    assert child.batteries[k].cell == [17, 8] and parent.batteries[k].cell == [17, 7]
    assert [b for j, b in enumerate(dumps(child.batteries)) if j != k] == \
        [b for j, b in enumerate(dumps(parent.batteries)) if j != k]
    us = child.suppliers[names(child.suppliers).index("us-pac3")]
    old = parent.suppliers[names(parent.suppliers).index("us-pac3")]
    assert us.products == {"pac3_mse": 3.0}
    # replaced whole: keys the replacement leaves out take their defaults, not the parent's values
    assert (old.theatre_share, old.lead_time_days) == (0.35, 30)
    assert (us.theatre_share, us.lead_time_days) == (1.0, 0)


def test_remove_then_replace_then_add(tmp_path, parent):
    """A removed name may be added again (at the end): remove comes before add."""
    text = BASE + ('[remove]\nbatteries = ["Patriot Kyiv 3"]\n'
                   '[[replace.batteries]]\nname = "Patriot Odesa"\ntype = "patriot"\ncell = [10, 3]\n'
                   '[[add.batteries]]\nname = "Patriot Kyiv 3"\ntype = "patriot"\ncell = [12, 13]\n')
    child = load_scenario(write(tmp_path, text))
    expected = [n for n in names(parent.batteries) if n != "Patriot Kyiv 3"] + ["Patriot Kyiv 3"]
    assert names(child.batteries) == expected
    assert child.batteries[names(child.batteries).index("Patriot Odesa")].cell == [10, 3]
    assert child.batteries[-1].cell == [12, 13]


def test_a_chain_of_extensions_composes(tmp_path, parent):
    """grandparent (baseline-2025) -> parent.toml -> child.toml: each file's operations on the list it inherits."""
    write(tmp_path, BASE + '[remove]\nbatteries = ["Patriot Kyiv 1"]\n'
                           '[[add.batteries]]\nname = "A"\ntype = "patriot"\ncell = [13, 12]\n'
                           '[[add.batteries]]\nname = "B"\ntype = "patriot"\ncell = [13, 13]\n', "parent.toml")
    text = ('extends = "parent.toml"\n[remove]\nbatteries = ["Patriot Kyiv 2", "B"]\n'
            '[[replace.batteries]]\nname = "A"\ntype = "medium_sam"\ncell = [14, 12]\n'
            '[[add.batteries]]\nname = "C"\ntype = "gun"\ncell = [13, 11]\n')
    child = load_scenario(write(tmp_path, text))
    kept = [n for n in names(parent.batteries) if n not in ("Patriot Kyiv 1", "Patriot Kyiv 2")]
    assert names(child.batteries) == [*kept, "A", "C"]
    assert [(b.type, b.cell) for b in child.batteries[-2:]] == [("medium_sam", [14, 12]), ("gun", [13, 11])]
    assert len(child.batteries) == len(parent.batteries) - 2 + 2


def test_a_policy_may_remove_and_replace_as_a_scenario_does(tmp_path):
    base, source = scenario_data("baseline-2025")
    overlay = {"remove": {"suppliers": ["domestic"]}, "replace": {"suppliers": [
        {"name": "us-pac3", "products": {"pac3_mse": 2.0}}]}}
    merged = apply_policy(base, overlay, str(tmp_path / "policy.toml"))
    assert [s["name"] for s in merged["suppliers"]] == ["us-pac3", "europe-gemt", "other-donors"]
    assert merged["suppliers"][0] == {"name": "us-pac3", "products": {"pac3_mse": 2.0}}
    assert [s["name"] for s in base["suppliers"]] == ["us-pac3", "europe-gemt", "other-donors", "domestic"]


def test_the_lists_with_names_are_those_whose_entries_have_a_name_key():
    """`NAMED_LISTS` follows the schema: a list of entries is named iff its entry model has `name`."""
    entry_lists = {key: typing.get_args(field.annotation)[0] for key, field in Scenario.model_fields.items()
                   if typing.get_origin(field.annotation) is list}
    named = {key for key, entry in entry_lists.items()
             if isinstance(entry, type) and issubclass(entry, BaseModel) and "name" in entry.model_fields}
    assert named == set(NAMED_LISTS)
    assert {"timeline", "pause_processes"} <= set(entry_lists) - named


# ---------------------------------------------------------------- misuse: one line naming file, key, value

BAD = {
    "remove-unknown": (BASE + '[remove]\nbatteries = ["Patriot Kyiv 9"]\n',
                       "remove.batteries", "Patriot Kyiv 9", "closest: Patriot Kyiv 3, Patriot Kyiv 2, Patriot Kyiv 1"),
    "replace-unknown": (BASE + '[[replace.suppliers]]\nname = "zzz"\nproducts = { gem_t = 1.0 }\n',
                        "replace.suppliers[0].name", "zzz",
                        "no entry of this name; names: us-pac3, europe-gemt, other-donors, domestic"),
    "add-duplicate": (BASE + '[[add.batteries]]\nname = "Patriot Odesa"\ntype = "patriot"\ncell = [10, 2]\n',
                      "add.batteries[0].name", "Patriot Odesa", "already have an entry of this name"),
    "add-twice": (BASE + '[[add.sites]]\nname = "Uman"\ncell = [9, 8]\nvalue = 1.0\n'
                         '[[add.sites]]\nname = "Uman"\ncell = [9, 7]\nvalue = 1.0\n',
                  "add.sites[1].name", "Uman", "already have an entry of this name"),
    "remove-no-extends": ('name = "x"\n[remove]\nbatteries = ["Patriot Kyiv 1"]\n',
                          "remove", "batteries", "needs `extends`"),
    "replace-no-extends": ('name = "x"\n[[replace.batteries]]\nname = "Patriot Kyiv 1"\n',
                           "replace", "batteries", "needs `extends`"),
    "add-no-extends": ('name = "x"\n[[add.batteries]]\ntype = "patriot"\ncell = [1, 1]\n',
                       "add", "batteries", "needs `extends`"),
    "add-to-a-table": (BASE + '[[add.grid]]\nwidth = 3\n', "add.grid", "...", "only lists can be added to"),
    "remove-timeline": (BASE + "[remove]\ntimeline = [\"x\"]\n", "remove.timeline", "timeline",
                        "timeline entries have no names: write the whole list as [[timeline]]"),
    "replace-timeline": (BASE + '[[replace.timeline]]\nname = "x"\n', "replace.timeline", "timeline",
                         "timeline entries have no names"),
    "remove-a-table": (BASE + '[remove]\ngrid = ["launch_areas"]\n', "remove.grid", "grid",
                       "only entries of sites, batteries, suppliers can be removed by name"),
    "remove-and-replace": (BASE + '[remove]\nbatteries = ["Patriot Odesa"]\n'
                                  '[[replace.batteries]]\nname = "Patriot Odesa"\ntype = "patriot"\ncell = [10, 3]\n',
                           "replace.batteries[0].name", "Patriot Odesa", "remove it or replace it, not both"),
    "replace-twice": (BASE + '[[replace.batteries]]\nname = "Patriot Odesa"\ntype = "patriot"\ncell = [10, 3]\n'
                             '[[replace.batteries]]\nname = "Patriot Odesa"\ntype = "patriot"\ncell = [10, 4]\n',
                      "replace.batteries[1].name", "Patriot Odesa", "replaced twice"),
    "replace-without-name": (BASE + '[[replace.batteries]]\ntype = "patriot"\ncell = [10, 3]\n',
                             "replace.batteries[0]", "{...}", "needs the `name` of the parent's entry"),
    "add-not-a-list": (BASE + "[add]\nbatteries = 3\n", "add.batteries", 3, "must be a list of tables"),
    "remove-not-a-list": (BASE + '[remove]\nbatteries = "Patriot Kyiv 1"\n', "remove.batteries", "Patriot Kyiv 1",
                          'must be a list of names ([remove] batteries = ["<name>", ...])'),
    "replace-names-not-tables": (BASE + 'replace = { batteries = ["Patriot Kyiv 1"] }\n', "replace.batteries",
                                 ["Patriot Kyiv 1"], "must be a list of tables ([[replace.batteries]])"),
    "remove-not-a-table": (BASE + "remove = 3\n", "remove", 3, "must be a table of lists"),
    "plain-and-remove": (BASE + '[[batteries]]\ntype = "patriot"\ncell = [11, 12]\n'
                                '[remove]\nbatteries = ["Patriot Kyiv 1"]\n',
                         "remove.batteries", "batteries", "writes `batteries` whole too"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_misuse_is_one_line_naming_file_key_and_value(tmp_path, case):
    text, key, value, why = BAD[case]
    path = write(tmp_path, text)
    error = refused(path)
    assert len(error.problems) == 1
    assert error.problems[0][:2] == (key, value)
    assert why in error.problems[0][2]
    assert str(error) == f"{path}: {key} = {value!r}: {error.problems[0][2]}"


@pytest.mark.parametrize("case", ["remove-unknown", "add-duplicate", "remove-no-extends", "remove-timeline",
                                  "remove-and-replace", "add-not-a-list"])
def test_misuse_on_the_command_line_exits_2_in_one_line_writing_nothing(tmp_path, capsys, case):
    text, key, value, _ = BAD[case]
    path, out = write(tmp_path, text), tmp_path / "out"
    assert main(["run", str(path), "--days", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"attrition: error: {path}: {key} = {value!r}: ")
    assert not out.exists()


def test_an_unknown_name_lists_the_names_the_list_has_when_none_is_close(tmp_path):
    error = refused(write(tmp_path, BASE + '[remove]\nsites = ["Q"]\n'))
    assert error.problems[0][2] == ("the parent's sites have no entry of this name; names: Kyiv, Kharkiv, Odesa, "
                                    "Dnipro, Zaporizhzhia, Lviv, Kyiv CHP, Burshtyn TPP, Kremenchuk, "
                                    "Khmelnytskyi substation")


# ---------------------------------------------------------------- errors name entries as their file wrote them

def test_an_added_timeline_entry_is_named_as_the_file_wrote_it(tmp_path):
    text = BASE + ('[[add.timeline]]\nevent = "pause"\nsupplier = "us-pac3"\nstart = 2025-02-01\nend = 2025-02-05\n'
                   '[[add.timeline]]\nevent = "pause"\nsupplier = "nobody"\nstart = 2025-03-01\nend = 2025-03-05\n')
    error = refused(write(tmp_path, text))
    assert [p[:2] for p in error.problems] == [("add.timeline[1].supplier", "nobody")]


def test_a_bad_value_in_an_added_timeline_entry_is_named_as_the_file_wrote_it(tmp_path):
    """historical-2025 has 15 timeline entries: the merged list's `timeline[15]` is the file's `add.timeline[0]`."""
    text = ('extends = "historical-2025"\n[[add.timeline]]\nevent = "pause"\nsupplier = "us-pac3"\n'
            "start = 2025-06-01\ndays = -3\n")
    error = refused(write(tmp_path, text))
    assert [p[:2] for p in error.problems] == [("add.timeline[0].days", -3)]


def test_a_bad_value_in_an_added_entry_is_named_as_the_file_wrote_it(tmp_path):
    text = BASE + '[[add.batteries]]\ntype = "patriot"\ncell = [40, 3]\n'
    error = refused(write(tmp_path, text))
    assert [p[:2] for p in error.problems] == [("add.batteries[0].cell", [40, 3])]


def test_an_entry_of_a_parent_file_is_named_with_that_file(tmp_path):
    write(tmp_path, BASE + '[[add.timeline]]\nevent = "pause"\nsupplier = "us-pac3"\n'
                           "start = 2025-02-01\nend = 2025-02-05\n", "parent.toml")
    error = refused(write(tmp_path, 'extends = "parent.toml"\n[remove]\nsuppliers = ["us-pac3"]\n'))
    assert [p[:2] for p in error.problems] == [("add.timeline[0].supplier in parent.toml", "us-pac3")]


def test_removing_what_a_built_in_parents_timeline_needs_names_that_entry(tmp_path, parent):
    k = next(k for k, e in enumerate(parent.timeline) if getattr(e, "supplier", None) == "domestic")
    error = refused(write(tmp_path, BASE + '[remove]\nsuppliers = ["domestic"]\n'))
    assert [p[:2] for p in error.problems] == [(f"timeline[{k}].supplier in baseline-2025.toml", "domestic")]


# ---------------------------------------------------------------- a list replaced whole: a notice

PLAIN = BASE + ('[[batteries]]\ntype = "patriot"\ncell = [11, 12]\n[[batteries]]\ntype = "patriot"\ncell = [17, 7]\n'
                '[[suppliers]]\nname = "domestic"\n'  # the parent's timeline ramps its production
                'products = { gun_burst = 10.0, mfg_burst = 400.0, interceptor_drone = 40.0 }\n')


def notice(path: Path, key: str, before: int, after: int) -> str:
    return (f"scenario {path}: `{key}` replaces the parent's {before} entries with {after}; "
            f"write [[add.{key}]] to add to them")


def test_a_plain_list_dropping_the_parents_entries_gives_a_notice_and_loads(tmp_path, parent, capsys):
    path = write(tmp_path, PLAIN)
    with pytest.warns(ScenarioNotice) as caught:
        child = load_scenario(path)
    assert [str(w.message) for w in caught] == [notice(path, "batteries", len(parent.batteries), 2),
                                                notice(path, "suppliers", len(parent.suppliers), 1)]
    assert len(child.batteries) == 2 and names(child.suppliers) == ["domestic"]
    assert capsys.readouterr() == ("", "")  # a warning: loading itself prints nothing


def test_no_notice_when_nothing_of_the_parents_is_left_out(tmp_path):
    """Adding, removing by name, or a plain list holding every one of the parent's names: no notice."""
    suppliers, _ = scenario_data("baseline-2025")
    whole = tomli_w.dumps({"suppliers": [{**s, "theatre_share": 0.5} for s in suppliers["suppliers"]]})
    for k, text in enumerate([whole, '[remove]\nbatteries = ["Patriot Kyiv 1"]\n',
                              '[[add.suppliers]]\nname = "d"\nproducts = { gem_t = 1.0 }\n']):
        with warnings.catch_warnings():
            warnings.simplefilter("error", ScenarioNotice)
            load_scenario(write(tmp_path, BASE + text, f"quiet{k}.toml"))


@pytest.mark.parametrize("name", builtin_scenarios())
def test_built_in_scenarios_give_no_notice(name):
    """They replace their parents' lists on purpose (posterior-2025 writes its timeline whole)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioNotice)
        load_scenario(name)


@SHOW_NOTICES
def test_the_command_shows_the_notice_in_one_line_on_stderr_and_runs(tmp_path, parent, capsys):
    path, out = write(tmp_path, PLAIN), tmp_path / "out"
    assert main(["run", str(path), "--days", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [f"attrition: notice: {notice(path, 'batteries', len(parent.batteries), 2)}",
                   f"attrition: notice: {notice(path, 'suppliers', len(parent.suppliers), 1)}"]
    assert (out / "daily.csv").is_file()


# ---------------------------------------------------------------- the shipped example

def test_the_example_adds_two_batteries_and_a_supplier_in_under_30_lines(parent):
    assert len(EXAMPLE.read_text().splitlines()) < 30
    assert EXAMPLE.stem not in builtin_scenarios()
    child = load_scenario(EXAMPLE)
    assert len(child.batteries) == len(parent.batteries) + 2
    assert len(child.suppliers) == len(parent.suppliers) + 1
    assert dumps(child.batteries[:-2]) == dumps(parent.batteries)
    assert dumps(child.suppliers[:-1]) == dumps(parent.suppliers)


@SHOW_NOTICES
def test_the_example_runs_close_to_its_parent(tmp_path, capsys):
    shares = {}
    for source in ("baseline-2025", str(EXAMPLE)):
        out = tmp_path / re.sub(r"\W", "-", Path(source).stem)
        assert main(["run", source, "--days", "30", "--out", str(out)]) == 0
        summary = json.loads((out / "summary.json").read_text())["summary"]
        shares[source] = summary["neutralised_share_drone"]
    assert "notice" not in capsys.readouterr().err
    assert shares["baseline-2025"] > 0.5
    assert abs(shares[str(EXAMPLE)] - shares["baseline-2025"]) < 0.05
