"""`attrition report`: the report of the four headline sweeps, made small, and its failures.

One module fixture runs copies of the built-in headline specs on a 120-day
scenario with 3 replications (and 8 Sobol base samples), then builds the
report of their parent folder with every network connection refused. The
tests read the files it wrote; the CLI and `build_report(out=...)` tests
write elsewhere so that the shared report is never rewritten.
"""

import base64
import json
import math
import re
import shutil
import socket
import time
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sweep_helpers as h

from experiments.cli import main
from experiments.reporting.report import build_report, headline
from experiments.sweep.runner import run_sweep
from model import load_scenario

SPECS = Path(__file__).resolve().parent.parent / "experiments" / "specs"
END = date(2025, 4, 30)
PAUSE_STARTS = [date(2025, 2, 1), date(2025, 3, 1)]
REPLICATIONS = 3
SOBOL_SAMPLES = 8
PNG = b"\x89PNG\r\n\x1a\n"

TITLES = {  # the section each answer writes (experiments/reporting/answers/)
    "pause_cost": "Aid pause: how long the stock lasts, and what each extra week costs",
    "doctrine_cost": "Doctrine: Patriot at drones, and shots per ballistic missile",
    "layer_value": "Layered defence: what each cheap layer buys, per dollar",
    "cost_exchange": "Cost exchange beside the value protected",
    "attacker_saturation": "Attacker saturation: what drives value_weighted_damage",
}


