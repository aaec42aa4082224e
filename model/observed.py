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
  list is refused, by name and row count, unless the mapping declares
  `unlisted = "other"` (the built-in one does): then it counts as that
  subtype and is reported in `unknown_models` and `notes`.
- **Missing values**: a row without `launched` is skipped; an empty
  `not_reach_goal` is 0; an empty `destroyed` leaves the row's outcome
  unknown: it counts in `launched_` but not in `with_outcome_`, the
  denominator of a neutralised share.
- A row is dated by the day its attack window ends (`time_end`).

Weapon models map to subtypes, and subtypes to the four families, in a TOML
file the user can read and change (`model/data/weapon_classes.toml` by
default, read by `model.weapon_mapping`); matching ignores case and
surrounding spaces. How a kept row becomes daily counts (dates, counts, mixed
rows split) is `model.attack_rows`. Errors name the file, the row (its line in
the file) or key, and the value, and nothing is returned.
"""

import functools
import io
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.attack_rows import daily_table, parse_counts, parse_dates, records, row_label
from model.errors import InputError
from model.files import read_text
from model.weapon_mapping import FAMILIES, OTHER, UNLISTED, ObservationError, read_mapping

REQUIRED = ("time_start", "time_end", "model", "launched", "destroyed", "not_reach_goal", "source")
COUNTS = ("launched", "destroyed", "not_reach_goal", "is_shahed")
NATIONAL = "kpszsu"
DEFINITION_CHANGE = date(2025, 7, 24)
LEVELS = ("family", "subtype")


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



@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float, mapping_path: str | None, mapping_mtime: float | None,
          include_regional: bool) -> ObservedAttacks:
    text = read_text(path, "attack-data", ObservationError)  # a folder, not UTF-8, empty: named here
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
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
        raise ObservationError(path, [(f"{row_label(index)}, column model", frame["model"].iloc[index],
                                       "no weapon model named")])
    ends = parse_dates(frame, "time_end", path)
    parse_dates(frame, "time_start", path)
    counts = {c: parse_counts(frame, c, path) for c in COUNTS}
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
    rows = records(frame, mapping, notes, unknown)
    if unknown and mapping.unlisted is None:
        name, _, count = max(unknown.values(), key=lambda entry: entry[2])
        others = f" (and {len(unknown) - 1} more unlisted models)" if len(unknown) > 1 else ""
        raise ObservationError(path, [("model", name, f"in {count} rows kept, but the weapon mapping {mapping.source} "
                                       f"does not list it{others}; add it under [classes] there, or write "
                                       f"{UNLISTED} = \"other\" at the mapping's top to count unlisted models "
                                       "as other")])
    unknown_models = {name: launched for name, launched, _ in sorted(unknown.values(), key=lambda entry: -entry[1])}
    return ObservedAttacks(daily_table(rows, mapping), path, notes, unknown_models, mapping.subtypes,
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
    """What stops a scenario's replay: mapping subtypes the catalog lacks.

    Every subtype of the weapon mapping but `other` (not simulated) needs a catalog class of that name. An
    unreadable attack-data file or mapping raises its own `ObservationError`, naming that file (the one at
    fault), not the scenario.
    """
    replay = scenario.attacker.replay
    if scenario.attacker.mode != "replay" or replay is None:
        return []
    mapping = read_mapping(replay.mapping)
    missing = [s for s in mapping.subtypes if s != OTHER and s not in scenario.catalog.threats]
    if missing:
        return [("catalog.threats", ", ".join(missing),
                 f"replay needs a class for each subtype of the weapon mapping {mapping.source}")]
    load_observed(replay.file, replay.mapping, replay.include_regional)
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
