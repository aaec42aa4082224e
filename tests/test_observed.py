"""The attack-data loader: hand-computed counts by family and subtype on the fixture, its traps, and one clear error
per bad file or mapping.

The fixture `tests/fixtures/attacks_small.csv` is invented (see tests/fixtures/README.md, which lists what
each line tests). The real dataset is only read, never copied, and only when it is present beside the repo.
"""

import ast
import math
import os
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import tomli_w

from model.observed import load_observed, parse_period, replay_problems
from model.weapon_mapping import CLASSES, FAMILIES, ObservationError, WeaponMapping, class_of, read_mapping

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
        "cruise": (12, 10, 12),  # line 12: X-101/X-555 and Kalibr, both cruise (split evenly); 13 has no launched
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
    "2025-09-01": {
        "drone": (40, 35, 40),  # line 26: " SHAHED-136/131 ", odd case and spaces
        "cruise": (12, 8, 12),  # line 27: x-101/x-555 and KALIBR, split by details within the family
        "ballistic": (0, 0, 0),
        "other": (0, 0, 0),
    },
    "2025-09-02": {
        "drone": (0, 0, 0),
        "cruise": (0, 0, 0),  # line 29: Kalibr and Foo-1 (unknown) mixes families: other
        "ballistic": (0, 0, 0),
        "other": (3 + 4, 1 + 2, 7),  # line 28 Geran-5 (unknown), line 29; line 33 (Foo-2) regional
    },
    "2025-09-03": {
        "drone": (0, 0, 0),
        "cruise": (2, 0, 2),  # line 32: X-22 and X-32
        "ballistic": (6 + 4, 2 + 0, 10),  # line 30: X-47 Kinzhal and Iskander-M; line 31: C-300/C-400
        "other": (0, 0, 0),
    },
}
# Per day and subtype not named like a family (drone and other are their families' only subtypes, above);
# days not listed have 0 for every subtype.
SUBTYPES = {
    "2025-07-20": {"kalibr": (10, 8, 10), "iskander_m": (4, 1, 4)},  # lines 3, 5
    # line 8 split by its details: Iskander-M/KN-23 4 of 10, Kalibr 6 of 10; neutralised 5 in the same shares
    "2025-07-21": {"kalibr": (6, 3, 6), "iskander_m": (4, 2, 4)},
    # line 12, X-101/X-555 and Kalibr without details: one family, so split evenly: 12 / 2, 10 / 2
    "2025-07-23": {"kh101": (6, 5, 6), "kalibr": (6, 5, 6)},
    "2025-07-24": {"iskander_m": (2, 0, 0)},  # line 16: outcome unknown
    "2025-07-25": {"kh59": (2, 1, 2)},  # line 18: X-59/X-69
    "2025-08-01": {"kalibr": (8, 6, 8), "iskander_m": (6, 1, 6)},  # lines 20, 21
    # line 27 split by its details {'X-101/X-555': 9, ' kalibr': 3}: 12 * 9/12, 8 * 9/12; 12 * 3/12, 8 * 3/12
    "2025-09-01": {"kh101": (9, 6, 9), "kalibr": (3, 2, 3)},
    # line 30 split evenly: 6 / 2 launched, 2 / 2 neutralised; line 31 C-300/C-400; line 32 X-22 and X-32: kh22
    "2025-09-03": {"kinzhal": (3, 1, 3), "iskander_m": (3, 1, 3), "s300": (4, 0, 4), "kh22": (2, 0, 2)},
}
MISSILE_SUBTYPES = ["kh101", "kalibr", "iskander_k", "kh59", "kh22", "kh31", "cruise_other", "iskander_m", "kinzhal",
                    "s300", "ballistic_other"]
BUILTIN_SUBTYPES = ["drone", *MISSILE_SUBTYPES, "other"]
UNKNOWN = {"Geran-5": 3.0, "Foo-1": 4 / 2}  # line 28; line 29's part, an even share of the row (no details)
REAL_DRONES = {"2025-07-24": 70.0, "2025-07-25": 60.0, "2025-08-01": 130.0}  # is_shahed of lines 14, 17, 19
NOTES = {
    "regional rows dropped": 5,  # lines 4, 15, 22, 23, 33
    "duplicate rows dropped": 1,  # line 7
    "rows without launched": 1,  # line 13
    "rows with unknown outcome": 1,  # line 16
    "mixed rows split by their details": 2,  # lines 8, 27
    "mixed rows split evenly": 2,  # lines 12, 30
    "mixed rows counted as other": 2,  # lines 11, 29
    "rows of unknown models": 2,  # lines 28, 29
}


