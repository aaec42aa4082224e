"""The figures of `experiments.reporting.plots`, drawn from small hand-built tables and read back from matplotlib.

Each test builds the table a figure takes (a daily table of a few runs, or an
`experiments.analysis` table), draws it, and checks what was drawn: labels and
units, titles, lines and bands, pause shading, annotations and positions.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

from experiments import analysis  # noqa: E402
from experiments.reporting import plots  # noqa: E402

RUNS = 5
DAYS = 20
START = pd.Timestamp("2025-01-01")
PAUSE_LABEL = "us-pac3 paused (in at least half the runs)"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def make_daily(paused: dict[int, list[range]] | None = None, runs: int = RUNS) -> pd.DataFrame:
    """`runs` runs over DAYS days: two stock columns, two leaker classes and one supplier's flow.

    `paused` maps a run number to the day ranges in which its supplier `us-pac3` was paused.
    """
    rng = np.random.default_rng(11)
    paused = paused or {}
    rows = []
    for r in range(runs):
        pac3 = 200 - np.cumsum(rng.integers(0, 6, DAYS))
        gemt = 120 - np.cumsum(rng.integers(0, 4, DAYS))
        ballistic = rng.integers(0, 5, DAYS)
        drone = rng.integers(5, 40, DAYS)
        flowing = np.ones(DAYS, dtype=bool)
        for days in paused.get(r, []):
            flowing[list(days)] = False
        for d in range(DAYS):
            rows.append({"run_id": f"p000000-r{r:05d}", "day": d, "date": START + pd.Timedelta(days=d),
                         "stock_pac3_mse": int(pac3[d]), "stock_gem_t": int(gemt[d]),
                         "leaked_ballistic": int(ballistic[d]), "leaked_drone": int(drone[d]),
                         "flowing_us-pac3": bool(flowing[d])})
    return pd.DataFrame(rows)


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def band_collections(ax) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def span_days(patch) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a shaded span covers, as (first day, day after the last)."""
    box = patch.get_bbox()
    return tuple(pd.Timestamp(mdates.num2date(x)).tz_localize(None).normalize() for x in (box.x0, box.x1))


def floats(values) -> np.ndarray:
    """Plotted data as floats (matplotlib keeps what it was given, e.g. an object array from a Series)."""
    return np.asarray(values, dtype=float)


def day(n: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=n)


def assert_png(path) -> None:
    assert path.is_file() and path.stat().st_size > 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- stock_fan


def test_stock_fan_draws_a_median_and_two_bands_per_stock_column(tmp_path):
    daily = make_daily()
    fig = plots.stock_fan(daily)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "date"
    assert ax.get_ylabel() == "interceptors in stock (rounds, theatre total)"
    assert ax.get_title() == f"Interceptor stock by type, {RUNS} runs"
    assert [line.get_label() for line in ax.lines] == ["pac3_mse (median; 50%, 90% bands)",
                                                       "gem_t (median; 50%, 90% bands)"]
    assert legend_texts(ax) == [line.get_label() for line in ax.lines]
    assert len(band_collections(ax)) == 2 * 2  # a 90% and a 50% band per column
    assert ax.get_ylim()[0] == 0
    # the line is the median across runs, day by day
    expected = daily.pivot(index="date", columns="run_id", values="stock_pac3_mse").median(axis=1)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), expected.to_numpy())
    assert len(ax.lines[0].get_xdata()) == DAYS
    assert not ax.patches  # nobody paused
    fig.savefig(tmp_path / "stock.png")
    assert_png(tmp_path / "stock.png")


def test_stock_fan_takes_chosen_columns_and_title():
    fig = plots.stock_fan(make_daily(), ["stock_gem_t"], title="GEM-T only")
    (ax,) = fig.axes
    assert ax.get_title() == "GEM-T only"
    assert [line.get_label() for line in ax.lines] == ["gem_t (median; 50%, 90% bands)"]
    assert len(band_collections(ax)) == 2


