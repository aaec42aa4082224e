"""Observed air attacks: the "Massive Missile Attacks on Ukraine" daily reports, by threat class.

    from model.observed import load_observed
    observed = load_observed("missile_attacks_daily_2022-2025.csv")
    observed.daily            # one row per date: launched_/neutralised_/with_outcome_<class>
    observed.monthly_shares("2025-01-01", "2025-12-31")

The dataset (Petro Ivaniuk, Kaggle `piterfm/massive-missile-attacks-on-ukraine`,
from the Ukrainian Air Force's posts) has one row per weapon model per
reported attack window. Its traps, and what the loader does with each:

- **Definition change, 2025-07-24**: before, `destroyed` is "shot down" and
  electronic-warfare losses are in `not_reach_goal`; after, `destroyed` is
  "shot down or suppressed" and `not_reach_goal` is 0 for drones. Neutralised
  is always `destroyed + not_reach_goal`, comparable across the change.
- **Decoys**: Shahed rows count attack drones and decoys together; they are
  the class `drone` here (drones with decoys). `is_shahed` (real Shaheds,
  from July 2025) is kept as `real_drones` where reported.
- **Regional rows** (sources other than `kpszsu`, the national Air Force)
  duplicate national reports: dropped unless `include_regional=True`.
  **Exact duplicate rows** are dropped.
- **Mixed rows** ("X-101/X-555 and Kalibr"): a row whose models all map to one
  class counts for it; a row mixing classes is split by its
  `launched_details` when they name every model, its neutralised count split
  in the same proportions (the reports say no more); otherwise it is `other`.
- **Missing values**: a row without `launched` is skipped; an empty
  `not_reach_goal` is 0; an empty `destroyed` leaves the row's outcome
  unknown: it counts in `launched_` but not in `with_outcome_`, the
  denominator of a neutralised share.
- A row is dated by the day its attack window ends (`time_end`).

Weapon models map to classes in a TOML file the user can read and change
(`model/data/weapon_classes.toml` by default). Errors name the file, the row
(its line in the file) and the column, and nothing is returned.
"""

import ast
import functools
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from model.loading import DataFileError

CLASSES = ("drone", "cruise", "ballistic", "other")
"""Observed classes: Shahed-type drones with decoys, cruise and ballistic missiles, everything else."""
REQUIRED = ("time_start", "time_end", "model", "launched", "destroyed", "not_reach_goal", "source")
COUNTS = ("launched", "destroyed", "not_reach_goal", "is_shahed")
NATIONAL = "kpszsu"
DEFINITION_CHANGE = date(2025, 7, 24)
MAPPING = resources.files("model") / "data" / "weapon_classes.toml"


class ObservationError(DataFileError):
    """An attack-data file that cannot be read: the row and column of each problem."""


def _line(index: int) -> str:
    return f"row {index + 2}"  # the header is line 1


def read_mapping(path: str | Path | None = None) -> dict[str, str]:
    """Weapon model -> class, from a mapping TOML (`[classes]` table); the built-in one by default."""
    source = Path(str(MAPPING)) if path is None else Path(path)
    try:
        raw = tomllib.loads(source.read_text())
    except FileNotFoundError:
        raise ObservationError(str(source), [("file", str(source), "no such mapping file")]) from None
    except tomllib.TOMLDecodeError as error:
        raise ObservationError(str(source), [("file", source.name, f"not valid TOML: {error}")]) from None
    mapping = raw.get("classes", {})
    wrong = [(f"classes.{k}", v, f"unknown class; known: {', '.join(CLASSES)}")
             for k, v in mapping.items() if v not in CLASSES]
    if wrong:
        raise ObservationError(str(source), wrong)
    return dict(mapping)


def class_of(model: str, mapping: dict[str, str]) -> str | None:
    """The class of a weapon model; for "A and B", the class all parts share; None if they differ."""
    if model in mapping:
        return mapping[model]
    parts = {mapping.get(part.strip(), "other") for part in model.split(" and ")}
    return parts.pop() if len(parts) == 1 else None