@pytest.fixture
def observed():
    return load_observed(FIXTURE)


def _write(tmp_path, lines, name="attacks.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _mapping_file(tmp_path, text: str, name: str = "classes.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _builtin_tables() -> dict:
    """The built-in mapping as TOML tables, ready to change and write back."""
    mapping = read_mapping()
    return {"unlisted": mapping.unlisted, "subtypes": dict(mapping.families), "classes": dict(mapping.classes)}


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


def test_daily_counts_by_subtype_are_the_hand_computed_ones(observed):
    assert observed.subtypes == BUILTIN_SUBTYPES
    daily = observed.daily
    for day in EXPECTED:
        row = daily.loc[pd.Timestamp(day)]
        for subtype in MISSILE_SUBTYPES:
            expected = SUBTYPES.get(day, {}).get(subtype, (0, 0, 0))
            got = (row[f"launched_{subtype}"], row[f"neutralised_{subtype}"], row[f"with_outcome_{subtype}"])
            assert got == pytest.approx(expected), (day, subtype)


def test_columns_families_then_subtypes_each_once(observed):
    names = [*FAMILIES, *MISSILE_SUBTYPES]
    expected = [f"{kind}_{name}" for name in names for kind in ("launched", "neutralised", "with_outcome")]
    assert list(observed.daily.columns) == [*expected, "real_drones"]
    assert observed.family_of == {"drone": "drone", **dict.fromkeys(MISSILE_SUBTYPES[:7], "cruise"),
                                  **dict.fromkeys(MISSILE_SUBTYPES[7:], "ballistic"), "other": "other"}


@pytest.mark.parametrize("include_regional", [False, True])
def test_each_family_is_the_sum_of_its_subtypes_every_day(observed, include_regional):
    observed = load_observed(FIXTURE, include_regional=include_regional)
    daily = observed.daily
    for family in FAMILIES:
        members = [s for s, f in observed.family_of.items() if f == family]
        for kind in ("launched", "neutralised", "with_outcome"):
            total = daily[[f"{kind}_{s}" for s in members]].sum(axis=1)
            np.testing.assert_allclose(daily[f"{kind}_{family}"], total, err_msg=f"{kind}_{family}")


def test_matching_ignores_case_and_spaces(observed):
    mapping = read_mapping()
    for written in ("shahed-136/131", " SHAHED-136/131 ", "Shahed-136/131"):
        assert class_of(written, mapping) == "drone"
    assert class_of("x-47 kinzhal", mapping) == "kinzhal"
    assert class_of("МОЛНІЯ", mapping) == "other"  # Cyrillic too
    # line 26 (" SHAHED-136/131 ") counts as a drone, line 27 splits by details whose keys differ in case
    assert observed.daily.loc["2025-09-01", "launched_drone"] == 40
    assert "SHAHED-136/131" not in " ".join(observed.unknown_models)


def test_unknown_models_are_other_and_reported_by_name_and_count(observed):
    assert observed.unknown_models == pytest.approx(UNKNOWN)
    assert observed.notes["rows of unknown models"] == 2
    # they are in the family and subtype other (one column): line 28's 3 and line 29's 4
    assert observed.daily.loc["2025-09-02", "launched_other"] == 7
    # a regional row is counted (and reported) only when regional rows are kept
    both = load_observed(FIXTURE, include_regional=True)
    assert both.unknown_models == pytest.approx({**UNKNOWN, "Foo-2": 5.0})
    assert both.notes["rows of unknown models"] == 3


def test_real_drones_kept_where_reported(observed):
    real = observed.daily["real_drones"]
    for day in EXPECTED:
        if day in REAL_DRONES:
            assert real[pd.Timestamp(day)] == REAL_DRONES[day]
        else:
            assert math.isnan(real[pd.Timestamp(day)]), day  # no is_shahed that day: unknown, not 0


def test_notes_count_every_trap(observed):
    assert observed.notes == NOTES
    assert list(observed.notes) == list(NOTES)
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
    assert observed.period("2025-09-01", "2025-09-01")["real_drones"].isna().all()  # line 26 has no is_shahed


def test_launches_for_replay_are_integers_by_day_and_class(observed):
    launches = observed.launches("2025-07-19", "2025-08-03")
    assert launches.shape == (16, len(CLASSES)) and launches.dtype == np.int64
    assert CLASSES == ("drone", "cruise", "ballistic", "other")
    assert launches[1].tolist() == [100, 10, 4, 0]  # 07-20
    assert launches[2].tolist() == [50, 6, 4, 3]  # 07-21: split row, Orlan
    assert launches[3].tolist() == [0, 0, 0, 0]  # 07-22: no report
    assert launches[5].tolist() == [120, 0, 2, 0]  # 07-24: unknown outcome still launched
    assert launches.sum(axis=0).tolist() == [710, 38, 16, 8]
    np.testing.assert_array_equal(observed.launches("2025-07-19", "2025-08-03", FAMILIES), launches)


def test_launches_by_subtype(observed):
    names = ["kalibr", "kh101", "iskander_m", "drone", "ballistic"]  # subtypes and families may be mixed
    launches = observed.launches("2025-07-20", "2025-07-23", names)
    assert launches.shape == (4, 5) and launches.dtype == np.int64
    assert launches.tolist() == [
        [10, 0, 4, 100, 4],  # 07-20
        [6, 0, 4, 50, 4],  # 07-21: line 8 split by details
        [0, 0, 0, 0, 0],  # 07-22
        [6, 6, 0, 80, 0],  # 07-23: line 12 split evenly
    ]
    everything = observed.launches("2025-07-01", "2025-09-30", observed.subtypes)
    assert everything.shape == (92, len(BUILTIN_SUBTYPES))
    assert everything.sum() == observed.launches("2025-07-01", "2025-09-30").sum()  # subtypes partition families


def test_launches_of_an_unknown_name_is_an_error_naming_it(observed):
    with pytest.raises(ValueError, match="unknown family or subtype 'kh-101'") as caught:
        observed.launches("2025-07-20", "2025-07-23", ["drone", "kh-101"])
    assert "kh101" in str(caught.value) and "ballistic" in str(caught.value)  # the known names


def test_monthly_shares(observed):
    table = observed.monthly_shares("2025-07-01", "2025-08-31").set_index(["month", "class"])
    assert len(table) == 2 * len(CLASSES)
    assert (table["days"] == 31).all()
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


def test_monthly_shares_by_subtype(observed):
    table = observed.monthly_shares("2025-07-01", "2025-08-31", level="subtype")
    assert table["class"].tolist() == BUILTIN_SUBTYPES * 2
    assert table["month"].unique().tolist() == ["2025-07", "2025-08"]
    table = table.set_index(["month", "class"])
    expected = {
        # July kalibr: lines 3, 8 (6 of 10), 12 (half of 12); neutralised 8 + 3 + 5
        ("2025-07", "kalibr"): (10 + 6 + 6, 22, 8 + 3 + 5),
        ("2025-07", "kh101"): (6, 6, 5),  # line 12's other half
        ("2025-07", "kh59"): (2, 2, 1),  # line 18
        # July iskander_m: lines 5, 8 (4 of 10), 16 (outcome unknown); 1 + 2 + 0
        ("2025-07", "iskander_m"): (4 + 4 + 2, 8, 3),
        ("2025-07", "drone"): (440, 440, 386),  # as by family
        ("2025-07", "other"): (8, 8, 5),
        ("2025-07", "kinzhal"): (0, 0, 0),
        ("2025-08", "kalibr"): (8, 8, 6),
        ("2025-08", "iskander_m"): (6, 6, 1),
    }
    for key, (launched, known, neutralised) in expected.items():
        row = table.loc[key]
        assert (row["launched"], row["with_outcome"], row["neutralised"]) == pytest.approx(
            (launched, known, neutralised)), key
        assert row["share"] == pytest.approx(neutralised / known) if known else math.isnan(row["share"]), key
    by_family = observed.monthly_shares("2025-07-01", "2025-08-31").set_index(["month", "class"])
    cruise = [s for s in MISSILE_SUBTYPES if observed.family_of[s] == "cruise"]
    for month in ("2025-07", "2025-08"):
        assert table.loc[[(month, s) for s in cruise], "launched"].sum() == by_family.loc[(month, "cruise"), "launched"]


def test_monthly_shares_days_count_the_days_inside_the_period(observed):
    table = observed.monthly_shares("2025-07-21", "2025-09-02")
    days = table.groupby("month")["days"].agg(["min", "max"])
    assert days["min"].tolist() == days["max"].tolist() == [11, 31, 2]  # 07-21..31, all of August, 09-01..02
    # a partial month counts only its days inside the period: July from the 21st, September to the 2nd
    july = table.set_index(["month", "class"]).loc[("2025-07", "drone")]
    assert july["launched"] == 50 + 80 + 120 + 90
    september = table.set_index(["month", "class"]).loc[("2025-09", "other")]
    assert september["launched"] == 7
    one_day = observed.monthly_shares("2025-08-01", "2025-08-01", level="subtype")
    assert len(one_day) == len(BUILTIN_SUBTYPES) and (one_day["days"] == 1).all()
    with pytest.raises(ValueError, match="level 'model'"):
        observed.monthly_shares("2025-07-01", "2025-07-31", level="model")


def test_include_regional_adds_the_regional_rows(observed):
    both = load_observed(FIXTURE, include_regional=True)
    assert both.notes == {**NOTES, "regional rows dropped": 0, "rows of unknown models": 3}
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
        ("2025-09-02", "launched_other"): 5, ("2025-09-02", "neutralised_other"): 5,  # line 33: Foo-2 (unknown)
        ("2025-09-02", "with_outcome_other"): 5,
    }


