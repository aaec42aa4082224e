"""The attack-data loader: hand-computed counts on the fixture, its traps, and one clear error per bad file.

The fixture `tests/fixtures/attacks_small.csv` is invented (see tests/fixtures/README.md, which lists what
each line tests). The real dataset is only read, never copied, and only when it is present beside the repo.
"""

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w

from model.observed import CLASSES, ObservationError, class_of, load_observed, parse_period, read_mapping

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
REAL = Path(os.environ.get("ATTRITION_ATTACK_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
            / "air-attacks" / "missile_attacks_daily_2022-2025.csv")
"""The real dataset: $ATTRITION_ATTACK_DATA, or ../shared/data/air-attacks/ beside the repository."""
LINES = FIXTURE.read_text().splitlines()
HEADER = LINES[0].split(",")

# Per day and class: (launched, neutralised, with_outcome), neutralised = destroyed + not_reach_goal.
# Line numbers are the fixture's (header = line 1).
EXPECTED = {
    "2025-07-20": {
        "drone": (100, 60 + 30, 100),  # line 2; line 4 is regional (dropped)
        "cruise": (10, 8 + 0, 10),  # line 3: empty not_reach_goal counts 0
        "ballistic": (4, 1 + 0, 4),  # line 5
        "other": (0, 0, 0),
    },
    "2025-07-21": {
        "drone": (50, 30 + 15, 50),  # line 6; line 7 is its exact duplicate (dropped)
        "cruise": (6, 5 * 6 / 10, 6),  # line 8 split by {'Iskander-M/KN-23': 4, 'Kalibr': 6}: 10 * 6/10, 5 * 6/10
        "ballistic": (4, 5 * 4 / 10, 4),  # line 8: 10 * 4/10 launched, 5 * 4/10 = 2 neutralised
        "other": (3, 3, 3),  # line 9: Orlan-10
    },
    "2025-07-23": {
        "drone": (80, 50 + 20, 80),  # line 10: window from 07-22 21:00, dated by its end
        "cruise": (12, 10, 12),  # line 12: X-101/X-555 and Kalibr, both cruise; line 13 has no launched
        "ballistic": (0, 0, 0),
        "other": (5, 2, 5),  # line 11: Iskander-M and X-59, no details
    },
    "2025-07-24": {
        "drone": (120, 100 + 0, 120),  # line 14, after the change; line 15 regional
        "cruise": (0, 0, 0),
        "ballistic": (2, 0, 0),  # line 16: destroyed empty, so launched but not with_outcome
        "other": (0, 0, 0),
    },
    "2025-07-25": {
        "drone": (90, 81 + 0, 90),  # line 17
        "cruise": (2, 1, 2),  # line 18: time_end is only a date, time_start empty
        "ballistic": (0, 0, 0),
        "other": (0, 0, 0),
    },
    "2025-08-01": {
        "drone": (200, 170, 200),  # line 19; line 23 regional
        "cruise": (8, 6, 8),  # line 20
        "ballistic": (6, 1, 6),  # line 21: Iskander-M/KN-23
        "other": (0, 0, 0),  # line 22 (Orlan-10) regional
    },
    "2025-08-02": {
        "drone": (60 + 10, 55 + 9, 60 + 10),  # lines 24 and 25, two windows on one day
        "cruise": (0, 0, 0),
        "ballistic": (0, 0, 0),
        "other": (0, 0, 0),
    },
}
REAL_DRONES = {"2025-07-24": 70.0, "2025-07-25": 60.0, "2025-08-01": 130.0}  # is_shahed of lines 14, 17, 19
NOTES = {
    "regional rows dropped": 4,  # lines 4, 15, 22, 23
    "duplicate rows dropped": 1,  # line 7
    "rows without launched": 1,  # line 13
    "rows with unknown outcome": 1,  # line 16
    "mixed rows split by their details": 1,  # line 8
    "mixed rows counted as other": 1,  # line 11
}


@pytest.fixture
def observed():
    return load_observed(FIXTURE)


def _write(tmp_path, lines, name="attacks.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _with_cell(line: int, column: str, value: str) -> list[str]:
    """The fixture's lines with one cell (by line number in the file, header = 1) replaced."""
    frame = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    frame.loc[line - 2, column] = value
    return frame.to_csv(index=False, lineterminator="\n").splitlines()


# ---------------------------------------------------------------- counts


def test_daily_counts_by_class_are_the_hand_computed_ones(observed):
    daily = observed.daily
    assert [str(d.date()) for d in daily.index] == list(EXPECTED)  # 07-22 and 07-26..31 have no report
    for day, by_class in EXPECTED.items():
        row = daily.loc[pd.Timestamp(day)]
        for cls, (launched, neutralised, with_outcome) in by_class.items():
            got = (row[f"launched_{cls}"], row[f"neutralised_{cls}"], row[f"with_outcome_{cls}"])
            assert got == pytest.approx((launched, neutralised, with_outcome)), (day, cls)


def test_real_drones_kept_where_reported(observed):
    real = observed.daily["real_drones"]
    for day in EXPECTED:
        if day in REAL_DRONES:
            assert real[pd.Timestamp(day)] == REAL_DRONES[day]
        else:
            assert math.isnan(real[pd.Timestamp(day)]), day  # no is_shahed that day: unknown, not 0


def test_notes_count_every_trap(observed):
    assert observed.notes == NOTES
    assert observed.source == str(FIXTURE)


def test_definition_change_is_bridged_by_destroyed_plus_not_reach_goal(observed):
    daily = observed.daily
    before = daily.loc["2025-07-20":"2025-07-23"]  # destroyed = shot down, EW in not_reach_goal
    after = daily.loc["2025-07-24":"2025-08-02"]  # destroyed = shot down or suppressed
    # before: (90 + 45 + 70) / (100 + 50 + 80); after: (100 + 81 + 170 + 64) / (120 + 90 + 200 + 70)
    assert before["neutralised_drone"].sum() / before["with_outcome_drone"].sum() == pytest.approx(205 / 230)
    assert after["neutralised_drone"].sum() / after["with_outcome_drone"].sum() == pytest.approx(415 / 480)


def test_period_fills_days_without_reports_with_zeros(observed):
    table = observed.period("2025-07-19", "2025-07-23")
    assert [str(d.date()) for d in table.index] == [f"2025-07-{d}" for d in range(19, 24)]
    assert table.index.name == "date"
    counts = [c for c in table.columns if c != "real_drones"]
    assert (table.loc["2025-07-19", counts] == 0).all() and (table.loc["2025-07-22", counts] == 0).all()
    assert table.loc["2025-07-20", "launched_drone"] == 100
    assert table["real_drones"].isna().all()  # no is_shahed before 07-24: unknown, not 0
    assert len(observed.period("2025-07-01", "2025-08-31")) == 62


def test_launches_for_replay_are_integers_by_day_and_class(observed):
    launches = observed.launches("2025-07-19", "2025-08-03")
    assert launches.shape == (16, len(CLASSES)) and launches.dtype == np.int64
    assert CLASSES == ("drone", "cruise", "ballistic", "other")
    assert launches[1].tolist() == [100, 10, 4, 0]  # 07-20
    assert launches[2].tolist() == [50, 6, 4, 3]  # 07-21: split row, Orlan
    assert launches[3].tolist() == [0, 0, 0, 0]  # 07-22: no report
    assert launches[5].tolist() == [120, 0, 2, 0]  # 07-24: unknown outcome still launched
    assert launches.sum(axis=0).tolist() == [710, 38, 16, 8]


def test_monthly_shares(observed):
    table = observed.monthly_shares("2025-07-01", "2025-08-31").set_index(["month", "class"])
    assert len(table) == 2 * len(CLASSES)
    expected = {
        # July drone: 100 + 50 + 80 + 120 + 90 launched; 90 + 45 + 70 + 100 + 81 neutralised
        ("2025-07", "drone"): (440, 440, 386),
        # July cruise: 10 + 6 + 12 + 2; 8 + 3 + 10 + 1
        ("2025-07", "cruise"): (30, 30, 22),
        # July ballistic: 4 + 4 + 2 launched, of which 4 + 4 with an outcome (07-24's 2 unknown); 1 + 2 + 0
        ("2025-07", "ballistic"): (10, 8, 3),
        # July other: Orlan 3 + mixed-other 5; 3 + 2
        ("2025-07", "other"): (8, 8, 5),
        ("2025-08", "drone"): (200 + 70, 270, 170 + 64),
        ("2025-08", "cruise"): (8, 8, 6),
        ("2025-08", "ballistic"): (6, 6, 1),
        ("2025-08", "other"): (0, 0, 0),
    }
    for key, (launched, known, neutralised) in expected.items():
        row = table.loc[key]
        assert (row["launched"], row["with_outcome"], row["neutralised"]) == pytest.approx(
            (launched, known, neutralised)), key
        if known:
            assert row["share"] == pytest.approx(neutralised / known), key
        else:
            assert math.isnan(row["share"]), key  # no outcome known: no share, not 0


def test_include_regional_adds_the_regional_rows(observed):
    both = load_observed(FIXTURE, include_regional=True)
    assert both.notes == {**NOTES, "regional rows dropped": 0}
    delta = both.daily.sub(observed.daily.reindex(both.daily.index, fill_value=0), fill_value=0)
    changed = {(str(day.date()), column): value for day, row in delta.drop(columns="real_drones").iterrows()
               for column, value in row.items() if value}
    assert changed == {
        ("2025-07-20", "launched_drone"): 20, ("2025-07-20", "neutralised_drone"): 20,  # line 4
        ("2025-07-20", "with_outcome_drone"): 20,
        ("2025-07-24", "launched_drone"): 40, ("2025-07-24", "neutralised_drone"): 38,  # line 15
        ("2025-07-24", "with_outcome_drone"): 40,
        ("2025-08-01", "launched_drone"): 30, ("2025-08-01", "neutralised_drone"): 28,  # line 23
        ("2025-08-01", "with_outcome_drone"): 30,
        ("2025-08-01", "launched_other"): 2, ("2025-08-01", "neutralised_other"): 2,  # line 22: Orlan-10
        ("2025-08-01", "with_outcome_other"): 2,
    }


def test_custom_mapping_changes_classes(tmp_path, observed):
    mapping = {**read_mapping(), "Orlan-10": "drone", "Kalibr": "ballistic"}
    path = tmp_path / "classes.toml"
    path.write_text(tomli_w.dumps({"classes": mapping}))
    custom = load_observed(FIXTURE, mapping=path)
    daily = custom.daily
    # Kalibr is now ballistic: line 3 joins line 5 on 07-20 (10 + 4 launched, 8 + 1 neutralised)
    assert daily.loc["2025-07-20", ["launched_ballistic", "neutralised_ballistic"]].tolist() == [14, 9]
    assert daily.loc["2025-07-20", "launched_cruise"] == 0
    # line 8 is one class now (Iskander-M/KN-23 and Kalibr): 10 / 5, not split; Orlan-10 is a drone: 50 + 3
    assert daily.loc["2025-07-21", ["launched_ballistic", "neutralised_ballistic"]].tolist() == [10, 5]
    assert daily.loc["2025-07-21", ["launched_drone", "neutralised_drone"]].tolist() == [53, 48]
    assert daily.loc["2025-07-21", "launched_other"] == 0
    # line 12 (X-101/X-555 and Kalibr) now mixes cruise and ballistic without details: other, 5 + 12 / 2 + 10
    assert daily.loc["2025-07-23", ["launched_other", "neutralised_other"]].tolist() == [17, 12]
    assert custom.notes["mixed rows split by their details"] == 0
    assert custom.notes["mixed rows counted as other"] == 2
    # the built-in mapping is still used when none is given
    assert observed.daily.loc["2025-07-21", "launched_other"] == 3


def test_class_of_and_the_builtin_mapping():
    mapping = read_mapping()
    assert class_of("Shahed-136/131", mapping) == "drone"
    assert class_of("X-101/X-555 and Kalibr", mapping) == "cruise"
    assert class_of("Iskander-M/KN-23 and Kalibr", mapping) is None  # mixed: split or other
    assert class_of("Orlan-10", mapping) == "other"  # not listed
    assert class_of("X-47 Kinzhal", mapping) == "ballistic"


def test_mapping_errors_name_file_and_key(tmp_path):
    bad = tmp_path / "classes.toml"
    bad.write_text('[classes]\n"Kalibr" = "missile"\n')
    with pytest.raises(ObservationError) as caught:
        read_mapping(bad)
    assert "classes.Kalibr" in str(caught.value) and "missile" in str(caught.value)
    assert str(bad) in str(caught.value)
    with pytest.raises(ObservationError, match="no such mapping file"):
        load_observed(FIXTURE, mapping=tmp_path / "absent.toml")


# ---------------------------------------------------------------- malformed files


@pytest.mark.parametrize("column", ["launched", "time_end", "source"])
def test_missing_column_is_named(tmp_path, column):
    frame = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False).drop(columns=column)
    path = _write(tmp_path, frame.to_csv(index=False, lineterminator="\n").splitlines())
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    message = str(caught.value)
    assert len(caught.value.problems) == 1 and "\n" not in message
    assert str(path) in message and repr(column) in message and "missing" in message


@pytest.mark.parametrize(("line", "column", "value", "why"), [
    (4, "time_end", "2025-07-32", "not a date"),
    (9, "time_end", "21/07/2025", "not a date"),
    (6, "time_end", "", "not a date"),  # every row needs its date
    (3, "time_start", "yesterday", "not a date"),
    (5, "launched", "-4.0", "a negative count"),
    (11, "destroyed", "-1", "a negative count"),
    (6, "launched", "fifty", "not a number"),
    (10, "not_reach_goal", "20 drones", "not a number"),
    (14, "is_shahed", "seventy", "not a number"),
])
def test_bad_cell_is_one_error_naming_file_row_and_column(tmp_path, line, column, value, why):
    path = _write(tmp_path, _with_cell(line, column, value))
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    error = caught.value
    message = str(error)
    assert len(error.problems) == 1 and "\n" not in message
    assert error.problems[0][0] == f"row {line}, column {column}"  # the line in the file, header = line 1
    assert message.startswith(f"{path}: row {line}, column {column} = ")
    assert why in message
    if value:
        assert repr(value) in message


def test_nonexistent_file_is_a_clear_error(tmp_path):
    path = tmp_path / "absent.csv"
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    assert str(path) in str(caught.value) and "no such attack-data file" in str(caught.value)


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00\x81abc,\x00\n\x90\x91")
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    assert str(path) in str(caught.value) and "not a readable CSV file" in str(caught.value)


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    assert str(path) in str(caught.value)


def test_row_without_model_is_an_error_naming_row_and_column(tmp_path):
    path = _write(tmp_path, _with_cell(9, "model", ""))  # the Orlan-10 row
    with pytest.raises(ObservationError) as caught:
        load_observed(path)
    assert "row 9, column model" in str(caught.value) and str(path) in str(caught.value)


def test_header_only_file_gives_an_empty_table(tmp_path):
    observed = load_observed(_write(tmp_path, LINES[:1]))
    assert observed.daily.empty
    table = observed.period("2025-07-01", "2025-07-03")
    assert len(table) == 3 and (table.drop(columns="real_drones") == 0).all().all()


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01-01:2025-12-31", ("2025-01-01", "2025-12-31")),
    (" 2025-07-24 : 2025-07-24 ", ("2025-07-24", "2025-07-24")),  # one day
    ("2024-02-29:2024-03-01", ("2024-02-29", "2024-03-01")),
])
def test_parse_period_accepts(text, expected):
    start, end = parse_period(text)
    assert (str(start), str(end)) == expected


