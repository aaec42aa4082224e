"""Sweep analysis: intervals, paired differences, slopes, fans, sensitivity indices and PRIM boxes.

Every expectation is worked out by hand (or from the formula) on small tables
built here; no simulation runs.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.sweep.design import unit_sample
from experiments.sweep.layout import FactorColumn, SweepLayout
from experiments.sweep.spec import parse_spec

QS = (0.05, 0.25, 0.5, 0.75, 0.95)
Q_NAMES = ["q05", "q25", "q50", "q75", "q95"]


def runs_table(rows: list[dict], factors: list[str], outcomes: list[str]) -> pd.DataFrame:
    """A sweep's runs table: run_id, point, replication, seed, the factors, days, the outcomes (in that order).

    Like one read from a results folder, it carries its layout (which columns are factors).
    """
    table = pd.DataFrame(rows)
    points = {key: k for k, key in enumerate(dict.fromkeys(map(tuple, table[factors].to_numpy().tolist())))}
    table["point"] = [points[tuple(v)] for v in table[factors].to_numpy().tolist()]
    table["run_id"] = [f"p{p:06d}-r{r:05d}" for p, r in zip(table.point, table.replication, strict=True)]
    table["seed"] = 1000 + table.replication
    table["days"] = 30
    return SweepLayout([FactorColumn(name) for name in factors]).attach(
        table[["run_id", "point", "replication", "seed", *factors, "days", *outcomes]])


def shuffled(table: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The same rows in another order (pairing must not depend on row order)."""
    return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)


# ---------------------------------------------------------------- describe


def test_describe_mean_sd_and_t_interval_of_a_tiny_sample():
    out = analysis.describe([1, 2, 3, 4])
    sd = math.sqrt(5 / 3)  # squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1 = 3
    half = stats.t.ppf(0.975, 3) * sd / math.sqrt(4)
    assert out["n"] == 4
    assert out["mean"] == pytest.approx(2.5)
    assert out["sd"] == pytest.approx(sd)
    assert out["sd"] == pytest.approx(1.2909944, abs=1e-7)
    assert out["ci_low"] == pytest.approx(2.5 - half)
    assert out["ci_high"] == pytest.approx(2.5 + half)
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((0.4457397, 4.5542603), abs=1e-6)  # t(0.975, 3) = 3.1824463


def test_describe_other_confidence_level_uses_its_t_quantile():
    out = analysis.describe([1, 2, 3, 4], confidence=0.9)
    half = stats.t.ppf(0.95, 3) * math.sqrt(5 / 3) / 2
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((2.5 - half, 2.5 + half))
    assert out["ci_high"] - out["ci_low"] < 4.5542603 - 0.4457397


def test_describe_quantiles_match_numpy():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    out = analysis.describe(values)
    for q, name in zip(QS, Q_NAMES, strict=True):
        assert out[name] == pytest.approx(np.quantile(values, q)), name
    assert out["q50"] == pytest.approx(3.5)


def test_describe_drops_nan_before_everything():
    with_nan = analysis.describe([np.nan, 1, 2, np.nan, 3, 4])
    pd.testing.assert_series_equal(with_nan, analysis.describe([1, 2, 3, 4]))
    assert with_nan["n"] == 4


def test_describe_one_value_has_a_mean_but_no_interval():
    out = analysis.describe([7.0, np.nan])
    assert out["n"] == 1 and out["mean"] == 7.0
    assert math.isnan(out["sd"]) and math.isnan(out["ci_low"]) and math.isnan(out["ci_high"])
    assert all(out[name] == 7.0 for name in Q_NAMES)


def test_describe_no_values_is_all_nan():
    out = analysis.describe([np.nan, np.nan])
    assert out["n"] == 0
    assert out.drop("n").isna().all()


def test_describe_constant_sample_has_zero_width_interval():
    out = analysis.describe([2.0, 2.0, 2.0])
    assert out["sd"] == 0.0 and out["ci_low"] == out["ci_high"] == 2.0


# ---------------------------------------------------------------- outcome_table