def test_custom_mapping_changes_classes(tmp_path, observed):
    tables = _builtin_tables()
    tables["subtypes"]["kalibr"] = "ballistic"  # the subtype moves family
    tables["classes"]["orlan-10"] = "drone"  # lower case: the same key as the built-in "Orlan-10"
    path = tmp_path / "classes.toml"
    path.write_text(tomli_w.dumps(tables))
    custom = load_observed(FIXTURE, mapping=path)
    daily = custom.daily
    # Kalibr is now ballistic: line 3 joins line 5 on 07-20 (10 + 4 launched, 8 + 1 neutralised)
    assert daily.loc["2025-07-20", ["launched_ballistic", "neutralised_ballistic"]].tolist() == [14, 9]
    assert daily.loc["2025-07-20", "launched_cruise"] == 0
    assert daily.loc["2025-07-20", ["launched_kalibr", "launched_iskander_m"]].tolist() == [10, 4]
    # line 8 (Iskander-M/KN-23 and Kalibr) is one family now: 10 / 5, still split by details between its subtypes
    assert daily.loc["2025-07-21", ["launched_ballistic", "neutralised_ballistic"]].tolist() == [10, 5]
    assert daily.loc["2025-07-21", ["launched_kalibr", "launched_iskander_m"]].tolist() == [6, 4]
    # Orlan-10 is a drone: 50 + 3
    assert daily.loc["2025-07-21", ["launched_drone", "neutralised_drone"]].tolist() == [53, 48]
    assert daily.loc["2025-07-21", "launched_other"] == 0
    # line 12 (X-101/X-555 and Kalibr) now mixes cruise and ballistic without details: other, 5 + 12 / 2 + 10
    assert daily.loc["2025-07-23", ["launched_other", "neutralised_other"]].tolist() == [17, 12]
    # line 27 mixes families too, but its details name both: still split
    assert daily.loc["2025-09-01", ["launched_kh101", "launched_kalibr", "launched_cruise"]].tolist() == [9, 3, 9]
    assert custom.notes["mixed rows split by their details"] == 2  # lines 8, 27
    assert custom.notes["mixed rows split evenly"] == 1  # line 30 only
    assert custom.notes["mixed rows counted as other"] == 3  # lines 11, 12, 29
    # the built-in mapping is still used when none is given
    assert observed.daily.loc["2025-07-21", "launched_other"] == 3