@pytest.mark.parametrize(("text", "why"), [
    ("2025-12-31:2025-01-01", "ends before it starts"),
    ("2025-01-01", "START:END"),
    ("2025-01-01:2025-02-30", "START:END"),
    ("2025-01-01/2025-02-01", "START:END"),
    ("2025-01-01:2025-02-01:2025-03-01", "START:END"),
    ("", "START:END"),
])
def test_parse_period_rejects(text, why):
    with pytest.raises(ValueError, match=why) as caught:
        parse_period(text)
    assert "--period" in str(caught.value) and repr(text) in str(caught.value)


# ---------------------------------------------------------------- the real dataset, when present


def test_real_dataset_matches_the_reference_figures():
    if not REAL.is_file():
        pytest.skip(f"real dataset not found at {REAL} (it is not part of the repository; "
                    "set ATTRITION_ATTACK_DATA to your copy)")
    observed = load_observed(REAL)
    year = observed.period("2025-01-01", "2025-12-31")
    total = year.sum()
    # the data README's reference table: 2025, national rows, neutralised = destroyed + not_reach_goal
    assert total["launched_drone"] == pytest.approx(54_700, rel=0.02)
    assert total["neutralised_drone"] / total["with_outcome_drone"] == pytest.approx(0.86, abs=0.02)
    assert total["launched_cruise"] == pytest.approx(1_270, rel=0.05)
    assert total["neutralised_ballistic"] / total["with_outcome_ballistic"] == pytest.approx(0.30, abs=0.05)
    assert year["launched_drone"].max() == pytest.approx(810, abs=1)  # largest night, 2025-09-06/07
    assert observed.notes["regional rows dropped"] > 0