# ---------------------------------------------------------------- writing small specs


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: dict) -> str:
    """A spec's data as TOML: keys, then tables, then arrays of tables (enough for sweep specs)."""
    def is_tables(v):
        return isinstance(v, list) and v and all(isinstance(x, dict) for x in v)

    lines = [f"{k} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict) and not is_tables(v)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{key}]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items())]
        elif is_tables(value):
            for item in value:
                lines += ["", f"[[{key}]]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in item.items())]
    text = "\n".join(lines) + "\n"
    assert tomllib.loads(text) == data  # the writer loses nothing
    return text


def short_scenario(folder: Path, extends: str) -> Path:
    path = folder / f"short-{extends}.toml"
    path.write_text(f'extends = "{extends}"\nname = "short-{extends}"\nend = {END.isoformat()}\n')
    return path


def small_spec(name: str, folder: Path) -> tuple[Path, int]:
    """A copy of a built-in spec on a short scenario with few runs; returns its path and its planned runs."""
    raw = tomllib.loads((SPECS / f"{name}.toml").read_text())
    raw["scenario"] = str(short_scenario(folder, raw["scenario"]))  # the spec's own scenario, cut short
    raw["replications"] = REPLICATIONS
    for factor in raw["factors"]:
        if factor["path"] == "timeline[0].start":
            factor["values"] = PAUSE_STARTS
    kind = raw.get("design", {}).get("kind", "full_factorial")
    if kind == "sobol":
        raw["design"]["samples"] = SOBOL_SAMPLES
        points = SOBOL_SAMPLES * (len(raw["factors"]) + 2)  # first and total order only
    else:
        assert kind == "full_factorial", f"{name}: the fixture does not know how many points a {kind} design has"
        points = math.prod(len(f["values"]) for f in raw["factors"])
    path = folder / f"{name}.toml"
    path.write_text(to_toml(raw))
    return path, points * REPLICATIONS


# ---------------------------------------------------------------- the fixture


@dataclass
class Built:
    results: Path
    report: Path
    paths: dict
    md: str
    html: str
    planned: dict[str, int]
    connections: list
    seconds: float


def sections(md: str) -> dict[str, str]:
    """The report's `## ` sections by title."""
    parts = re.split(r"(?m)^## ", md)[1:]
    return {part.split("\n", 1)[0]: part for part in parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    started = time.perf_counter()
    root = tmp_path_factory.mktemp("report")
    results = root / "results"
    planned = {}
    for name in headline()["specs"]:
        spec, planned[name] = small_spec(name, root)
        result = run_sweep(spec, results / name, workers=1, progress=False)
        assert result.failed == 0 and len(result.runs) == planned[name]
    connections = []

    def refuse(*args, **kwargs):
        connections.append(args)
        raise OSError("the report tried to use the network")

    with pytest.MonkeyPatch.context() as patch:
        for target, name in ((socket.socket, "connect"), (socket.socket, "connect_ex"),
                             (socket, "create_connection"), (socket, "getaddrinfo")):
            patch.setattr(target, name, refuse)
        with pytest.raises(OSError):  # the guard is in place
            socket.create_connection(("example.org", 443))
        connections.clear()
        paths = build_report(results)
    report = results / "report"
    return Built(results, report, paths, paths["markdown"].read_text(), paths["html"].read_text(), planned,
                 connections, time.perf_counter() - started)


# ---------------------------------------------------------------- the report


def test_report_is_written_beside_the_results(built):
    assert built.paths == {"markdown": built.report / "report.md", "html": built.report / "report.html"}
    assert (built.report / "report.md").is_file() and (built.report / "report.html").is_file()
    assert built.md.startswith(f"# attrition: {', '.join(sorted(built.planned))}\n")


def test_report_needs_no_network(built):
    assert built.connections == []


def test_html_embeds_every_figure_and_fetches_nothing(built):
    html = built.html
    sources = re.findall(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", html, flags=re.IGNORECASE)
    images = re.findall(r"<img\b[^>]*>", html, flags=re.IGNORECASE)
    assert images and len(sources) == len(images)
    figures = sorted((built.report / "figures").glob("*.png"))
    assert len(images) == len(figures)
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.removeprefix("data:image/png;base64,"), validate=True)[:8] == PNG
    lowered = html.lower()
    for remote in ("http://", "https://", "<script", "<link", "@import", "url(", "<iframe", "<object"):
        assert remote not in lowered, remote


def test_markdown_links_every_figure_as_a_png_file(built):
    linked = re.findall(r"!\[.*?\]\((figures/[^)\s]+)\)", built.md)
    assert linked
    for link in linked:
        path = built.report / link
        assert path.is_file(), link
        assert path.read_bytes()[:8] == PNG, link
    assert sorted(set(linked)) == sorted(f"figures/{p.name}" for p in (built.report / "figures").iterdir())


def test_every_answer_of_the_headline_specs_is_answered(built):
    found = sections(built.md)
    answers = [a for name in built.planned for a in tomllib.loads((SPECS / f"{name}.toml").read_text())
               ["report"]["answers"]]
    assert sorted(set(answers)) == sorted(TITLES)  # two specs may give the same answer (pause_cost)
    for answer in answers:
        title = TITLES[answer]
        assert title in found, f"no section {title!r}; sections: {list(found)}"
        assert "95% CI" in found[title], title
        assert f"<h2>{title}</h2>" in built.html
    assert "not answered" not in built.md
    assert "not answered" not in built.html


def test_answers_state_their_numbers_with_intervals(built):
    found = sections(built.md)
    answer = re.compile(r"\d[\d,.]* \(95% CI -?[\d,.]+ to -?[\d,.]+\)")
    for answer_name in ("pause_cost", "doctrine_cost", "layer_value", "cost_exchange"):
        paragraph = next(line for line in found[TITLES[answer_name]].splitlines() if line.startswith("**Answer.**"))
        assert answer.search(paragraph), paragraph
    assert re.search(r"has ST -?[\d.]+ \(95% CI -?[\d.]+ to -?[\d.]+\)", found[TITLES["attacker_saturation"]])


def test_overview_reports_every_planned_run_finished(built):
    found = sections(built.md)
    for name, runs in built.planned.items():
        overview = found[f"Sweep `{name}`"]
        assert f"{runs:,} of {runs:,} planned runs finished, 0 failed" in overview
        assert f"{REPLICATIONS} replications per design point" in overview
    # the order of the report: each sweep's overview, then its answers
    titles = list(found)
    assert titles.index("Sweep `pause-length`") < titles.index(TITLES["pause_cost"])
    assert titles.index("Sweep `layered-defence`") < titles.index(TITLES["layer_value"]) < titles.index(
        TITLES["cost_exchange"])


def test_cost_exchange_configurations_show_levels_as_the_spec_gives_them(built):
    # integer levels stay integers beside a float factor (a row-wise apply once made them 8.0, 2.0)
    table = sections(built.md)[TITLES["cost_exchange"]]
    assert "mobile_fire_groups / guns / interceptor_drones / ew_share" in table
    assert "| 8 / 2 / 6 / 0.4 |" in table
    assert "8.0 /" not in table


# ---------------------------------------------------------------- specs without answers


def test_spec_without_report_section_gets_the_general_figures(tmp_path):
    spec = h.write_spec(tmp_path)
    assert "[report]" not in spec.read_text()
    run_sweep(spec, tmp_path / "short-sweep", workers=1, progress=False)
    paths = build_report(tmp_path / "short-sweep")
    md = paths["markdown"].read_text()
    found = sections(md)
    assert list(found) == ["Sweep `short-sweep`", "Figures"]
    assert f"{h.RUNS} of {h.RUNS} planned runs finished" in found["Sweep `short-sweep`"]
    names = {p.name for p in (paths["markdown"].parent / "figures").iterdir()}
    assert names == {f"short-sweep-{kind}.png" for kind in ("stock", "leakers", "heatmap", "levers")}
    for name in names:
        assert f"(figures/{name})" in found["Figures"]
    assert paths["html"].read_text().count("data:image/png;base64,") == len(names)


LIST_LEVER_SPEC = """\
name = "engagement"
scenario = "short.toml"
replications = 2
root_seed = 5

[[factors]]
name = "patriot_engages"
kind = "lever"
path = "catalog.doctrines.patriot_keep_off_drones.engage"
values = [["ballistic", "cruise"], ["ballistic", "cruise", "drone"]]

[[factors]]
name = "shots_per_ballistic"
kind = "lever"
path = "catalog.doctrines.patriot_keep_off_drones.shots_per_target.ballistic"
values = [1, 2]
"""


def test_spec_without_report_section_and_a_list_valued_lever_gets_the_general_figures(tmp_path):
    h.write_scenario(tmp_path)
    spec = tmp_path / "engagement.toml"
    spec.write_text(LIST_LEVER_SPEC)
    run_sweep(spec, tmp_path / "results", workers=1, progress=False)
    paths = build_report(tmp_path / "results")
    assert (paths["markdown"].parent / "figures" / "results-levers.png").is_file()  # named after the folder


def test_two_sweeps_answering_the_same_question_keep_their_own_figures(built, tmp_path):
    parent = tmp_path / "two"
    for copy in ("doctrine-a", "doctrine-b"):
        shutil.copytree(built.results / "doctrine", parent / copy)
    md = build_report(parent)["markdown"].read_text()
    linked = re.findall(r"!\[.*?\]\((figures/[^)\s]+)\)", md)
    assert len(linked) == 4
    assert len(set(linked)) == len(linked)


# ---------------------------------------------------------------- the command


def one_error_line(capsys, folder: Path) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("attrition: error: ")
    assert str(folder) in lines[0]
    return lines[0]


def test_report_of_a_missing_folder_fails_cleanly(tmp_path, capsys):
    missing = tmp_path / "no-such-results"
    assert main(["report", str(missing)]) == 2
    assert "does not exist" in one_error_line(capsys, missing)
    assert not missing.exists()


def test_report_of_an_empty_folder_fails_cleanly(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty)]) == 2
    assert "no sweep results" in one_error_line(capsys, empty)
    assert list(empty.iterdir()) == []


def fail_every_run(scenario, seed, daily_columns):
    raise RuntimeError("this run was made to fail")


def test_report_of_a_sweep_without_finished_runs_fails_cleanly(tmp_path, capsys):
    spec = h.write_spec(tmp_path)
    out = tmp_path / "out"
    result = run_sweep(spec, out, workers=1, progress=False, simulator=fail_every_run)
    assert result.failed == h.RUNS and (out / "manifest.json").is_file() and result.runs.empty
    before = h.tree(out)
    assert main(["report", str(out)]) == 2
    assert "no finished runs" in one_error_line(capsys, out)
    assert h.tree(out) == before
    assert not (out / "report").exists()


def test_report_command_writes_the_report_and_says_where(built, tmp_path, capsys):
    copy = tmp_path / "results"
    shutil.copytree(built.results, copy, ignore=shutil.ignore_patterns("report"))
    assert main(["report", str(copy)]) == 0
    out = capsys.readouterr().out
    html = copy / "report" / "report.html"
    assert f"wrote {html} (self-contained)" in out
    assert str(copy / "report" / "report.md") in out
    assert html.is_file()
    assert sections((copy / "report" / "report.md").read_text()).keys() == sections(built.md).keys()


def test_build_report_writes_into_the_chosen_folder(built, tmp_path):
    chosen = tmp_path / "elsewhere" / "doctrine-report"
    sweep = built.results / "doctrine"
    before = h.tree(sweep)
    paths = build_report(sweep, out=chosen, title="Doctrine only")
    assert paths == {"markdown": chosen / "report.md", "html": chosen / "report.html"}
    assert paths["markdown"].read_text().startswith("# Doctrine only\n")
    assert {p.name for p in (chosen / "figures").iterdir()} == {"doctrine-differences.png", "doctrine-heatmap.png"}
    assert h.tree(sweep) == before  # nothing written beside the results
    assert TITLES["doctrine_cost"] in sections(paths["markdown"].read_text())


# ---------------------------------------------------------------- every policy answer reports all it moves


ROW = re.compile(r"^(?P<mean>-?[\d,.]+) \(95% CI (?P<low>-?[\d,.]+) to (?P<high>-?[\d,.]+)\)$")


def markdown_rows(section: str, caption: str) -> list[dict]:
    """The rows of the Markdown table under `*caption*` in a section, by column name."""
    lines = section.split(f"*{caption}*", 1)[1].strip().splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (c.strip() for c in line.strip().strip("|").split(" | ")), strict=True)))
    return rows


