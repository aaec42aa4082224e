"""Weapon models to subtypes to families: the mapping TOML the observed attack reports are read with.

    from model.weapon_mapping import read_mapping
    mapping = read_mapping()                 # model/data/weapon_classes.toml
    mapping.subtype("Kh-101")                # its subtype; mapping.families[subtype] is its family

The file has two tables: `[subtypes]` (subtype -> family, one of `FAMILIES`) and
`[classes]` (weapon model as the reports write it -> subtype). Matching ignores
case and surrounding spaces. A model the mapping does not list is refused by the
loader, naming it, unless the file declares `unlisted = "other"` (or another of its
subtypes) before its tables: then it counts there, and is reported.
"""

import difflib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from model.errors import DataFileError
from model.files import read_toml

FAMILIES = ("drone", "cruise", "ballistic", "other")
"""Observed families: Shahed-type drones with decoys, cruise and ballistic missiles, everything else."""
CLASSES = FAMILIES
"""The families under their old name, for older callers."""
OTHER = "other"
"""The subtype (and family) of unknown models and of rows mixing families without details."""
MAPPING = resources.files("model") / "data" / "weapon_classes.toml"
TABLES = ("subtypes", "classes")
UNLISTED = "unlisted"
"""The key that declares the subtype of models a mapping does not list (without it, such a model is refused)."""
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


class ObservationError(DataFileError):
    """An attack-data file that cannot be read: the row and column of each problem."""


def model_key(name: str) -> str:
    """How a weapon model is matched: without surrounding spaces, whatever its case."""
    return name.strip().lower()


def model_parts(model: str) -> list[str]:
    """The models of a row as written (stripped): "A and B" -> ["A", "B"]."""
    return [part.strip() for part in _AND.split(model.strip())]


@dataclass(frozen=True)
class WeaponMapping:
    """Weapon model -> subtype -> family, as read from a mapping TOML."""

    classes: dict[str, str]
    """Lower-cased, stripped weapon model -> subtype."""
    families: dict[str, str]
    """Subtype -> family (one of FAMILIES), in file order; always has `other`."""
    source: str
    """The file it was read from."""
    unlisted: str | None = None
    """The subtype of models the file does not list (its `unlisted` key); None: such a model is an error."""

    @property
    def subtypes(self) -> list[str]:
        """The subtypes in file order."""
        return list(self.families)

    def subtype(self, model: str) -> str | None:
        """The subtype of one weapon model (not a mix), or None if the mapping does not list it."""
        return self.classes.get(model_key(model))


def _layout_problems(raw: dict) -> list[tuple[str, object, str]]:
    """The file's top level: exactly the two tables, and optionally `unlisted`, a subtype's name."""
    needs = "a mapping has exactly two tables: [subtypes] (subtype -> family) and [classes] (weapon model -> subtype)"
    problems, meant = [], set()
    for key in raw:
        if key == UNLISTED:
            if not isinstance(raw[key], str):
                problems.append((key, raw[key], "the subtype of models the mapping does not list, e.g. \"other\""))
        elif key not in TABLES:
            close = difflib.get_close_matches(key, (*TABLES, UNLISTED), n=1)
            meant.update(close)  # the table it misspells is not reported missing as well
            shown = [f"[{t}]" if t in TABLES else t for t in close]
            problems.append(("table", key, "unknown table" + (f" (did you mean {shown[0]}?)" if close else "")
                             + f"; {needs}, and optionally {UNLISTED} = \"other\" before them"))
    problems += [("table", t, f"missing; {needs}") for t in TABLES if t not in raw and t not in meant]
    problems += [(t, raw[t], f"not a table; {needs}") for t in TABLES if t in raw and not isinstance(raw[t], dict)]
    return problems


def read_mapping(path: str | Path | None = None) -> WeaponMapping:
    """Weapon model -> subtype -> family, from a mapping TOML (`[subtypes]`, `[classes]`); the built-in by default."""
    source = Path(str(MAPPING)) if path is None else Path(path)
    where = str(source)
    raw = read_toml(source, "mapping", ObservationError)
    problems = _layout_problems(raw)
    if problems:
        raise ObservationError(where, problems)
    families: dict[str, str] = {}
    for name, family in raw["subtypes"].items():
        if family not in FAMILIES:
            problems.append((f"subtypes.{name}", family, f"unknown family; known: {', '.join(FAMILIES)}"))
        elif name in FAMILIES and family != name:
            problems.append((f"subtypes.{name}", family, f"a subtype named like a family must be that family "
                                                         f"({name} = {name!r})"))
        else:
            families[name] = family
    families.setdefault(OTHER, OTHER)  # unknown models and mixed rows need it
    for name in FAMILIES:
        siblings = [s for s, f in families.items() if f == name and s != name]
        if name in families and siblings:
            why = ("`other` is always a subtype (it takes unknown models and mixed rows), so family other can have "
                   "no other subtype" if name == OTHER else "a subtype named like its family shares the family's "
                   "column, so it must be the family's only subtype")
            problems += [(f"subtypes.{s}", name, why) for s in siblings]
    classes: dict[str, str] = {}
    for model, subtype in raw["classes"].items():
        key = model_key(model)
        if not isinstance(subtype, str) or (subtype not in families and subtype not in raw["subtypes"]):
            problems.append((f"classes.{model}", subtype, f"unknown subtype; known: {', '.join(families)}"))
        elif key in classes and classes[key] != subtype:
            problems.append((f"classes.{model}", subtype, f"the same model, whatever its case, is already "
                                                          f"{classes[key]!r}"))
        else:
            classes[key] = subtype
    unlisted = raw.get(UNLISTED)
    if unlisted is not None and unlisted not in families:
        problems.append((UNLISTED, unlisted, f"not a subtype of this mapping; its subtypes: {', '.join(families)}"))
    if problems:
        raise ObservationError(where, problems)
    return WeaponMapping(classes, families, where, unlisted)


def class_of(model: str, mapping: WeaponMapping | dict[str, str]) -> str | None:
    """The subtype of a weapon model; for "A and B", the subtype all parts share; None if they differ.

    A model the mapping does not list is its `unlisted` subtype, else `other`. Case and surrounding spaces are ignored.
    A plain dict (model -> class) is accepted too, as older callers pass.
    """
    classes = mapping.classes if isinstance(mapping, WeaponMapping) else {model_key(k): v for k, v in mapping.items()}
    unlisted = (mapping.unlisted if isinstance(mapping, WeaponMapping) else None) or OTHER
    if model_key(model) in classes:
        return classes[model_key(model)]
    found = {classes.get(model_key(part), unlisted) for part in model_parts(model)}
    return found.pop() if len(found) == 1 else None
