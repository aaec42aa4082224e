"""Observed air attacks: the "Massive Missile Attacks on Ukraine" daily reports, by weapon family and subtype.

    from model.observed import load_observed
    observed = load_observed("missile_attacks_daily_2022-2025.csv")
    observed.daily            # one row per date: launched_/neutralised_/with_outcome_<family or subtype>
    observed.monthly_shares("2025-01-01", "2025-12-31")                   # by family
    observed.monthly_shares("2025-01-01", "2025-12-31", level="subtype")  # kh101, kalibr, iskander_m, ...
    observed.launches("2025-01-01", "2025-12-31", observed.subtypes)     # per day, for replay

The dataset (Petro Ivaniuk, Kaggle `piterfm/massive-missile-attacks-on-ukraine`,
from the Ukrainian Air Force's posts) has one row per weapon model per
reported attack window. Its traps, and what the loader does with each:

- **Definition change, 2025-07-24**: before, `destroyed` is "shot down" and
  electronic-warfare losses are in `not_reach_goal`; after, `destroyed` is
  "shot down or suppressed" and `not_reach_goal` is 0 for drones. Neutralised
  is always `destroyed + not_reach_goal`, comparable across the change.
- **Decoys**: Shahed rows count attack drones and decoys together; they are
  the family and subtype `drone` here (drones with decoys). `is_shahed` (real
  Shaheds, from July 2025) is kept as `real_drones` where reported.
- **Regional rows** (sources other than `kpszsu`, the national Air Force)
  duplicate national reports: dropped unless `include_regional=True`.
  **Exact duplicate rows** are dropped.
- **Mixed rows** ("X-101/X-555 and Kalibr"): a row whose models all map to one
  subtype counts for it. Otherwise it is split by its `launched_details` when
  they name every model, its neutralised count split in the same proportions
  (the reports say no more); without such details, a row whose models share a
  family is split evenly over their subtypes, and a row mixing families is `other`.
- **Unknown models**: a model (or part of a mixed row) the mapping does not
  list counts as `other` and is reported in `unknown_models` and `notes`.
- **Missing values**: a row without `launched` is skipped; an empty
  `not_reach_goal` is 0; an empty `destroyed` leaves the row's outcome
  unknown: it counts in `launched_` but not in `with_outcome_`, the
  denominator of a neutralised share.
- A row is dated by the day its attack window ends (`time_end`).

Weapon models map to subtypes, and subtypes to the four families, in a TOML
file the user can read and change (`model/data/weapon_classes.toml` by
default); matching ignores case and surrounding spaces. Errors name the file,
the row (its line in the file) or key, and the value, and nothing is returned.
"""

import ast
import difflib
import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DataFileError, InputError

FAMILIES = ("drone", "cruise", "ballistic", "other")
"""Observed families: Shahed-type drones with decoys, cruise and ballistic missiles, everything else."""
CLASSES = FAMILIES
"""The families under their old name, for older callers."""
OTHER = "other"
"""The subtype (and family) of unknown models and of rows mixing families without details."""
KINDS = ("launched", "neutralised", "with_outcome")
REQUIRED = ("time_start", "time_end", "model", "launched", "destroyed", "not_reach_goal", "source")
COUNTS = ("launched", "destroyed", "not_reach_goal", "is_shahed")
NATIONAL = "kpszsu"
DEFINITION_CHANGE = date(2025, 7, 24)
MAPPING = resources.files("model") / "data" / "weapon_classes.toml"
TABLES = ("subtypes", "classes")
LEVELS = ("family", "subtype")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


class ObservationError(DataFileError):
    """An attack-data file that cannot be read: the row and column of each problem."""


def _line(index: int) -> str:
    return f"row {index + 2}"  # the header is line 1


def _key(name: str) -> str:
    """How a weapon model is matched: without surrounding spaces, whatever its case."""
    return name.strip().lower()