def damage_families(scenario) -> dict[str, list[str]]:
    """Family -> its classes that do damage, straight from the catalog (decoys left out)."""
    found = {}
    for name, threat in scenario.catalog.threats.items():
        if threat.damage > 0:
            found.setdefault(getattr(threat, "family", None) or name, []).append(name)
    return found


def family_leakers(runs, members: list[str], family: str):
    if f"leaked_{family}" in runs:
        return runs[f"leaked_{family}"]
    return runs[[f"leaked_{m}" for m in members]].sum(axis=1)


@pytest.fixture(scope="module")
def doctrine(built):
    from experiments.reporting import answers
    from experiments.sweep.runner import open_results
    from experiments.sweep.spec import parse_spec

    result = open_results(built.results / "doctrine")
    spec = parse_spec(result.manifest["spec"], str(result.path))
    return result, spec, answers._base_scenario(result, spec)


DOCTRINE_TABLE = "Paired differences over the year: mean (95% CI)"


def test_doctrine_table_has_a_row_for_every_family_and_for_damage(built, doctrine):
    _, _, scenario = doctrine
    rows = markdown_rows(sections(built.md)[TITLES["doctrine_cost"]], DOCTRINE_TABLE)
    families = damage_families(scenario)
    assert len(families) >= 3 and "decoy" not in families
    wanted = {f"{f} leakers" for f in families} | {"value-weighted damage", "damage"} | {
        f"{r} rounds fired" for r in scenario.catalog.battery_types["patriot"].interceptors}
    changes = sorted({r["change"] for r in rows})
    assert len(changes) == 4  # drones or not, shots 2 vs 1, reserve 16 and 32 vs 0
    for change in changes:
        assert {r["outcome"] for r in rows if r["change"] == change} == wanted, change
    assert not any("decoy" in r["outcome"] for r in rows)