def test_edited_mapping_file_is_read_again(tmp_path):
    tables = _builtin_tables()
    path = tmp_path / "classes.toml"
    path.write_text(tomli_w.dumps(tables))
    assert load_observed(FIXTURE, mapping=path).unknown_models == pytest.approx(UNKNOWN)
    tables["classes"]["geran-5"] = "drone"
    path.write_text(tomli_w.dumps(tables))
    os.utime(path, (1e9, 1e9))  # a different mtime even on a coarse clock
    again = load_observed(FIXTURE, mapping=path)
    assert again.unknown_models == pytest.approx({"Foo-1": 2.0})
    assert again.daily.loc["2025-09-02", "launched_drone"] == 3


def test_class_of_and_the_builtin_mapping():
    mapping = read_mapping()
    assert isinstance(mapping, WeaponMapping) and mapping.subtypes == BUILTIN_SUBTYPES
    assert mapping.source.endswith("weapon_classes.toml")
    assert all(key == key.strip().lower() for key in mapping.classes)
    assert class_of("Shahed-136/131", mapping) == "drone"
    assert class_of("Shahed-136/131 and Lancet", mapping) == "drone"  # listed as a whole
    assert class_of("X-101/X-555", mapping) == "kh101"
    assert class_of("X-22 and X-32", mapping) == "kh22"  # one subtype
    assert class_of("X-101/X-555 and Kalibr", mapping) is None  # one family, two subtypes: split
    assert class_of("Iskander-M/KN-23 and Kalibr", mapping) is None  # mixed: split or other
    assert class_of("Orlan-10", mapping) == "other"
    assert class_of("Geran-5", mapping) == "other"  # not listed: counted as other
    assert class_of("X-47 Kinzhal", mapping) == "kinzhal"
    assert class_of("C-300/C-400", mapping) == "s300"
    assert class_of("Kalibr", {"Kalibr": "cruise"}) == "cruise"  # a plain dict, as older callers pass
    assert mapping.families["kh101"] == "cruise" and mapping.families["s300"] == "ballistic"