def test_pauses_are_shaded_where_at_least_half_the_runs_are_paused():
    # runs 0-2 paused on days 3-6 (3 of 5), runs 0-2 again on days 12-15; run 4 alone on days 8-10 (1 of 5)
    daily = make_daily({0: [range(3, 7), range(12, 16)], 1: [range(3, 7), range(12, 16)],
                        2: [range(3, 7), range(12, 16)], 4: [range(8, 11)]})
    ax = plots.stock_fan(daily).axes[0]
    assert [span_days(p) for p in ax.patches] == [(day(3), day(7)), (day(12), day(16))]
    # one legend entry for the supplier, however many periods
    assert legend_texts(ax).count(PAUSE_LABEL) == 1


def test_exactly_half_the_runs_paused_is_shaded():
    daily = make_daily({0: [range(5, 9)], 1: [range(5, 9)]}, runs=4)
    ax = plots.stock_fan(daily).axes[0]
    assert [span_days(p) for p in ax.patches] == [(day(5), day(9))]
    assert PAUSE_LABEL in legend_texts(ax)


@pytest.mark.parametrize("paused", [{0: [range(5, 9)]}, {}], ids=["one-run-of-four", "none"])
def test_fewer_than_half_the_runs_paused_is_not_shaded(paused):
    daily = make_daily(paused, runs=4)
    for fig in (plots.stock_fan(daily), plots.leakers_over_time(daily)):
        for ax in fig.axes:
            assert not ax.patches
            assert PAUSE_LABEL not in legend_texts(ax)


def test_a_table_without_flowing_columns_has_no_shading():
    daily = make_daily({0: [range(5, 9)], 1: [range(5, 9)], 2: [range(5, 9)]})
    ax = plots.stock_fan(daily.drop(columns="flowing_us-pac3")).axes[0]
    assert not ax.patches
    assert len(ax.lines) == 2


def test_stock_fan_without_stock_columns_says_what_to_keep():
    daily = make_daily().drop(columns=["stock_pac3_mse", "stock_gem_t"])
    with pytest.raises(ValueError, match=r"no stock_ columns.*\[outputs\] daily"):
        plots.stock_fan(daily)
    assert not plt.get_fignums()  # nothing half-drawn is left open


# ---------------------------------------------------------------- leakers_over_time


def test_leakers_over_time_has_one_panel_per_class(tmp_path):
    daily = make_daily({0: [range(3, 7)], 1: [range(3, 7)], 2: [range(3, 7)]})
    fig = plots.leakers_over_time(daily)
    assert len(fig.axes) == 2
    assert fig.get_suptitle() == f"Threats that got through, by class, {RUNS} runs"
    for ax, name in zip(fig.axes, ["ballistic", "drone"], strict=True):
        assert ax.get_ylabel() == f"{name} leakers\nper night (7-day mean)"
        assert [line.get_label() for line in ax.lines] == [f"{name} (median; 50%, 90% bands)"]
        assert len(band_collections(ax)) == 2
        assert [span_days(p) for p in ax.patches] == [(day(3), day(7))]
        assert legend_texts(ax) == [f"{name} (median; 50%, 90% bands)", PAUSE_LABEL]
        assert ax.get_ylim()[0] == 0
    assert fig.axes[0].get_xlabel() == "" and fig.axes[-1].get_xlabel() == "date"
    fig.savefig(tmp_path / "leakers.png")
    assert_png(tmp_path / "leakers.png")


def test_leakers_are_a_rolling_mean_per_run_before_the_median():
    daily = make_daily()
    ax = plots.leakers_over_time(daily, ["leaked_drone"], rolling=3, title="drones").axes[0]
    assert ax.figure.get_suptitle() == "drones"
    assert ax.get_ylabel() == "drone leakers\nper night (3-day mean)"
    wide = daily.pivot(index="date", columns="run_id", values="leaked_drone")
    expected = wide.rolling(3, min_periods=1).mean().median(axis=1)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), expected.to_numpy())
    raw = plots.leakers_over_time(daily, ["leaked_drone"], rolling=1).axes[0]
    np.testing.assert_allclose(raw.lines[0].get_ydata(), wide.median(axis=1).to_numpy())