def test_doctrine_words_name_what_rises_and_what_falls(built):
    found = sections(built.md)[TITLES["doctrine_cost"]]
    rows = markdown_rows(found, DOCTRINE_TABLE)
    paragraph = next(line for line in found.splitlines() if line.startswith("**Answer.**"))
    moved = 0
    for row in rows:
        parts = ROW.match(row["paired difference"])
        mean, low, high = parts["mean"], parts["low"], parts["high"]
        outcome = row["outcome"]
        if float(low.replace(",", "")) > 0:  # raised: named with its difference
            assert f"{outcome} by {mean} (95% CI {low} to {high})" in paragraph, row
            moved += 1
        elif float(high.replace(",", "")) < 0:  # lowered: named by how much less
            assert f"{outcome} by {mean[1:]} (95% CI {high[1:]} to {low[1:]})" in paragraph, row
            moved += 1
        else:
            assert f"{outcome} ({mean} (95% CI {low} to {high}))" in paragraph, row
    assert moved and "raises" in paragraph and "lowers" in paragraph
    for sentence in ("Adding drone to the threats the patriot batteries fire at", "Firing 2 rounds per ballistic",
                     "Keeping 32 rounds per battery back"):
        assert sentence in paragraph


def test_doctrine_paired_differences_are_the_runs_subtracted_replication_by_replication(built, doctrine):
    from scipy import stats

    from experiments.reporting.document import estimate

    result, _, scenario = doctrine
    runs = result.runs
    rows = markdown_rows(sections(built.md)[TITLES["doctrine_cost"]], DOCTRINE_TABLE)
    shown = {(r["change"], r["outcome"]): r["paired difference"] for r in rows}
    without = next(v for v in runs["patriot_engages"].unique() if "drone" not in json.loads(v))
    with_drones = next(v for v in runs["patriot_engages"].unique() if v != without)
    comparisons = {"patriot_engages: ballistic+cruise+drone instead of ballistic+cruise":
                   ("patriot_engages", with_drones, without),
                   "shots_per_ballistic: 2 instead of 1": ("shots_per_ballistic", 2, 1)}
    outcomes = {f"{f} leakers": family_leakers(runs, m, f) for f, m in damage_families(scenario).items()}
    outcomes |= {"value-weighted damage": runs["value_weighted_damage"],
                 "pac3_mse rounds fired": runs["fired_pac3_mse"]}
    for change, (factor, level, baseline) in comparisons.items():
        others = [f for f in result.factors if f != factor]
        for outcome, values in outcomes.items():
            table = runs.assign(y=values)
            on = table[table[factor] == level].set_index(["replication", *others])["y"]
            off = table[table[factor] == baseline].set_index(["replication", *others])["y"]
            diff = (on - off.loc[on.index]).to_numpy(dtype=float)
            assert len(diff) == len(runs) // 2  # every run of one level paired with one of the other
            half = stats.t.ppf(0.975, len(diff) - 1) * diff.std(ddof=1) / math.sqrt(len(diff))
            by_hand = {"n": len(diff), "mean": diff.mean(), "ci_low": diff.mean() - half,
                       "ci_high": diff.mean() + half}
            assert shown[(change, outcome)] == estimate(by_hand), (change, outcome)


