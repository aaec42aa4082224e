"""Rows of the attack reports into daily counts: dates, counts, mixed rows split, one column per subtype.

What `model.observed` does with each row it keeps (its docstring lists the traps): a row names one
weapon model or several ("A and B"); `row_pieces` splits it over subtypes, by its `launched_details`
when they name every part, else evenly within one family, else as `other`; `records` gives each piece
its share of the row's counts; `daily_table` sums them by date into family and subtype columns.
Errors name the row by its line in the file.
"""

import ast

import numpy as np
import pandas as pd

from model.weapon_mapping import FAMILIES, OTHER, ObservationError, WeaponMapping, model_key, model_parts

KINDS = ("launched", "neutralised", "with_outcome")


def row_label(index: int) -> str:
    """A row of the data frame as a person finds it in the file."""
    return f"row {index + 2}"  # the header is line 1


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
        out[model_key(name)] = out.get(model_key(name), 0.0) + float(count)
    return out


def parse_dates(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    """A date column (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM`); the first unreadable cell is refused by its row."""
    text = frame[column].astype("string").str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
    dated = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.fillna(dated)
    required = column == "time_end"  # the row's date; an empty time_start is allowed
    bad = parsed.isna() & (text.notna() | required)
    if bad.any():
        index = int(np.flatnonzero(bad.to_numpy())[0])
        raise ObservationError(source, [(f"{row_label(index)}, column {column}", frame[column].iloc[index],
                                         "not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)")])
    return parsed


def parse_counts(frame: pd.DataFrame, column: str, source: str) -> pd.Series:
    """A count column (empty cells NaN); the first unreadable or negative cell is refused by its row."""
    values = pd.to_numeric(frame[column], errors="coerce")
    unreadable = values.isna() & frame[column].notna() & (frame[column].astype("string").str.strip() != "")
    for mask, why in ((unreadable, "not a number"), (values < 0, "a negative count")):
        if mask.any():
            index = int(np.flatnonzero(mask.to_numpy())[0])
            raise ObservationError(source, [(f"{row_label(index)}, column {column}", frame[column].iloc[index], why)])
    return values


def row_pieces(model: str, details_text, mapping: WeaponMapping, notes: dict[str, int],
               unknown: dict[str, list], launched: float) -> dict[str, float]:
    """Subtype -> share of one row: mixed rows split by their details, or evenly, or `other`."""
    whole = mapping.subtype(model)
    if whole is not None:
        return {whole: 1.0}
    parts = model_parts(model)
    subtypes = [mapping.subtype(p) or mapping.unlisted or OTHER for p in parts]
    details = _details(details_text) if len(parts) > 1 else None
    named = details is not None and set(details) == {model_key(p) for p in parts} and sum(details.values()) > 0
    if named:  # each part's share by the details (a part named twice shares its count)
        keys = [model_key(p) for p in parts]
        weights = [details[key] / sum(details.values()) / keys.count(key) for key in keys]
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
            entry = unknown.setdefault(model_key(part), [part, 0.0, 0])  # spelled as first seen, whatever the case
            entry[1] += launched * weight
            entry[2] += 1  # rows
    return pieces


def records(frame: pd.DataFrame, mapping: WeaponMapping, notes: dict[str, int],
            unknown: dict[str, list]) -> pd.DataFrame:
    """One record per (row, subtype) with its share of the row's counts."""
    out = []
    for row in frame.itertuples(index=False):
        pieces = row_pieces(row.model, row.launched_details, mapping, notes, unknown, row.launched)
        for subtype, weight in pieces.items():
            out.append((row.date, subtype, row.launched * weight,
                        np.nan if np.isnan(row.destroyed) else (row.destroyed + row.not_reach_goal) * weight,
                        row.is_shahed if mapping.families[subtype] == "drone" else np.nan))
    return pd.DataFrame(out, columns=["date", "subtype", "launched", "neutralised", "real_drones"])


def daily_table(records: pd.DataFrame, mapping: WeaponMapping) -> pd.DataFrame:
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