def test_leakers_over_time_without_leaked_columns_says_what_to_keep():
    daily = make_daily().drop(columns=["leaked_ballistic", "leaked_drone"])
    with pytest.raises(ValueError, match=r"no leaked_ columns.*\[outputs\] daily"):
        plots.leakers_over_time(daily)
    assert not plt.get_fignums()


# ---------------------------------------------------------------- tables of runs


def make_runs(replications: int = 4) -> pd.DataFrame:
    """A sweep's runs table: shots (1, 2) x reserve (0, 16, 32), with known effects and a little noise."""
    rng = np.random.default_rng(5)
    rows = []
    point = 0
    for shots in (1, 2):
        for reserve in (0, 16, 32):
            for r in range(replications):
                noise = rng.normal(0, 2)
                rows.append({"run_id": f"p{point:06d}-r{r:05d}", "point": point, "replication": r, "seed": 100 + r,
                             "shots": shots, "reserve": reserve, "days": 365,
                             "leaked": 100 + 10 * r + 8 * (shots - 1) - 0.5 * reserve + noise})
            point += 1
    return pd.DataFrame(rows)


def test_heatmap_annotates_every_cell_with_its_mean_and_interval(tmp_path):
    table = analysis.outcome_table(make_runs(), "leaked", ["shots", "reserve"])
    fig = plots.heatmap(table, "reserve", "shots", outcome="ballistic leakers", units="missiles per year")
    ax, colorbar = fig.axes
    assert ax.get_xlabel() == "reserve" and ax.get_ylabel() == "shots"
    assert ax.get_title() == "ballistic leakers: mean [95% CI] over reserve and shots"
    assert colorbar.get_ylabel() == "ballistic leakers (missiles per year)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "16", "32"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2"]
    assert len(ax.texts) == len(table) == 6
    by_position = {tuple(np.round(t.get_position()).astype(int)): t.get_text() for t in ax.texts}
    for row in table.itertuples():
        cell = (int([0, 16, 32].index(row.reserve)), int(row.shots - 1))
        mean, interval = by_position[cell].split("\n")
        assert mean == f"{row.mean:,.3g}"
        assert interval == f"[{row.ci_low:,.3g}, {row.ci_high:,.3g}]"
    image = ax.images[0].get_array()
    np.testing.assert_allclose(image, table.pivot(index="shots", columns="reserve", values="mean").to_numpy())
    fig.savefig(tmp_path / "heatmap.png")
    assert_png(tmp_path / "heatmap.png")


def test_heatmap_without_intervals_shows_means_only():
    table = analysis.outcome_table(make_runs(replications=1), "leaked", ["shots", "reserve"])  # n=1: no interval
    fig = plots.heatmap(table, "reserve", "shots")
    ax = fig.axes[0]
    assert len(ax.texts) == 6
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{m:,.3g}" for m in table["mean"])
    assert ax.get_title() == "mean: mean [95% CI] over reserve and shots"
    assert fig.axes[1].get_ylabel() == "mean"


def make_diffs() -> pd.DataFrame:
    runs = make_runs()
    return pd.concat([analysis.paired_differences(runs, "leaked", "shots", 1, factors=["shots", "reserve"]),
                      analysis.paired_differences(runs, "leaked", "reserve", 0, factors=["shots", "reserve"])],
                     ignore_index=True)