def doctrine_text(doctrine, runs) -> str:
    from types import SimpleNamespace

    from experiments.reporting.answers import doctrine_cost

    result, spec, _ = doctrine
    section = doctrine_cost(SimpleNamespace(runs=runs, factors=result.factors, manifest=result.manifest), spec)
    return "\n".join(block.text for block in section.blocks if hasattr(block, "text"))


def test_shots_answer_states_the_arithmetic_and_whether_rounds_ran_out(doctrine):
    runs = doctrine[0].runs.copy()
    kinds = ["pac3_mse", "gem_t"]
    plenty = runs.assign(**{f"days_to_empty_{k}": float("nan") for k in kinds},
                         **{f"min_stock_{k}": 5 for k in kinds})
    text = doctrine_text(doctrine, plenty)
    p = load_scenario("posterior-2025").catalog.interceptors["pac3_mse"].kill_probability["iskander_m"]
    assert "1-(1-p)^2" in text and "kill 2p targets" in text
    assert f"pac3_mse (p = {p:.3g}: {1 - (1 - p) ** 2:.3g} against {2 * p:.3g}" in text  # the spec's scenario's p
    assert "fewer rounds per target always leaves fewer leakers" in text
    assert "Rounds were not scarce in these runs: in none of the 36 runs did the theatre's stock of pac3_mse " \
           "or gem_t reach zero" in text
    assert "Rounds were scarce" not in text

    empty = plenty.assign(days_to_empty_pac3_mse=10.0)
    text = doctrine_text(doctrine, empty)
    assert "Rounds were scarce in every one of the 36 runs" in text
    assert "pac3_mse ran out in 100% of the runs (100% of those firing 1 per target, 100% of those firing 2" in text

    some = plenty.copy()
    some.loc[some["shots_per_ballistic"] == 2, "min_stock_gem_t"] = 0  # half the runs, and only those firing 2
    text = doctrine_text(doctrine, some)
    assert "Rounds were scarce in 50% of the 36 runs" in text
    assert "gem_t in 50% (0%, 100%)" in text
    assert "In the rest rounds were left over." in text