@pytest.fixture
def two_factor_runs() -> pd.DataFrame:
    """shots in {1, 2}, radar in {"a", "b"}, three replications; leaked = 10*shots + radar bonus + replication."""
    rows = [{"replication": r, "shots": s, "radar": radar, "leaked": 10.0 * s + (5.0 if radar == "b" else 0.0) + r}
            for s in (1, 2) for radar in ("a", "b") for r in (0, 1, 2)]
    return shuffled(runs_table(rows, ["shots", "radar"], ["leaked"]))


def test_outcome_table_over_all_runs_is_one_row(two_factor_runs):
    table = analysis.outcome_table(two_factor_runs, "leaked")
    assert len(table) == 1
    pd.testing.assert_series_equal(table.iloc[0], analysis.describe(two_factor_runs.leaked), check_names=False)
    # 10*1.5 + 2.5 + 1 = 18.5
    assert table.iloc[0]["mean"] == pytest.approx(18.5) and table.iloc[0]["n"] == 12


def test_outcome_table_by_one_factor(two_factor_runs):
    table = analysis.outcome_table(two_factor_runs, "leaked", by=["shots"])
    assert list(table.shots) == [1, 2]
    assert list(table.n) == [6, 6]
    # shots=1: values 10, 11, 12, 15, 16, 17 -> mean 13.5; shots=2 is 10 more
    assert table["mean"].tolist() == pytest.approx([13.5, 23.5])
    expected = analysis.describe([10, 11, 12, 15, 16, 17])
    for column in ["sd", "ci_low", "ci_high", *Q_NAMES]:
        assert table.loc[0, column] == pytest.approx(expected[column]), column


def test_outcome_table_by_two_factors(two_factor_runs):
    table = analysis.outcome_table(two_factor_runs, "leaked", by=["shots", "radar"])
    assert len(table) == 4
    assert list(zip(table.shots, table.radar, strict=True)) == [(1, "a"), (1, "b"), (2, "a"), (2, "b")]
    assert list(table.n) == [3, 3, 3, 3]
    assert table["mean"].tolist() == pytest.approx([11.0, 16.0, 21.0, 26.0])  # replications 0, 1, 2 add 1 on average
    assert table["sd"].tolist() == pytest.approx([1.0] * 4)
    half = stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3)
    assert (table.ci_high - table["mean"]).tolist() == pytest.approx([half] * 4)


def test_outcome_table_counts_only_present_values():
    rows = [{"replication": r, "shots": 1, "stockout_day": v} for r, v in enumerate([5.0, np.nan, 7.0])]
    table = analysis.outcome_table(runs_table(rows, ["shots"], ["stockout_day"]), "stockout_day", by=["shots"])
    assert table.loc[0, "n"] == 2 and table.loc[0, "mean"] == pytest.approx(6.0)


def test_outcome_table_missing_outcome_or_factor_is_named(two_factor_runs):
    with pytest.raises(AnalysisError, match="no column not_there") as error:
        analysis.outcome_table(two_factor_runs, "not_there")
    assert "leaked" in str(error.value)  # and says what there is
    with pytest.raises(AnalysisError, match="no column nope"):
        analysis.outcome_table(two_factor_runs, "leaked", by=["nope"])


def test_outcome_table_of_no_runs_is_an_error(two_factor_runs):
    with pytest.raises(AnalysisError, match="no finished runs"):
        analysis.outcome_table(two_factor_runs.iloc[0:0], "leaked", by=["shots"])


# ---------------------------------------------------------------- paired_differences

# (replication, env) -> leaked for policy 1, 2, 3; policy 3 is missing (NaN) in the last cell.
PAIRED = {
    (0, 10): (10.0, 13.0, 11.0),
    (0, 20): (20.0, 22.0, 25.0),
    (1, 10): (30.0, 34.0, 31.0),
    (1, 20): (40.0, 41.0, 46.0),
    (2, 10): (50.0, 52.0, 50.0),
    (2, 20): (60.0, 63.0, np.nan),
}
DIFF_2 = [3.0, 2.0, 4.0, 1.0, 2.0, 3.0]  # policy 2 - policy 1, pair by pair
DIFF_3 = [1.0, 5.0, 1.0, 6.0, 0.0]  # policy 3 - policy 1, the last pair missing


