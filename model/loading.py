"""Reading scenario files: built-in names or paths, `extends`, catalog overrides, clear errors.

A scenario file may `extends = "baseline-2025"` (another built-in name or a
path relative to it): its tables are merged over the parent's, key by key,
and a list it writes plainly (`[[batteries]]`) replaces the parent's whole.
To change a parent's list instead (`model/extension.py` has the rules):

    [remove]
    batteries = ["Patriot Kyiv 3"]    # drop the parent's entries of these names
    [[replace.batteries]]             # the parent's entry of this name, replaced whole in its place
    name = "Patriot Dnipro"
    ...
    [[add.batteries]]                 # appended after the parent's (also [[add.timeline]], ...)
    ...

in that order: remove, replace, add. Sites, batteries and suppliers have names;
timeline entries have none (write the list whole to change one). A plain list
that drops some of the parent's entries raises a `ScenarioNotice` warning.
Its `[catalog]` tables are merged the same way over the built-in `catalog.toml`.
Nothing is written or printed while loading.
"""

import functools
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from model.consistency import check_references
from model.errors import MISSING, ScenarioError
from model.extension import Origins, extend, merge, operations_without_parent, own_origins, relabel
from model.families import resolve
from model.files import builtin_names, find_data_file, read_toml
from model.scenario import Scenario
from model.timeline import EVENTS

DATA = resources.files("model") / "data"


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package."""
    return builtin_names(DATA / "scenarios")


def _read_toml(path: Path) -> dict:
    return read_toml(path, "scenario", ScenarioError)


FILE_KEYS = (("attacker", "replay", "file"), ("attacker", "replay", "mapping"), ("ensemble",))
"""Keys that name files: relative paths are relative to the scenario file that writes them ("none": no file)."""


def _anchor_paths(raw: dict, folder: Path) -> None:
    for keys in FILE_KEYS:
        node = raw
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(keys[-1]), str) and node[keys[-1]] != "none":
            path = Path(node[keys[-1]]).expanduser()
            node[keys[-1]] = str(path if path.is_absolute() else (folder / path).resolve())


class ScenarioData(dict):
    """A scenario's plain data, with `origins`: where each list entry was written (`model.extension.Origins`).

    A dict, so sweeps and policies change it like any other; copies keep the origins. Errors name an
    entry by its origin only while its list still has as many entries as the origins.
    """

    def __init__(self, data: dict, origins: Origins | None = None) -> None:
        super().__init__(data)
        self.origins = origins or {}


def _shipped(path: Path) -> bool:
    """A file shipped with the package (its scenarios replace their parents' lists on purpose)."""
    return Path(str(DATA / "scenarios")).resolve() in path.resolve().parents


def _raw_scenario(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, Origins]:
    if path.resolve() in seen:
        raise ScenarioError(str(path), [("extends", str(path), "scenarios extend each other in a loop")])
    raw = _read_toml(path)
    _anchor_paths(raw, path.parent)
    parent = raw.pop("extends", None)
    if parent is None:
        operations_without_parent(raw, str(path))
        return raw, own_origins(raw, str(path))
    try:
        parent_path = find_data_file(parent, DATA / "scenarios", "scenario", ScenarioError, path.parent)
    except ScenarioError as error:
        raise ScenarioError(str(path), [("extends", parent, why) for _, _, why in error.problems]) from None
    base, origins = _raw_scenario(parent_path, (*seen, path.resolve()))
    return extend(base, origins, raw, str(path), notify=not _shipped(path))


def _format_location(loc: tuple) -> str:
    text = ""
    for k, part in enumerate(loc):
        if k == 2 and loc[0] == "timeline" and part in EVENTS:  # pydantic puts the event's tag there; files do not
            continue
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _union_member(part) -> bool:
    """Whether a location part is the member of a union pydantic tried (`int`, `list[...]`), not a key."""
    return isinstance(part, str) and (part in {"int", "float", "str", "bool", "date", "datetime"}
                                      or part.endswith("]") and "[" in part)


def validation_problems(error: ValidationError) -> list[tuple[str, object, str]]:
    """Pydantic's complaints as (key path as the file writes it, value found, what is wrong).

    A value no member of a union takes is one problem, at its key, with the complaint of the member of its own
    type (`float` for `inf`), else the first member's.
    """
    found: dict[tuple, dict] = {}
    for e in error.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not _union_member(p))
        own_type = type(e.get("input")).__name__ in e["loc"]
        if loc not in found or own_type:
            found[loc] = e
    return [(_format_location(loc) or "(top level)", MISSING if e["type"] == "missing" else e.get("input"),
             e["msg"]) for loc, e in found.items()]


@functools.lru_cache(maxsize=1)
def _builtin_catalog() -> dict:
    """The built-in catalog, read once per process (`merge` copies it before anything changes it)."""
    return _read_toml(Path(str(DATA / "catalog.toml")))


def _with_catalog(raw: dict) -> dict:
    """The scenario's data with the built-in catalog merged under its `[catalog]` tables."""
    return {**raw, "catalog": merge(_builtin_catalog(), raw.get("catalog", {}))}


def scenario_data(source: str | Path, relative_to: Path | None = None) -> tuple[dict, str]:
    """A scenario file's plain data, `extends` and catalog merged in, and the file it came from.

    This is what `load_scenario` validates; sweeps change values in it by path first.
    """
    path = find_data_file(source, DATA / "scenarios", "scenario", ScenarioError, relative_to)
    raw, origins = _raw_scenario(path)
    return ScenarioData(_with_catalog(raw), origins), str(path)


def build_scenario(raw: dict, source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as plain data (already merged); raise ScenarioError on any problem."""
    origins = getattr(raw, "origins", {})
    raw = _with_catalog(raw)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(source, relabel(_shorten(validation_problems(error)), raw, origins, source)) from None
    problems = check_references(scenario)
    if not problems and scenario.attacker.mode == "replay":
        from model.observed import replay_problems  # reads the attack data: after the cheap checks
        from model.weapon_mapping import ObservationError

        try:
            problems = replay_problems(scenario)
        except ObservationError as error:  # the data file or mapping at fault is named, not the scenario
            raise ScenarioError(error.source, error.problems) from None
    if problems:
        raise ScenarioError(source, relabel(problems, raw, origins, source))
    return Scenario.model_validate(resolve(scenario.model_dump()))  # family keys as class keys, once


def _shorten(problems):
    """Keep a whole table out of the message when the complaint is about the table itself."""
    return [(key, value if not isinstance(value, dict) else "{...}", why) for key, value, why in problems]


def load_scenario(source: str | Path) -> Scenario:
    """Load a scenario by built-in name (`"baseline-2025"`) or from a TOML file path."""
    return build_scenario(*scenario_data(source))
