"""Designs, common random numbers, daily outputs and the EMA Workbench hand-off."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sweep_helpers as h

from experiments import run_sweep
from experiments.sweep.design import SweepPlan, design_table, replication_seed, run_id, unit_sample
from experiments.sweep.spec import load_spec, parse_spec
from model import AirCampaign, build_scenario


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """A serial sweep of the standard spec, and its spec file."""
    folder = tmp_path_factory.mktemp("swept")
    spec = h.write_spec(folder)
    return run_sweep(spec, folder / "out", workers=1, progress=False), spec


# ---------------------------------------------------------------- 8. designs

INT = {"name": "salvo", "path": "attacker.salvo.swarm_size[1]", "range": [400, 1200]}
FLOAT = {"name": "kp", "path": "catalog.interceptors.pac3_mse.kill_probability.ballistic", "range": [0.3, 0.95]}
DATE = {"name": "pause_start", "path": "timeline[0].start", "range": [date(2025, 3, 1), date(2025, 9, 30)]}
FLOAT2 = {"name": "ew", "path": "catalog.battery_types.ew.ew_share.drone", "range": [0.0, 0.5]}


def spec_of(kind: str, factors: list[dict], samples: int = 16, root_seed: int = 11, **design):
    """A spec as plain data, parsed; the design is all that is used."""
    return parse_spec({"name": kind, "scenario": "long-pause", "replications": 1, "root_seed": root_seed,
                       "design": {"kind": kind, "samples": samples, **design}, "factors": factors})


def test_full_factorial_has_the_product_of_level_counts():
    factors = [{"name": "a", "path": "x", "values": [1, 2]}, {"name": "b", "path": "y", "values": [0.1, 0.2, 0.3]},
               {"name": "c", "path": "z", "values": [[1], [2], [3], [4]]}]
    table = design_table(spec_of("full_factorial", factors))
    assert len(table) == 2 * 3 * 4
    assert list(table.columns) == ["point", "a", "b", "c"]
    assert list(table.point) == list(range(24))
    assert not table[["a", "b"]].assign(c=table.c.map(tuple)).duplicated().any()
    assert set(table.a) == {1, 2} and set(table.b) == {0.1, 0.2, 0.3}


def _stratified(values, low, high) -> bool:
    """Each of n equal bins of [low, high] holds exactly one of the n values."""
    n = len(values)
    bins = np.floor((np.asarray(values, dtype=float) - low) / (high - low) * n).astype(int)
    return sorted(bins) == list(range(n))


def test_latin_hypercube_points_are_in_range_rounded_and_stratified():
    n = 20
    table = design_table(spec_of("latin_hypercube", [INT, FLOAT, DATE, FLOAT2], samples=n))
    assert len(table) == n
    assert all(type(v) is int and 400 <= v <= 1200 for v in table.salvo)
    assert all(isinstance(v, float) and 0.3 <= v <= 0.95 for v in table.kp)
    assert all(type(v) is date and date(2025, 3, 1) <= v <= date(2025, 9, 30) for v in table.pause_start)
    for factor in (FLOAT, FLOAT2):
        assert _stratified(table[factor["name"]], *factor["range"]), factor["name"]
    # whole numbers and days are rounded from a stratified sample too: at most one point per bin, give or take
    assert table.salvo.nunique() == n and table.pause_start.nunique() == n


def test_latin_hypercube_with_a_list_of_values_picks_from_it():
    factors = [FLOAT, {"name": "mix", "path": "attacker.salvo.swarm_mix",
                       "values": [{"drone": 0.8, "decoy": 0.2}, {"drone": 0.4, "decoy": 0.6}]}]
    table = design_table(spec_of("latin_hypercube", factors, samples=10))
    assert len(table) == 10
    assert {tuple(sorted(m.items())) for m in table.mix} == {(("decoy", 0.2), ("drone", 0.8)),
                                                            (("decoy", 0.6), ("drone", 0.4))}


@pytest.mark.parametrize(("kind", "n", "rows"), [("sobol", 8, lambda n, d: n * (d + 2)),
                                                 ("morris", 5, lambda n, d: n * (d + 1))])
def test_sobol_and_morris_sizes_and_ranges(kind, n, rows):
    factors = [INT, FLOAT, FLOAT2]
    table = design_table(spec_of(kind, factors, samples=n))
    assert len(table) == rows(n, len(factors))
    for factor in factors:
        low, high = factor["range"]
        assert table[factor["name"]].between(low, high).all()
    assert all(type(v) is int for v in table.salvo)


def test_morris_values_sit_on_the_grid_levels():
    table = design_table(spec_of("morris", [FLOAT, FLOAT2], samples=4, levels=4))
    for factor in (FLOAT, FLOAT2):
        low, high = factor["range"]
        units = (table[factor["name"]] - low) / (high - low)
        assert np.allclose(units * 3, np.round(units * 3))  # on 0, 1/3, 2/3, 1


@pytest.mark.parametrize(("kind", "samples"), [("latin_hypercube", 12), ("sobol", 8), ("morris", 4)])
def test_sampled_designs_are_reproducible_and_depend_on_the_root_seed(kind, samples):
    factors = [INT, FLOAT, DATE]
    first = design_table(spec_of(kind, factors, samples=samples, root_seed=11))
    again = design_table(spec_of(kind, factors, samples=samples, root_seed=11))
    other = design_table(spec_of(kind, factors, samples=samples, root_seed=12))
    pd.testing.assert_frame_equal(first, again)
    assert len(other) == len(first)
    assert not first.drop(columns="point").equals(other.drop(columns="point"))
    assert not np.array_equal(first.kp.to_numpy(), other.kp.to_numpy())


def test_halton_is_the_seeded_scrambled_sequence_inside_the_unit_cube():
    factors = [INT, FLOAT, DATE]
    unit = unit_sample(spec_of("halton", factors, samples=25, root_seed=11))
    assert unit.shape == (25, 3)
    assert ((unit >= 0.0) & (unit < 1.0)).all()
    np.testing.assert_array_equal(unit, unit_sample(spec_of("halton", factors, samples=25, root_seed=11)))
    assert not np.array_equal(unit, unit_sample(spec_of("halton", factors, samples=25, root_seed=12)))
    # factor k runs in the k-th prime base: the first b**m points hold one point in each of b**m equal bins
    for k, base in enumerate((2, 3, 5)):
        for n in (base, base**2):
            assert sorted(np.floor(unit[:n, k] * n).astype(int)) == list(range(n)), (k, n)
    table = design_table(spec_of("halton", factors, samples=25, root_seed=11))
    assert len(table) == 25 and all(type(v) is int and 400 <= v <= 1200 for v in table.salvo)
    assert all(type(v) is date and date(2025, 3, 1) <= v <= date(2025, 9, 30) for v in table.pause_start)


def test_a_halton_sweep_runs_end_to_end(tmp_path):
    h.write_scenario(tmp_path)
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "halton"\nscenario = "short.toml"\nreplications = 1\nroot_seed = 3\n'
                    '[design]\nkind = "halton"\nsamples = 3\n'
                    '[[factors]]\nname = "salvo_max"\npath = "attacker.salvo.swarm_size[1]"\nrange = [400, 1200]\n'
                    '[[factors]]\nname = "kp"\npath = "catalog.interceptors.pac3_mse.kill_probability.ballistic"\n'
                    'range = [0.5, 0.9]\n')
    result = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert result.computed == 3 and result.failed == 0
    design = SweepPlan(load_spec(spec)).design
    assert sorted(result.runs.salvo_max) == sorted(design.salvo_max)
    assert result.runs.kp.between(0.5, 0.9).all()


def test_sampled_design_runs_end_to_end_with_dates(tmp_path):
    """A Latin hypercube over a date and a number, on a short scenario with a pause in it."""
    (tmp_path / "pause.toml").write_text(
        'extends = "long-pause"\nend = 2025-02-28\nensemble = "none"\n[[timeline]]\nevent = "pause"\n'
        'supplier = "us-pac3"\nstart = 2025-01-10\ndays = 20\n')  # the timeline replaced: the ensemble's paths go
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "lhs"\nscenario = "pause.toml"\nreplications = 2\nroot_seed = 3\n'
                    '[design]\nkind = "latin_hypercube"\nsamples = 3\n'
                    '[[factors]]\nname = "pause_start"\npath = "timeline[0].start"\n'
                    "range = [2025-01-05, 2025-02-10]\n"
                    '[[factors]]\nname = "pause_days"\npath = "timeline[0].days"\nrange = [5, 30]\n')
    result = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert result.computed == 6 and result.failed == 0
    runs = result.runs
    assert runs.pause_start.map(lambda d: date(2025, 1, 5) <= pd.Timestamp(d).date() <= date(2025, 2, 10)).all()
    assert runs.pause_days.between(5, 30).all()
    design = SweepPlan(parse_spec(
        {"name": "lhs", "scenario": str(tmp_path / "pause.toml"), "replications": 2, "root_seed": 3,
         "design": {"kind": "latin_hypercube", "samples": 3},
         "factors": [{"name": "pause_start", "path": "timeline[0].start", "range": [date(2025, 1, 5),
                                                                                    date(2025, 2, 10)]},
                     {"name": "pause_days", "path": "timeline[0].days", "range": [5, 30]}]})).design
    assert sorted(runs.pause_days.unique()) == sorted(design.pause_days)


# ---------------------------------------------------------------- 6. common random numbers


def test_replication_r_has_the_same_seed_at_every_point(swept):
    runs = swept[0].runs
    assert (runs.groupby("replication").seed.nunique() == 1).all()
    per_replication = runs.groupby("replication").seed.first()
    assert per_replication.nunique() == h.REPLICATIONS
    assert runs.groupby("point").seed.nunique().eq(h.REPLICATIONS).all()


def test_seeds_come_from_the_root_seed_as_documented():
    seeds = [replication_seed(h.ROOT_SEED, r) for r in range(50)]
    assert len(set(seeds)) == 50
    assert seeds == [replication_seed(h.ROOT_SEED, r) for r in range(50)]
    assert all(type(s) is int and 0 <= s < 2**63 for s in seeds)  # every seed fits an int64 column
    assert replication_seed(h.ROOT_SEED + 1, 0) != seeds[0]


def test_plan_runs_carry_the_replication_seed(swept):
    plan = SweepPlan(parse_spec(
        {"name": "x", "scenario": str(swept[1].parent / "short.toml"), "replications": h.REPLICATIONS,
         "root_seed": h.ROOT_SEED, "factors": [{"name": "a", "path": "attacker.salvo.swarm_size[1]",
                                                "values": [400, 800]}]}))
    runs = plan.runs()
    assert [r.run_id for r in runs] == [run_id(p, r) for p in range(2) for r in range(h.REPLICATIONS)]
    assert all(r.seed == replication_seed(h.ROOT_SEED, r.replication) for r in runs)


def test_stored_seed_is_exactly_the_replication_seed(swept):
    runs = swept[0].runs
    assert pd.api.types.is_integer_dtype(runs.seed), runs.seed.dtype
    for row in runs.itertuples():
        assert int(row.seed) == replication_seed(h.ROOT_SEED, row.replication), row.run_id


def _python(value):
    return value.item() if hasattr(value, "item") else value


@pytest.mark.parametrize("which", ["p000003-r00002", "p000000-r00001"])
def test_rerunning_one_row_reproduces_its_summary(swept, which):
    result, spec_path = swept
    row = result.runs[result.runs.run_id == which].to_dict("records")[0]  # keeps each column's type
    plan = SweepPlan(load_spec(spec_path))
    values = {name: _python(row[name]) for name in h.FACTOR_NAMES}
    scenario = build_scenario(plan.scenario_data(values), plan.scenario_source)
    seed = row["seed"]  # the stored seed, as a user would take it from the table
    assert seed == replication_seed(h.ROOT_SEED, row["replication"])
    summary = AirCampaign(scenario, rng=seed).run().summary()
    for key, value in summary.items():
        stored = _python(row[key])
        assert stored == value or (isinstance(value, float) and math.isnan(value) and math.isnan(stored)), key


# ---------------------------------------------------------------- 10. daily outputs


def test_daily_table_has_ids_dates_and_exactly_the_columns_asked_for(swept):
    daily = swept[0].daily()
    assert list(daily.columns) == ["run_id", "day", "date", *h.DAILY]
    assert len(daily) == h.RUNS * h.DAYS
    per_run = daily.groupby("run_id")
    assert per_run.size().eq(h.DAYS).all()
    assert set(daily.run_id) == set(swept[0].runs.run_id)
    assert per_run.day.apply(lambda d: list(d) == list(range(h.DAYS))).all()
    dates = pd.to_datetime(daily.date)
    assert dates.min() == pd.Timestamp("2025-01-01") and dates.max() == pd.Timestamp("2025-02-28")
    assert (dates - pd.Timestamp("2025-01-01")).dt.days.equals(daily.day.astype("int64"))
    assert swept[0].daily(["leaked_ballistic"]).columns.tolist() == ["run_id", "day", "leaked_ballistic"]
    pd.testing.assert_frame_equal(swept[0].daily(["leaked_ballistic"]), daily[["run_id", "day", "leaked_ballistic"]])


def test_daily_values_match_the_campaign_and_the_summary(swept):
    result, spec_path = swept
    runs = result.runs.set_index("run_id")
    daily = result.daily()
    one = daily[daily.run_id == "p000001-r00002"]
    assert one.leaked_ballistic.sum() == runs.loc["p000001-r00002", "leaked_ballistic"]
    assert one.stock_pac3_mse.min() == runs.loc["p000001-r00002", "min_stock_pac3_mse"]


def test_no_daily_outputs_means_no_daily_table(tmp_path):
    spec = h.write_spec(tmp_path, daily=[])
    result = run_sweep(spec, tmp_path / "out", workers=1, progress=False)
    assert result.computed == h.RUNS
    assert list((tmp_path / "out" / "daily").glob("*.parquet")) == []
    assert len(result.daily()) == 0


# ---------------------------------------------------------------- 9. EMA Workbench


def test_to_ema_is_aligned_and_accepted_by_ema_workbench(swept):
    pytest.importorskip("ema_workbench")
    from ema_workbench.analysis import feature_scoring, prim

    result = swept[0]
    experiments, outcomes = result.to_ema()
    runs = result.runs
    assert isinstance(experiments, pd.DataFrame) and len(experiments) == len(runs) == h.RUNS
    assert list(experiments.columns) == [*h.FACTOR_NAMES, "seed"]
    assert experiments.index.equals(pd.RangeIndex(h.RUNS))
    assert {"leaked_ballistic", "damage", "cost_exchange_ratio"} <= set(outcomes)
    assert not {"run_id", "point", "replication", "seed", *h.FACTOR_NAMES} & set(outcomes)
    for name, values in outcomes.items():
        assert isinstance(values, np.ndarray) and values.shape == (h.RUNS,), name
        np.testing.assert_array_equal(values, runs[name].to_numpy())
    np.testing.assert_array_equal(experiments.salvo_max.to_numpy(), runs.salvo_max.to_numpy())

    x = experiments[h.FACTOR_NAMES]
    chosen = {k: outcomes[k] for k in ("leaked_ballistic", "damage")}
    scores = feature_scoring.get_feature_scores_all(x, chosen, nr_trees=20, random_state=1)
    assert set(scores.index) == set(h.FACTOR_NAMES) and set(scores.columns) == set(chosen)
    assert np.isfinite(scores.to_numpy()).all()

    y = outcomes["leaked_ballistic"] > np.median(outcomes["leaked_ballistic"])
    assert 0 < y.sum() < len(y)
    box = prim.Prim(x.astype(float), y).find_box()
    assert box is not None