def paired_table() -> pd.DataFrame:
    """The PAIRED outcomes as a runs table in design order (policy first, then env; replications within)."""
    rows = [{"replication": r, "policy": p, "env": env, "leaked": PAIRED[(r, env)][p - 1]}
            for p in (1, 2, 3) for env in (10, 20) for r in range(3)]
    return runs_table(rows, ["policy", "env"], ["leaked"])


@pytest.fixture
def paired_runs() -> pd.DataFrame:
    """The PAIRED runs in a scrambled row order: pairing must not lean on it."""
    return shuffled(paired_table(), seed=3)


def test_paired_differences_default_baseline_is_the_lowest_level_in_any_row_order(paired_runs):
    for table in (paired_table(), paired_runs):
        diffs = analysis.paired_differences(table, "leaked", "policy")
        assert list(diffs.level) == [2, 3] and (diffs.baseline == 1).all()
        assert diffs["mean"].tolist() == pytest.approx([2.5, 2.6])


def test_paired_differences_pair_by_replication_and_other_factors(paired_runs):
    table = analysis.paired_differences(paired_runs, "leaked", "policy", baseline=1)
    table = table.sort_values("level", ignore_index=True)
    assert list(table.level) == [2, 3]
    assert (table.baseline == 1).all() and (table.factor == "policy").all()
    for row, diffs in zip(table.itertuples(), (DIFF_2, DIFF_3), strict=True):
        expected = analysis.describe(diffs)
        assert row.n == len(diffs)
        for column in ["mean", "sd", "ci_low", "ci_high", *Q_NAMES]:
            assert getattr(row, column) == pytest.approx(expected[column]), column
    assert table.loc[0, "mean"] == pytest.approx(2.5) and table.loc[0, "sd"] == pytest.approx(math.sqrt(1.1))
    assert table.loc[1, "mean"] == pytest.approx(2.6)
    # the unpaired difference of means is another number altogether: 32.6 - 35 = -2.4
    unpaired = paired_runs[paired_runs.policy == 3].leaked.mean() - paired_runs[paired_runs.policy == 1].leaked.mean()
    assert unpaired == pytest.approx(-2.4)


def test_paired_differences_other_baseline(paired_runs):
    table = analysis.paired_differences(paired_runs, "leaked", "policy", baseline=3)
    assert sorted(table.level) == [1, 2] and (table.baseline == 3).all()
    table = table.sort_values("level", ignore_index=True)
    # only the five pairs where policy 3 has a value
    assert list(table.n) == [5, 5]
    assert table.loc[0, "mean"] == pytest.approx(-2.6)
    assert table.loc[1, "mean"] == pytest.approx(np.mean([2.0, -3.0, 3.0, -5.0, 2.0]))


def test_paired_differences_with_string_levels_default_to_the_first_in_sorted_order():
    rows = [{"replication": r, "doctrine": d, "leaked": 10.0 * r + {"one": 0.0, "two": 1.0, "salvo": 4.0}[d] + r * r}
            for r in range(4) for d in ("one", "two", "salvo")]
    table = analysis.paired_differences(runs_table(rows, ["doctrine"], ["leaked"]), "leaked", "doctrine")
    assert list(table.level) == ["salvo", "two"] and (table.baseline == "one").all()
    assert table["mean"].tolist() == pytest.approx([4.0, 1.0])
    assert table["sd"].tolist() == pytest.approx([0.0, 0.0])  # replication noise cancels in the pairs


def test_paired_differences_unknown_baseline_names_the_levels():
    rows = [{"replication": r, "doctrine": d, "leaked": 1.0} for r in range(2) for d in ("one", "two")]
    with pytest.raises(AnalysisError, match="doctrine") as error:
        analysis.paired_differences(runs_table(rows, ["doctrine"], ["leaked"]), "leaked", "doctrine",
                                    baseline="three")
    assert "'three'" in str(error.value) and "one" in str(error.value) and "two" in str(error.value)


def test_paired_differences_unknown_numeric_baseline_lists_plain_levels(paired_runs):
    with pytest.raises(AnalysisError) as error:
        analysis.paired_differences(paired_runs, "leaked", "policy", baseline=7)
    assert "[1, 2, 3]" in str(error.value)