def test_mapping_errors_name_file_and_key(tmp_path):
    bad = _mapping_file(tmp_path, '[subtypes]\nkalibr = "cruise"\n[classes]\n"Kalibr" = "missile"\n')
    with pytest.raises(ObservationError) as caught:
        read_mapping(bad)
    assert "classes.Kalibr" in str(caught.value) and "missile" in str(caught.value)
    assert "unknown subtype" in str(caught.value) and "kalibr" in str(caught.value)  # the known ones
    assert str(bad) in str(caught.value)
    with pytest.raises(ObservationError, match="no such mapping file"):
        load_observed(FIXTURE, mapping=tmp_path / "absent.toml")


@pytest.mark.parametrize(("text", "key", "value", "why"), [
    # a [classes] value that is not a subtype
    ('[subtypes]\nkh101 = "cruise"\n[classes]\n"X-101/X-555" = "kh-101"\n',
     "classes.X-101/X-555", "kh-101", "unknown subtype"),
    ('[subtypes]\nkh101 = "cruise"\n[classes]\n"X-101/X-555" = 3\n', "classes.X-101/X-555", 3, "unknown subtype"),
    # a [subtypes] value that is not a family
    ('[subtypes]\nkh101 = "missile"\n[classes]\n"X-101/X-555" = "kh101"\n',
     "subtypes.kh101", "missile", "unknown family"),
    # a subtype named like a family must be that family
    ('[subtypes]\ndrone = "cruise"\n[classes]\n', "subtypes.drone", "cruise", "must be that family"),
    # ... and its family's only subtype (other always is a subtype)
    ('[subtypes]\ndrone = "drone"\ngerbera = "drone"\n[classes]\n', "subtypes.gerbera", "drone",
     "only subtype"),
    ('[subtypes]\nglide_bomb = "other"\n[classes]\n', "subtypes.glide_bomb", "other", "always a subtype"),
    # a misspelled table is not read as an empty one
    ('[subtypes]\nkh101 = "cruise"\n[clases]\n"X-101/X-555" = "kh101"\n', "table", "clases",
     "did you mean [classes]"),
    ('[subtype]\nkh101 = "cruise"\n[classes]\n"X-101/X-555" = "kh101"\n', "table", "subtype",
     "did you mean [subtypes]"),
    # a missing table
    ('[classes]\n"Kalibr" = "cruise"\n', "table", "subtypes", "missing"),  # the old format
    ('[subtypes]\nkalibr = "cruise"\n', "table", "classes", "missing"),
    ('classes = "kalibr"\n[subtypes]\n', "classes", "kalibr", "not a table"),
    # one model, whatever its case, cannot map to two subtypes
    ('[subtypes]\nkalibr = "cruise"\nkh101 = "cruise"\n[classes]\n"Kalibr" = "kalibr"\n"KALIBR" = "kh101"\n',
     "classes.KALIBR", "kh101", "already 'kalibr'"),
])
def test_bad_mapping_is_an_error_naming_file_key_and_value(tmp_path, text, key, value, why):
    path = _mapping_file(tmp_path, text)
    with pytest.raises(ObservationError) as caught:
        read_mapping(path)
    error = caught.value
    assert error.source == str(path)
    assert error.problems[0][:2] == (key, value)
    assert len(error.problems) == 1, error.problems  # a misspelled table is not reported missing as well
    assert str(error).startswith(f"{path}: {key} = {value!r}: ") and why in str(error).splitlines()[0]
    with pytest.raises(ObservationError, match=re.escape(f"{key} = {value!r}")):
        load_observed(FIXTURE, mapping=path)  # the loader does not read with it either