def _parts(model: str) -> list[str]:
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

    @property
    def subtypes(self) -> list[str]:
        """The subtypes in file order."""
        return list(self.families)

    def subtype(self, model: str) -> str | None:
        """The subtype of one weapon model (not a mix), or None if the mapping does not list it."""
        return self.classes.get(_key(model))


def read_mapping(path: str | Path | None = None) -> WeaponMapping:
    """Weapon model -> subtype -> family, from a mapping TOML (`[subtypes]`, `[classes]`); the built-in by default."""
    source = Path(str(MAPPING)) if path is None else Path(path)
    where = str(source)
    try:
        raw = tomllib.loads(source.read_text())
    except FileNotFoundError:
        raise ObservationError(where, [("file", where, "no such mapping file")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ObservationError(where, [("file", source.name, f"not valid TOML: {error}")]) from None
    needs = "a mapping has exactly two tables: [subtypes] (subtype -> family) and [classes] (weapon model -> subtype)"
    problems = []
    for key in raw:
        if key not in TABLES:
            close = difflib.get_close_matches(key, TABLES, n=1)
            problems.append(("table", key, "unknown table" + (f" (did you mean [{close[0]}]?)" if close else "")
                             + f"; {needs}"))
    problems += [("table", t, f"missing; {needs}") for t in TABLES if t not in raw]
    problems += [(t, raw[t], f"not a table; {needs}") for t in TABLES if t in raw and not isinstance(raw[t], dict)]
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
        key = _key(model)
        if not isinstance(subtype, str) or (subtype not in families and subtype not in raw["subtypes"]):
            problems.append((f"classes.{model}", subtype, f"unknown subtype; known: {', '.join(families)}"))
        elif key in classes and classes[key] != subtype:
            problems.append((f"classes.{model}", subtype, f"the same model, whatever its case, is already "
                                                          f"{classes[key]!r}"))
        else:
            classes[key] = subtype
    if problems:
        raise ObservationError(where, problems)
    return WeaponMapping(classes, families, where)


def class_of(model: str, mapping: WeaponMapping | dict[str, str]) -> str | None:
    """The subtype of a weapon model; for "A and B", the subtype all parts share; None if they differ.

    A model the mapping does not list is `other`, as the loader counts it. Case and surrounding spaces are ignored.
    A plain dict (model -> class) is accepted too, as older callers pass.
    """
    classes = mapping.classes if isinstance(mapping, WeaponMapping) else {_key(k): v for k, v in mapping.items()}
    if _key(model) in classes:
        return classes[_key(model)]
    found = {classes.get(_key(part), OTHER) for part in _parts(model)}
    return found.pop() if len(found) == 1 else None


def _details(text) -> dict[str, float] | None:
    """A `launched_details` cell as {lower-cased name: count}, or None if it is not a dict of counts."""
    if not isinstance(text, str) or not text.strip().startswith("{"):
        return None
    try:
        found = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None
    if not isinstance(found, dict):
        return None
    out: dict[str, float] = {}
    for name, count in found.items():
        if not isinstance(name, str) or isinstance(count, bool) or not isinstance(count, int | float) \
                or not np.isfinite(count) or count < 0:
            return None
        out[_key(name)] = out.get(_key(name), 0.0) + float(count)
    return out


def _parse_dates(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    text = frame[column].astype("string").str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
    dated = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.fillna(dated)
    required = column == "time_end"  # the row's date; an empty time_start is allowed
    bad = parsed.isna() & (text.notna() | required)
    if bad.any():
        index = int(np.flatnonzero(bad.to_numpy())[0])
        raise ObservationError(source, [(f"{_line(index)}, column {column}", frame[column].iloc[index],
                                         "not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)")])
    return parsed


def _numbers(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    unreadable = values.isna() & frame[column].notna() & (frame[column].astype("string").str.strip() != "")
    for mask, why in ((unreadable, "not a number"), (values < 0, "a negative count")):
        if mask.any():
            index = int(np.flatnonzero(mask.to_numpy())[0])
            raise ObservationError(source, [(f"{_line(index)}, column {column}", frame[column].iloc[index], why)])
    return values


@dataclass
class ObservedAttacks:
    """Daily counts by family and subtype from the attack reports, and what reading them dropped."""

    daily: pd.DataFrame
    """Indexed by date: `launched_<name>`, `neutralised_<name>`, `with_outcome_<name>` for each family, then each
    subtype not named like a family (a family's columns are the sums of its subtypes'), and `real_drones`."""
    source: str
    notes: dict[str, int] = field(default_factory=dict)
    """Rows dropped or changed by each trap: regional, duplicate, no launched, unknown outcome, split, other,
    unknown models."""
    unknown_models: dict[str, float] = field(default_factory=dict)
    """Models (or parts of mixed rows) the mapping does not list, as first written (spellings differing only in
    case are one model) -> launched counted for them as `other` over the rows kept, most first (a part of a mixed
    row counts its share: by the row's details when they name every part, else an even share)."""
    subtypes: list[str] = field(default_factory=lambda: list(FAMILIES))
    """The mapping's subtypes, in file order."""
    family_of: dict[str, str] = field(default_factory=lambda: {f: f for f in FAMILIES})
    """Subtype -> family."""

    def period(self, start, end) -> pd.DataFrame:
        """The daily table from `start` to `end` (both included), with zero rows on days with no report."""
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
        out = self.daily.reindex(days, fill_value=0)
        out["real_drones"] = self.daily["real_drones"].reindex(days)
        out.index.name = "date"
        return out

    def _names(self, names) -> list[str]:
        names = [names] if isinstance(names, str) else list(names)
        known = list(FAMILIES) + [s for s in self.subtypes if s not in FAMILIES]
        wrong = [n for n in names if n not in known]
        if wrong:
            raise InputError(f"unknown family or subtype {', '.join(map(repr, wrong))}; known: {', '.join(known)}")
        return names

    def launches(self, start, end, names=FAMILIES) -> np.ndarray:
        """Launched counts per day and family or subtype in `names`, (days, len(names)) integers, for replay."""
        names = self._names(names)
        table = self.period(start, end)
        return np.rint(table[[f"launched_{n}" for n in names]].to_numpy(dtype=float)).astype(np.int64)

    def monthly_shares(self, start, end, level: str = "family") -> pd.DataFrame:
        """Per month and family (or subtype): launched, with a known outcome, neutralised, the neutralised share.

        The column `class` holds the family (or subtype); `days` is how many days of the month lie in
        [start, end], so partial months can be weighted.
        """
        if level not in LEVELS:
            raise InputError(f"level {level!r}: one of {', '.join(LEVELS)}")
        names = list(FAMILIES) if level == "family" else self._names(self.subtypes)
        table = self.period(start, end)
        groups = table.groupby(table.index.to_period("M"))
        months, days = groups.sum(numeric_only=True), groups.size()
        rows = []
        for month, row in months.iterrows():
            for c in names:
                known = row[f"with_outcome_{c}"]
                rows.append({"month": str(month), "class": c, "launched": row[f"launched_{c}"],
                             "with_outcome": known, "neutralised": row[f"neutralised_{c}"],
                             "share": row[f"neutralised_{c}"] / known if known else np.nan,
                             "days": int(days[month])})
        columns = ["month", "class", "launched", "with_outcome", "neutralised", "share", "days"]
        return pd.DataFrame(rows, columns=columns)


def _pieces(model: str, details_text, mapping: WeaponMapping, notes: dict[str, int],
            unknown: dict[str, list], launched: float) -> dict[str, float]:
    """Subtype -> share of one row: mixed rows split by their details, or evenly, or `other`."""
    whole = mapping.subtype(model)
    if whole is not None:
        return {whole: 1.0}
    parts = _parts(model)
    subtypes = [mapping.subtype(p) or OTHER for p in parts]
    details = _details(details_text) if len(parts) > 1 else None
    named = details is not None and set(details) == {_key(p) for p in parts} and sum(details.values()) > 0
    if named:  # each part's share by the details (a part named twice shares its count)
        weights = [details[_key(p)] / sum(details.values()) / [_key(q) for q in parts].count(_key(p)) for p in parts]
    else:
        weights = [1.0 / len(parts)] * len(parts)
    pieces: dict[str, float] = {}
    if len(set(subtypes)) == 1:
        pieces = {subtypes[0]: 1.0}
    elif named:
        for subtype, weight in zip(subtypes, weights, strict=True):
            pieces[subtype] = pieces.get(subtype, 0.0) + weight
        notes["mixed rows split by their details"] += 1
    elif len({mapping.families[s] for s in subtypes}) == 1:
        distinct = list(dict.fromkeys(subtypes))
        pieces = dict.fromkeys(distinct, 1.0 / len(distinct))
        notes["mixed rows split evenly"] += 1
    else:
        pieces = {OTHER: 1.0}
        notes["mixed rows counted as other"] += 1
    missing = [(p, w) for p, w in zip(parts, weights, strict=True) if mapping.subtype(p) is None]
    if missing:
        notes["rows of unknown models"] += 1
        for part, weight in missing:
            entry = unknown.setdefault(_key(part), [part, 0.0])  # spelled as first seen, whatever the case
            entry[1] += launched * weight
    return pieces


def _records(frame: pd.DataFrame, mapping: WeaponMapping, notes: dict[str, int],
             unknown: dict[str, list]) -> pd.DataFrame:
    """One record per (row, subtype) with its share of the row's counts."""
    records = []
    for row in frame.itertuples(index=False):
        pieces = _pieces(row.model, row.launched_details, mapping, notes, unknown, row.launched)
        for subtype, weight in pieces.items():
            records.append((row.date, subtype, row.launched * weight,
                            np.nan if np.isnan(row.destroyed) else (row.destroyed + row.not_reach_goal) * weight,
                            row.is_shahed if mapping.families[subtype] == "drone" else np.nan))
    return pd.DataFrame(records, columns=["date", "subtype", "launched", "neutralised", "real_drones"])


def _daily(records: pd.DataFrame, mapping: WeaponMapping) -> pd.DataFrame:
    """The per-date table: family columns (sums of their subtypes), then the other subtypes, then real_drones."""
    records = records.assign(with_outcome=records["launched"].where(records["neutralised"].notna(), 0.0),
                             neutralised=records["neutralised"].fillna(0.0))
    dates = pd.DatetimeIndex(sorted(records["date"].unique()), name="date")
    by_subtype = {}
    for kind in KINDS:
        wide = records.pivot_table(index="date", columns="subtype", values=kind, aggfunc="sum", fill_value=0.0)
        wide = wide.reindex(index=dates, columns=mapping.subtypes, fill_value=0.0)
        by_subtype[kind] = wide.astype(float)
    columns = {}
    for family in FAMILIES:
        members = [s for s, f in mapping.families.items() if f == family]
        for kind in KINDS:
            columns[f"{kind}_{family}"] = by_subtype[kind][members].sum(axis=1)
    for subtype in mapping.subtypes:
        if subtype not in FAMILIES:
            for kind in KINDS:
                columns[f"{kind}_{subtype}"] = by_subtype[kind][subtype]
    daily = pd.DataFrame(columns, index=dates)
    daily["real_drones"] = records.groupby("date")["real_drones"].sum(min_count=1).reindex(dates)
    daily.index.name = "date"
    return daily


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float, mapping_path: str | None, mapping_mtime: float | None,
          include_regional: bool) -> ObservedAttacks:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=True)
    except FileNotFoundError:
        raise ObservationError(path, [("file", path, "no such attack-data file")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ObservationError(path, [("file", path, f"not a readable CSV file: {error}")]) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ObservationError(path, [("columns", ", ".join(missing), "missing; this loader reads the 'Massive "
                                       "Missile Attacks on Ukraine' format")])
    for column in ("is_shahed", "launched_details"):
        if column not in frame.columns:
            frame[column] = None
    duplicated = frame.duplicated()  # exact copies of a whole row, as written
    mapping = read_mapping(mapping_path)
    notes = dict.fromkeys(["regional rows dropped", "duplicate rows dropped", "rows without launched",
                           "rows with unknown outcome", "mixed rows split by their details",
                           "mixed rows split evenly", "mixed rows counted as other", "rows of unknown models"], 0)
    unnamed = frame["model"].isna() | (frame["model"].astype("string").str.strip() == "")
    if unnamed.any():
        index = int(np.flatnonzero(unnamed.to_numpy())[0])
        raise ObservationError(path, [(f"{_line(index)}, column model", frame["model"].iloc[index],
                                       "no weapon model named")])
    ends = _parse_dates(frame, "time_end", path)
    _parse_dates(frame, "time_start", path)
    counts = {c: _numbers(frame, c, path) for c in COUNTS}
    frame = frame.assign(date=ends.dt.normalize(), **counts)
    notes["duplicate rows dropped"] = int(duplicated.sum())
    frame = frame[~duplicated]
    national = frame["source"].fillna("").str.startswith(NATIONAL)
    if not include_regional:
        notes["regional rows dropped"] = int((~national).sum())
        frame = frame[national]
    notes["rows without launched"] = int(frame["launched"].isna().sum())
    frame = frame[frame["launched"].notna()]
    notes["rows with unknown outcome"] = int(frame["destroyed"].isna().sum())
    frame = frame.assign(not_reach_goal=frame["not_reach_goal"].fillna(0.0))
    unknown: dict[str, list] = {}
    records = _records(frame, mapping, notes, unknown)
    unknown_models = dict(sorted(unknown.values(), key=lambda entry: -entry[1]))
    return ObservedAttacks(_daily(records, mapping), path, notes, unknown_models, mapping.subtypes,
                           dict(mapping.families))


def load_observed(path: str | Path, mapping: str | Path | None = None,
                  include_regional: bool = False) -> ObservedAttacks:
    """Read an attack-data CSV into daily counts by family and subtype (cached while the files are unchanged)."""
    path = str(Path(path))
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        raise ObservationError(path, [("file", path, "no such attack-data file")]) from None
    mapping_path = None if mapping is None else str(mapping)
    try:
        mapping_mtime = None if mapping is None else os.path.getmtime(mapping_path)
    except OSError:
        mapping_mtime = None  # read_mapping names the missing file
    return _load(path, mtime, mapping_path, mapping_mtime, include_regional)


def decoy_class(threats: dict) -> str | None:
    """The catalog class that passes for a drone (observed Shahed counts include it), if any."""
    return next((name for name, threat in threats.items() if threat.mimics == "drone"), None)


def replay_problems(scenario) -> list[tuple[str, object, str]]:
    """What stops a scenario's replay: an unreadable file or mapping, or mapping subtypes the catalog lacks.

    Every subtype of the weapon mapping but `other` (not simulated) needs a catalog class of that name.
    """
    replay = scenario.attacker.replay
    if scenario.attacker.mode != "replay" or replay is None:
        return []
    try:
        mapping = read_mapping(replay.mapping)
    except ObservationError as error:
        return [("attacker.replay.mapping", replay.mapping, str(error))]
    missing = [s for s in mapping.subtypes if s != OTHER and s not in scenario.catalog.threats]
    if missing:
        return [("catalog.threats", ", ".join(missing),
                 f"replay needs a class for each subtype of the weapon mapping {mapping.source}")]
    try:
        load_observed(replay.file, replay.mapping, replay.include_regional)
    except ObservationError as error:
        return [("attacker.replay.file", replay.file, str(error))]
    return []


def parse_period(text: str) -> tuple[date, date]:
    """`"2025-01-01:2025-12-31"` as two dates, the first not after the second."""
    try:
        start, end = (datetime.strptime(part.strip(), "%Y-%m-%d").date() for part in text.split(":"))
    except ValueError:
        raise InputError(f"--period {text!r}: write it as START:END, e.g. 2025-01-01:2025-12-31") from None
    if end < start:
        raise InputError(f"--period {text!r}: it ends before it starts")
    return start, end