def test_paired_differences_unknown_numeric_baseline_is_an_error(paired_runs):
    with pytest.raises(AnalysisError, match="policy = 7 is not among its levels"):
        analysis.paired_differences(paired_runs, "leaked", "policy", baseline=7)


def test_paired_differences_with_named_factors_on_a_plain_table(paired_runs):
    plain = pd.DataFrame(paired_runs[["replication", "policy", "env", "leaked"]].to_dict("list"))  # no layout
    with pytest.raises(AnalysisError, match="factors="):
        analysis.paired_differences(plain, "leaked", "policy")
    table = analysis.paired_differences(plain, "leaked", "policy", baseline=1, factors=["policy", "env"])
    assert table["mean"].tolist() == pytest.approx([2.5, 2.6]) and list(table.n) == [6, 5]


def test_paired_differences_missing_outcome_or_empty_runs(paired_runs):
    with pytest.raises(AnalysisError, match="no column shortfall"):
        analysis.paired_differences(paired_runs, "shortfall", "policy")
    with pytest.raises(AnalysisError, match="no finished runs"):
        analysis.paired_differences(paired_runs.iloc[0:0], "leaked", "policy")


# ---------------------------------------------------------------- effect_per_unit

X_LEVELS = (0.0, 1.0, 2.0, 4.0)
NOISE = {(0, "hi"): 7.0, (0, "lo"): -3.0, (1, "hi"): 11.0, (1, "lo"): 0.5, (2, "hi"): -8.0, (2, "lo"): 2.0}


def slope_runs(slopes: dict[str, float]) -> pd.DataFrame:
    """outcome = slope[env] * x + noise that is constant within a replication and env."""
    rows = [{"replication": r, "x": x, "env": env, "cost": slopes[env] * x + noise}
            for (r, env), noise in NOISE.items() for x in X_LEVELS]
    return shuffled(runs_table(rows, ["x", "env"], ["cost"]), seed=5)


def test_effect_per_unit_recovers_an_exact_slope():
    table = analysis.effect_per_unit(slope_runs({"hi": 3.0, "lo": 3.0}), "cost", "x", per=10)
    assert list(table.group) == ["all", "env=hi", "env=lo"]
    assert list(table.n) == [6, 3, 3]
    assert table["mean"].tolist() == pytest.approx([30.0] * 3)
    assert table["sd"].tolist() == pytest.approx([0.0] * 3, abs=1e-9)
    assert table.ci_low.tolist() == pytest.approx([30.0] * 3) and table.ci_high.tolist() == pytest.approx([30.0] * 3)


def test_effect_per_unit_groups_by_the_other_factors():
    table = analysis.effect_per_unit(slope_runs({"hi": 4.0, "lo": 2.0}), "cost", "x").set_index("group")
    assert table.loc["env=hi", "mean"] == pytest.approx(4.0)
    assert table.loc["env=lo", "mean"] == pytest.approx(2.0)
    assert table.loc["all", "mean"] == pytest.approx(3.0)
    assert table.loc["all", "sd"] == pytest.approx(math.sqrt(6 / 5))  # [2, 2, 2, 4, 4, 4]
    assert table.loc["all", "n"] == 6


def test_effect_per_unit_skips_pair_groups_with_a_missing_outcome():
    runs = slope_runs({"hi": 3.0, "lo": 3.0})
    runs.loc[(runs.replication == 1) & (runs.env == "lo") & (runs.x == 2.0), "cost"] = np.nan
    table = analysis.effect_per_unit(runs, "cost", "x").set_index("group")
    assert table.loc["all", "n"] == 5 and table.loc["env=lo", "n"] == 2 and table.loc["env=hi", "n"] == 3
    assert table.loc["all", "mean"] == pytest.approx(3.0)


def test_effect_per_unit_single_factor_has_only_the_all_row():
    rows = [{"replication": r, "x": x, "cost": -2.0 * x + r * r} for r in range(3) for x in (1, 3, 5)]
    table = analysis.effect_per_unit(runs_table(rows, ["x"], ["cost"]), "cost", "x", per=0.5)
    assert list(table.group) == ["all"]
    assert table.loc[0, "mean"] == pytest.approx(-1.0) and table.loc[0, "n"] == 3