def test_a_mapping_without_other_gets_it(tmp_path):
    path = _mapping_file(tmp_path, 'unlisted = "other"\n[subtypes]\ndrone = "drone"\n'
                                   '[classes]\n"Shahed-136/131" = "drone"\n')
    mapping = read_mapping(path)
    assert mapping.families == {"drone": "drone", "other": "other"}
    observed = load_observed(FIXTURE, mapping=path)
    # everything but the Shaheds is other now, and reported
    assert observed.launches("2025-07-20", "2025-07-20").tolist() == [[100, 0, 0, 14]]
    # lines 3, 20; 8 and 27 by their details (6 of 10, 3 of 12: "KALIBR" is the same model); 12, 29 evenly (12, 4)
    assert observed.unknown_models["Kalibr"] == pytest.approx(10 + 8 + 6 + 3 + 12 / 2 + 4 / 2)
    assert "KALIBR" not in observed.unknown_models
    assert (observed.daily[["launched_cruise", "launched_ballistic"]] == 0).all().all()


# ---------------------------------------------------------------- replay checks


def _scenario(threats, mode="replay", mapping=None, file=FIXTURE):
    replay = SimpleNamespace(file=str(file), mapping=mapping, include_regional=False)
    return SimpleNamespace(attacker=SimpleNamespace(mode=mode, replay=replay),
                           catalog=SimpleNamespace(threats=dict.fromkeys(threats, SimpleNamespace(mimics=None))))


def test_replay_needs_a_catalog_class_for_each_subtype():
    everything = ["drone", "decoy", *MISSILE_SUBTYPES]
    assert replay_problems(_scenario(everything)) == []
    assert replay_problems(_scenario(["drone"], mode="simulate")) == []  # not a replay: nothing to check
    problems = replay_problems(_scenario(["drone", "decoy", "cruise", "ballistic"]))  # the families only
    assert len(problems) == 1
    key, missing, why = problems[0]
    assert key == "catalog.threats" and missing == ", ".join(MISSILE_SUBTYPES)
    assert why == f"replay needs a class for each subtype of the weapon mapping {read_mapping().source}"
    problems = replay_problems(_scenario([s for s in everything if s != "kinzhal"]))
    assert problems[0][1] == "kinzhal"  # other is never needed