def test_paired_differences_plot_puts_each_mean_on_its_labelled_row(tmp_path):
    diffs = make_diffs()
    assert len(diffs) == 3
    fig = plots.paired_differences_plot(diffs, "ballistic leakers", "missiles per year")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "difference in ballistic leakers (missiles per year)"
    assert fig.get_suptitle() == "ballistic leakers: paired differences under common random numbers"
    ticks = {round(y): text.get_text() for y, text in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    # first row of the table at the top
    assert ticks == {2: "shots:\n2 vs 1", 1: "reserve:\n16 vs 0", 0: "reserve:\n32 vs 0"}
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    points = bars.lines[0]
    np.testing.assert_allclose(floats(points.get_xdata()), diffs["mean"])
    np.testing.assert_allclose(floats(points.get_ydata()), [2, 1, 0])
    # the horizontal error bars run from ci_low to ci_high
    segments = bars.lines[2][0].get_segments()
    ends = np.array([np.asarray(s, dtype=float)[:, 0] for s in segments])
    np.testing.assert_allclose(ends, diffs[["ci_low", "ci_high"]].to_numpy(dtype=float))
    medians = ax.collections[-1].get_offsets()
    np.testing.assert_allclose(medians[:, 0], diffs["q50"])
    assert sorted(legend_texts(ax)) == ["mean difference, 95% CI", "median difference"]
    fig.savefig(tmp_path / "diffs.png")
    assert_png(tmp_path / "diffs.png")


def test_paired_differences_plot_title_and_units_are_optional():
    fig = plots.paired_differences_plot(make_diffs(), "leakers", title="Each lever")
    ax = fig.axes[0]
    assert fig.get_suptitle() == "Each lever"
    assert ax.get_xlabel() == "difference in leakers"


SOBOL = pd.DataFrame({"factor": ["a", "b", "c", "d"], "S1": [0.1, 0.5, 0.02, 0.2],
                      "S1_conf": [0.05, 0.1, 0.01, 0.05], "ST": [0.2, 0.6, 0.05, 0.3],
                      "ST_conf": [0.1, 0.1, 0.02, 0.05]})
MORRIS = pd.DataFrame({"factor": ["a", "b", "c"], "mu_star": [3.0, 10.0, 1.0], "mu_star_conf": [1.0, 2.0, 0.5],
                       "sigma": [1.0, 4.0, 0.2]})


def ranked_labels(ax) -> list[str]:
    """The y tick labels from the top row down."""
    ticks = sorted(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True), reverse=True)
    return [label for _, label in ticks]


def test_sensitivity_plot_ranks_factors_by_total_order_index(tmp_path):
    fig = plots.sensitivity_plot(SOBOL, "value_weighted_damage")
    (ax,) = fig.axes
    assert ranked_labels(ax) == ["b", "d", "a", "c"]  # ST 0.6, 0.3, 0.2, 0.05: largest at the top
    assert ax.get_xlabel() == "Sobol index (share of variance, 95% CI)"
    assert ax.get_title() == "Sensitivity of value_weighted_damage, factors ranked"
    total, first = [c for c in ax.containers if isinstance(c, BarContainer)]
    by_factor = SOBOL.set_index("factor")
    order = ["c", "a", "d", "b"]  # bottom to top
    assert [bar.get_width() for bar in total] == pytest.approx(by_factor.loc[order, "ST"].to_list())
    assert [bar.get_width() for bar in first] == pytest.approx(by_factor.loc[order, "S1"].to_list())
    assert legend_texts(ax) == ["total-order index ST", "first-order index S1"]
    fig.savefig(tmp_path / "sobol.png")
    assert_png(tmp_path / "sobol.png")


def test_sensitivity_plot_of_morris_indices_ranks_by_mu_star():
    ax = plots.sensitivity_plot(MORRIS, "leaked").axes[0]
    assert ranked_labels(ax) == ["b", "a", "c"]
    assert ax.get_xlabel() == "Morris effect on leaked"
    assert legend_texts(ax) == ["mu* (mean absolute elementary effect)", "sigma (interactions, non-linearity)"]
    mu, sigma = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [bar.get_width() for bar in mu] == pytest.approx([1.0, 3.0, 10.0])
    assert [bar.get_width() for bar in sigma] == pytest.approx([0.2, 1.0, 4.0])


@pytest.fixture(scope="module")
def discovery():
    rng = np.random.default_rng(3)
    n = 400
    runs = pd.DataFrame({"salvo": rng.uniform(400, 1200, n), "interval": rng.integers(2, 15, n),
                         "mix": rng.choice(["light", "medium", "heavy"], n)})
    interesting = ((runs["salvo"] > 900) & (runs["mix"] != "light")).to_numpy()
    return analysis.discover(runs, ["salvo", "interval", "mix"], interesting)