def test_effect_per_unit_needs_two_values_of_the_factor():
    rows = [{"replication": r, "x": 1.0, "env": env, "cost": 1.0} for r in range(2) for env in ("a", "b")]
    with pytest.raises(AnalysisError, match="fewer than two values"):
        analysis.effect_per_unit(runs_table(rows, ["x", "env"], ["cost"]), "cost", "x")


def test_effect_per_unit_missing_outcome_or_empty_runs():
    runs = slope_runs({"hi": 3.0, "lo": 3.0})
    with pytest.raises(AnalysisError, match="no column price"):
        analysis.effect_per_unit(runs, "price", "x")
    with pytest.raises(AnalysisError, match="no finished runs"):
        analysis.effect_per_unit(runs.iloc[0:0], "cost", "x")


# ---------------------------------------------------------------- fan and paused_share

DATES = pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"])
STOCK = {  # run -> stock on the three dates
    "r0": [100.0, 90.0, 80.0],
    "r1": [100.0, 70.0, 20.0],
    "r2": [100.0, 95.0, np.nan],
    "r3": [100.0, 60.0, 55.0],
    "r4": [100.0, 81.0, 3.0],
}


@pytest.fixture
def daily() -> pd.DataFrame:
    rows = [{"run_id": run, "day": d, "date": DATES[d], "stock": values[d],
             "flowing_us": (run, d) not in {("r0", 1), ("r1", 1), ("r1", 2), ("r3", 2)},
             "flowing_eu": d == 0 or run == "r4"}
            for run, values in STOCK.items() for d in range(3)]
    return shuffled(pd.DataFrame(rows), seed=7)


def test_fan_quantiles_across_runs_per_date(daily):
    out = analysis.fan(daily, "stock")
    assert list(out.index) == list(DATES) and out.index.name == "date"
    assert list(out.columns) == [*Q_NAMES, "mean"]
    for d in range(3):
        values = np.array([v[d] for v in STOCK.values()])
        values = values[~np.isnan(values)]
        for q, name in zip(QS, Q_NAMES, strict=True):
            assert out.iloc[d][name] == pytest.approx(np.quantile(values, q)), (d, name)
        assert out.iloc[d]["mean"] == pytest.approx(values.mean())
    assert out.iloc[0].tolist() == pytest.approx([100.0] * 6)
    assert out.iloc[1]["q50"] == pytest.approx(81.0)
    assert out.iloc[2]["mean"] == pytest.approx((80 + 20 + 55 + 3) / 4)  # the missing value is left out


def test_fan_with_chosen_quantiles(daily):
    out = analysis.fan(daily, "stock", quantiles=(0.1, 0.9))
    assert list(out.columns) == ["q10", "q90", "mean"]
    assert out.iloc[1]["q10"] == pytest.approx(np.quantile([90, 70, 95, 60, 81], 0.1))
    assert out.iloc[1]["q90"] == pytest.approx(np.quantile([90, 70, 95, 60, 81], 0.9))


def test_fan_missing_column(daily):
    with pytest.raises(AnalysisError, match="no column stock_gem"):
        analysis.fan(daily, "stock_gem")


def test_paused_share_per_date_and_supplier(daily):
    share = analysis.paused_share(daily)
    assert sorted(share.columns) == ["eu", "us"]
    assert list(share.index) == list(DATES)
    assert share["us"].tolist() == pytest.approx([0.0, 2 / 5, 2 / 5])
    assert share["eu"].tolist() == pytest.approx([0.0, 4 / 5, 4 / 5])


def test_paused_share_without_supplier_columns_is_empty(daily):
    assert analysis.paused_share(daily.drop(columns=["flowing_us", "flowing_eu"])).empty


# ---------------------------------------------------------------- sensitivity

SENS_FACTORS = [{"name": "u0", "path": "a.b", "range": [0.0, 1.0]},
                {"name": "u1", "path": "a.c", "range": [10, 20]},
                {"name": "u2", "path": "a.d", "range": [-5.0, 5.0]}]