def test_the_level_without_a_class_is_read_off_the_catalog_not_its_name():
    from types import SimpleNamespace

    import pandas as pd

    from experiments.reporting.answers import _engage_baseline

    threat = SimpleNamespace
    catalog = SimpleNamespace(threats={
        "uav": threat(damage=1.0, mimics=None, family=None), "lure": threat(damage=0.0, mimics="uav", family=None),
        "kh101": threat(damage=6.0, mimics=None, family="cruise"), "iskander": threat(damage=8.0, mimics=None,
                                                                                     family="ballistic")})
    scenario = SimpleNamespace(catalog=catalog)
    with_uav, without = json.dumps(["ballistic", "cruise", "uav"]), json.dumps(["ballistic", "cruise"])
    runs = pd.DataFrame({"engage": [with_uav, without, with_uav, without]})
    factor = SimpleNamespace(name="engage", values=[json.loads(with_uav), json.loads(without)])
    baseline, engaged = _engage_baseline(runs, factor, scenario)
    assert baseline == without
    assert engaged[with_uav] == {"uav", "lure", "kh101", "iskander"}  # families stand for their classes
    assert engaged[without] == {"kh101", "iskander"}


OLD_NAME, NEW_NAME = "pac3_mse", "hit_to_kill"


def renamed(value):
    """Scenario data, manifests, column names: every `pac3_mse` in a key or a string as `hit_to_kill`."""
    if isinstance(value, dict):
        return {renamed(k): renamed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v) for v in value]
    return value.replace(OLD_NAME, NEW_NAME) if isinstance(value, str) else value


class RenamedResult:
    """A sweep's results as if the catalog had called its first Patriot round `hit_to_kill`."""

    def __init__(self, result):
        self._result = result
        self.path = result.path
        self.factors = result.factors
        self.manifest = renamed(result.manifest)
        self.runs = result.runs.rename(columns=renamed)

    def daily(self, columns=None):
        asked = None if columns is None else [c.replace(NEW_NAME, OLD_NAME) for c in columns]
        return self._result.daily(asked).rename(columns=renamed)


def everything_said(section) -> str:
    """Every word of a section: paragraphs, tables, captions and every text drawn in its figures."""
    from matplotlib.text import Text as Drawn

    from experiments.reporting.document import Plot, Table, Text

    said = [section.title]
    for block in section.blocks:
        if isinstance(block, Text):
            said.append(block.text)
        elif isinstance(block, Table):
            said += [block.caption, block.frame.to_csv()]
        elif isinstance(block, Plot):
            said += [block.caption, *(t.get_text() for t in block.figure.findobj(Drawn))]
    return "\n".join(said)