def test_discovery_plot_marks_the_restricted_factors(discovery, tmp_path):
    limits = discovery.limits.set_index("factor")
    # the synthetic cases of interest are the large salvos that are not light
    assert limits["restricted"].to_dict() == {"salvo": True, "interval": False, "mix": True}
    fig = plots.discovery_plot(discovery, "value_weighted_damage")
    (ax,) = fig.axes
    assert ax.get_title() == (f"Where value_weighted_damage is worst: coverage {discovery.coverage:.0%}, "
                              f"density {discovery.density:.0%}")
    assert ax.get_xlabel() == "share of the factor's sampled range (red: restricted by the box)"
    assert ranked_labels(ax) == ["salvo", "interval", "mix"]
    rows = {round(y): t.get_text() for y, t in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)}
    red, blue = mcolors.to_rgba("C3", 0.8), mcolors.to_rgba("C0", 0.8)
    boxes = {}
    for patch in ax.patches:
        if patch.get_facecolor() == mcolors.to_rgba("lightgrey"):
            continue
        factor = rows[round(patch.get_y() + patch.get_height() / 2)]
        assert factor not in boxes
        boxes[factor] = patch
    assert set(boxes) == set(limits.index)
    for factor, patch in boxes.items():
        assert patch.get_facecolor() == pytest.approx(red if limits.loc[factor, "restricted"] else blue)
    # the salvo box starts where the box's low end sits in the full range
    low, high = (float(v) for v in limits.loc["salvo", "full"].strip("[]").split(","))
    assert boxes["salvo"].get_x() == pytest.approx((limits.loc["salvo", "low"] - low) / (high - low))
    assert boxes["salvo"].get_width() == pytest.approx(
        (limits.loc["salvo", "high"] - limits.loc["salvo", "low"]) / (high - low))
    texts = [t.get_text() for t in ax.texts]
    assert f"{limits.loc['salvo', 'low']:,.4g} .. {limits.loc['salvo', 'high']:,.4g}" in texts
    assert limits.loc["mix", "levels"] in texts  # categorical factors show their levels in the box
    fig.savefig(tmp_path / "prim.png")
    assert_png(tmp_path / "prim.png")


def test_cost_exchange_plot_puts_each_configuration_at_its_means(tmp_path):
    table = pd.DataFrame({"configuration": ["guns", "drones", "both"],
                          "cost_exchange_ratio_mean": [0.8, 1.3, 2.1], "cost_exchange_ratio_ci_low": [0.7, 1.1, 1.9],
                          "cost_exchange_ratio_ci_high": [0.9, 1.5, 2.3],
                          "value_protected_mean": [5e4, 6e4, 7.5e4], "value_protected_ci_low": [4.5e4, 5.2e4, 7e4],
                          "value_protected_ci_high": [5.5e4, 6.8e4, 8e4]})
    fig = plots.cost_exchange_plot(table)
    (ax,) = fig.axes
    assert ax.get_xlabel() == "cost-exchange ratio (defender USD spent per attacker USD launched)"
    assert ax.get_ylabel() == "value protected (value-weighted damage points averted)"
    assert ax.get_title() == "What each configuration costs, next to what it protects (mean, 95% CI)"
    (bars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    np.testing.assert_allclose(floats(bars.lines[0].get_xdata()), table["cost_exchange_ratio_mean"])
    np.testing.assert_allclose(floats(bars.lines[0].get_ydata()), table["value_protected_mean"])
    annotations = {t.get_text(): t.xy for t in ax.texts}
    assert set(annotations) == {"guns", "drones", "both"}
    for row in table.itertuples():
        assert annotations[row.configuration] == pytest.approx((row.cost_exchange_ratio_mean,
                                                                row.value_protected_mean))
    fig.savefig(tmp_path / "cost.png")
    assert_png(tmp_path / "cost.png")