def sens_spec(kind: str, samples: int, replications: int = 1, **design):
    """A spec as plain data, parsed; its scenario is never loaded."""
    return parse_spec({"name": f"sens-{kind}", "scenario": "long-pause", "replications": replications,
                       "root_seed": 17, "design": {"kind": kind, "samples": samples, **design},
                       "factors": SENS_FACTORS if kind != "full_factorial" else
                       [{"name": "u0", "path": "a.b", "values": [0, 1]}]})


def sens_runs(spec, noise: tuple[float, ...] = (0.0,)) -> pd.DataFrame:
    """outcome = 10*u0 + 1*u1 + 0*u2 on the unit design, plus a per-replication offset; rows shuffled."""
    unit = unit_sample(spec)
    rows = [{"replication": r, "point": p, "u0": u[0], "u1": u[1], "u2": u[2],
             "leaked": 10.0 * u[0] + 1.0 * u[1] + 0.0 * u[2] + offset}
            for p, u in enumerate(unit) for r, offset in enumerate(noise)]
    table = pd.DataFrame(rows)
    table["run_id"] = [f"p{p:06d}-r{r:05d}" for p, r in zip(table.point, table.replication, strict=True)]
    table["seed"] = 1
    table["days"] = 30
    table = table[["run_id", "point", "replication", "seed", "u0", "u1", "u2", "days", "leaked"]]
    return shuffled(table, seed=11)


@pytest.fixture(scope="module")
def sobol_spec():
    return sens_spec("sobol", 64)


def test_sobol_ranks_total_order_by_coefficient(sobol_spec):
    runs = sens_runs(sobol_spec)
    assert len(runs) == 64 * (3 + 2)
    table = analysis.sensitivity(runs, sobol_spec, "leaked")
    assert list(table.factor) == ["u0", "u1", "u2"]
    assert list(table.columns) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]
    st = table.set_index("factor").ST
    assert st["u0"] > st["u1"] > st["u2"]
    assert abs(st["u2"]) < 0.01
    # variance shares: 100/12 and 1/12 of 101/12
    assert st["u0"] == pytest.approx(100 / 101, abs=0.1)
    assert st["u1"] == pytest.approx(1 / 101, abs=0.02)


def test_sobol_averages_replications_per_point(sobol_spec):
    one = analysis.sensitivity(sens_runs(sobol_spec), sobol_spec, "leaked")
    two = analysis.sensitivity(sens_runs(sens_spec("sobol", 64, replications=2), noise=(1.0, -1.0)),
                               sobol_spec, "leaked")
    pd.testing.assert_frame_equal(one, two, atol=1e-9)


def test_sensitivity_needs_every_design_point(sobol_spec):
    runs = sens_runs(sobol_spec)
    with pytest.raises(AnalysisError, match="every design point"):
        analysis.sensitivity(runs[runs.point != 5], sobol_spec, "leaked")
    runs.loc[runs.point == 5, "leaked"] = np.nan
    with pytest.raises(AnalysisError, match="every design point"):
        analysis.sensitivity(runs, sobol_spec, "leaked")


def test_sensitivity_needs_a_sobol_or_morris_design(sobol_spec):
    with pytest.raises(AnalysisError, match="full_factorial"):
        analysis.sensitivity(sens_runs(sobol_spec), sens_spec("full_factorial", 1), "leaked")
    with pytest.raises(AnalysisError, match="latin_hypercube"):
        analysis.sensitivity(sens_runs(sobol_spec), sens_spec("latin_hypercube", 8), "leaked")


def test_sensitivity_missing_outcome_or_empty_runs(sobol_spec):
    runs = sens_runs(sobol_spec)
    with pytest.raises(AnalysisError, match="no column cost"):
        analysis.sensitivity(runs, sobol_spec, "cost")
    with pytest.raises(AnalysisError, match="no finished runs"):
        analysis.sensitivity(runs.iloc[0:0], sobol_spec, "leaked")


def test_morris_ranks_mu_star_by_coefficient():
    spec = sens_spec("morris", 12, levels=4)
    runs = sens_runs(spec)
    assert len(runs) == 12 * (3 + 1)
    table = analysis.sensitivity(runs, spec, "leaked")
    assert list(table.factor) == ["u0", "u1", "u2"]
    assert list(table.columns) == ["factor", "mu_star", "mu_star_conf", "sigma"]
    # a linear outcome's elementary effects are its coefficients, on every trajectory
    assert table.mu_star.tolist() == pytest.approx([10.0, 1.0, 0.0], abs=1e-9)
    assert table.sigma.tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)