def test_no_answer_names_an_interceptor_the_catalog_does_not_have(built, monkeypatch):
    from experiments.reporting import answers
    from experiments.reporting.answers import scenario_facts
    from experiments.sweep.runner import open_results
    from experiments.sweep.spec import parse_spec
    from model import Scenario

    said = {}
    for name in ("pause-length", "doctrine", "layered-defence"):
        result = open_results(built.results / name)
        spec = parse_spec(result.manifest["spec"], str(result.path))
        scenario = answers._base_scenario(result, spec)
        other = Scenario.model_validate(renamed(scenario.model_dump()))
        assert NEW_NAME in other.catalog.interceptors and OLD_NAME not in other.catalog.interceptors
        with monkeypatch.context() as patch:
            patch.setattr(scenario_facts, "base_scenario", lambda result, spec, other=other: other)
            for answer in spec.report.answers:
                said[answer] = everything_said(answers.ANSWERS[answer](RenamedResult(result), spec,
                                                                       **spec.report.options))
    assert set(said) == {"pause_cost", "doctrine_cost", "layer_value", "cost_exchange"}
    for answer, text in said.items():
        assert OLD_NAME not in text, answer
    for answer in ("pause_cost", "doctrine_cost", "layer_value"):
        assert NEW_NAME in said[answer], answer
    assert f"{NEW_NAME} rounds fired" in said["doctrine_cost"]
    assert f"Theatre stock of {NEW_NAME} (what us-pac3 ships)" in said["pause_cost"]
    assert f"'Expensive rounds' are {NEW_NAME}, gem_t and aim120 (the catalog's round costs above their " \
           "median)" in said["layer_value"]


RENAMES = {"pac3_mse": "hit_to_kill", "iskander_m": "tochka_u", "cruise": "winged",
           "mobile_fire_group": "fire_squad"}
"""A round, a ballistic class, a missile family and a cheap layer, each under another name."""


def renamed_everywhere(value):
    """Keys and strings with every name of RENAMES replaced (the inverse of `named_back`)."""
    if isinstance(value, dict):
        return {renamed_everywhere(k): renamed_everywhere(v) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed_everywhere(v) for v in value]
    if isinstance(value, str):
        for old, new in RENAMES.items():
            value = value.replace(old, new)
    return value


def named_back(text: str) -> str:
    for old, new in reversed(RENAMES.items()):
        text = text.replace(new, old)
    return text


class RenamedEverywhere:
    """A sweep's results as if its catalog had given RENAMES' names: in the manifest, the columns and the cells."""

    def __init__(self, result):
        self._result = result
        self.path = result.path
        self.manifest = renamed_everywhere(result.manifest)
        self.factors = [renamed_everywhere(f) for f in result.factors]
        runs = result.runs.rename(columns=renamed_everywhere)
        self.runs = runs.assign(**{c: runs[c].map(renamed_everywhere) for c in runs.columns
                                   if pd.api.types.is_string_dtype(runs[c])})

    def daily(self, columns=None):
        asked = None if columns is None else [named_back(c) for c in columns]
        return self._result.daily(asked).rename(columns=renamed_everywhere)


def test_a_catalog_with_other_names_gets_the_same_answers(built, monkeypatch):
    """Every word, number and figure text of every answer is the same, names aside: no name is in the code."""
    from experiments.reporting import answers
    from experiments.reporting.answers import scenario_facts
    from experiments.sweep.runner import open_results
    from experiments.sweep.spec import parse_spec
    from model import Scenario

    compared = []
    for name in ("pause-length", "doctrine", "layered-defence"):
        result = open_results(built.results / name)
        spec = parse_spec(result.manifest["spec"], str(result.path))
        scenario = answers._base_scenario(result, spec)
        other = Scenario.model_validate(renamed_everywhere(scenario.model_dump()))
        assert not set(RENAMES) & {*other.catalog.threats, *other.catalog.families, *other.catalog.interceptors,
                                   *other.catalog.battery_types}
        moved = RenamedEverywhere(result)
        other_spec = parse_spec(moved.manifest["spec"], str(result.path))
        for answer in spec.report.answers:
            said = everything_said(answers.ANSWERS[answer](result, spec, **spec.report.options))
            with monkeypatch.context() as patch:
                patch.setattr(scenario_facts, "base_scenario", lambda result, spec, other=other: other)
                said_otherwise = everything_said(answers.ANSWERS[answer](moved, other_spec,
                                                                         **other_spec.report.options))
            assert said_otherwise != said, answer  # the new names are in it
            assert named_back(said_otherwise) == said, answer
            compared.append(answer)
    assert compared == ["pause_cost", "doctrine_cost", "layer_value", "cost_exchange"]