def test_replay_problems_follow_the_scenario_mapping(tmp_path):
    path = _mapping_file(tmp_path, 'unlisted = "other"\n[subtypes]\ndrone = "drone"\ncruise = "cruise"\n'
                                   'ballistic = "ballistic"\n'
                                   '[classes]\n"Shahed-136/131" = "drone"\n"Kalibr" = "cruise"\n')
    assert replay_problems(_scenario(["drone", "cruise", "ballistic"], mapping=str(path))) == []
    assert replay_problems(_scenario(["drone", "cruise"], mapping=str(path)))[0][:2] == ("catalog.threats",
                                                                                        "ballistic")
    bad = _mapping_file(tmp_path, '[clases]\n', "bad.toml")
    with pytest.raises(ObservationError) as caught:  # named by the file at fault, not by the scenario
        replay_problems(_scenario(["drone"], mapping=str(bad)))
    assert caught.value.source == str(bad) and "unknown table" in str(caught.value)
    with pytest.raises(ObservationError) as caught:
        replay_problems(_scenario(["drone", "cruise", "ballistic"], mapping=str(path), file=tmp_path / "absent.csv"))
    assert caught.value.source == str(tmp_path / "absent.csv") and "no such attack-data file" in str(caught.value)


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
    assert str(path) in str(caught.value) and "not UTF-8 text" in str(caught.value)


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


def _real_data():
    if not REAL.is_file():
        pytest.skip(f"real dataset not found at {REAL} (it is not part of the repository; "
                    "set ATTRITION_ATTACK_DATA to your copy)")
    return REAL


def test_real_dataset_matches_the_reference_figures():
    observed = load_observed(_real_data())
    year = observed.period("2025-01-01", "2025-12-31")
    total = year.sum()
    # the data README's reference table: 2025, national rows, neutralised = destroyed + not_reach_goal
    assert total["launched_drone"] == pytest.approx(54_700, rel=0.02)
    assert total["neutralised_drone"] / total["with_outcome_drone"] == pytest.approx(0.86, abs=0.02)
    assert total["launched_cruise"] == pytest.approx(1_270, rel=0.05)
    assert total["neutralised_ballistic"] / total["with_outcome_ballistic"] == pytest.approx(0.30, abs=0.05)
    assert year["launched_drone"].max() == pytest.approx(810, abs=1)  # largest night, 2025-09-06/07
    assert observed.notes["regional rows dropped"] > 0


def test_every_model_of_the_real_dataset_is_mapped():
    path = _real_data()
    mapping = read_mapping()
    frame = pd.read_csv(path, dtype=str)
    names = set()  # every model as written, each part of an "A and B" row, every name in launched_details
    for model in frame["model"].dropna().unique():
        names.add(model)
        if mapping.subtype(model) is None:
            names.update(part.strip() for part in model.split(" and "))
    for text in frame["launched_details"].dropna():
        names.update(ast.literal_eval(text))
    assert len(names) > 60
    assert sorted(n for n in names if " and " not in n and mapping.subtype(n) is None) == []  # a mix: its parts
    for include_regional in (False, True):  # all years, national and regional rows
        observed = load_observed(path, include_regional=include_regional)
        assert observed.unknown_models == {} and observed.notes["rows of unknown models"] == 0


def test_real_dataset_2025_families():
    observed = load_observed(_real_data())
    total = observed.period("2025-01-01", "2025-12-31").sum()
    # the data README's reference table: 2025, national rows
    assert total["launched_drone"] == pytest.approx(54_700, rel=0.03)
    assert total["launched_cruise"] == pytest.approx(1_270, rel=0.03)
    # The README says "about 580" ballistic. The file's 2025 national rows give 608 in rows of ballistic models
    # only (Iskander-M/KN-23 283, Iskander-M 131, Kinzhal 96, C-300 55, C-300/C-400 32, Kinzhal and Iskander-M 10,
    # Ballistic Missile 1) and 37 in the ballistic parts of two rows split by their details (25 + 12): 645. The
    # README's figure is close to what is left without C-300/C-400 (32) and the split rows: 576.
    assert total["launched_ballistic"] == pytest.approx(645, rel=0.03)
    assert total["launched_ballistic"] - total["launched_s300"] == pytest.approx(645 - 87)
    for family in FAMILIES:  # families are their subtypes' sums on the real data too
        members = [s for s, f in observed.family_of.items() if f == family]
        assert total[f"launched_{family}"] == pytest.approx(sum(total[f"launched_{s}"] for s in members))