def _details(text) -> dict | None:
    if not isinstance(text, str) or not text.startswith("{"):
        return None
    try:
        found = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return found if isinstance(found, dict) else None


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
    """Daily counts by class from the attack reports, and what reading them dropped."""

    daily: pd.DataFrame
    """Indexed by date: `launched_<class>`, `neutralised_<class>`, `with_outcome_<class>`, `real_drones`."""
    source: str
    notes: dict[str, int] = field(default_factory=dict)
    """Rows dropped or changed by each trap: regional, duplicate, no launched, unknown outcome, split, other."""

    def period(self, start, end) -> pd.DataFrame:
        """The daily table from `start` to `end` (both included), with zero rows on days with no report."""
        days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
        out = self.daily.reindex(days, fill_value=0)
        out["real_drones"] = self.daily["real_drones"].reindex(days)
        out.index.name = "date"
        return out

    def launches(self, start, end) -> np.ndarray:
        """Launched counts per day and class, (days, len(CLASSES)) integers, for replay."""
        table = self.period(start, end)
        return np.rint(table[[f"launched_{c}" for c in CLASSES]].to_numpy(dtype=float)).astype(np.int64)

    def monthly_shares(self, start, end) -> pd.DataFrame:
        """Per month and class: launched, launched with a known outcome, neutralised, and the neutralised share."""
        table = self.period(start, end)
        months = table.groupby(table.index.to_period("M")).sum(numeric_only=True)
        rows = []
        for month, row in months.iterrows():
            for c in CLASSES:
                known = row[f"with_outcome_{c}"]
                rows.append({"month": str(month), "class": c, "launched": row[f"launched_{c}"],
                             "with_outcome": known, "neutralised": row[f"neutralised_{c}"],
                             "share": row[f"neutralised_{c}"] / known if known else np.nan})
        return pd.DataFrame(rows)


def _rows_by_class(frame: pd.DataFrame, mapping: dict[str, str], notes: dict[str, int]) -> pd.DataFrame:
    """One record per (row, class): mixed rows split by their details, unknown mixes as `other`."""
    records = []
    for row in frame.itertuples(index=False):
        whole = class_of(row.model, mapping)
        pieces = {whole: 1.0} if whole is not None else None
        if pieces is None:
            details = _details(row.launched_details)
            parts = {name: mapping.get(name) for name in (details or {})}
            if details and all(parts.values()) and sum(details.values()) > 0:
                total = float(sum(details.values()))
                pieces = {}
                for name, count in details.items():
                    pieces[parts[name]] = pieces.get(parts[name], 0.0) + count / total
                notes["mixed rows split by their details"] += 1
            else:
                pieces = {"other": 1.0}
                notes["mixed rows counted as other"] += 1
        for cls, weight in pieces.items():
            records.append((row.date, cls, row.launched * weight,
                            np.nan if np.isnan(row.destroyed) else (row.destroyed + row.not_reach_goal) * weight,
                            row.is_shahed if cls == "drone" else np.nan))
    return pd.DataFrame(records, columns=["date", "class", "launched", "neutralised", "real_drones"])


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float, mapping_path: str | None, include_regional: bool) -> ObservedAttacks:
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
                           "mixed rows counted as other"], 0)
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
    records = _rows_by_class(frame, mapping, notes)
    records["with_outcome"] = records["launched"].where(records["neutralised"].notna(), 0.0)
    records["neutralised"] = records["neutralised"].fillna(0.0)
    wide = records.pivot_table(index="date", columns="class", values=["launched", "neutralised", "with_outcome"],
                               aggfunc="sum", fill_value=0.0)
    daily = pd.DataFrame(index=wide.index)
    for c in CLASSES:
        for kind in ("launched", "neutralised", "with_outcome"):
            daily[f"{kind}_{c}"] = wide[(kind, c)] if (kind, c) in wide.columns else 0.0
    daily["real_drones"] = records.groupby("date")["real_drones"].sum(min_count=1).reindex(daily.index)
    daily.index.name = "date"
    return ObservedAttacks(daily.sort_index(), path, notes)


def load_observed(path: str | Path, mapping: str | Path | None = None,
                  include_regional: bool = False) -> ObservedAttacks:
    """Read an attack-data CSV into daily counts by class (cached while the file is unchanged)."""
    path = str(Path(path))
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        raise ObservationError(path, [("file", path, "no such attack-data file")]) from None
    return _load(path, mtime, None if mapping is None else str(mapping), include_regional)


def decoy_class(threats: dict) -> str | None:
    """The catalog class that passes for a drone (observed Shahed counts include it), if any."""
    return next((name for name, threat in threats.items() if threat.mimics == "drone"), None)


def replay_problems(scenario) -> list[tuple[str, object, str]]:
    """What stops a scenario's replay: an unreadable file, or observed classes the catalog lacks."""
    replay = scenario.attacker.replay
    if scenario.attacker.mode != "replay" or replay is None:
        return []
    missing = [c for c in CLASSES[:3] if c not in scenario.catalog.threats]
    if missing:
        return [("catalog.threats", ", ".join(missing), "replay needs these threat classes in the catalog")]
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
        raise ValueError(f"--period {text!r}: write it as START:END, e.g. 2025-01-01:2025-12-31") from None
    if end < start:
        raise ValueError(f"--period {text!r}: it ends before it starts")
    return start, end