def test_morris_missing_point_is_an_error():
    spec = sens_spec("morris", 6)
    runs = sens_runs(spec)
    with pytest.raises(AnalysisError, match="every design point"):
        analysis.sensitivity(runs[runs.point != 0], spec, "leaked")


# ---------------------------------------------------------------- discover


@pytest.fixture(scope="module")
def prim_case():
    """600 runs; the bad ones are exactly a > 0.7 with c in {v, w}; b is noise."""
    rng = np.random.default_rng(2024)
    n = 600
    a = rng.uniform(0.0, 1.0, n)
    b = rng.uniform(0.0, 1.0, n)
    c = rng.choice(["u", "v", "w", "x"], n)
    rows = [{"replication": 0, "a": a[i], "b": b[i], "c": str(c[i]), "leaked": 0.0} for i in range(n)]
    runs = runs_table(rows, ["a", "b", "c"], ["leaked"])
    bad = ((runs.a > 0.7) & runs.c.isin(["v", "w"])).to_numpy()
    return runs, bad


def _inside(runs: pd.DataFrame, found: analysis.Discovery) -> np.ndarray:
    """Which runs fall in the box, evaluated from its limits."""
    inside = np.ones(len(runs), dtype=bool)
    for row in found.limits.itertuples():
        if row.levels:
            inside &= runs[row.factor].isin(row.levels.split(", ")).to_numpy()
        else:
            inside &= runs[row.factor].between(row.low, row.high).to_numpy()
    return inside


def test_discover_finds_the_box_of_the_bad_runs(prim_case):
    runs, bad = prim_case
    found = analysis.discover(runs, ["a", "b", "c"], bad, min_density=0.95)
    limits = found.limits.set_index("factor")
    assert set(limits.index[limits.restricted]) == {"a", "c"}
    assert limits.loc["a", "low"] == pytest.approx(0.7, abs=0.05)
    assert limits.loc["c", "levels"] == "v, w"
    assert limits.loc["c", "full"] == "u, v, w, x"
    assert found.cases == int(bad.sum()) and found.runs == len(runs)
    for share in (found.coverage, found.density, found.mass):
        assert 0.0 <= share <= 1.0
    inside = _inside(runs, found)
    assert found.coverage * found.cases == pytest.approx((inside & bad).sum())
    assert found.density * found.mass * found.runs == pytest.approx((inside & bad).sum())
    assert found.mass * found.runs == pytest.approx(inside.sum())
    text = found.describe()
    assert "a in [" in text and "c in {v, w}" in text and "b in" not in text
    assert f"of {found.cases} bad runs" in text


def test_discover_default_takes_the_widest_box_dense_enough(prim_case):
    runs, bad = prim_case
    found = analysis.discover(runs, ["a", "b", "c"], bad)
    assert found.density >= 0.8
    assert found.coverage == pytest.approx(1.0)
    inside = _inside(runs, found)
    assert found.coverage * found.cases == pytest.approx((inside & bad).sum())
    assert found.mass * found.runs == pytest.approx(inside.sum())


def test_discover_falls_back_to_the_densest_box(prim_case):
    runs, bad = prim_case
    found = analysis.discover(runs, ["a", "b", "c"], bad, min_density=1.01)
    assert found.density == pytest.approx(1.0)


def test_discover_needs_both_kinds_of_runs(prim_case):
    runs, bad = prim_case
    with pytest.raises(AnalysisError, match="both kinds"):
        analysis.discover(runs, ["a", "b", "c"], np.zeros(len(runs), dtype=bool))
    with pytest.raises(AnalysisError, match="both kinds"):
        analysis.discover(runs, ["a", "b", "c"], np.ones(len(runs), dtype=bool))


def test_discover_missing_factor_is_named(prim_case):
    runs, bad = prim_case
    with pytest.raises(AnalysisError, match="no column zeta"):
        analysis.discover(runs, ["a", "zeta"], bad)
